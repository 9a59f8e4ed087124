"""Import of slum assessments: one row per location and year (header + volumes).

Natural key: desa code + location (its name, or "RT x RW y" when only RT/RW are given) +
year; the kawasan names the location's slum area. Missing kawasan and locations are created;
assessments are saved through :func:`desa.penilaian.simpan_penilaian` (the entry form's
service), so the scores, history and validation are exactly those of the form. New
assessments are drafts: verification stays a person's decision.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import partial

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from desa import akses, scoring
from desa.models import HEADER_CHOICES, AturanPenilaian, Desa, Kawasan, Lokasi, Penilaian
from desa.penilaian import simpan_penilaian, volume_errors
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
)
from inti.services import ServiceError
from inti.tahun import PESAN_TAHUN, TAHUN_MAX, TAHUN_MIN
from inti.tampil import tampil

JENIS = "penilaian"
PENANDA_CONTOH = "(contoh)"

HEADER = (
    # key, label, decimal places (None = whole number), max digits
    ("luas_ha", gettext_lazy("Luas verifikasi (ha)"), 2, 10),
    ("jumlah_bangunan", gettext_lazy("Jumlah bangunan (unit)"), None, None),
    ("jumlah_kk", gettext_lazy("Jumlah KK"), None, None),
    ("panjang_jalan_ideal_m", gettext_lazy("Panjang jalan lingkungan ideal (m)"), 2, 12),
    ("panjang_drainase_ideal_m", gettext_lazy("Panjang drainase lingkungan ideal (m)"), 2, 12),
)
HEADER_ALIAS = {
    "luas_ha": ("luas", "luas_verifikasi", "luas_verifikasi_ha"),
    "jumlah_bangunan": ("bangunan",),
    "jumlah_kk": ("kk",),
    "panjang_jalan_ideal_m": ("panjang_jalan_ideal", "jalan_ideal"),
    "panjang_drainase_ideal_m": ("panjang_drainase_ideal", "drainase_ideal"),
}
PERTIMBANGAN = (
    ("status_lahan_jelas", gettext_lazy("Status lahan jelas (ya/tidak)"), None),
    ("sesuai_tata_ruang", gettext_lazy("Sesuai rencana tata ruang (ya/tidak)"), None),
    ("nilai_strategis", gettext_lazy("Nilai strategis lokasi (1/5)"), (1, 5)),
    ("kepadatan_penduduk", gettext_lazy("Kepadatan penduduk (1/3/5)"), (1, 3, 5)),
    ("potensi_sosial_ekonomi", gettext_lazy("Potensi sosial ekonomi (1/5)"), (1, 5)),
)
JENIS_PILIHAN = {
    "baseline": Penilaian.Jenis.BASELINE,
    "pemutakhiran": Penilaian.Jenis.PEMUTAKHIRAN,
    "pemutakhiran tahunan": Penilaian.Jenis.PEMUTAKHIRAN,
}


def volume_kolom(kode: str) -> str:
    return f"v_{kode}"


def kolom_dasar() -> list[Kolom]:
    return [
        Kolom("kode_desa", _("Kode desa (Kemendagri), mis. 35.19.09.2014"), True,
              ("kode_kemendagri", "kode_wilayah", "kode")),
        Kolom("kawasan", _("Nama kawasan kumuh (dibuat bila belum ada)"), False,
              ("nama_kawasan",)),
        Kolom("lokasi", _("Nama lokasi penilaian; boleh kosong bila RT/RW diisi"), False,
              ("nama_lokasi",)),
        Kolom("rt", _("RT")),
        Kolom("rw", _("RW")),
        Kolom("tahun", _("Tahun penilaian"), True, ("tahun_penilaian",)),
        Kolom("jenis", _("baseline atau pemutakhiran (kosong = baseline)")),
        Kolom("aturan", _("Kode aturan penilaian (kosong = aturan bawaan)")),
        *[Kolom(k, str(label), True, HEADER_ALIAS.get(k, ())) for k, label, _p, _d in HEADER],
        Kolom("jumlah_penduduk", _("Jumlah penduduk (jiwa)"), False, ("penduduk",)),
    ]


def kolom_pertimbangan() -> list[Kolom]:
    return [Kolom(k, str(label)) for k, label, _allowed in PERTIMBANGAN]


def kolom_volume(kriteria, wajib: bool) -> list[Kolom]:
    return [Kolom(volume_kolom(k.kode), _("Volume %(kode)s: %(nama)s (%(satuan)s)") % {
        "kode": k.kode, "nama": k.nama, "satuan": k.satuan}, wajib,
                  (k.kode,)) for k in kriteria]


def _aturan_semua():
    """Every rule set with its criteria (3 queries) and the default one."""
    semua = list(AturanPenilaian.objects.prefetch_related("aspek", "kriteria__aspek"))
    bawaan = next((a for a in semua if a.bawaan), None) or (
        max(semua, key=lambda a: a.pk) if semua else None)
    return semua, bawaan


def layout(aturan=None) -> list[Kolom]:
    """The template's columns: base, the default rule set's volumes, pertimbangan."""
    if aturan is None:
        _semua, aturan = _aturan_semua()
    kriteria = list(aturan.kriteria.all()) if aturan else []
    return kolom_dasar() + kolom_volume(kriteria, True) + kolom_pertimbangan()



def _ubah(label, old, new) -> str:
    """One change line of the dry run: "Volume 1a: 21 → 40"."""
    return pesan_ubah(label, tampil(old), tampil(new))


def pesan_desa_tidak_dikenal(kode: str) -> str:
    return _('Kode desa "%(kode)s" tidak dikenal. Tulis kode Kemendagri lengkap, mis. '
             "35.19.09.2014.") % {"kode": kode}


def pesan_desa_bukan_tugas(desa, kode: str) -> str:
    return _("Anda tidak ditugaskan di desa %(nama)s (%(kode)s): baris ini tidak dapat "
             "diimpor.") % {"nama": desa.nama, "kode": kode}


def _rt(value: str) -> str:
    """RT/RW compared without leading zeros ("001" == "1")."""
    return (value or "").strip().lstrip("0") or ("0" if (value or "").strip() else "")


class _Konteks:
    """Everything the rows are compared with, read in a fixed number of queries."""

    def __init__(self, rows: list[Baris], user, semua_desa: bool):
        self.user = user
        kode = set()
        for r in rows:
            try:
                kode.add(nilai.teks(r.mentah("kode_desa"), 40))
            except nilai.NilaiError:
                continue
        self.desa = {d.kode_wilayah: d for d in Desa.objects.filter(kode_wilayah__in=kode)}
        if semua_desa or akses.is_admin(user):
            self.boleh = None
        else:
            self.boleh = set(akses.writable_desa(user).values_list("pk", flat=True))
        self.admin = semua_desa or akses.is_admin(user)
        ids = [d.pk for d in self.desa.values()]
        self.kawasan = defaultdict(list)
        for k in Kawasan.objects.filter(desa_id__in=ids):
            self.kawasan[k.desa_id].append(k)
        self.lokasi = defaultdict(list)
        for lok in Lokasi.objects.filter(desa_id__in=ids).select_related("kawasan"):
            self.lokasi[lok.desa_id].append(lok)
        self.penilaian = {}
        lokasi_ids = [lok.pk for lst in self.lokasi.values() for lok in lst]
        for p in (Penilaian.objects.filter(lokasi_id__in=lokasi_ids)
                  .select_related("aturan").prefetch_related("volume__kriteria")):
            self.penilaian[(p.lokasi_id, p.tahun)] = p
        self.semua_aturan, self.bawaan = _aturan_semua()
        self.aturan_kode = {a.kode: a for a in self.semua_aturan}
        self.rules = {a.pk: a.to_ruleset() for a in self.semua_aturan}
        self.kriteria = {a.pk: list(a.kriteria.all()) for a in self.semua_aturan}


def _cari_lokasi(ktx: _Konteks, desa, nama: str, rt: str, rw: str, dari_rt: bool):
    found, masalah = cari_nama(ktx.lokasi[desa.pk], nama)
    if found or masalah or not dari_rt:
        return found, masalah
    # Only RT/RW given: the desa's one location with the same RT and RW, if any.
    same = [lok for lok in ktx.lokasi[desa.pk]
            if _rt(lok.rt) == _rt(rt) and _rt(lok.rw) == _rt(rw) and (lok.rt or lok.rw)]
    if len(same) == 1:
        return same[0], None
    return None, "ambigu" if same else None


def rencanakan(tabel: Tabel, user, locale: str, semua_desa: bool = False) -> Rencana:
    rencana = Rencana(jenis=JENIS)
    semua, bawaan = _aturan_semua()
    if bawaan is None:
        rencana.galat_berkas.append(Galat(None, "", _("Belum ada aturan penilaian. Hubungi "
                                                      "admin.")))
        return rencana
    # Volume columns of every rule set are recognised; the default set's are required.
    codes_bawaan = {k.kode for k in bawaan.kriteria.all()}
    extra = {}
    for a in semua:
        for k in a.kriteria.all():
            if k.kode not in codes_bawaan:
                extra.setdefault(k.kode, k)
    columns = layout(bawaan) + kolom_volume(extra.values(), False)
    posisi, judul = petakan_kolom(tabel, columns, rencana)
    if rencana.galat_berkas:
        return rencana
    rows = [Baris(n, cells, posisi, judul) for n, cells in tabel.rows]
    if not rows:
        rencana.galat_berkas.append(Galat(None, "", _("Berkas tidak berisi baris data.")))
        return rencana
    ktx = _Konteks(rows, user, semua_desa)
    seen: dict[tuple, int] = {}
    baru_lokasi: dict[tuple, dict] = {}
    for baris in rows:
        item = _rencana_baris(baris, ktx, locale, seen, baru_lokasi)
        rencana.items.append(item)
    return rencana


def _rencana_baris(baris: Baris, ktx: _Konteks, locale: str, seen: dict, baru_lokasi: dict
                   ) -> Item:
    teks = nilai.teks
    kode = baris.ambil("kode_desa", partial(teks, max_length=40), wajib=True,
                       pesan_kosong=_("Isi kode desa (Kemendagri)."))
    kawasan_nama = baris.ambil("kawasan", partial(teks, max_length=150)) or ""
    lokasi_nama = baris.ambil("lokasi", partial(teks, max_length=150)) or ""
    rt = baris.ambil("rt", partial(teks, max_length=20)) or ""
    rw = baris.ambil("rw", partial(teks, max_length=20)) or ""
    tahun = baris.ambil("tahun", partial(nilai.bulat, locale=locale), wajib=True,
                        pesan_kosong=_("Isi tahun penilaian."))
    dari_rt = not lokasi_nama
    if dari_rt:
        if rt or rw:
            lokasi_nama = " ".join(filter(None, [rt and f"RT {rt}", rw and f"RW {rw}"]))
        else:
            baris.salah("lokasi", _("Isi nama lokasi, atau RT/RW."))
    item = Item(baris=[baris.nomor],
                kunci=" / ".join(filter(None, [kode or "?", kawasan_nama, lokasi_nama,
                                               str(tahun or "?")])))
    if PENANDA_CONTOH in kawasan_nama.lower() or PENANDA_CONTOH in lokasi_nama.lower():
        baris.salah("lokasi" if baris.ada("lokasi") else "kawasan",
                    _("Ini baris contoh dari templat: hapus, atau ganti dengan data Anda."))
    if tahun is not None and not TAHUN_MIN <= tahun <= TAHUN_MAX:
        baris.salah("tahun", PESAN_TAHUN)
        tahun = None

    desa = None
    if kode:
        desa = ktx.desa.get(kode)
        if desa is None:
            baris.salah("kode_desa", pesan_desa_tidak_dikenal(kode))
        elif ktx.boleh is not None and desa.pk not in ktx.boleh:
            baris.salah("kode_desa", pesan_desa_bukan_tugas(desa, kode))
            desa = None

    jenis = None
    raw_jenis = baris.ambil("jenis", partial(teks, max_length=40))
    if raw_jenis:
        jenis = JENIS_PILIHAN.get(raw_jenis.lower())
        if jenis is None:
            baris.salah("jenis", _('Tulis "baseline" atau "pemutakhiran".'))
    aturan_row = None
    raw_aturan = baris.ambil("aturan", partial(teks, max_length=40))
    if raw_aturan:
        aturan_row = ktx.aturan_kode.get(raw_aturan)
        if aturan_row is None:
            baris.salah("aturan", _('Aturan penilaian "%(kode)s" tidak dikenal.')
                        % {"kode": raw_aturan})

    header: dict = {}
    for key, _label, places, digits in HEADER:
        parser = (partial(nilai.bulat, locale=locale) if places is None
                  else partial(nilai.desimal, locale=locale, places=places, max_digits=digits))
        value = baris.ambil(key, parser, wajib=True,
                            pesan_kosong=_("Wajib diisi (tulis 0 bila memang nol)."))
        if value is not None and value < 0:
            baris.salah(key, _("Nilai penyebut tidak boleh negatif."))
        header[key] = value
    penduduk = None
    if baris.ada("jumlah_penduduk"):
        penduduk = baris.ambil("jumlah_penduduk", partial(nilai.bulat, locale=locale))
        if penduduk is not None and penduduk < 0:
            baris.salah("jumlah_penduduk", _("Jumlah penduduk tidak boleh negatif."))
    opsional = {}
    for key, _label, allowed in PERTIMBANGAN:
        if not baris.ada(key):
            continue
        if allowed is None:
            opsional[key] = baris.ambil(key, nilai.ya_tidak)
        else:
            value = baris.ambil(key, partial(nilai.bulat, locale=locale))
            if value is not None and value not in allowed:
                baris.salah(key, _("Nilai harus salah satu dari %(nilai)s.") % {
                    "nilai": "/".join(str(a) for a in allowed)})
            opsional[key] = value

    # Location, kawasan and the existing assessment.
    lokasi = kawasan = existing = None
    lokasi_ubah: dict = {}
    if desa is not None and lokasi_nama:
        lokasi, masalah = _cari_lokasi(ktx, desa, lokasi_nama, rt, rw, dari_rt)
        if masalah:
            baris.salah("lokasi", _('Ada beberapa lokasi bernama "%(nama)s" di desa ini; '
                                    "tulis namanya persis.") % {"nama": lokasi_nama})
        if kawasan_nama:
            kawasan, masalah = cari_nama(ktx.kawasan[desa.pk], kawasan_nama)
            if masalah:
                baris.salah("kawasan", _('Ada beberapa kawasan bernama "%(nama)s"; tulis '
                                         "namanya persis.") % {"nama": kawasan_nama})
        if lokasi is not None:
            if kawasan_nama and lokasi.kawasan_id and (
                    kawasan is None or kawasan.pk != lokasi.kawasan_id):
                baris.salah("kawasan", _('Lokasi "%(lokasi)s" tercatat di kawasan "%(ada)s", '
                                         'bukan "%(tulis)s".') % {
                    "lokasi": lokasi.nama, "ada": lokasi.kawasan.nama, "tulis": kawasan_nama})
            elif kawasan_nama and not lokasi.kawasan_id:
                lokasi_ubah["kawasan"] = kawasan_nama
            for key, value in (("rt", rt), ("rw", rw)):
                current = getattr(lokasi, key)
                if value and current and _rt(value) != _rt(current):
                    baris.salah(key, _('Lokasi "%(lokasi)s" tercatat %(kolom)s %(ada)s, bukan '
                                       "%(tulis)s.") % {"lokasi": lokasi.nama,
                                                        "kolom": key.upper(), "ada": current,
                                                        "tulis": value})
                elif value and not current:
                    lokasi_ubah[key] = value
            if tahun is not None:
                existing = ktx.penilaian.get((lokasi.pk, tahun))
        if tahun is not None:
            key = (desa.pk, nama_kunci(lokasi.nama if lokasi else lokasi_nama), tahun)
            if key in seen:
                baris.salah("lokasi", _("Baris ini sama dengan baris %(n)s: desa, lokasi dan "
                                        "tahun yang sama.") % {"n": seen[key]})
            else:
                seen[key] = baris.nomor
        if lokasi is None:
            # Two rows (two years) of one new location must agree on its kawasan.
            info = baru_lokasi.setdefault((desa.pk, nama_kunci(lokasi_nama)), {
                "kawasan": kawasan_nama, "baris": baris.nomor})
            if nama_kunci(info["kawasan"]) != nama_kunci(kawasan_nama):
                baris.salah("kawasan", _("Lokasi baru ini ditulis dengan kawasan lain di "
                                         "baris %(n)s.") % {"n": info["baris"]})

    # Rule set: the existing assessment's; a different one in the file is refused.
    aturan = aturan_row or ktx.bawaan
    if existing is not None:
        if aturan_row is not None and aturan_row.pk != existing.aturan_id:
            baris.salah("aturan", _("Penilaian ini memakai aturan %(kode)s; aturan tidak "
                                    "dapat diganti lewat impor.") % {
                "kode": existing.aturan.kode})
        aturan = existing.aturan
    rules = ktx.rules[aturan.pk]
    volumes: dict = {}
    for k in ktx.kriteria[aturan.pk]:
        col = volume_kolom(k.kode)
        if not baris.ada(col):
            baris.salah("", _("Kolom %(kolom)s tidak ada, padahal aturan %(aturan)s memakai "
                              "kriteria %(kode)s.") % {"kolom": col, "aturan": aturan.kode,
                                                       "kode": k.kode})
            continue
        volumes[k.kode] = baris.ambil(
            col, partial(nilai.desimal, locale=locale, places=2, max_digits=14), wajib=True,
            pesan_kosong=_("Isi volume (tulis 0 bila tidak ada)."))
    if all(v is not None for v in header.values()) and all(
            v is not None for v in volumes.values()):
        for code, pesan in volume_errors(header, volumes, rules).items():
            baris.salah(volume_kolom(code), pesan)

    item.galat = baris.galat
    if item.galat:
        return item

    hasil = scoring.score_assessment(header, volumes, rules)
    item.data = {
        "desa": desa, "lokasi": lokasi, "lokasi_nama": lokasi_nama, "rt": rt, "rw": rw,
        "kawasan": kawasan, "kawasan_nama": kawasan_nama, "lokasi_ubah": lokasi_ubah,
        "tahun": tahun, "jenis": jenis, "aturan": aturan, "header": header,
        "penduduk": penduduk, "opsional": opsional, "volumes": volumes, "existing": existing,
    }
    if lokasi is None:
        if kawasan_nama and kawasan is None:
            item.perubahan.append(_('Kawasan baru "%(nama)s".') % {"nama": kawasan_nama})
        item.perubahan.append(_('Lokasi baru "%(nama)s".') % {"nama": lokasi_nama})
    elif lokasi_ubah:
        item.perubahan.append(_("Lokasi: %(isian)s.") % {"isian": ", ".join(
            _("%(kolom)s diisi %(nilai)s") % {"kolom": k, "nilai": v}
            for k, v in lokasi_ubah.items())})
        if "kawasan" in lokasi_ubah and kawasan is None:
            item.perubahan.append(_('Kawasan baru "%(nama)s".') % {"nama": kawasan_nama})
    if existing is None:
        item.aksi = BUAT
        item.perubahan.append(_("Penilaian baru (draf): skor %(skor)s (%(tingkat)s).") % {
            "skor": hasil.total, "tingkat": hasil.level_label})
        return item

    changes = _perbedaan(existing, header, jenis, penduduk, opsional, volumes)
    item.data["ubah_penilaian"] = bool(changes)
    if not changes and not lokasi_ubah:
        item.aksi = TETAP
        return item
    if changes and not (ktx.admin or akses.boleh_ubah_penilaian(ktx.user, existing,
                                                               desa_diperiksa=True)):
        baris.salah("tahun", _("Penilaian %(tahun)s lokasi ini berstatus \u201c%(status)s"
                               "\u201d: tidak dapat diubah lewat impor.") % {
            "tahun": tahun, "status": existing.get_status_display()})
        item.galat = baris.galat
        return item
    item.aksi = UBAH
    item.perubahan.extend(changes)
    if existing.total_skor != hasil.total:
        item.perubahan.append(_("Total skor %(lama)s \u2192 %(baru)s (%(tingkat)s).") % {
            "lama": existing.total_skor, "baru": hasil.total, "tingkat": hasil.level_label})
    return item


def _perbedaan(p: Penilaian, header, jenis, penduduk, opsional, volumes) -> list[str]:
    labels = {k: str(v) for k, v in HEADER_CHOICES}
    changes = []
    for key, value in header.items():
        if Decimal(getattr(p, key)) != Decimal(value):
            changes.append(_ubah(labels.get(key, key), getattr(p, key), value))
    if jenis is not None and p.jenis != jenis:
        changes.append(_ubah(_("Jenis"), p.get_jenis_display(), Penilaian.Jenis(jenis).label))
    if penduduk is not None and p.jumlah_penduduk != penduduk:
        changes.append(_ubah(_("Jumlah penduduk"), p.jumlah_penduduk, penduduk))
    for key, value in opsional.items():
        if getattr(p, key) != value:
            label = str(Penilaian._meta.get_field(key).verbose_name)
            changes.append(_ubah(label, getattr(p, key), value))
    current = {v.kriteria.kode: v.volume for v in p.volume.all()}
    for code, value in volumes.items():
        old = current.get(code)
        if old is None or Decimal(old) != Decimal(value):
            changes.append(_ubah(_("Volume %(kode)s") % {"kode": code}, old, value))
    return changes


def terapkan(rencana: Rencana, user) -> None:
    """Write the planned changes; call inside ``transaction.atomic`` with an error-free plan."""
    kawasan_baru: dict = {}
    lokasi_baru: dict = {}
    for item in rencana.items:
        if item.aksi not in (BUAT, UBAH):
            continue
        d = item.data
        desa = d["desa"]
        kawasan = d["kawasan"]
        if kawasan is None and d["kawasan_nama"]:
            key = (desa.pk, nama_kunci(d["kawasan_nama"]))
            kawasan = kawasan_baru.get(key)
            if kawasan is None:
                kawasan = Kawasan.objects.create(
                    desa=desa, nama=d["kawasan_nama"], luas_ha=Decimal(0),
                    keterangan=_("Dibuat oleh impor spreadsheet: lengkapi luas dan nomor SK."))
                kawasan_baru[key] = kawasan
        lokasi = d["lokasi"]
        if lokasi is None:
            key = (desa.pk, nama_kunci(d["lokasi_nama"]))
            lokasi = lokasi_baru.get(key)
            if lokasi is None:
                lokasi = Lokasi.objects.create(desa=desa, kawasan=kawasan, nama=d["lokasi_nama"],
                                               rt=d["rt"], rw=d["rw"])
                lokasi_baru[key] = lokasi
        elif d["lokasi_ubah"]:
            lokasi = Lokasi.objects.get(pk=lokasi.pk)
            for key in ("rt", "rw"):
                if key in d["lokasi_ubah"]:
                    setattr(lokasi, key, d["lokasi_ubah"][key])
            if "kawasan" in d["lokasi_ubah"]:
                lokasi.kawasan = kawasan
            lokasi.save()
        existing = d["existing"]
        if existing is not None and not d.get("ubah_penilaian"):
            continue
        if existing is None:
            p = Penilaian(lokasi=lokasi, tahun=d["tahun"], aturan=d["aturan"],
                          jenis=d["jenis"] or Penilaian.Jenis.BASELINE,
                          jumlah_penduduk=d["penduduk"] or 0, dibuat_oleh=user, **d["header"])
            versi = None
        else:
            p = Penilaian.objects.get(pk=existing.pk)
            versi = existing.versi
            for key, value in d["header"].items():
                setattr(p, key, value)
            if d["jenis"] is not None:
                p.jenis = d["jenis"]
            if d["penduduk"] is not None:
                p.jumlah_penduduk = d["penduduk"]
        for key, value in d["opsional"].items():
            setattr(p, key, value)
        try:
            simpan_penilaian(p, d["volumes"], user, versi=versi)
        except ServiceError as exc:
            raise ImporGagal(rencana, item, exc.message) from exc


class ImporGagal(Exception):
    """A write was refused while applying (e.g. changed concurrently): roll back everything."""

    def __init__(self, rencana: Rencana, item: Item, pesan: str):
        super().__init__(pesan)
        item.galat.append(Galat(item.baris[0] if item.baris else None, "", pesan))
        self.rencana = rencana


def ekspor_qs(user, semua: bool = False):
    """Assessments exported in the import layout: everything for admins, else the user's desa."""
    qs = Penilaian.objects.select_related("lokasi__desa", "lokasi__kawasan", "aturan")
    if not (semua or akses.is_admin(user)):
        qs = qs.filter(Q(lokasi__desa__in=akses.writable_desa(user)))
    return qs.prefetch_related("volume__kriteria").order_by(
        "lokasi__desa__kode_wilayah", "lokasi__nama", "tahun")
