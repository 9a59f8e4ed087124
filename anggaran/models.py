"""Money: funding sources, upgrade activities, their co-financing lines and progress reports.

Amounts are whole rupiah in ``Decimal`` (no floats). An activity's totals are always the sum
of its funding lines, computed in SQL (``KegiatanQuerySet.with_totals``), never stored twice.
"""


from django.conf import settings
from django.db import models
from django.db.models import Case, Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from desa.models import Desa, Kabupaten, Kawasan, Kriteria, Lokasi
from inti.audit import BerSumber, Tercatat
from inti.idempoten import token_field
from inti.uang import RUPIAH, ZERO_RP
from inti.unggah import nama_unik
from kolaborasi.models import (
    ItemRencana,
    JenisInvestasi,
    KomitmenItem,
    Komponen,
    PemangkuKepentingan,
    Pendekatan,
)


class KategoriSumber(models.TextChoices):
    PUSAT = "pusat", _("Pemerintah pusat")
    DAERAH = "daerah", _("Pemerintah daerah")
    DESA = "desa", _("Pemerintah desa")
    NON_PEMERINTAH = "non_pemerintah", _("Non-pemerintah")
    MASYARAKAT = "masyarakat", _("Masyarakat")


class TingkatSumber(models.TextChoices):
    """The level a source's money comes from, for the collaboration share by level."""

    PUSAT = "pusat", _("Pusat (APBN)")
    TRANSFER_PUSAT = "transfer_pusat", _("Transfer pusat (DAK, Dana Desa)")
    PROVINSI = "provinsi", _("Provinsi")
    KABUPATEN = "kabupaten", _("Kabupaten/kota")
    DAERAH = "daerah", _("APBD (tingkat tidak disebut)")
    DESA = "desa", _("Desa")
    NON_PEMERINTAH = "non_pemerintah", _("Non-pemerintah (CSR, donor, swadaya)")


class SumberDana(models.Model):
    """A funding source (APBN, APBD, Dana Desa, CSR, swadaya, ...), seeded by a migration."""

    kode = models.SlugField(_("kode"), max_length=20, unique=True)
    nama = models.CharField(_("nama"), max_length=100)
    kategori = models.CharField(_("kategori"), max_length=20, choices=KategoriSumber)
    urutan = models.PositiveSmallIntegerField(_("urutan"), default=0)
    keterangan = models.TextField(_("keterangan"), blank=True)
    # The programme's own grant (BPM, central KOTAKU money to the LKM); everything else is
    # collaboration money ("non-BPM"), the portal's measure of collaboration. DAK and Dana
    # Desa are APBN transfers yet collaboration money: hence not "non-APBN".
    adalah_bpm = models.BooleanField(_("bantuan program KOTAKU (BPM)"), default=False)
    tingkat = models.CharField(_("tingkat"), max_length=20, choices=TingkatSumber,
                               default=TingkatSumber.NON_PEMERINTAH)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sumber dana")
        verbose_name_plural = _("sumber dana")
        ordering = ["urutan", "nama"]

    def __str__(self) -> str:
        return self.nama


class StatusKegiatan(models.TextChoices):
    RENCANA = "rencana", _("Rencana")
    BERJALAN = "berjalan", _("Berjalan")
    SELESAI = "selesai", _("Selesai")
    BATAL = "batal", _("Batal")


class KegiatanQuerySet(models.QuerySet):
    def for_writer(self, user):
        from desa import akses

        return self.filter(desa__in=akses.writable_desa(user))

    def with_totals(self):
        """Planned/realised sums and the number of distinct sources and funders, in SQL.

        Subqueries (not joins) so that combining them with other annotations never
        multiplies the sums.
        """
        lines = Pendanaan.objects.filter(kegiatan=OuterRef("pk")).order_by().values("kegiatan")
        return self.annotate(
            total_rencana=Coalesce(
                Subquery(lines.annotate(s=Sum("rencana_rp")).values("s")), ZERO_RP),
            total_realisasi=Coalesce(
                Subquery(lines.annotate(s=Sum("realisasi_rp")).values("s")), ZERO_RP),
            jumlah_sumber=Coalesce(
                Subquery(lines.annotate(c=Count("sumber", distinct=True)).values("c")), 0),
            jumlah_pendana=Coalesce(
                Subquery(lines.annotate(c=Count("pemangku", distinct=True)).values("c")), 0),
            progres_fisik=Subquery(
                LaporanProgres.objects.filter(kegiatan=OuterRef("pk"))
                .order_by("-tanggal", "-pk").values("persen_fisik")[:1]),
        )


class Kegiatan(Tercatat, BerSumber):
    """An upgrade activity (kegiatan penanganan): fixes part of one criterion in one desa."""

    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, related_name="kegiatan",
                             verbose_name=_("desa"))
    kawasan = models.ForeignKey(Kawasan, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="kegiatan", verbose_name=_("kawasan"))
    lokasi = models.ForeignKey(Lokasi, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="kegiatan", verbose_name=_("lokasi penilaian"))
    kriteria = models.ForeignKey(Kriteria, on_delete=models.PROTECT, related_name="kegiatan",
                                 verbose_name=_("kriteria yang ditangani"))
    nama = models.CharField(_("nama kegiatan"), max_length=200)
    volume = models.DecimalField(_("volume"), max_digits=14, decimal_places=2)
    satuan = models.CharField(_("satuan"), max_length=20)
    # What the activity removes from the criterion's volume, in the criterion's unit, where the
    # two units differ (4 waste carts serve n households of criterion 6a, counted in KK).
    volume_kriteria = models.DecimalField(
        _("volume tertangani (satuan kriteria)"), max_digits=14, decimal_places=2, null=True,
        blank=True, help_text=_(
            "Bagian volume kriteria yang ditangani, dalam satuan kriteria (mis. KK terlayani "
            "untuk 6a). Kosongkan bila satuan kegiatan sama dengan satuan kriteria: volume "
            "kegiatan yang dihitung."))
    tahun_anggaran = models.PositiveSmallIntegerField(_("tahun anggaran"))
    status = models.CharField(_("status"), max_length=10, choices=StatusKegiatan,
                              default=StatusKegiatan.RENCANA)
    pelaksana = models.ForeignKey(
        PemangkuKepentingan, on_delete=models.PROTECT, null=True, blank=True,
        related_name="kegiatan_dilaksanakan", verbose_name=_("pelaksana (LKM/KSM)"),
        limit_choices_to={"jenis__in": ["lkm", "ksm"]},
    )
    rt = models.CharField(_("RT"), max_length=20, blank=True)
    rw = models.CharField(_("RW"), max_length=20, blank=True)
    lat = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)
    tanggal_mulai = models.DateField(_("tanggal mulai"), null=True, blank=True)
    tanggal_selesai = models.DateField(_("tanggal selesai"), null=True, blank=True)
    keterangan = models.TextField(_("keterangan"), blank=True)
    # The plan items this activity realises and how it is delivered (issue 15). The main
    # criterion above stays what outcome figures read; ``KegiatanKriteria`` lists every
    # criterion handled (the main one included) with its handled volume.
    item_rencana = models.ManyToManyField(ItemRencana, blank=True, related_name="kegiatan",
                                          verbose_name=_("item rencana yang diwujudkan"))
    pendekatan = models.CharField(_("pendekatan"), max_length=10, choices=Pendekatan,
                                  blank=True)
    komponen = models.CharField(_("komponen"), max_length=15, choices=Komponen, blank=True)
    jenis_investasi = models.CharField(_("jenis investasi"), max_length=10,
                                       choices=JenisInvestasi, blank=True)
    # The create form's one-time token: a double tap or a retried send makes one activity.
    token_kirim = token_field()
    history = HistoricalRecords(m2m_fields=[item_rencana])

    objects = KegiatanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kegiatan penanganan")
        verbose_name_plural = _("kegiatan penanganan")
        ordering = ["-tahun_anggaran", "desa", "nama"]
        constraints = [
            models.CheckConstraint(condition=Q(volume__gt=0), name="kegiatan_volume_positive",
                                   violation_error_message=_("Volume harus lebih dari nol.")),
            models.CheckConstraint(
                condition=Q(volume_kriteria__isnull=True) | Q(volume_kriteria__gte=0),
                name="kegiatan_volume_kriteria_nonneg",
                violation_error_message=_("Volume tertangani tidak boleh negatif.")),
            models.CheckConstraint(
                condition=Q(tahun_anggaran__gte=2000) & Q(tahun_anggaran__lte=2100),
                name="kegiatan_tahun_wajar",
                violation_error_message=_("Tahun anggaran harus antara 2000 dan 2100.")),
            models.CheckConstraint(
                condition=Q(tanggal_mulai__isnull=True) | Q(tanggal_selesai__isnull=True)
                | Q(tanggal_selesai__gte=F("tanggal_mulai")),
                name="kegiatan_tanggal_urut",
                violation_error_message=_("Tanggal selesai tidak boleh sebelum tanggal mulai.")),
        ]
        indexes = [
            models.Index(fields=["tahun_anggaran", "desa"], name="kegiatan_tahun_desa"),
            models.Index(fields=["status"], name="kegiatan_status"),
            # "Kegiatan terbaru" on the Beranda: the 8 newest of 330,000 without a sort.
            models.Index(fields=["dibuat_pada", "id"], name="kegiatan_dibuat_pada"),
        ]

    def __str__(self) -> str:
        return self.nama

    def get_absolute_url(self) -> str:
        return reverse("anggaran:kegiatan_detail", args=[self.pk])

    @property
    def volume_tertangani(self):
        """What counts against the criterion's volume once the activity is done (criterion
        unit), or None when it cannot be said (different units, no conversion given).
        ``VOLUME_TERTANGANI`` (below) is the same rule in SQL."""
        if self.volume_kriteria is not None:
            return self.volume_kriteria
        return self.volume if self.satuan == self.kriteria.satuan else None

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.lokasi_id and self.desa_id and self.lokasi.desa_id != self.desa_id:
            errors["lokasi"] = _("Lokasi harus berada di desa kegiatan.")
        if self.kawasan_id and self.desa_id and self.kawasan.desa_id != self.desa_id:
            errors["kawasan"] = _("Kawasan harus berada di desa kegiatan.")
        if self.pelaksana_id and self.pelaksana.desa_id and self.desa_id \
                and self.pelaksana.desa_id != self.desa_id:
            errors["pelaksana"] = _("Pelaksana LKM/KSM harus dari desa kegiatan.")
        if errors:
            raise ValidationError(errors)


# ``Kegiatan.volume_tertangani`` as a query expression (NULL when it cannot be said; SUM skips
# it): the same rule, in SQL.
VOLUME_TERTANGANI = Coalesce(
    "volume_kriteria",
    Case(When(satuan=F("kriteria__satuan"), then=F("volume")), default=Value(None),
         output_field=DecimalField(max_digits=14, decimal_places=2)))


class KegiatanKriteria(models.Model):
    """A criterion an activity handles, with the handled volume in the criterion's unit
    (``None`` when it cannot be said). The activity's main criterion has its row too
    (``anggaran.services.simpan_kegiatan`` keeps it in step)."""

    kegiatan = models.ForeignKey(Kegiatan, on_delete=models.CASCADE,
                                 related_name="kegiatan_kriteria")
    kriteria = models.ForeignKey(Kriteria, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("kriteria"))
    volume = models.DecimalField(_("volume tertangani (satuan kriteria)"), max_digits=14,
                                 decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kriteria kegiatan")
        verbose_name_plural = _("kriteria kegiatan")
        ordering = ["kegiatan", "kriteria__kode"]
        constraints = [
            models.UniqueConstraint(fields=["kegiatan", "kriteria"],
                                    name="kegiatan_kriteria_unik",
                                    violation_error_message=_(
                                        "Kriteria ini sudah tercantum pada kegiatan.")),
            models.CheckConstraint(condition=Q(volume__isnull=True) | Q(volume__gte=0),
                                   name="kegiatan_kriteria_volume_nonneg",
                                   violation_error_message=_(
                                       "Volume tertangani tidak boleh negatif.")),
        ]

    def __str__(self) -> str:
        return f"{self.kegiatan} / {self.kriteria_id}: {self.volume}"


PESAN_REALISASI_LEBIH = _("Realisasi melebihi rencana: tuliskan alasannya.")
PESAN_NATURA = _("Dana natura perlu uraian (tenaga, lahan, bahan).")


class Pendanaan(models.Model):
    """One funding line: a stakeholder's money from one source for one activity.

    Its two rules (realised above planned needs a reason; in-kind needs a description) are
    the named constraints below, told to the user on their field by :meth:`galat_aturan`,
    which the form (through ``clean``), the import and the service all use.
    """

    kegiatan = models.ForeignKey(Kegiatan, on_delete=models.CASCADE, related_name="pendanaan")
    pemangku = models.ForeignKey(PemangkuKepentingan, on_delete=models.PROTECT,
                                 related_name="pendanaan", verbose_name=_("pemberi dana"))
    sumber = models.ForeignKey(SumberDana, on_delete=models.PROTECT, related_name="pendanaan",
                               verbose_name=_("sumber dana"))
    rencana_rp = models.DecimalField(_("rencana (Rp)"), **RUPIAH)
    realisasi_rp = models.DecimalField(_("realisasi (Rp)"), default=0, **RUPIAH)
    natura = models.BooleanField(_("natura (tenaga/lahan/bahan, dinilai Rp)"), default=False)
    uraian_natura = models.CharField(_("uraian natura"), max_length=250, blank=True)
    alasan_lebih = models.CharField(_("alasan realisasi melebihi rencana"), max_length=250,
                                    blank=True)
    # The plan commitment this line fulfils (pledged vs delivered on the Memorandum Program).
    komitmen_item = models.ForeignKey(KomitmenItem, on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="pendanaan",
                                      verbose_name=_("komitmen item rencana"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pendanaan")
        verbose_name_plural = _("pendanaan")
        ordering = ["kegiatan", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(rencana_rp__gte=0),
                                   name="pendanaan_rencana_not_negative",
                                   violation_error_message=_("Rencana tidak boleh negatif.")),
            models.CheckConstraint(condition=Q(realisasi_rp__gte=0),
                                   name="pendanaan_realisasi_not_negative",
                                   violation_error_message=_("Realisasi tidak boleh negatif.")),
            models.CheckConstraint(
                condition=Q(realisasi_rp__lte=F("rencana_rp")) | ~Q(alasan_lebih=""),
                name="pendanaan_realisasi_lebih_beralasan",
                violation_error_message=PESAN_REALISASI_LEBIH,
            ),
            models.CheckConstraint(
                condition=Q(natura=False) | ~Q(uraian_natura=""),
                name="pendanaan_natura_beruraian",
                violation_error_message=PESAN_NATURA,
            ),
        ]
        indexes = [
            models.Index(fields=["sumber", "kegiatan"], name="pendanaan_sumber_kegiatan"),
            models.Index(fields=["pemangku", "kegiatan"], name="pendanaan_pemangku_kegiatan"),
        ]

    def __str__(self) -> str:
        return f"{self.pemangku} / {self.sumber}: {self.rencana_rp}"

    def galat_aturan(self) -> dict[str, str]:
        """The line's rule violations by field (the Python twin of the constraints)."""
        galat = {}
        if (self.rencana_rp is not None and self.realisasi_rp is not None
                and self.realisasi_rp > self.rencana_rp and not self.alasan_lebih.strip()):
            galat["alasan_lebih"] = PESAN_REALISASI_LEBIH
        if self.natura and not self.uraian_natura.strip():
            galat["uraian_natura"] = PESAN_NATURA
        return galat

    def clean(self):
        from django.core.exceptions import ValidationError

        if galat := self.galat_aturan():
            raise ValidationError(galat)


class LaporanProgres(models.Model):
    """A progress report: physical %, money spent to date, a note and photos."""

    kegiatan = models.ForeignKey(Kegiatan, on_delete=models.CASCADE, related_name="progres")
    tanggal = models.DateField(_("tanggal"))
    persen_fisik = models.DecimalField(_("progres fisik (%)"), max_digits=5, decimal_places=2)
    realisasi_rp = models.DecimalField(_("realisasi s.d. tanggal ini (Rp)"), default=0, **RUPIAH)
    catatan = models.TextField(_("catatan"), blank=True)
    dibuat_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    dibuat_pada = models.DateTimeField(auto_now_add=True)
    token_kirim = token_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("laporan progres")
        verbose_name_plural = _("laporan progres")
        ordering = ["kegiatan", "-tanggal", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(persen_fisik__gte=0) & Q(persen_fisik__lte=100),
                name="progres_persen_0_100",
                violation_error_message=_("Progres fisik harus antara 0 dan 100%.")),
            models.CheckConstraint(condition=Q(realisasi_rp__gte=0),
                                   name="progres_realisasi_not_negative",
                                   violation_error_message=_("Realisasi tidak boleh negatif.")),
        ]

    def __str__(self) -> str:
        return f"{self.kegiatan} {self.tanggal}: {self.persen_fisik}%"


def foto_upload_to(instance, filename: str) -> str:
    return nama_unik("progres", filename)


class FotoProgres(models.Model):
    class Tahap(models.TextChoices):
        NOL = "0", _("0% (sebelum)")
        LIMA_PULUH = "50", _("50% (pelaksanaan)")
        SERATUS = "100", _("100% (selesai)")
        LAIN = "lain", _("Lainnya")

    laporan = models.ForeignKey(LaporanProgres, on_delete=models.CASCADE, related_name="foto")
    foto = models.ImageField(_("foto"), upload_to=foto_upload_to)
    tahap = models.CharField(_("tahap"), max_length=5, choices=Tahap, default=Tahap.LAIN)
    keterangan = models.CharField(_("keterangan"), max_length=200, blank=True)
    # Smaller renditions stored next to the photo (``<name>_320.<ext>``, ``<name>_960.<ext>``)
    # for lists and cards; photos stored before they existed have none.
    ada_rendisi = models.BooleanField(default=False, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("foto progres")
        verbose_name_plural = _("foto progres")
        ordering = ["laporan", "pk"]

    def __str__(self) -> str:
        return f"{self.laporan} ({self.get_tahap_display()})"

    def rendisi_url(self, lebar: int) -> str:
        """URL of the ``lebar`` px rendition (320 or 960), or of the photo itself."""
        if self.ada_rendisi:
            from inti.foto import nama_rendisi

            return self.foto.storage.url(nama_rendisi(self.foto.name, lebar))
        return self.foto.url

    @property
    def url_320(self) -> str:
        return self.rendisi_url(320)

    @property
    def url_960(self) -> str:
        return self.rendisi_url(960)


#: A sum of many lines: wider than one line's amount.
RUPIAH_JUMLAH = {"max_digits": 18, "decimal_places": 0}


# ---------------------------------------------------------------------------------------------
# Money rollups (issue 16): summed funding lines, kept current by the write path in the same
# transaction (``anggaran.ringkasan``), so the dashboards never scan the million lines. Never
# edited by hand: ``manage.py bangun_ulang_ringkasan`` rebuilds them from the raw rows and
# ``manage.py periksa_ringkasan`` compares them. Cancelled activities are left out (they never
# count on a dashboard).
# ---------------------------------------------------------------------------------------------


class _KunciRingkasan(models.Model):
    """The key every rollup shares (the activity's desa, year and criterion, the source)."""

    desa = models.ForeignKey(Desa, on_delete=models.CASCADE, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    sumber = models.ForeignKey(SumberDana, on_delete=models.CASCADE, related_name="+")
    kriteria = models.ForeignKey(Kriteria, on_delete=models.CASCADE, related_name="+")
    jumlah_kegiatan = models.PositiveIntegerField()  # distinct activities behind the row

    class Meta:
        abstract = True


class _RingkasanUang(_KunciRingkasan):
    jenis = models.CharField(max_length=15)  # the funder's type (kept current)
    rencana_rp = models.DecimalField(**RUPIAH_JUMLAH)
    realisasi_rp = models.DecimalField(**RUPIAH_JUMLAH)
    jumlah_baris = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.desa_id}/{self.tahun}/{self.sumber_id}/{self.jenis}: {self.rencana_rp}"


class RingkasanPendana(_RingkasanUang):
    """Funding lines summed per desa × year × source × funder × criterion: distinct funders,
    top funders, funder matrices and profiles."""

    pemangku = models.ForeignKey(PemangkuKepentingan, on_delete=models.CASCADE,
                                 related_name="+")

    class Meta:
        verbose_name = _("ringkasan dana per pendana")
        verbose_name_plural = _("ringkasan dana per pendana")
        constraints = [models.UniqueConstraint(
            fields=["desa", "tahun", "sumber", "pemangku", "kriteria"],
            name="ringkasan_pendana_kunci")]
        indexes = [models.Index(fields=["pemangku", "tahun"], name="ringkasan_pendana_pemangku"),
                   models.Index(fields=["tahun", "desa"], name="ringkasan_pendana_tahun")]


class RingkasanDana(_RingkasanUang):
    """Funding lines summed per desa × year × source × funder type × criterion: the money
    figures of Beranda, the matrix by source, the region tables."""

    class Meta:
        verbose_name = _("ringkasan dana")
        verbose_name_plural = _("ringkasan dana")
        constraints = [models.UniqueConstraint(
            fields=["desa", "tahun", "sumber", "jenis", "kriteria"],
            name="ringkasan_dana_kunci")]
        indexes = [models.Index(fields=["tahun", "desa"], name="ringkasan_dana_tahun")]


class RingkasanSumber(_KunciRingkasan):
    """Distinct activities per desa × year × source × criterion (a count across funder types
    cannot be summed from ``RingkasanDana``): the "kegiatan" column per source."""

    class Meta:
        verbose_name = _("ringkasan kegiatan per sumber")
        verbose_name_plural = _("ringkasan kegiatan per sumber")
        constraints = [models.UniqueConstraint(fields=["desa", "tahun", "sumber", "kriteria"],
                                               name="ringkasan_sumber_kunci")]

    def __str__(self) -> str:
        return f"{self.desa_id}/{self.tahun}/{self.sumber_id}: {self.jumlah_kegiatan}"


# The same money one level up (issue 16): per kabupaten/kota. Lines rarely share a desa-level
# key (the per-desa rollups hold about as many rows as there are lines), so national and
# provincial pages read these instead (about 52,000 and 156,000 rows for 1,000,000 lines).
# Kept current with the per-desa rows, in the same transaction (``anggaran.ringkasan``).


class RingkasanDanaKabupaten(models.Model):
    """Per kabupaten/kota × year × source × funder type: planned and realised Rp, lines and
    distinct activities (an activity has one desa and one criterion, so the per-desa
    counts add up exactly)."""

    kabupaten = models.ForeignKey(Kabupaten, on_delete=models.CASCADE, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    sumber = models.ForeignKey(SumberDana, on_delete=models.CASCADE, related_name="+")
    jenis = models.CharField(max_length=15)
    rencana_rp = models.DecimalField(**RUPIAH_JUMLAH)
    realisasi_rp = models.DecimalField(**RUPIAH_JUMLAH)
    jumlah_baris = models.PositiveIntegerField()
    jumlah_kegiatan = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("ringkasan dana per kabupaten")
        verbose_name_plural = _("ringkasan dana per kabupaten")
        constraints = [models.UniqueConstraint(fields=["kabupaten", "tahun", "sumber", "jenis"],
                                               name="ringkasan_dana_kab_kunci")]

    def __str__(self) -> str:
        return f"{self.kabupaten_id}/{self.tahun}/{self.sumber_id}/{self.jenis}: {self.rencana_rp}"


class RingkasanSumberKabupaten(models.Model):
    """Distinct activities per kabupaten/kota × year × source (across funder types)."""

    kabupaten = models.ForeignKey(Kabupaten, on_delete=models.CASCADE, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    sumber = models.ForeignKey(SumberDana, on_delete=models.CASCADE, related_name="+")
    jumlah_kegiatan = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("ringkasan kegiatan per sumber per kabupaten")
        verbose_name_plural = _("ringkasan kegiatan per sumber per kabupaten")
        constraints = [models.UniqueConstraint(fields=["kabupaten", "tahun", "sumber"],
                                               name="ringkasan_sumber_kab_kunci")]

    def __str__(self) -> str:
        return f"{self.kabupaten_id}/{self.tahun}/{self.sumber_id}: {self.jumlah_kegiatan}"


class _BagianDemo(models.Model):
    """The demo part of a funder's figures (its activities marked demo: how many, their
    planned and realised Rp), so a real funder's total never hides demo money: shown beside
    it on the stakeholder pages."""

    kegiatan_demo = models.PositiveIntegerField(default=0)
    rencana_demo_rp = models.DecimalField(**RUPIAH_JUMLAH, default=0)
    realisasi_demo_rp = models.DecimalField(**RUPIAH_JUMLAH, default=0)

    class Meta:
        abstract = True


class RingkasanPendanaKabupaten(_BagianDemo):
    """Per kabupaten/kota × funder, all years and sources: distinct funders, the largest
    funders and the funder × region cells of unfiltered national and provincial pages, and a
    funder's page by region. The counts are distinct within the kabupaten; an activity, a
    desa and a kecamatan lie in one kabupaten, so they add up exactly over kabupaten."""

    kabupaten = models.ForeignKey(Kabupaten, on_delete=models.CASCADE, related_name="+")
    pemangku = models.ForeignKey(PemangkuKepentingan, on_delete=models.CASCADE,
                                 related_name="+")
    jenis = models.CharField(max_length=15)
    rencana_rp = models.DecimalField(**RUPIAH_JUMLAH)
    realisasi_rp = models.DecimalField(**RUPIAH_JUMLAH)
    jumlah_kegiatan = models.PositiveIntegerField(default=0)
    jumlah_desa = models.PositiveIntegerField(default=0)
    jumlah_kecamatan = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ringkasan dana per pendana per kabupaten")
        verbose_name_plural = _("ringkasan dana per pendana per kabupaten")
        constraints = [models.UniqueConstraint(fields=["kabupaten", "pemangku"],
                                               name="ringkasan_pendana_kab_kunci")]
        indexes = [models.Index(fields=["pemangku"], name="ringkasan_pendana_kab_pemangku")]

    def __str__(self) -> str:
        return f"{self.kabupaten_id}/{self.pemangku_id}: {self.rencana_rp}"


class RingkasanPendanaSumber(models.Model):
    """Per funder × source, everywhere, all years (summed from its per-desa rows; an
    activity has one desa, year and criterion, so the per-desa distinct activities add up
    exactly): a funder's page by source without reading its 170,000 per-desa rows."""

    pemangku = models.ForeignKey(PemangkuKepentingan, on_delete=models.CASCADE,
                                 related_name="+")
    sumber = models.ForeignKey(SumberDana, on_delete=models.CASCADE, related_name="+")
    rencana_rp = models.DecimalField(**RUPIAH_JUMLAH)
    realisasi_rp = models.DecimalField(**RUPIAH_JUMLAH)
    jumlah_kegiatan = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("ringkasan dana per pendana per sumber")
        verbose_name_plural = _("ringkasan dana per pendana per sumber")
        constraints = [models.UniqueConstraint(fields=["pemangku", "sumber"],
                                               name="ringkasan_pendana_sumber_kunci")]

    def __str__(self) -> str:
        return f"{self.pemangku_id}/{self.sumber_id}: {self.rencana_rp}"


class RingkasanPendanaAspek(models.Model):
    """Per funder × aspect (the code of its activities' criteria's aspect), everywhere, all
    years and sources, the funder's type copied: the national funder × aspect matrix without
    reading 950,000 per-desa rows (its "lainnya" row is the aspect totals minus the largest
    funders' cells)."""

    pemangku = models.ForeignKey(PemangkuKepentingan, on_delete=models.CASCADE,
                                 related_name="+")
    aspek = models.CharField(max_length=3)
    jenis = models.CharField(max_length=15)
    rencana_rp = models.DecimalField(**RUPIAH_JUMLAH)
    realisasi_rp = models.DecimalField(**RUPIAH_JUMLAH)
    jumlah_baris = models.PositiveIntegerField()  # funding lines behind it (exact when summed)

    class Meta:
        verbose_name = _("ringkasan dana per pendana per aspek")
        verbose_name_plural = _("ringkasan dana per pendana per aspek")
        constraints = [models.UniqueConstraint(fields=["pemangku", "aspek"],
                                               name="ringkasan_pendana_aspek_kunci")]

    def __str__(self) -> str:
        return f"{self.pemangku_id}/{self.aspek}: {self.rencana_rp}"


class RingkasanKegiatanKabupaten(models.Model):
    """Activities counted per kabupaten/kota × year × status × demo, cancelled ones included
    (as Beranda's "kegiatan per status" and the activity list show them), with their whole
    cost (all their funding lines): the activity counts, demo marks and the activity list's
    totals of province and national pages without counting 333,000 activities per request."""

    kabupaten = models.ForeignKey(Kabupaten, on_delete=models.CASCADE, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10)
    is_demo = models.BooleanField()
    jumlah = models.PositiveIntegerField()
    rencana_rp = models.DecimalField(**RUPIAH_JUMLAH, default=0)
    realisasi_rp = models.DecimalField(**RUPIAH_JUMLAH, default=0)

    class Meta:
        verbose_name = _("ringkasan jumlah kegiatan per kabupaten")
        verbose_name_plural = _("ringkasan jumlah kegiatan per kabupaten")
        constraints = [models.UniqueConstraint(
            fields=["kabupaten", "tahun", "status", "is_demo"], name="ringkasan_kegiatan_kunci")]
        indexes = [models.Index(fields=["tahun"], name="ringkasan_kegiatan_tahun")]

    def __str__(self) -> str:
        return f"{self.kabupaten_id}/{self.tahun}/{self.status}: {self.jumlah}"


class RingkasanKegiatanDanaKabupaten(models.Model):
    """The activities having a funding line of a source, of a funder type, or of both on one
    line, per kabupaten/kota × year × status × demo, cancelled ones included: how many,
    their whole cost (all their lines) and the matching lines' share. Three kinds of row: a
    source with ``jenis`` empty, a type with ``sumber`` empty, a source and a type. The
    activity list filtered by those (and year, status, a province or kabupaten) totals its
    rows from here instead of reading every matching activity's lines."""

    kabupaten = models.ForeignKey(Kabupaten, on_delete=models.CASCADE, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10)
    is_demo = models.BooleanField()
    sumber = models.ForeignKey(SumberDana, on_delete=models.CASCADE, related_name="+",
                               null=True)
    jenis = models.CharField(max_length=15, blank=True)
    jumlah = models.PositiveIntegerField()
    rencana_rp = models.DecimalField(**RUPIAH_JUMLAH)
    realisasi_rp = models.DecimalField(**RUPIAH_JUMLAH)
    rencana_dana_rp = models.DecimalField(**RUPIAH_JUMLAH)
    realisasi_dana_rp = models.DecimalField(**RUPIAH_JUMLAH)

    class Meta:
        verbose_name = _("ringkasan kegiatan per sumber/jenis pendana per kabupaten")
        verbose_name_plural = _("ringkasan kegiatan per sumber/jenis pendana per kabupaten")
        # (Unique by construction: written only by one grouped INSERT per kabupaten; a
        # unique constraint cannot treat the empty source as one value on SQLite.)
        indexes = [models.Index(fields=["tahun", "sumber", "jenis"],
                                name="ringkasan_kegiatan_dana_th"),
                   models.Index(fields=["kabupaten", "tahun"], name="ringkasan_kegiatan_dana_kab")]

    def __str__(self) -> str:
        return f"{self.kabupaten_id}/{self.tahun}/{self.sumber_id}/{self.jenis}: {self.jumlah}"


class RingkasanPendanaTotal(_BagianDemo):
    """Per funder, everywhere, all years and sources (summed from its kabupaten rows): the
    largest funders of the national pages by index, and a funder's headline figures."""

    pemangku = models.OneToOneField(PemangkuKepentingan, on_delete=models.CASCADE,
                                    related_name="ringkasan_total", primary_key=True)
    jenis = models.CharField(max_length=15)
    rencana_rp = models.DecimalField(**RUPIAH_JUMLAH)
    realisasi_rp = models.DecimalField(**RUPIAH_JUMLAH)
    jumlah_kegiatan = models.PositiveIntegerField()
    jumlah_desa = models.PositiveIntegerField()
    jumlah_kecamatan = models.PositiveIntegerField()
    jumlah_kabupaten = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("ringkasan dana per pendana")
        verbose_name_plural = _("ringkasan dana per pendana")
        indexes = [
            models.Index(fields=["-rencana_rp", "pemangku"], name="ringkasan_total_rencana"),
            models.Index(fields=["-realisasi_rp", "pemangku"],
                         name="ringkasan_total_realisasi"),
        ]

    def __str__(self) -> str:
        return f"{self.pemangku_id}: {self.rencana_rp}"


class RingkasanJumlahPendana(models.Model):
    """How many distinct funders of each type fund something in a province (``kode_wilayah``
    its code) or anywhere (``""``), all years and sources: Beranda's distinct funders per
    province, per type and in all, national or of a province, without counting 156,000
    kabupaten funder rows. A save moves it by the funders it touches gaining or losing their
    first or last kabupaten row in a province (or anywhere); rebuilt and checked with the
    kabupaten rows."""

    kode_wilayah = models.CharField(max_length=13, blank=True)
    jenis = models.CharField(max_length=15)
    jumlah = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("ringkasan jumlah pendana per wilayah")
        verbose_name_plural = _("ringkasan jumlah pendana per wilayah")
        constraints = [models.UniqueConstraint(fields=["kode_wilayah", "jenis"],
                                               name="ringkasan_jumlah_pendana_kunci")]

    def __str__(self) -> str:
        return f"{self.kode_wilayah or 'nasional'}/{self.jenis}: {self.jumlah}"
