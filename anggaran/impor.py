"""Import of upgrade activities with their funding lines: one row per funding line.

Natural keys: an activity is desa code + activity name + budget year; its funding line is
stakeholder name + source code. The rows of one activity repeat (or leave empty) the activity
columns; a value that differs from the activity's first row is an error. The file describes
each activity it names completely: a funding line in the database that the file no longer
lists is removed (the dry run shows it).

Validation mirrors ``anggaran.forms``/``anggaran.services`` and the model constraints (the
same Indonesian messages); the write keeps the version counter and history like
``anggaran.services.simpan_kegiatan``.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from anggaran import ringkasan
from anggaran.models import Kegiatan, Pendanaan, StatusKegiatan, SumberDana
from anggaran.services import simpan_kegiatan
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
from inti.services import ServiceError, VersionConflict
from inti.tahun import TAHUN_MAX, TAHUN_MIN
from inti.tampil import tampil
from kolaborasi.impor import cari_pemangku, indeks_pemangku
from kolaborasi.models import PemangkuKepentingan

JENIS = "kegiatan"

KOLOM_KEGIATAN = [
    Kolom("kode_desa", _l("Kode desa (Kemendagri), mis. 35.19.09.2014"), True,
          ("kode_kemendagri", "kode_wilayah")),
    Kolom("nama_kegiatan", _l("Nama kegiatan"), True, ("kegiatan", "nama")),
    Kolom("tahun_anggaran", _l("Tahun anggaran"), True, ("tahun",)),
    Kolom("kriteria", _l("Kode kriteria yang ditangani, mis. 2b"), True, ("kode_kriteria",)),
    Kolom("volume", _l("Volume kegiatan"), True),
    Kolom("satuan", _l("Satuan volume (kosong = satuan kriteria)")),
    Kolom("volume_kriteria", _l("Volume tertangani dalam satuan kriteria, bila satuannya lain "
                                "(mis. KK terlayani 4 gerobak sampah)")),
    Kolom("status", _l("rencana / berjalan / selesai / batal (kosong = rencana)"),
          False, ("status_kegiatan",)),
    Kolom("kawasan", _l("Nama kawasan kumuh (harus sudah ada)")),
    Kolom("lokasi", _l("Nama lokasi penilaian (harus sudah ada)")),
    Kolom("rt", _l("RT")),
    Kolom("rw", _l("RW")),
    Kolom("pelaksana", _l("Nama LKM/KSM pelaksana di desa itu")),
    Kolom("tanggal_mulai", _l("Tanggal mulai (2018-04-01 atau 01/04/2018)")),
    Kolom("tanggal_selesai", _l("Tanggal selesai")),
    Kolom("keterangan", _l("Keterangan")),
]
KOLOM_DANA = [
    Kolom("pemangku", _l("Nama pemberi dana (pemangku kepentingan terdaftar)"), True,
          ("pemberi_dana", "pendana")),
    Kolom("sumber", _l("Kode sumber dana, mis. apbd-kab, dana-desa, swadaya"), True,
          ("sumber_dana", "kode_sumber")),
    Kolom("rencana_rp", _l("Rencana (Rp)"), True, ("rencana",)),
    Kolom("realisasi_rp", _l("Realisasi (Rp), kosong = 0"), False, ("realisasi",)),
    Kolom("natura", _l("Natura? ya/tidak (tenaga, lahan, bahan dinilai Rp)")),
    Kolom("uraian_natura", _l("Uraian natura")),
    Kolom("alasan_lebih", _l("Alasan bila realisasi melebihi rencana")),
]
# Activity columns compared between the rows of one activity (the key columns excluded).
FIELDS = ["kriteria", "volume", "satuan", "volume_kriteria", "status", "kawasan", "lokasi",
          "rt", "rw", "pelaksana", "tanggal_mulai", "tanggal_selesai", "keterangan"]
LINE_FIELDS = ["rencana_rp", "realisasi_rp", "natura", "uraian_natura", "alasan_lebih"]
LABELS = {
    "kriteria": _l("Kriteria"), "volume": _l("Volume"), "satuan": _l("Satuan"),
    "volume_kriteria": _l("Volume tertangani (satuan kriteria)"),
    "status": _l("Status"), "kawasan": _l("Kawasan"), "lokasi": _l("Lokasi"), "rt": _l("RT"),
    "rw": _l("RW"), "pelaksana": _l("Pelaksana"), "tanggal_mulai": _l("Tanggal mulai"),
    "tanggal_selesai": _l("Tanggal selesai"), "keterangan": _l("Keterangan"),
    "rencana_rp": _l("Rencana"), "realisasi_rp": _l("Realisasi"), "natura": _l("Natura"),
    "uraian_natura": _l("Uraian natura"), "alasan_lebih": _l("Alasan lebih"),
}
STATUS = {**{v: v for v in StatusKegiatan.values},
          **{str(label).lower(): v for v, label in StatusKegiatan.choices}}


def layout() -> list[Kolom]:
    return KOLOM_KEGIATAN + KOLOM_DANA


def _tampil(key: str, value) -> str:
    if key == "status" and value:
        return str(StatusKegiatan(value).label)
    if hasattr(value, "pk"):
        return str(getattr(value, "kode", None) or getattr(value, "nama", None) or value)
    return tampil(value, rupiah=key in ("rencana_rp", "realisasi_rp"))


class _Konteks:
    def __init__(self, rows: list[Baris], user, semua_desa: bool):
        kode, pemangku = set(), set()
        for r in rows:
            for key, target in (("kode_desa", kode), ("pemangku", pemangku)):
                try:
                    text = nilai.teks(r.mentah(key), 250)
                except nilai.NilaiError:
                    continue
                if text:
                    target.add(text)
        self.desa = {d.kode_wilayah: d for d in Desa.objects.filter(kode_wilayah__in=kode)}
        self.admin = semua_desa or akses.is_admin(user)
        self.boleh = None if self.admin else set(
            akses.writable_desa(user).values_list("pk", flat=True))
        ids = [d.pk for d in self.desa.values()]
        aturan = AturanPenilaian.objects.bawaan()
        self.kriteria = {k.kode: k for k in Kriteria.objects.filter(aturan=aturan)}
        self.kawasan, self.lokasi, self.pelaksana = (defaultdict(list), defaultdict(list),
                                                     defaultdict(list))
        for k in Kawasan.objects.filter(desa_id__in=ids):
            self.kawasan[k.desa_id].append(k)
        for lok in Lokasi.objects.filter(desa_id__in=ids):
            self.lokasi[lok.desa_id].append(lok)
        for p in PemangkuKepentingan.objects.pelaksana().filter(desa_id__in=ids):
            self.pelaksana[p.desa_id].append(p)
        self.pemangku = indeks_pemangku(pemangku)
        self.sumber = list(SumberDana.objects.all())
        self.kegiatan = defaultdict(list)
        for k in (Kegiatan.objects.filter(desa_id__in=ids).select_related("kriteria", "kawasan",
                                                                           "lokasi", "pelaksana")
                  .prefetch_related("pendanaan__pemangku", "pendanaan__sumber")):
            self.kegiatan[(k.desa_id, nama_kunci(k.nama), k.tahun_anggaran)].append(k)

    def cari_pemangku(self, nama: str, desa):
        return cari_pemangku(self.pemangku, nama, desa)

    def cari_sumber(self, text: str):
        key = nama_kunci(text)
        for s in self.sumber:
            if nama_kunci(s.kode) == key or nama_kunci(s.nama) == key:
                return s
        return None


def _baca_baris(baris: Baris, ktx: _Konteks, locale: str) -> dict:
    """Parse one row: the key, the activity values present, the funding line."""
    teks = nilai.teks
    kode = baris.ambil("kode_desa", partial(teks, max_length=40), wajib=True,
                       pesan_kosong=_("Isi kode desa (Kemendagri)."))
    nama = baris.ambil("nama_kegiatan", partial(teks, max_length=200), wajib=True,
                       pesan_kosong=_("Isi nama kegiatan."))
    tahun = baris.ambil("tahun_anggaran", partial(nilai.bulat, locale=locale), wajib=True,
                        pesan_kosong=_("Isi tahun anggaran."))
    if tahun is not None and not TAHUN_MIN <= tahun <= TAHUN_MAX:
        baris.salah("tahun_anggaran", _("Tahun anggaran harus antara 2000 dan 2100."))
        tahun = None
    if nama and PENANDA_CONTOH in nama.lower():
        baris.salah("nama_kegiatan", _("Ini baris contoh dari templat: hapus, atau ganti "
                                       "dengan data Anda."))
    desa = None
    if kode:
        desa = ktx.desa.get(kode)
        if desa is None:
            baris.salah("kode_desa", pesan_desa_tidak_dikenal(kode))
        elif ktx.boleh is not None and desa.pk not in ktx.boleh:
            baris.salah("kode_desa", pesan_desa_bukan_tugas(desa, kode))
            desa = None
    values: dict = {}
    present = [f for f in FIELDS if baris.ada(f) and not nilai.kosong(baris.mentah(f))]
    for key in FIELDS:
        if baris.ada(key) and nilai.kosong(baris.mentah(key)):
            values[key] = None if key in ("kawasan", "lokasi", "pelaksana", "tanggal_mulai",
                                          "tanggal_selesai", "kriteria", "volume",
                                          "volume_kriteria", "status") else ""
    for key in present:
        values[key] = _baca_nilai(baris, key, desa, ktx, locale)
    line = {}
    pemangku_nama = baris.ambil("pemangku", partial(teks, max_length=200), wajib=True,
                                pesan_kosong=_("Isi nama pemberi dana."))
    if pemangku_nama:
        p, masalah = ktx.cari_pemangku(pemangku_nama, desa)
        if p is None:
            baris.salah("pemangku", (
                _('Ada beberapa pemangku bernama "%(nama)s"; hubungi admin.') if masalah
                else _('Pemangku kepentingan "%(nama)s" tidak terdaftar. Daftarkan dulu lewat '
                       "admin, atau tulis namanya persis seperti di portal.")
            ) % {"nama": pemangku_nama})
        line["pemangku"] = p
    sumber_teks = baris.ambil("sumber", partial(teks, max_length=100), wajib=True,
                              pesan_kosong=_("Isi kode sumber dana."))
    if sumber_teks:
        s = ktx.cari_sumber(sumber_teks)
        if s is None:
            baris.salah("sumber", _('Sumber dana "%(teks)s" tidak dikenal. Pakai kode: '
                                    "%(kode)s.") % {"teks": sumber_teks,
                                                    "kode": ", ".join(x.kode for x in ktx.sumber)})
        line["sumber"] = s
    line["rencana_rp"] = baris.ambil("rencana_rp", partial(nilai.rupiah, locale=locale),
                                     wajib=True, pesan_kosong=_("Isi nilai rencana."))
    line["realisasi_rp"] = baris.ambil("realisasi_rp",
                                       partial(nilai.rupiah, locale=locale)) or Decimal(0)
    line["natura"] = bool(baris.ambil("natura", nilai.ya_tidak))
    line["uraian_natura"] = baris.ambil(
        "uraian_natura", partial(teks, max_length=250, rapikan=False)) or ""
    line["alasan_lebih"] = baris.ambil(
        "alasan_lebih", partial(teks, max_length=250, rapikan=False)) or ""
    # The line's rules, as the form and the service apply them (Pendanaan.galat_aturan); a
    # message goes on the column the file has (the rule's own, else the value it is about).
    pengganti = {"alasan_lebih": "realisasi_rp", "uraian_natura": "natura"}
    for field, pesan in Pendanaan(**{f: line[f] for f in LINE_FIELDS}).galat_aturan().items():
        baris.salah(field if baris.ada(field) else pengganti[field], pesan)
    return {"kode": kode, "desa": desa, "nama": nama, "tahun": tahun, "values": values,
            "line": line}


def _baca_nilai(baris: Baris, key: str, desa, ktx: _Konteks, locale: str):
    teks = nilai.teks
    if key == "kriteria":
        code = baris.ambil(key, partial(teks, max_length=10))
        k = ktx.kriteria.get((code or "").lower())
        if k is None:
            baris.salah(key, _('Kriteria "%(kode)s" tidak dikenal: tulis kodenya, mis. 2b.')
                        % {"kode": code})
        return k
    if key in ("volume", "volume_kriteria"):
        value = baris.ambil(key, partial(nilai.desimal, locale=locale, places=2, max_digits=14))
        if key == "volume" and value is not None and value <= 0:
            baris.salah(key, _("Volume harus lebih dari nol."))
        if key == "volume_kriteria" and value is not None and value < 0:
            baris.salah(key, _("Volume tertangani tidak boleh negatif."))
        return value
    if key == "status":
        text = (baris.ambil(key, partial(teks, max_length=20)) or "").lower()
        if text not in STATUS:
            baris.salah(key, _("Tulis rencana, berjalan, selesai atau batal."))
            return None
        return STATUS[text]
    if key in ("kawasan", "lokasi", "pelaksana"):
        name = baris.ambil(key, partial(teks, max_length=200))
        if desa is None or not name:
            return None
        pool = {"kawasan": ktx.kawasan, "lokasi": ktx.lokasi, "pelaksana": ktx.pelaksana}[key]
        obj, masalah = cari_nama(pool[desa.pk], name)
        if obj is None:
            what = {"kawasan": _("Kawasan"), "lokasi": _("Lokasi"),
                    "pelaksana": _("LKM/KSM pelaksana")}[key]
            baris.salah(key, (
                _('%(apa)s "%(nama)s" ditemukan lebih dari satu; tulis namanya persis.')
                if masalah else _('%(apa)s "%(nama)s" tidak ada di desa %(desa)s.'))
                % {"apa": what, "nama": name, "desa": desa.nama})
        return obj
    if key in ("tanggal_mulai", "tanggal_selesai"):
        return baris.ambil(key, nilai.tanggal)
    if key == "keterangan":
        return baris.ambil(key, partial(teks, max_length=2000, rapikan=False))
    return baris.ambil(key, partial(teks, max_length=20))


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
    groups: dict = {}
    order = []
    for baris in rows:
        parsed = _baca_baris(baris, ktx, locale)
        parsed["baris"] = baris
        if parsed["desa"] is None or not parsed["nama"] or parsed["tahun"] is None:
            item = Item(baris=[baris.nomor], kunci=" / ".join(
                str(x) for x in (parsed["kode"] or "?", parsed["nama"] or "?",
                                 parsed["tahun"] or "?")), galat=baris.galat)
            if not item.galat:
                baris.salah("", _("Baris tidak lengkap."))
            rencana.items.append(item)
            continue
        key = (parsed["desa"].pk, nama_kunci(parsed["nama"]), parsed["tahun"])
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(parsed)
    for key in order:
        rencana.items.append(_rencana_kegiatan(groups[key], ktx, key))
    rencana.items.sort(key=lambda i: min(i.baris))
    return rencana


def _rencana_kegiatan(rows: list[dict], ktx: _Konteks, key) -> Item:
    first = rows[0]
    desa = first["desa"]
    item = Item(baris=[r["baris"].nomor for r in rows],
                kunci=f"{first['kode']} / {first['nama']} / {first['tahun']}")
    values = dict(first["values"])
    for r in rows[1:]:
        for field, value in r["values"].items():
            if value in (None, ""):
                continue  # continuation rows may leave the activity columns empty
            if field not in values or values[field] in (None, ""):
                r["baris"].salah(field, _("Kolom ini kosong di baris %(n)s, baris pertama "
                                          "kegiatan ini.") % {"n": first["baris"].nomor})
            elif not sama(values[field], value):
                r["baris"].salah(field, _("Berbeda dengan baris %(n)s untuk kegiatan yang "
                                          "sama.") % {"n": first["baris"].nomor})
    lines = {}
    for r in rows:
        line = r["line"]
        if line.get("pemangku") is None or line.get("sumber") is None:
            continue
        lk = (line["pemangku"].pk, line["sumber"].pk)
        if lk in lines:
            r["baris"].salah("sumber", _("Baris pendanaan dari %(pemangku)s / %(sumber)s "
                                         "sudah ada di baris %(n)s.") % {
                "pemangku": line["pemangku"].nama, "sumber": line["sumber"].kode,
                "n": lines[lk]["_baris"]})
            continue
        lines[lk] = {**line, "_baris": r["baris"].nomor}

    existing_list = ktx.kegiatan.get(key, [])
    existing = None
    row0 = first["baris"]
    if len(existing_list) > 1:
        row0.salah("nama_kegiatan", _("Ada beberapa kegiatan dengan nama dan tahun ini di "
                                      "desa ini: ubah lewat formulir kegiatan."))
    elif existing_list:
        existing = existing_list[0]
    if existing is not None:
        # Same criterion code as stored (possibly of an older rule set): keep the stored one.
        k = values.get("kriteria")
        if k is not None and k.kode == existing.kriteria.kode:
            values["kriteria"] = existing.kriteria
    merged = {f: values[f] if f in values else (getattr(existing, f) if existing else None)
              for f in FIELDS}
    for field in ("kriteria", "volume"):
        if merged[field] is None and not any(g.kolom == row0.kolom(field) for g in row0.galat):
            row0.salah(field, _("Wajib diisi."))
    if merged["kriteria"] is not None and not merged.get("satuan"):
        merged["satuan"] = existing.satuan if existing and "satuan" not in values \
            else merged["kriteria"].satuan
    merged["status"] = merged["status"] or StatusKegiatan.RENCANA
    for f in ("rt", "rw", "keterangan"):
        merged[f] = merged[f] or ""
    mulai, selesai = merged["tanggal_mulai"], merged["tanggal_selesai"]
    if mulai and selesai and selesai < mulai:
        row0.salah("tanggal_selesai", _("Tanggal selesai tidak boleh sebelum tanggal mulai."))

    existing_lines = {}
    if existing is not None:
        for p in existing.pendanaan.all():
            lk = (p.pemangku_id, p.sumber_id)
            if lk in existing_lines:
                row0.salah("sumber", _("Kegiatan ini punya lebih dari satu baris pendanaan "
                                       "%(pemangku)s / %(sumber)s: ubah lewat formulir "
                                       "kegiatan.") % {"pemangku": p.pemangku.nama,
                                                        "sumber": p.sumber.kode})
            existing_lines[lk] = p

    item.galat = [g for r in rows for g in r["baris"].galat]
    if item.galat:
        return item
    if not lines:
        row0.salah("pemangku", _("Isi paling sedikit satu baris pendanaan."))
        item.galat = list(row0.galat)
        return item

    changes = []
    if existing is None:
        item.aksi = BUAT
        total = sum((line["rencana_rp"] for line in lines.values()), Decimal(0))
        changes.append(_("Kegiatan baru: %(kriteria)s, %(volume)s %(satuan)s, %(n)s baris "
                         "pendanaan, rencana %(rp)s.") % {
            "kriteria": merged["kriteria"].kode, "volume": _tampil("volume", merged["volume"]),
            "satuan": merged["satuan"], "n": len(lines), "rp": format_rupiah(total)})
    else:
        for f in FIELDS:
            if not sama(getattr(existing, f), merged[f]):
                changes.append(pesan_ubah(LABELS[f], _tampil(f, getattr(existing, f)),
                                     _tampil(f, merged[f])))
        for lk, line in lines.items():
            old = existing_lines.get(lk)
            label = f"{line['pemangku'].nama} / {line['sumber'].kode}"
            if old is None:
                changes.append(_("Pendanaan baru %(baris)s: %(rp)s") % {
                    "baris": label, "rp": format_rupiah(line["rencana_rp"])})
                continue
            for f in LINE_FIELDS:
                if not sama(getattr(old, f), line[f]):
                    changes.append(pesan_ubah(f"{label}, {str(LABELS[f]).lower()}",
                                         _tampil(f, getattr(old, f)), _tampil(f, line[f])))
        for lk, old in existing_lines.items():
            if lk not in lines:
                changes.append(_("Hapus pendanaan %(pemangku)s / %(sumber)s (%(rp)s): tidak "
                                 "ada di berkas.") % {"pemangku": old.pemangku.nama,
                                                       "sumber": old.sumber.kode,
                                                       "rp": format_rupiah(old.rencana_rp)})
        item.aksi = UBAH if changes else TETAP
    item.perubahan = changes
    item.data = {"desa": desa, "nama": first["nama"], "tahun": first["tahun"],
                 "values": merged, "lines": lines, "existing": existing,
                 "existing_lines": existing_lines}
    return item


def terapkan(rencana: Rencana, user) -> None:
    """Write the planned changes; call inside ``transaction.atomic`` with an error-free plan.
    Each activity is written by the same service as the form (``simpan_kegiatan``); the
    money rollups of every touched desa are recomputed once at the end (``ringkasan.tunda``)."""
    with ringkasan.tunda():
        for item in rencana.items:
            _terapkan_satu(rencana, item, user)


def _terapkan_satu(rencana: Rencana, item: Item, user) -> None:
    if item.aksi in (BUAT, UBAH):
        try:
            _tulis(item, user)
        except VersionConflict as exc:
            raise ImporGagal(rencana, item, _(
                "Kegiatan ini diubah oleh pengguna lain setelah pratinjau. Tidak ada yang "
                "tersimpan: unggah ulang berkas untuk melihat perubahan terbaru.")) from exc
        except ServiceError as exc:
            raise ImporGagal(rencana, item, exc.message) from exc


def _tulis(item: Item, user) -> None:
    d = item.data
    existing = d["existing"]
    if existing is None:
        kegiatan = Kegiatan(desa=d["desa"], nama=d["nama"], tahun_anggaran=d["tahun"],
                            **d["values"])
    else:
        kegiatan = Kegiatan.objects.get(pk=existing.pk)
        for f, value in d["values"].items():
            setattr(kegiatan, f, value)
    baris = []
    for lk, line in d["lines"].items():
        old = d["existing_lines"].get(lk)
        baris.append({"pk": old.pk if old else None, "pemangku": line["pemangku"],
                      "sumber": line["sumber"], **{f: line[f] for f in LINE_FIELDS}})
    simpan_kegiatan(kegiatan, baris, user, existing.versi if existing else None)
