"""Who takes part: stakeholders (pemangku kepentingan), collaboration forums and commitments
(pledges)."""


from django.db import models
from django.db.models import (
    Q,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from desa.models import Desa, Kabupaten, Kriteria
from inti.idempoten import token_field
from inti.tahun import PESAN_TAHUN, TAHUN_MAX, TAHUN_MIN


class JenisPemangku(models.TextChoices):
    KEMENTERIAN = "kementerian", _("Kementerian/lembaga pusat")
    PROVINSI = "provinsi", _("Pemerintah provinsi")
    OPD = "opd", _("OPD kabupaten")
    # A government whose level the source does not state (Bibrik 2018: "APBD Tahun Anggaran
    # 2018"): never guess provinsi or kabupaten.
    PEMDA = "pemda", _("Pemerintah daerah (tingkat tidak disebut)")
    PEMDES = "pemdes", _("Pemerintah desa")
    LKM = "lkm", _("LKM/BKM")
    KSM = "ksm", _("KSM")
    SWASTA = "swasta", _("Swasta/CSR")
    DONOR = "donor", _("Donor")
    PERGURUAN_TINGGI = "pt", _("Perguruan tinggi")
    LSM = "lsm", _("LSM")
    MASYARAKAT = "masyarakat", _("Masyarakat")


# Community bodies belong to exactly one desa.
JENIS_BERDESA = (JenisPemangku.LKM, JenisPemangku.KSM, JenisPemangku.PEMDES)


#: What the public may see of a stakeholder: never its contact person, phone or e-mail.
PEMANGKU_PUBLIC_FIELDS = ["id", "nama", "singkatan", "jenis", "desa", "kabupaten",
                          "keterangan", "is_demo"]


class PemangkuKepentinganQuerySet(models.QuerySet):
    def pelaksana(self):
        """Bodies that can execute works (LKM/KSM)."""
        return self.filter(jenis__in=[JenisPemangku.LKM, JenisPemangku.KSM])


class PemangkuKepentingan(models.Model):
    """A stakeholder that funds, pledges or executes slum work.

    Contact details are for staff only: public pages never show them.
    """

    nama = models.CharField(_("nama"), max_length=200)
    singkatan = models.CharField(_("singkatan"), max_length=40, blank=True)
    jenis = models.CharField(_("jenis"), max_length=15, choices=JenisPemangku)
    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="pemangku", verbose_name=_("desa"))
    kabupaten = models.ForeignKey(Kabupaten, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="pemangku", verbose_name=_("kabupaten"))
    keterangan = models.TextField(_("keterangan"), blank=True)
    kontak_nama = models.CharField(_("nama kontak"), max_length=120, blank=True)
    kontak_telepon = models.CharField(_("telepon kontak"), max_length=30, blank=True)
    kontak_email = models.EmailField(_("e-mail kontak"), blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    history = HistoricalRecords()

    objects = PemangkuKepentinganQuerySet.as_manager()

    class Meta:
        verbose_name = _("pemangku kepentingan")
        verbose_name_plural = _("pemangku kepentingan")
        ordering = ["nama"]
        constraints = [
            models.UniqueConstraint(
                fields=["desa"], condition=Q(jenis="lkm"), name="pemangku_satu_lkm_per_desa",
                violation_error_message=_("Desa ini sudah punya LKM; satu desa satu LKM."),
            ),
            models.CheckConstraint(
                condition=~Q(jenis__in=["lkm", "ksm", "pemdes"]) | Q(desa__isnull=False),
                name="pemangku_lembaga_desa_punya_desa",
                violation_error_message=_("LKM, KSM dan pemerintah desa harus terkait satu desa."),
            ),
            models.UniqueConstraint(fields=["nama", "desa"], name="pemangku_unique_nama_desa",
                                    violation_error_message=_("Nama ini sudah terdaftar.")),
        ]
        indexes = [
            models.Index(fields=["jenis"], name="pemangku_jenis"),
            # Lists and choice fields order 170,000 stakeholders by name (national data).
            models.Index(fields=["nama"], name="pemangku_nama"),
        ]

    def __str__(self) -> str:
        return self.nama

    def get_absolute_url(self) -> str:
        return reverse("kolaborasi:pemangku_detail", args=[self.pk])


class ForumKolaborasi(models.Model):
    """A collaboration meeting: who took part and what they agreed."""

    tanggal = models.DateField(_("tanggal"))
    judul = models.CharField(_("judul"), max_length=200)
    tempat = models.CharField(_("tempat"), max_length=200, blank=True)
    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="forum", verbose_name=_("desa"))
    peserta = models.ManyToManyField(PemangkuKepentingan, related_name="forum", blank=True,
                                     verbose_name=_("peserta"))
    kesepakatan = models.TextField(_("kesepakatan"), blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    token_kirim = token_field()
    history = HistoricalRecords(m2m_fields=[peserta])

    class Meta:
        verbose_name = _("forum kolaborasi")
        verbose_name_plural = _("forum kolaborasi")
        ordering = ["-tanggal"]

    def __str__(self) -> str:
        return f"{self.judul} ({self.tanggal:%d-%m-%Y})"

    def get_absolute_url(self) -> str:
        return reverse("kolaborasi:forum_detail", args=[self.pk])


class Komitmen(models.Model):
    """A stakeholder's pledge to a desa (optionally a criterion) for a year.

    Delivered = the realised funding lines of that stakeholder in that desa/criterion/year
    (computed from the funding lines by ``anggaran.selectors.komitmen_dengan_realisasi``,
    never stored).
    """

    pemangku = models.ForeignKey(PemangkuKepentingan, on_delete=models.PROTECT,
                                 related_name="komitmen", verbose_name=_("pemangku kepentingan"))
    forum = models.ForeignKey(ForumKolaborasi, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="komitmen", verbose_name=_("forum"))
    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, related_name="komitmen",
                             verbose_name=_("desa"))
    kriteria = models.ForeignKey(Kriteria, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("kriteria"))
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    nilai_rp = models.DecimalField(_("nilai janji (Rp)"), max_digits=15, decimal_places=0)
    natura = models.BooleanField(_("natura (barang/tenaga)"), default=False)
    uraian = models.TextField(_("uraian"), blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    token_kirim = token_field()
    history = HistoricalRecords()


    class Meta:
        verbose_name = _("komitmen")
        verbose_name_plural = _("komitmen")
        ordering = ["-tahun", "desa"]
        constraints = [
            models.CheckConstraint(condition=Q(nilai_rp__gte=0), name="komitmen_nilai_not_negative",
                                   violation_error_message=_("Nilai tidak boleh negatif.")),
            models.CheckConstraint(
                condition=Q(tahun__gte=TAHUN_MIN) & Q(tahun__lte=TAHUN_MAX),
                name="komitmen_tahun_wajar",
                violation_error_message=PESAN_TAHUN),
        ]

    def __str__(self) -> str:
        return f"{self.pemangku} → {self.desa} {self.tahun}"


from .models_rencana import (  # noqa: E402,F401  (one models module per app for Django)
    DokumenRencana,
    ItemKriteria,
    ItemRencana,
    JenisInvestasi,
    JenisRencana,
    JenisSumberDaya,
    KomitmenItem,
    Komponen,
    Pendekatan,
    StatusRencana,
    TargetTahunan,
)
