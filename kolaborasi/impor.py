"""Import of collaborative plan items (issue 15): one row per item of a plan document.

Natural key: plan document (its ID, shown on the plan page) + desa code + item name (compared
case- and space-insensitively) + target year. A row whose key matches a stored item **updates**
that item (the dry run shows what changes; an equal row is "tidak berubah" and is not written),
so importing the same file twice changes nothing. Two rows of the file with the same key, or
a key matching several stored items, are refused.

The criteria the item addresses are one cell, ``kode:volume`` pairs separated by ``;``
(``2b:300; 4b:250``, volumes in the criterion's unit and in the chosen number format); the
proposed funders one cell of stakeholder names separated by ``;``. A row describes its item
completely for the columns the file has: the criteria and funders listed replace the stored
ones; an optional column absent from the file keeps the stored value. An empty komponen /
jenis investasi / pendekatan cell means the model default for a new item and "unchanged" for
an existing one.

Who may: ``desa.akses.boleh_ubah_rencana`` (a desa's facilitators and Admin its RPLP; Admin
alone a kabupaten plan), per row. Items are saved through
:func:`kolaborasi.rencana.simpan_item` (the entry form's service); its rules are checked in
the dry run too so that every message lands on its row and column. An agreed plan
("disepakati") takes items like the form lets it (the service does not refuse it); the dry run
warns that the agreed plan changes.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import partial

from django.db.models import Prefetch, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from desa import akses
from desa.impor import (
    PENANDA_CONTOH,
    ImporGagal,
    pesan_desa_bukan_tugas,
    pesan_desa_tidak_dikenal,
)
from desa.models import AturanPenilaian, Desa, Kawasan, Kriteria, Lokasi
from inti.impor import nilai
from inti.impor.berkas import Tabel
from inti.impor.rencana import (
    BUAT,
    TETAP,
    UBAH,
    Baris,
    Galat,
    Item,
    Kolom,
    Rencana,
    cari_nama,
    nama_kunci,
    pesan_ubah,
    petakan_kolom,
    sama,
)
from inti.numbers import format_rupiah
from inti.services import ServiceError
from inti.tahun import PESAN_TAHUN, TAHUN_MAX, TAHUN_MIN
from inti.tampil import tampil

from .models import PemangkuKepentingan
from .models_rencana import (
    DokumenRencana,
    ItemKriteria,
    ItemRencana,
    JenisInvestasi,
    JenisRencana,
    Komponen,
    Pendekatan,
    StatusRencana,
)
from .rencana import simpan_item

JENIS = "rencana"
PEMISAH = ";"

KOLOM = [
    Kolom("dokumen", _l("ID dokumen rencana (tertera di halaman rencana), mis. 12"), True,
          ("id_dokumen", "dokumen_rencana", "id_rencana", "id")),
    Kolom("kode_desa", _l("Kode desa (Kemendagri), mis. 35.19.09.2014; boleh kosong untuk "
                          "RPLP (desa rencana)"), True, ("kode_kemendagri", "kode_wilayah")),
    Kolom("kawasan", _l("Nama kawasan kumuh (harus sudah ada)"), False, ("nama_kawasan",)),
    Kolom("lokasi", _l("Nama lokasi penilaian (harus sudah ada)"), False, ("nama_lokasi",)),
    Kolom("nama_item", _l("Nama item rencana"), True, ("nama", "item")),
    Kolom("kriteria", _l("Kriteria yang ditangani dengan volumenya (satuan kriteria), "
                         "mis. 2b:300; 4b:250"), True, ("kriteria_volume", "kode_kriteria")),
    Kolom("komponen", _l("Komponen: infrastruktur, kebencanaan, legalitas, kesehatan, sosial, "
                         "budaya, ekonomi (kosong = infrastruktur)")),
    Kolom("jenis_investasi", _l("Jenis investasi: primer, sekunder, tersier, non_fisik "
                                "(kosong = tersier)"), False, ("investasi",)),
    Kolom("pendekatan", _l("Pendekatan: masyarakat atau institusi (kosong = masyarakat)")),
    Kolom("volume", _l("Volume item"), True),
    Kolom("satuan", _l("Satuan volume item, mis. m, unit, KK"), True),
    Kolom("biaya_rp", _l("Perkiraan biaya (Rp)"), True, ("biaya", "biaya_perkiraan",
                                                          "perkiraan_biaya")),
    Kolom("tahun_target", _l("Tahun target (dalam periode rencana)"), True, ("tahun",)),
    Kolom("usulan_pendana", _l("Usulan pendana: nama pemangku kepentingan terdaftar, "
                               "dipisah titik koma"), False, ("pendana",)),
    Kolom("keterangan", _l("Keterangan")),
]
PILIHAN = {"komponen": Komponen, "jenis_investasi": JenisInvestasi, "pendekatan": Pendekatan}
LABELS = {
    "desa": _l("Desa"), "kawasan": _l("Kawasan"), "lokasi": _l("Lokasi"),
    "komponen": _l("Komponen"), "jenis_investasi": _l("Jenis investasi"),
    "pendekatan": _l("Pendekatan"), "volume": _l("Volume"), "satuan": _l("Satuan"),
    "biaya_rp": _l("Perkiraan biaya"), "keterangan": _l("Keterangan"),
    "kriteria": _l("Kriteria"), "usulan_pendana": _l("Usulan pendana"),
}
FIELDS = ["kawasan", "lokasi", "komponen", "jenis_investasi", "pendekatan", "volume", "satuan",
          "biaya_rp", "keterangan"]


def indeks_pemangku(nama) -> dict:
    """The stakeholders named in a file, by :func:`nama_kunci` of their name (one query);
    the activity import uses it too."""
    lowered = {nama_kunci(n) for n in nama} | {n.lower() for n in nama}
    indeks = defaultdict(list)
    for p in PemangkuKepentingan.objects.annotate(n=Lower("nama")).filter(n__in=lowered):
        indeks[nama_kunci(p.nama)].append(p)
    return indeks


def cari_pemangku(indeks: dict, nama: str, desa):
    """``(stakeholder, None)``, ``(None, None)`` when unknown, ``(None, "ambigu")``. The same
    name in several desa (e.g. "Pemerintah Desa"): the row's desa first, then the ones of no
    desa."""
    found = indeks.get(nama_kunci(nama), [])
    if len(found) > 1:
        local = [p for p in found if p.desa_id == getattr(desa, "pk", None)]
        found = local or [p for p in found if p.desa_id is None]
    return (found[0], None) if len(found) == 1 else (None, "ambigu" if found else None)


def layout() -> list[Kolom]:
    return list(KOLOM)


def _peta_pilihan(choices) -> dict[str, str]:
    """Code or label → code, compared with :func:`nama_kunci`: ``"Tersier"``, ``"tersier"``,
    ``"Infrastruktur tersier"``, ``"Infrastruktur tersier (skala lingkungan)"``,
    ``"non-fisik"`` all read."""
    out = {}
    for value, label in choices.choices:
        label = str(label)
        for text in (value, value.replace("_", " "), value.replace("_", "-"), label,
                     label.split("(")[0], label.split("/")[0]):
            out.setdefault(nama_kunci(text), value)
    return out


def _pesan_pilihan(choices) -> str:
    return _("Tulis salah satu dari: %(pilihan)s.") % {
        "pilihan": ", ".join(f"{v} ({label})" for v, label in choices.choices)}


def format_kriteria(rows) -> str:
    """``[(kode, volume)]`` → ``"2b:300; 4b:250"`` (plain numbers, like every CSV)."""
    return "; ".join(f"{kode}:{format(Decimal(v).normalize(), 'f')}" for kode, v in rows)


class _Konteks:
    """Everything the rows are compared with, read in a fixed number of queries."""

    def __init__(self, rows: list[Baris], user, semua_desa: bool):
        self.user = user
        self.admin = semua_desa or akses.is_admin(user)
        ids, kode, pendana = set(), set(), set()
        for r in rows:
            try:
                ids.add(id_dokumen(r.mentah("dokumen")))
            except nilai.NilaiError:
                pass
            try:
                kode.add(nilai.teks(r.mentah("kode_desa"), 40))
                for name in nilai.teks(r.mentah("usulan_pendana"), 2000).split(PEMISAH):
                    if name.strip():
                        pendana.add(" ".join(name.split()))
            except nilai.NilaiError:
                continue
        self.dokumen = {d.pk: d for d in DokumenRencana.objects.filter(pk__in=ids)
                        .select_related("desa", "kabupaten")}
        self.boleh_dokumen: dict[int, bool] = {}
        for d in self.dokumen.values():
            if d.desa_id:
                kode.add(d.desa.kode_wilayah)
        self.desa = {d.kode_wilayah: d for d in Desa.objects.filter(kode_wilayah__in=kode)
                     .select_related("kecamatan")}
        self.boleh_desa = None if self.admin else set(
            akses.writable_desa(user).values_list("pk", flat=True))
        desa_ids = [d.pk for d in self.desa.values()]
        self.kawasan = defaultdict(list)
        for k in (Kawasan.objects.filter(Q(desa_id__in=desa_ids)
                                         | Q(bagian_desa__desa_id__in=desa_ids))
                  .prefetch_related("bagian_desa").distinct()):
            for desa_id in {k.desa_id, *(b.desa_id for b in k.bagian_desa.all())}:
                self.kawasan[desa_id].append(k)
        self.lokasi = defaultdict(list)
        for lok in Lokasi.objects.filter(desa_id__in=desa_ids):
            self.lokasi[lok.desa_id].append(lok)
        aturan = AturanPenilaian.objects.bawaan()
        self.kriteria = {k.kode.lower(): k for k in Kriteria.objects.filter(aturan=aturan)}
        self.pemangku = indeks_pemangku(pendana)
        self.item = defaultdict(list)
        for it in (ItemRencana.objects.filter(dokumen_id__in=list(self.dokumen))
                   .select_related("desa", "kawasan", "lokasi")
                   .prefetch_related("item_kriteria__kriteria", "usulan_pendana")):
            self.item[(it.dokumen_id, it.desa_id, nama_kunci(it.nama), it.tahun_target)] \
                .append(it)
        self.pilihan = {key: _peta_pilihan(ch) for key, ch in PILIHAN.items()}

    def boleh(self, dokumen) -> bool:
        if self.admin:
            return True
        if dokumen.pk not in self.boleh_dokumen:
            self.boleh_dokumen[dokumen.pk] = akses.boleh_ubah_rencana(self.user, dokumen)
        return self.boleh_dokumen[dokumen.pk]

    def cari_pemangku(self, nama: str, desa):
        return cari_pemangku(self.pemangku, nama, desa)


def rencanakan(tabel: Tabel, user, locale: str, semua_desa: bool = False) -> Rencana:
    rencana = Rencana(jenis=JENIS)
    posisi, judul = petakan_kolom(tabel, layout(), rencana)
    if rencana.galat_berkas:
        return rencana
    rows = [Baris(n, cells, posisi, judul) for n, cells in tabel.rows]
    if not rows:
        rencana.galat_berkas.append(Galat(None, "", _("Berkas tidak berisi baris data.")))
        return rencana
    ktx = _Konteks(rows, user, semua_desa)
    seen: dict[tuple, int] = {}
    disepakati = {}
    for baris in rows:
        item = _rencana_baris(baris, ktx, locale, seen)
        rencana.items.append(item)
        dokumen = item.data.get("dokumen")
        if (dokumen is not None and item.aksi in (BUAT, UBAH)
                and dokumen.status == StatusRencana.DISEPAKATI):
            disepakati[dokumen.pk] = dokumen
    for dokumen in disepakati.values():
        rencana.peringatan.append(_(
            "Rencana \u201c%(judul)s\u201d (ID %(id)s) sudah disepakati di forum: item yang "
            "diimpor mengubah rencana yang disepakati.") % {"judul": dokumen.judul,
                                                             "id": dokumen.pk})
    return rencana


def id_dokumen(value) -> int:
    """The plan document's ID: ``12``, ``"12"``, ``"ID 12"``, ``"#12"`` (a number cell too)."""
    if not isinstance(value, str):
        value = nilai.teks(value, 30)
        if "." in value and set(value.split(".", 1)[1]) <= {"0"}:
            value = value.split(".", 1)[0]
    text = nilai.teks(value, 30)
    text = text[2:] if text.lower().startswith("id") else text
    text = text.strip(" :#")
    if not text.isdigit() or len(text) > 12:
        raise nilai.NilaiError(_('ID dokumen "%(id)s" tidak sah: tulis angka ID yang tertera '
                                 "di halaman rencana, mis. 12.") % {"id": value})
    return int(text)


def _baca_dokumen(baris: Baris, ktx: _Konteks):
    pk = baris.ambil("dokumen", id_dokumen, wajib=True,
                       pesan_kosong=_("Isi ID dokumen rencana (tertera di halaman rencana)."))
    if pk is None:
        return None
    dokumen = ktx.dokumen.get(pk)
    if dokumen is None:
        baris.salah("dokumen", _("Dokumen rencana ID %(id)s tidak ada.") % {"id": pk})
        return None
    if not ktx.boleh(dokumen):
        baris.salah("dokumen", (
            _("Anda tidak dapat mengubah rencana \u201c%(judul)s\u201d: rencana kabupaten/kota "
              "hanya diubah Admin.") if dokumen.desa_id is None else
            _("Anda tidak dapat mengubah rencana \u201c%(judul)s\u201d: Anda tidak ditugaskan di "
              "desa %(desa)s.")) % {"judul": dokumen.judul,
                                    "desa": getattr(dokumen.desa, "nama", "")})
        return None
    return dokumen


def _baca_desa(baris: Baris, ktx: _Konteks, dokumen):
    kode = baris.ambil("kode_desa", partial(nilai.teks, max_length=40))
    if not kode:
        if dokumen is not None and dokumen.jenis == JenisRencana.RPLP:
            return dokumen.desa
        if dokumen is not None:
            baris.salah("kode_desa", _("Isi kode desa (Kemendagri): rencana kabupaten/kota "
                                       "mencakup banyak desa."))
        return None
    desa = ktx.desa.get(kode)
    if desa is None:
        baris.salah("kode_desa", pesan_desa_tidak_dikenal(kode))
        return None
    if dokumen is None:
        return desa
    if dokumen.jenis == JenisRencana.RPLP and desa.pk != dokumen.desa_id:
        baris.salah("kode_desa", _("Item RPLP harus berada di desa rencana (%(desa)s, "
                                   "%(kode)s).") % {"desa": dokumen.desa.nama,
                                                    "kode": dokumen.desa.kode_wilayah})
        return None
    if dokumen.jenis == JenisRencana.RP2KPKP and \
            desa.kecamatan.kabupaten_id != dokumen.kabupaten_id:
        baris.salah("kode_desa", _("Desa item harus berada di kabupaten rencana."))
        return None
    if ktx.boleh_desa is not None and desa.pk not in ktx.boleh_desa:
        baris.salah("kode_desa", pesan_desa_bukan_tugas(desa, kode))
        return None
    return desa


def _baca_kriteria(baris: Baris, ktx: _Konteks, locale: str) -> list[dict] | None:
    text = baris.ambil("kriteria", partial(nilai.teks, max_length=500), wajib=True,
                       pesan_kosong=_("Sebutkan paling sedikit satu kriteria yang ditangani, "
                                      "mis. 2b:300."))
    if not text:
        return None
    rows, ok, kode_seen = [], True, set()
    for part in text.split(PEMISAH):
        part = part.strip()
        if not part:
            continue
        kode, sep, vol = part.partition(":")
        if not sep:
            kode, sep, vol = part.partition("=")
        kode = kode.strip()
        k = ktx.kriteria.get(kode.lower())
        if k is None:
            baris.salah("kriteria", _('Kriteria "%(kode)s" tidak dikenal: tulis kodenya, mis. '
                                      "2b.") % {"kode": kode})
            ok = False
            continue
        if not sep or not vol.strip():
            baris.salah("kriteria", _("Tulis volume kriteria %(kode)s dalam satuan %(satuan)s, "
                                      "mis. %(kode)s:100.") % {"kode": k.kode,
                                                                "satuan": k.satuan})
            ok = False
            continue
        try:
            volume = nilai.desimal(vol.strip(), locale, places=2, max_digits=14)
        except nilai.NilaiError as exc:
            baris.salah("kriteria", _("Volume kriteria %(kode)s: %(pesan)s") % {
                "kode": k.kode, "pesan": exc.message})
            ok = False
            continue
        if volume <= 0:
            baris.salah("kriteria", _("Volume per kriteria harus lebih dari nol (kriteria "
                                      "%(kode)s, satuan %(s)s).") % {"kode": k.kode,
                                                                      "s": k.satuan})
            ok = False
            continue
        if k.pk in kode_seen:
            baris.salah("kriteria", _("Satu kriteria hanya boleh dicantumkan sekali (%(kode)s).")
                        % {"kode": k.kode})
            ok = False
            continue
        kode_seen.add(k.pk)
        rows.append({"kriteria": k, "volume": volume})
    if ok and not rows:
        baris.salah("kriteria", _("Sebutkan paling sedikit satu kriteria yang ditangani, mis. "
                                  "2b:300."))
    return rows if ok and rows else None


def _baca_pendana(baris: Baris, ktx: _Konteks, desa) -> list | None:
    text = baris.ambil("usulan_pendana", partial(nilai.teks, max_length=2000)) or ""
    out = []
    for name in text.split(PEMISAH):
        name = " ".join(name.split())
        if not name:
            continue
        p, masalah = ktx.cari_pemangku(name, desa)
        if p is None:
            baris.salah("usulan_pendana", (
                _('Ada beberapa pemangku bernama "%(nama)s"; hubungi admin.') if masalah
                else _('Pemangku kepentingan "%(nama)s" tidak terdaftar. Daftarkan dulu lewat '
                       "admin, atau tulis namanya persis seperti di portal.")) % {"nama": name})
            continue
        if p not in out:
            out.append(p)
    return out


def _baca_tempat(baris: Baris, key: str, ktx: _Konteks, desa):
    name = baris.ambil(key, partial(nilai.teks, max_length=200))
    if not name or desa is None:
        return None
    pool = ktx.kawasan if key == "kawasan" else ktx.lokasi
    obj, masalah = cari_nama(pool[desa.pk], name)
    if obj is None:
        what = _("Kawasan") if key == "kawasan" else _("Lokasi")
        baris.salah(key, (
            _('%(apa)s "%(nama)s" ditemukan lebih dari satu; tulis namanya persis.') if masalah
            else _('%(apa)s "%(nama)s" tidak ada di desa %(desa)s.'))
            % {"apa": what, "nama": name, "desa": desa.nama})
    return obj


def _rencana_baris(baris: Baris, ktx: _Konteks, locale: str, seen: dict) -> Item:
    teks = nilai.teks
    dokumen = _baca_dokumen(baris, ktx)
    desa = _baca_desa(baris, ktx, dokumen)
    nama = baris.ambil("nama_item", partial(teks, max_length=200), wajib=True,
                       pesan_kosong=_("Isi nama item."))
    tahun = baris.ambil("tahun_target", partial(nilai.bulat, locale=locale), wajib=True,
                        pesan_kosong=_("Isi tahun target."))
    if tahun is not None and not TAHUN_MIN <= tahun <= TAHUN_MAX:
        baris.salah("tahun_target", str(PESAN_TAHUN))
        tahun = None
    if tahun is not None and dokumen is not None and not (
            dokumen.tahun_mulai <= tahun <= dokumen.tahun_selesai):
        baris.salah("tahun_target", _("Tahun target harus dalam periode rencana (%(a)s–%(b)s).")
                    % {"a": dokumen.tahun_mulai, "b": dokumen.tahun_selesai})
    item = Item(baris=[baris.nomor], kunci=" / ".join(str(x) for x in (
        getattr(dokumen, "pk", None) or "?", getattr(desa, "kode_wilayah", None) or "?",
        nama or "?", tahun or "?")))
    if nama and PENANDA_CONTOH in nama.lower():
        baris.salah("nama_item", _("Ini baris contoh dari templat: hapus, atau ganti dengan "
                                   "data Anda."))

    values: dict = {}
    for key in ("kawasan", "lokasi"):
        if baris.ada(key):
            values[key] = _baca_tempat(baris, key, ktx, desa)
    for key, choices in PILIHAN.items():
        text = baris.ambil(key, partial(teks, max_length=80))
        if text:
            code = ktx.pilihan[key].get(nama_kunci(text))
            if code is None:
                baris.salah(key, _('"%(teks)s" tidak dikenal. ') % {"teks": text}
                            + _pesan_pilihan(choices))
            values[key] = code
    volume = baris.ambil("volume", partial(nilai.desimal, locale=locale, places=2,
                                           max_digits=14), wajib=True,
                         pesan_kosong=_("Isi volume."))
    if volume is not None and volume <= 0:
        baris.salah("volume", _("Volume harus lebih dari nol."))
    values["volume"] = volume
    values["satuan"] = baris.ambil("satuan", partial(teks, max_length=20), wajib=True,
                                   pesan_kosong=_("Isi satuan (mis. m, KK, unit)."))
    values["biaya_rp"] = baris.ambil("biaya_rp", partial(nilai.rupiah, locale=locale),
                                     wajib=True, pesan_kosong=_("Isi perkiraan biaya."))
    if baris.ada("keterangan"):
        values["keterangan"] = baris.ambil(
            "keterangan", partial(teks, max_length=2000, rapikan=False)) or ""
    kriteria = _baca_kriteria(baris, ktx, locale)
    pendana = _baca_pendana(baris, ktx, desa) if baris.ada("usulan_pendana") else None

    existing = None
    if dokumen is not None and desa is not None and nama and tahun is not None:
        key = (dokumen.pk, desa.pk, nama_kunci(nama), tahun)
        if key in seen:
            baris.salah("nama_item", _("Baris ini sama dengan baris %(n)s: dokumen, desa, nama "
                                       "item dan tahun target yang sama.") % {"n": seen[key]})
        else:
            seen[key] = baris.nomor
        found = ktx.item.get(key, [])
        if len(found) > 1:
            baris.salah("nama_item", _("Ada beberapa item dengan nama dan tahun target ini di "
                                       "rencana ini: ubah lewat halaman rencana."))
        elif found:
            existing = found[0]
    item.galat = baris.galat
    if item.galat:
        return item
    lokasi = values.get("lokasi", existing.lokasi if existing else None)
    if lokasi is not None and lokasi.desa_id != desa.pk:  # pragma: no cover - found per desa
        baris.salah("lokasi", _("Lokasi harus berada di desa item."))
        return item

    item.data = {"dokumen": dokumen, "desa": desa, "nama": nama, "tahun": tahun,
                 "values": values, "kriteria": kriteria, "pendana": pendana,
                 "existing": existing}
    if existing is None:
        item.aksi = BUAT
        item.perubahan.append(_("Item baru di \u201c%(dok)s\u201d: %(kriteria)s, %(vol)s "
                                "%(satuan)s, %(rp)s.") % {
            "dok": dokumen.judul, "kriteria": format_kriteria(
                (k["kriteria"].kode, k["volume"]) for k in kriteria),
            "vol": tampil(volume), "satuan": values["satuan"],
            "rp": format_rupiah(values["biaya_rp"])})
        return item
    changes = _perbedaan(existing, values, kriteria, pendana)
    item.aksi = UBAH if changes else TETAP
    item.perubahan = changes
    return item


def _tampil(key, value) -> str:
    if key in PILIHAN and value:
        return str(PILIHAN[key](value).label)
    if hasattr(value, "pk"):
        return str(getattr(value, "nama", value))
    return tampil(value, rupiah=key == "biaya_rp")


def _perbedaan(existing: ItemRencana, values: dict, kriteria, pendana) -> list[str]:
    changes = []
    for f in FIELDS:
        if f not in values or (f in PILIHAN and values[f] is None):
            continue
        if not sama(getattr(existing, f), values[f]):
            changes.append(pesan_ubah(LABELS[f], _tampil(f, getattr(existing, f)),
                                 _tampil(f, values[f])))
    lama = sorted((r.kriteria.kode, r.volume) for r in existing.item_kriteria.all())
    baru = sorted((k["kriteria"].kode, k["volume"]) for k in kriteria)
    if [(k, Decimal(v)) for k, v in lama] != [(k, Decimal(v)) for k, v in baru]:
        changes.append(pesan_ubah(LABELS["kriteria"], format_kriteria(lama) or "-",
                             format_kriteria(baru)))
    if pendana is not None:
        lama_p = sorted(p.nama for p in existing.usulan_pendana.all())
        baru_p = sorted(p.nama for p in pendana)
        if lama_p != baru_p:
            changes.append(pesan_ubah(LABELS["usulan_pendana"], "; ".join(lama_p) or "-",
                                 "; ".join(baru_p) or "-"))
    return changes


def terapkan(rencana: Rencana, user) -> None:
    """Write the planned changes; call inside ``transaction.atomic`` with an error-free plan.
    Each item is written by the form's service (``simpan_item``)."""
    for item in rencana.items:
        if item.aksi not in (BUAT, UBAH):
            continue
        d = item.data
        existing = d["existing"]
        if existing is None:
            obj = ItemRencana(dokumen=d["dokumen"], desa=d["desa"], nama=d["nama"],
                              tahun_target=d["tahun"])
        else:
            obj = ItemRencana.objects.select_related("dokumen", "desa").get(pk=existing.pk)
        for f, value in d["values"].items():
            if f in PILIHAN and value is None:
                continue  # empty choice: the default (new) or unchanged (existing)
            setattr(obj, f, value)
        pendana = d["pendana"]
        if pendana is None:
            pendana = list(existing.usulan_pendana.all()) if existing else []
        try:
            simpan_item(obj, d["kriteria"], usulan_pendana=pendana)
        except ServiceError as exc:
            raise ImporGagal(rencana, item, exc.message) from exc


def ekspor_qs(user, semua: bool = False):
    """Plan items in the import layout: every plan for admins, else the plans the user may
    edit (``DokumenRencana.objects.for_writer``)."""
    qs = ItemRencana.objects.select_related("dokumen", "desa", "kawasan", "lokasi")
    if not semua:
        qs = qs.filter(dokumen__in=DokumenRencana.objects.for_writer(user))
    return qs.prefetch_related(
        "usulan_pendana",
        Prefetch("item_kriteria", queryset=ItemKriteria.objects.select_related("kriteria")
                 .order_by("kriteria__urutan", "kriteria__kode")),
    ).order_by("dokumen_id", "desa__kode_wilayah", "tahun_target", "nama", "pk")


def kriteria_sel(item: ItemRencana) -> str:
    return format_kriteria((r.kriteria.kode, r.volume) for r in item.item_kriteria.all())


def pendana_sel(item: ItemRencana) -> str:
    return "; ".join(sorted(p.nama for p in item.usulan_pendana.all()))
