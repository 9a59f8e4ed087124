"""Geography of the programme: provinsi → kabupaten → kecamatan → desa, and who works where.

Kemendagri codes (``35.19.09.2001``) are the natural key everywhere; BPS codes use another
numbering scheme, so they are stored as given and never derived from the Kemendagri code.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from inti.audit import Tercatat
from inti.idempoten import token_field
from inti.tahun import PESAN_TAHUN, TAHUN_MAX, TAHUN_MIN


class Wilayah(models.Model):
    """Fields every administrative region has."""

    kode_wilayah = models.CharField(_("kode Kemendagri"), max_length=13, unique=True)
    kode_bps = models.CharField(_("kode BPS"), max_length=10, null=True, blank=True)
    nama = models.CharField(_("nama"), max_length=100)

    class Meta:
        abstract = True
        ordering = ["kode_wilayah"]

    def __str__(self) -> str:
        return self.nama


class Provinsi(Wilayah):
    history = HistoricalRecords()

    class Meta(Wilayah.Meta):
        verbose_name = _("provinsi")
        verbose_name_plural = _("provinsi")


class Kabupaten(Wilayah):
    class Tipe(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    provinsi = models.ForeignKey(Provinsi, on_delete=models.PROTECT, related_name="kabupaten")
    tipe = models.CharField(_("tipe"), max_length=10, choices=Tipe, default=Tipe.KABUPATEN)
    luas_km2 = models.DecimalField(
        _("luas (km²)"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    jumlah_penduduk = models.PositiveIntegerField(_("jumlah penduduk"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta(Wilayah.Meta):
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")


class Kecamatan(Wilayah):
    kabupaten = models.ForeignKey(Kabupaten, on_delete=models.PROTECT, related_name="kecamatan")
    history = HistoricalRecords()

    class Meta(Wilayah.Meta):
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")


class DesaQuerySet(models.QuerySet):
    def search(self, term: str):
        """Match name, official alias or either code, so "Klagenserut" finds Klagen Serut."""
        term = (term or "").strip()
        if not term:
            return self
        return self.filter(
            Q(nama__icontains=term)
            | Q(nama_alias__icontains=term)
            | Q(kode_wilayah__startswith=term)
            | Q(kode_bps__startswith=term)
        )

    def for_writer(self, user):
        """The desa ``user`` may enter data for (see ``desa.akses``)."""
        from desa import akses

        return akses.writable_desa(user, self)


class Desa(Wilayah):
    class Tipe(models.TextChoices):
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="desa")
    nama_alias = models.CharField(
        _("nama lain / ejaan resmi"), max_length=100, blank=True,
        help_text=_("Ejaan lain yang juga dipakai, mis. ejaan resmi Kemendagri."),
    )
    tipe = models.CharField(_("tipe"), max_length=10, choices=Tipe, default=Tipe.DESA)
    kode_pos = models.CharField(_("kode pos"), max_length=5, blank=True)
    luas_km2 = models.DecimalField(
        _("luas resmi (km²)"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    luas_poligon_km2 = models.DecimalField(
        _("luas poligon (km²)"), max_digits=10, decimal_places=3, null=True, blank=True,
        help_text=_("Dihitung dari batas yang disederhanakan; bukan luas resmi."),
    )
    jumlah_penduduk = models.PositiveIntegerField(_("jumlah penduduk"), null=True, blank=True)
    jumlah_kk = models.PositiveIntegerField(_("jumlah KK"), null=True, blank=True)
    centroid_lat = models.DecimalField(
        _("lintang sentroid"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    centroid_lng = models.DecimalField(
        _("bujur sentroid"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    # A centroid can fall outside a concave village (Sukolilo, Bedoho): markers use this point,
    # which is guaranteed to lie inside the boundary.
    titik_lat = models.DecimalField(
        _("lintang titik penanda"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    titik_lng = models.DecimalField(
        _("bujur titik penanda"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    batas = models.JSONField(_("batas wilayah (GeoJSON)"), null=True, blank=True)
    sumber = models.TextField(_("sumber data"), blank=True)
    history = HistoricalRecords(excluded_fields=["batas"])

    objects = DesaQuerySet.as_manager()

    class Meta(Wilayah.Meta):
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = _("desa/kelurahan")
        constraints = [
            models.CheckConstraint(
                condition=Q(jumlah_kk__isnull=True) | Q(jumlah_penduduk__isnull=True)
                | Q(jumlah_kk__lte=models.F("jumlah_penduduk")),
                name="desa_kk_not_above_penduduk",
                violation_error_message=_("Jumlah KK tidak boleh melebihi jumlah penduduk."),
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("desa:detail", args=[self.kode_wilayah])

    @property
    def nama_lengkap(self) -> str:
        return f"{self.get_tipe_display()} {self.nama}"


class Penugasan(models.Model):
    """Where a user works: a fasilitator is assigned to desa, a verifikator to a kecamatan.

    Kept as data an admin edits, so reassigning a facilitator needs no release.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="penugasan",
        verbose_name=_("pengguna"),
    )
    desa = models.ForeignKey(
        Desa, on_delete=models.CASCADE, null=True, blank=True, related_name="penugasan"
    )
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.CASCADE, null=True, blank=True, related_name="penugasan"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penugasan")
        verbose_name_plural = _("penugasan")
        constraints = [
            models.CheckConstraint(
                condition=(Q(desa__isnull=False) & Q(kecamatan__isnull=True))
                | (Q(desa__isnull=True) & Q(kecamatan__isnull=False)),
                name="penugasan_desa_xor_kecamatan",
                violation_error_message=_("Isi desa atau kecamatan, salah satu saja."),
            ),
            models.UniqueConstraint(
                fields=["user", "desa"], name="penugasan_unique_user_desa",
                condition=Q(desa__isnull=False),
                violation_error_message=_("Pengguna ini sudah ditugaskan di desa tersebut."),
            ),
            models.UniqueConstraint(
                fields=["user", "kecamatan"], name="penugasan_unique_user_kecamatan",
                condition=Q(kecamatan__isnull=False),
                violation_error_message=_("Pengguna ini sudah ditugaskan di kecamatan tersebut."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.desa or self.kecamatan}"


# ---------------------------------------------------------------------------------------------
# Slum assessment: rule sets as data, kawasan, locations, assessments
# ---------------------------------------------------------------------------------------------

HEADER_CHOICES = [
    ("luas_ha", _("Luas verifikasi (ha)")),
    ("jumlah_bangunan", _("Jumlah bangunan (unit)")),
    ("jumlah_kk", _("Jumlah KK")),
    ("panjang_jalan_ideal_m", _("Panjang jalan lingkungan ideal (m)")),
    ("panjang_drainase_ideal_m", _("Panjang drainase lingkungan ideal (m)")),
]


class Tingkat(models.TextChoices):
    """Slum level; the codes are those of ``desa.scoring``."""

    KUMUH_BERAT = "kumuh_berat", _("Kumuh Berat")
    KUMUH_SEDANG = "kumuh_sedang", _("Kumuh Sedang")
    KUMUH_RINGAN = "kumuh_ringan", _("Kumuh Ringan")
    TIDAK_KUMUH = "tidak_kumuh", _("Tidak Kumuh")


class AturanPenilaianQuerySet(models.QuerySet):
    def bawaan(self):
        """The rule set new assessments use."""
        return self.filter(bawaan=True).first() or self.order_by("-pk").first()


class AturanPenilaian(models.Model):
    """A versioned scoring rule set (e.g. Permen PUPR 14/PRT/M/2018) stored as data.

    The thresholds, bands and priority tables are JSON lists an admin can correct without a
    release; ``to_ruleset()`` turns the rows into the pure ``desa.scoring.RuleSet``, whose
    constructor validates them (``clean()`` reports its error to the admin).
    """

    kode = models.SlugField(_("kode"), max_length=40, unique=True)
    nama = models.CharField(_("nama"), max_length=200)
    dasar_hukum = models.CharField(_("dasar hukum"), max_length=200)
    keterangan = models.TextField(_("keterangan"), blank=True)
    ambang_skor = models.JSONField(
        _("ambang skor"), help_text=_('Daftar [persen minimum, skor], dari tertinggi, mis. '
                                      '[[76, 5], [51, 3], [25, 1]].'))
    batas_tingkat = models.JSONField(
        _("batas tingkat kekumuhan"), help_text=_('Daftar [total minimum, tingkat], mis. '
                                                  '[[60, "kumuh_berat"], [38, "kumuh_sedang"], '
                                                  '[16, "kumuh_ringan"]].'))
    tabel_prioritas = models.JSONField(
        _("tabel prioritas & pola penanganan"), default=dict, blank=True,
        help_text=_("Opsional: pertimbangan_factors, pertimbangan_bands, priority_numbers, "
                    "handling_patterns, kepadatan_bands ([[jiwa/ha minimum, nilai]]), "
                    'legalitas ("semua" atau "salah_satu"). Kosong = tabel bawaan '
                    "(belum terkonfirmasi)."))
    bawaan = models.BooleanField(_("bawaan untuk penilaian baru"), default=False)
    history = HistoricalRecords()

    objects = AturanPenilaianQuerySet.as_manager()

    class Meta:
        verbose_name = _("aturan penilaian")
        verbose_name_plural = _("aturan penilaian")
        ordering = ["-bawaan", "kode"]
        constraints = [
            models.UniqueConstraint(
                fields=["bawaan"], condition=Q(bawaan=True), name="aturan_satu_bawaan",
                violation_error_message=_("Hanya satu aturan penilaian yang boleh menjadi bawaan."),
            ),
        ]

    def __str__(self) -> str:
        return self.nama

    def to_ruleset(self):
        """The pure rule set (criteria in order). Uses prefetched ``aspek``/``kriteria``."""
        from desa import scoring

        aspects = [scoring.Aspect(a.kode, a.nama) for a in self.aspek.all()]
        criteria = [
            scoring.Criterion(k.kode, k.aspek.kode, k.nama, k.satuan, k.penyebut)
            for k in self.kriteria.select_related("aspek").all()
        ]
        tabel = self.tabel_prioritas or {}
        extra = {k: v for k, v in tabel.items() if k in (
            "pertimbangan_factors", "pertimbangan_bands", "priority_numbers", "handling_patterns",
            "density_bands")}
        if "kepadatan_bands" in tabel:
            extra["density_bands"] = tabel["kepadatan_bands"]
        lain = {"legal_rule": tabel["legalitas"]} if "legalitas" in tabel else {}
        return scoring.RuleSet(
            code=self.kode, name=self.nama, aspects=tuple(aspects), criteria=tuple(criteria),
            score_thresholds=tuple(tuple(x) for x in self.ambang_skor),
            level_bands=tuple(tuple(x) for x in self.batas_tingkat),
            **{k: tuple(tuple(x) for x in v) for k, v in extra.items()}, **lain,
        )

    def clean(self):
        from django.core.exceptions import ValidationError

        if not self.pk:
            return
        try:
            self.to_ruleset()
        except (ValueError, TypeError) as exc:
            raise ValidationError(_("Aturan tidak konsisten: %(err)s") % {"err": exc}) from exc


class Aspek(models.Model):
    aturan = models.ForeignKey(AturanPenilaian, on_delete=models.CASCADE, related_name="aspek")
    kode = models.CharField(_("kode"), max_length=3)
    nama = models.CharField(_("nama"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aspek")
        verbose_name_plural = _("aspek")
        ordering = ["aturan", "kode"]
        constraints = [
            models.UniqueConstraint(fields=["aturan", "kode"], name="aspek_unique_kode",
                                    violation_error_message=_("Kode aspek sudah dipakai.")),
        ]

    def __str__(self) -> str:
        return f"{self.kode}. {self.nama}"


class Kriteria(models.Model):
    aturan = models.ForeignKey(AturanPenilaian, on_delete=models.CASCADE, related_name="kriteria")
    aspek = models.ForeignKey(Aspek, on_delete=models.CASCADE, related_name="kriteria")
    kode = models.CharField(_("kode"), max_length=4)
    nama = models.CharField(_("nama"), max_length=250)
    satuan = models.CharField(_("satuan volume"), max_length=10)
    penyebut = models.CharField(_("penyebut"), max_length=30, choices=HEADER_CHOICES)
    urutan = models.PositiveSmallIntegerField(_("urutan"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kriteria")
        verbose_name_plural = _("kriteria")
        ordering = ["aturan", "urutan", "kode"]
        constraints = [
            models.UniqueConstraint(fields=["aturan", "kode"], name="kriteria_unique_kode",
                                    violation_error_message=_("Kode kriteria sudah dipakai.")),
        ]

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"


def sk_upload_to(instance, filename: str) -> str:
    from inti.unggah import nama_unik

    return nama_unik("sk-kumuh", filename)


class SKKumuh(models.Model):
    """A Bupati/Wali Kota decree fixing the slum kawasan and their hectares (SK Kumuh).

    Reviewed at least every 5 years; a revision is a new row linked to the SK it replaces.
    """

    nomor = models.CharField(_("nomor SK"), max_length=120, unique=True)
    judul = models.CharField(_("judul"), max_length=300, blank=True)
    tanggal = models.DateField(_("tanggal penetapan"), null=True, blank=True,
                               help_text=_("Kosongkan bila tanggal pastinya belum diketahui."))
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    ditandatangani_oleh = models.CharField(_("ditandatangani oleh"), max_length=150)
    kabupaten = models.ForeignKey(Kabupaten, on_delete=models.PROTECT, related_name="sk_kumuh",
                                  verbose_name=_("kabupaten/kota"))
    dokumen = models.FileField(_("dokumen (PDF)"), upload_to=sk_upload_to, blank=True)
    menggantikan = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisi",
        verbose_name=_("menggantikan SK"))
    sumber = models.TextField(_("sumber"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SK kumuh")
        verbose_name_plural = _("SK kumuh")
        ordering = ["-tahun", "nomor"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tahun__gte=TAHUN_MIN) & Q(tahun__lte=TAHUN_MAX),
                name="sk_kumuh_tahun_wajar", violation_error_message=PESAN_TAHUN),
        ]

    def __str__(self) -> str:
        return self.nomor

    def get_absolute_url(self) -> str:
        return reverse("desa:sk_detail", args=[self.pk])

    @property
    def tahun_tinjau(self) -> int:
        """The 5-yearly review is due in this year (from the date, else the year)."""
        return (self.tanggal.year if self.tanggal else self.tahun) + 5

    @property
    def tanggal_tinjau(self):
        if not self.tanggal:
            return None
        try:
            return self.tanggal.replace(year=self.tanggal.year + 5)
        except ValueError:  # 29 February
            return self.tanggal.replace(year=self.tanggal.year + 5, day=28)


class Kawasan(models.Model):
    """A delineated slum area as fixed by the SK Kumuh; it may span several desa
    (``KawasanDesa``: area per desa). ``desa`` is its main desa (the one it is listed under)."""

    class Jenis(models.TextChoices):
        PENINGKATAN = "peningkatan", _("Peningkatan kualitas")
        PENCEGAHAN = "pencegahan", _("Pencegahan")

    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, related_name="kawasan",
                             verbose_name=_("desa utama"))
    nama = models.CharField(_("nama kawasan"), max_length=150)
    # 4 decimals, as the provincial database publishes areas (with 2, a published 4a
    # percentage of 73.74 comes out 73.68).
    luas_ha = models.DecimalField(_("luas kumuh (ha)"), max_digits=11, decimal_places=4)
    sk = models.ForeignKey(SKKumuh, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="kawasan", verbose_name=_("SK kumuh"))
    sk_nomor = models.CharField(_("nomor SK"), max_length=120, blank=True)
    sk_tahun = models.PositiveSmallIntegerField(_("tahun SK"), null=True, blank=True)
    jenis = models.CharField(_("jenis penanganan"), max_length=12, choices=Jenis,
                             default=Jenis.PENINGKATAN)
    delineasi = models.JSONField(_("delineasi (GeoJSON)"), null=True, blank=True)
    # Priority factors per kawasan (the SK decides priority per kawasan).
    jumlah_penduduk = models.PositiveIntegerField(_("jumlah penduduk (jiwa)"), null=True,
                                                  blank=True)
    status_lahan_jelas = models.BooleanField(_("status lahan jelas"), null=True, blank=True)
    sesuai_tata_ruang = models.BooleanField(_("sesuai rencana tata ruang"), null=True, blank=True)
    nilai_strategis = models.PositiveSmallIntegerField(_("nilai strategis"), null=True,
                                                       blank=True)
    potensi_sosial_ekonomi = models.PositiveSmallIntegerField(_("potensi sosial ekonomi"),
                                                              null=True, blank=True)
    keterangan = models.TextField(_("keterangan"), blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    history = HistoricalRecords(excluded_fields=["delineasi"])

    class Meta:
        verbose_name = _("kawasan kumuh")
        verbose_name_plural = _("kawasan kumuh")
        ordering = ["desa", "nama"]
        constraints = [
            models.CheckConstraint(condition=Q(luas_ha__gte=0), name="kawasan_luas_not_negative",
                                   violation_error_message=_("Luas tidak boleh negatif.")),
            models.UniqueConstraint(
                fields=["desa", "nama"], name="kawasan_unique_nama",
                violation_error_message=_("Nama kawasan sudah ada di desa ini."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nama} ({self.desa})"

    def get_absolute_url(self) -> str:
        return reverse("desa:kawasan_detail", args=[self.pk])


class KawasanDesa(models.Model):
    """The part of a kawasan lying in one desa, with its area as decreed."""

    kawasan = models.ForeignKey(Kawasan, on_delete=models.CASCADE, related_name="bagian_desa")
    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, related_name="bagian_kawasan")
    luas_ha = models.DecimalField(_("luas di desa ini (ha)"), max_digits=11, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bagian kawasan per desa")
        verbose_name_plural = _("bagian kawasan per desa")
        ordering = ["kawasan", "desa"]
        constraints = [
            models.UniqueConstraint(fields=["kawasan", "desa"], name="kawasan_desa_unik",
                                    violation_error_message=_("Desa ini sudah tercatat.")),
            models.CheckConstraint(condition=Q(luas_ha__gte=0), name="kawasan_desa_luas_positif",
                                   violation_error_message=_("Luas tidak boleh negatif.")),
        ]

    def __str__(self) -> str:
        return f"{self.kawasan.nama}: {self.desa.nama} {self.luas_ha} ha"


class Lokasi(models.Model):
    """An assessment location: an RT/RW area of a desa, within a kawasan where delineated."""

    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, related_name="lokasi")
    kawasan = models.ForeignKey(
        Kawasan, on_delete=models.PROTECT, null=True, blank=True, related_name="lokasi"
    )
    nama = models.CharField(_("nama lokasi"), max_length=150)
    rt = models.CharField(_("RT"), max_length=20, blank=True)
    rw = models.CharField(_("RW"), max_length=20, blank=True)
    rt_nomor = models.PositiveSmallIntegerField(_("nomor RT"), null=True, blank=True)
    rw_nomor = models.PositiveSmallIntegerField(_("nomor RW"), null=True, blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lokasi penilaian")
        verbose_name_plural = _("lokasi penilaian")
        ordering = ["desa", "nama"]
        constraints = [
            models.UniqueConstraint(fields=["desa", "nama"], name="lokasi_unique_nama",
                                    violation_error_message=_("Nama lokasi sudah ada di desa ini."),
                                    ),
        ]

    def __str__(self) -> str:
        return f"{self.nama}, {self.desa.nama}"

    def save(self, *args, **kwargs):
        # The structured RT/RW follow the typed text where it is a plain number ("03", "RT 3").
        from desa.kawasan import nomor_rt

        if self.rt_nomor is None:
            self.rt_nomor = nomor_rt(self.rt)
        if self.rw_nomor is None:
            self.rw_nomor = nomor_rt(self.rw)
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kawasan_id and self.desa_id and self.kawasan.desa_id != self.desa_id and not (
                KawasanDesa.objects.filter(kawasan_id=self.kawasan_id, desa_id=self.desa_id)
                .exists()):
            raise ValidationError({"kawasan": _("Kawasan harus berada di desa yang sama.")})


class PenilaianQuerySet(models.QuerySet):
    def terverifikasi(self):
        return self.filter(status=Penilaian.Status.DIVERIFIKASI)

    def _terverifikasi_tanpa(self, lebih: str):
        """Verified assessments with no verified assessment of the same location that is
        newer (``lebih="gt"``) or older (``"lt"``).

        Written as ``NOT EXISTS`` because PostgreSQL plans that as an anti-join with a good
        row estimate, whereas the equivalent ``pk = (latest-per-location subquery)`` filter is
        estimated at 0.5% of the rows and, nationally, sent the planner into a nested loop
        that took 20 s instead of 0.1 s (docs/PERFORMANCE.md). (lokasi, tahun) is unique, so
        each location has exactly one such row.
        """
        other = Penilaian.objects.filter(
            status=Penilaian.Status.DIVERIFIKASI, lokasi_id=models.OuterRef("lokasi_id"),
            **{f"tahun__{lebih}": models.OuterRef("tahun")})
        return self.terverifikasi().filter(~models.Exists(other))

    def terkini(self):
        """Per location, the latest verified assessment (what public pages show)."""
        return self._terverifikasi_tanpa("gt")

    def baseline(self):
        """Per location, the earliest verified assessment (the baseline of the impact)."""
        return self._terverifikasi_tanpa("lt")

    def for_writer(self, user):
        from desa import akses

        return self.filter(lokasi__desa__in=akses.writable_desa(user))


class Penilaian(Tercatat):
    """One location's slum assessment for one year: header (denominators) + volumes.

    The computed percentages, scores, total and level are stored next to the raw volumes so
    dashboards aggregate them in SQL; ``desa.penilaian.hitung_ulang`` recomputes them through
    ``desa.scoring.score_assessment`` on every save (the one source of truth).
    """

    class Jenis(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        PEMUTAKHIRAN = "pemutakhiran", _("Pemutakhiran tahunan")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        DIAJUKAN = "diajukan", _("Diajukan")
        DIVERIFIKASI = "diverifikasi", _("Terverifikasi")
        DIKEMBALIKAN = "dikembalikan", _("Dikembalikan")

    lokasi = models.ForeignKey(Lokasi, on_delete=models.PROTECT, related_name="penilaian")
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    jenis = models.CharField(_("jenis"), max_length=15, choices=Jenis, default=Jenis.BASELINE)
    aturan = models.ForeignKey(AturanPenilaian, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("aturan penilaian"))
    luas_ha = models.DecimalField(_("luas verifikasi (ha)"), max_digits=12, decimal_places=4)
    jumlah_bangunan = models.PositiveIntegerField(_("jumlah bangunan (unit)"))
    jumlah_penduduk = models.PositiveIntegerField(_("jumlah penduduk (jiwa)"), default=0)
    jumlah_kk = models.PositiveIntegerField(_("jumlah KK"))
    panjang_jalan_ideal_m = models.DecimalField(
        _("panjang jalan lingkungan ideal (m)"), max_digits=12, decimal_places=2)
    panjang_drainase_ideal_m = models.DecimalField(
        _("panjang drainase lingkungan ideal (m)"), max_digits=12, decimal_places=2)
    # Beyond the physical score (DOMAIN §4); optional.
    status_lahan_jelas = models.BooleanField(_("status lahan jelas"), null=True, blank=True)
    sesuai_tata_ruang = models.BooleanField(_("sesuai rencana tata ruang"), null=True, blank=True)
    nilai_strategis = models.PositiveSmallIntegerField(_("nilai strategis lokasi"), null=True,
                                                       blank=True, choices=[(1, "1"), (5, "5")])
    kepadatan_penduduk = models.PositiveSmallIntegerField(
        _("kepadatan penduduk"), null=True, blank=True, choices=[(1, "1"), (3, "3"), (5, "5")])
    potensi_sosial_ekonomi = models.PositiveSmallIntegerField(
        _("potensi sosial ekonomi"), null=True, blank=True, choices=[(1, "1"), (5, "5")])
    # Computed by hitung_ulang (never typed in).
    total_skor = models.PositiveSmallIntegerField(_("total skor"), default=0, editable=False)
    tingkat = models.CharField(_("tingkat kekumuhan"), max_length=15, choices=Tingkat,
                               default=Tingkat.TIDAK_KUMUH, editable=False)
    rata_rata_sektoral = models.DecimalField(_("rata-rata kekumuhan sektoral (%)"), max_digits=7,
                                             decimal_places=2, default=0, editable=False)
    prioritas = models.CharField(_("kelas prioritas"), max_length=3, blank=True, editable=False)
    pola_penanganan = models.CharField(_("pola penanganan"), max_length=20, blank=True,
                                       editable=False)
    status = models.CharField(_("status"), max_length=15, choices=Status, default=Status.DRAFT)
    catatan_verifikasi = models.TextField(_("catatan verifikator"), blank=True)
    diajukan_pada = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    diverifikasi_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                          null=True, blank=True, related_name="+")
    diverifikasi_pada = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    token_kirim = token_field()
    # A draft saved with fields that were not right yet: per form field, what was typed and
    # why it was refused ({"v_2a": {"teks": "1,2.3", "pesan": "...", "label": "..."}}), shown
    # again in the form; the stored value stays the last valid one. Empty once saved whole.
    isian_belum_benar = models.JSONField(_("isian draf yang belum benar"), default=dict,
                                         blank=True, editable=False)
    history = HistoricalRecords()

    objects = PenilaianQuerySet.as_manager()

    class Meta:
        verbose_name = _("penilaian kekumuhan")
        verbose_name_plural = _("penilaian kekumuhan")
        ordering = ["-tahun", "lokasi"]
        constraints = [
            models.UniqueConstraint(
                fields=["lokasi", "tahun"], name="penilaian_unique_lokasi_tahun",
                violation_error_message=_("Lokasi ini sudah punya penilaian untuk tahun tersebut."),
            ),
            models.CheckConstraint(
                condition=Q(tahun__gte=TAHUN_MIN) & Q(tahun__lte=TAHUN_MAX),
                name="penilaian_tahun_wajar",
                violation_error_message=PESAN_TAHUN,
            ),
            models.CheckConstraint(
                condition=Q(luas_ha__gte=0) & Q(panjang_jalan_ideal_m__gte=0)
                & Q(panjang_drainase_ideal_m__gte=0),
                name="penilaian_header_not_negative",
                violation_error_message=_("Nilai penyebut tidak boleh negatif."),
            ),
        ]
        indexes = [models.Index(fields=["status", "tahun"], name="penilaian_status_tahun")]

    def __str__(self) -> str:
        return f"{self.lokasi} {self.tahun}"

    def get_absolute_url(self) -> str:
        return reverse("desa:penilaian_detail", args=[self.pk])

    @property
    def terkunci(self) -> bool:
        """Verified data is locked for facilitators."""
        return self.status == self.Status.DIVERIFIKASI

    @property
    def dapat_diubah_fasilitator(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.DIKEMBALIKAN)

    def header(self) -> dict:
        from desa.scoring import HEADER_FIELDS

        return {f: getattr(self, f) for f in HEADER_FIELDS}


class VolumePenilaian(models.Model):
    penilaian = models.ForeignKey(Penilaian, on_delete=models.CASCADE, related_name="volume")
    kriteria = models.ForeignKey(Kriteria, on_delete=models.PROTECT, related_name="+")
    volume = models.DecimalField(_("volume"), max_digits=14, decimal_places=2, default=0)
    persen = models.DecimalField(_("persen"), max_digits=9, decimal_places=2, default=0,
                                 editable=False)
    skor = models.PositiveSmallIntegerField(_("skor"), default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("volume kriteria")
        verbose_name_plural = _("volume kriteria")
        ordering = ["penilaian", "kriteria__urutan"]
        constraints = [
            models.UniqueConstraint(fields=["penilaian", "kriteria"], name="volume_unique_kriteria",
                                    violation_error_message=_("Kriteria ini sudah diisi.")),
            models.CheckConstraint(condition=Q(volume__gte=0), name="volume_not_negative",
                                   violation_error_message=_("Volume tidak boleh negatif.")),
        ]

    def __str__(self) -> str:
        return f"{self.kriteria.kode}: {self.volume}"


class LembagaMasyarakat(models.Model):
    """A community body of a desa (BKM/LKM, KSM, Pokmas, Gapoktan, KPP, ...) and its function.

    Outcome 5 of collaborative planning: no desa should have two bodies doing the same job.
    """

    class Jenis(models.TextChoices):
        LKM = "lkm", _("BKM/LKM")
        KSM = "ksm", _("KSM")
        POKMAS = "pokmas", _("Pokmas")
        GAPOKTAN = "gapoktan", _("Gapoktan")
        KPP = "kpp", _("KPP")
        LAIN = "lain", _("Lainnya")

    class Fungsi(models.TextChoices):
        PERENCANAAN = "perencanaan", _("Perencanaan & pengelolaan dana penataan permukiman")
        PELAKSANAAN = "pelaksanaan", _("Pelaksanaan pembangunan (swakelola)")
        PEMELIHARAAN = "pemeliharaan", _("Pemanfaatan & pemeliharaan prasarana")
        PERTANIAN = "pertanian", _("Kelompok tani")
        EKONOMI = "ekonomi", _("Ekonomi / simpan pinjam")
        SOSIAL = "sosial", _("Sosial kemasyarakatan")

    #: Functions one desa may hold several bodies for (KSMs are formed per activity).
    FUNGSI_BOLEH_GANDA = (Fungsi.PELAKSANAAN,)

    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, related_name="lembaga")
    nama = models.CharField(_("nama"), max_length=150)
    jenis = models.CharField(_("jenis"), max_length=10, choices=Jenis)
    fungsi = models.CharField(_("fungsi"), max_length=15, choices=Fungsi)
    aktif = models.BooleanField(_("aktif"), default=True)
    sumber = models.TextField(_("sumber"), blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lembaga masyarakat")
        verbose_name_plural = _("lembaga masyarakat")
        ordering = ["desa", "fungsi", "nama"]
        constraints = [
            models.UniqueConstraint(
                fields=["desa", "nama"], name="lembaga_unik_nama",
                violation_error_message=_("Nama lembaga sudah ada di desa ini.")),
        ]

    def __str__(self) -> str:
        return f"{self.nama} ({self.get_jenis_display()}, {self.desa})"


class KondisiTahunan(models.Model):
    """Fields the stored condition of a location or desa in one year shares: the engine's
    result (``desa.kondisi``) kept so pages read it instead of rescoring (issue 16)."""

    tahun = models.PositiveSmallIntegerField(_("tahun"))
    kode_wilayah = models.CharField(_("kode Kemendagri desa"), max_length=13, db_index=True)
    baseline_tahun = models.PositiveSmallIntegerField(null=True)
    baseline_skor = models.PositiveSmallIntegerField()
    baseline_tingkat = models.CharField(max_length=20, choices=Tingkat.choices)
    terukur_tahun = models.PositiveSmallIntegerField(null=True)
    terukur_skor = models.PositiveSmallIntegerField()
    terukur_tingkat = models.CharField(max_length=20, choices=Tingkat.choices)
    proyeksi_skor = models.PositiveSmallIntegerField()
    proyeksi_tingkat = models.CharField(max_length=20, choices=Tingkat.choices)
    # Slum hectares (every level but "tidak kumuh") of each figure, and the total area.
    luas_kumuh_baseline = models.DecimalField(max_digits=14, decimal_places=4)
    luas_kumuh_terukur = models.DecimalField(max_digits=14, decimal_places=4)
    luas_kumuh_proyeksi = models.DecimalField(max_digits=14, decimal_places=4)
    luas_terukur = models.DecimalField(max_digits=14, decimal_places=4)
    # Summed header and volumes per figure ({tahap: {"header": …, "volumes": …}}, decimals
    # as strings): what a region needs to aggregate further without the raw tables.
    masukan = models.JSONField(default=dict)
    is_demo = models.BooleanField(default=False)
    # The location's (desa's) last stored year: rows run without gaps from the first
    # measurement to it, so "the latest row not after year T" is the row of T, or the last row
    # when it is older than T (an equality test the indexes serve, no anti-join).
    terakhir = models.BooleanField(default=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.kode_wilayah} {self.tahun}: {self.terukur_skor} ({self.terukur_tingkat})"


class KondisiLokasiTahunan(KondisiTahunan):
    lokasi = models.ForeignKey(Lokasi, on_delete=models.CASCADE, related_name="+")
    desa = models.ForeignKey(Desa, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("kondisi lokasi tersimpan")
        constraints = [models.UniqueConstraint(fields=["lokasi", "tahun"],
                                               name="kondisi_lokasi_tahun_unik")]
        indexes = [models.Index(fields=["tahun", "kode_wilayah"],
                                name="kondisi_lokasi_tahun_kode"),
                   models.Index(fields=["kode_wilayah"], condition=models.Q(terakhir=True),
                                name="kondisi_lokasi_terakhir"),
                   # Covering (PostgreSQL; a plain index elsewhere): the wide pages' sums
                   # read this narrow copy, never the rows with their ``masukan`` JSON.
                   models.Index(fields=["tahun", "terakhir"], name="kondisi_lokasi_ringkas",
                                include=["kode_wilayah", "terukur_tingkat", "baseline_tingkat",
                                         "luas_terukur", "luas_kumuh_proyeksi"])]


class KondisiDesaTahunan(KondisiTahunan):
    desa = models.ForeignKey(Desa, on_delete=models.CASCADE, related_name="+")
    jumlah_lokasi = models.PositiveIntegerField()
    jumlah_demo = models.PositiveIntegerField()
    terukur_tahun_awal = models.PositiveSmallIntegerField(null=True)

    class Meta:
        verbose_name = _("kondisi desa tersimpan")
        constraints = [models.UniqueConstraint(fields=["desa", "tahun"],
                                               name="kondisi_desa_tahun_unik")]
        indexes = [models.Index(fields=["tahun", "kode_wilayah"],
                                name="kondisi_desa_tahun_kode"),
                   models.Index(fields=["kode_wilayah"], condition=models.Q(terakhir=True),
                                name="kondisi_desa_terakhir"),
                   # Covering (PostgreSQL; a plain index elsewhere): Beranda's and Dampak's
                   # counts and sums over the nation read this narrow copy (an index-only
                   # scan), not 150 MB of rows with their ``masukan`` JSON.
                   models.Index(fields=["tahun", "terakhir"], name="kondisi_desa_ringkas",
                                include=["id", "desa_id", "kode_wilayah", "terukur_tingkat",
                                         "terukur_skor", "terukur_tahun", "proyeksi_skor",
                                         "proyeksi_tingkat", "luas_kumuh_baseline",
                                         "luas_kumuh_terukur", "luas_kumuh_proyeksi",
                                         "luas_terukur", "jumlah_lokasi", "jumlah_demo"])]


class KondisiKabupatenTahunan(models.Model):
    """The stored desa rows of a kabupaten/kota summed per (year, last row or not): how many,
    and their pooled scoring inputs (``masukan``: per stage the summed header figures and
    criterion volumes, as decimal strings; ``ada``: per volume how many desa rows have it,
    so a volume no desa measured stays absent). A wide scope's pooled score (Dampak's
    "gabungan") sums these few rows instead of 10,000 desa rows' JSON. Grouping by year and
    ``terakhir`` keeps the desa rows' year rule exact: the rows of a year, or the last rows
    before it, are the same sum here. Kept by the condition's write path by differences,
    rebuilt and checked with the desa rows."""

    kode_wilayah = models.CharField(max_length=13)  # the kabupaten's code, e.g. 35.19
    tahun = models.PositiveSmallIntegerField()
    terakhir = models.BooleanField()
    jumlah_desa = models.PositiveIntegerField()
    masukan = models.JSONField(default=dict)
    # Per stage and volume, how many desa rows have it. Apart from ``masukan`` so that stays
    # small enough to be stored uncompressed (every figure read from a compressed document
    # decompressed it again: 36 ms instead of 9 for the nation).
    ada = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("kondisi kabupaten tersimpan")
        constraints = [models.UniqueConstraint(fields=["kode_wilayah", "tahun", "terakhir"],
                                               name="kondisi_kabupaten_unik")]
        indexes = [models.Index(fields=["tahun", "terakhir"], name="kondisi_kab_tahun")]

    def __str__(self) -> str:
        return f"{self.kode_wilayah}/{self.tahun}: {self.jumlah_desa} desa"
