"""The collaborative plan: plan documents (RPLP per desa, RP2KPKP with its Memorandum Program
per kabupaten), their items with the criteria each addresses, yearly targets and the
stakeholders' commitments on items.

What was realised is not stored here: activities (``anggaran.Kegiatan``) name the plan items
they realise and their funding lines the commitment they fulfil; ``anggaran/rencana.py`` reads
the plan against them.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from desa.models import Desa, Kabupaten, Kawasan, Kriteria, Lokasi
from inti.tahun import PESAN_TAHUN, TAHUN_MAX, TAHUN_MIN
from inti.uang import RUPIAH


class JenisRencana(models.TextChoices):
    RPLP = "rplp", _("RPLP (desa/kelurahan)")
    RP2KPKP = "rp2kpkp", _("RP2KPKP dan Memorandum Program (kabupaten/kota)")


class StatusRencana(models.TextChoices):
    DRAF = "draf", _("Draf")
    DISEPAKATI = "disepakati", _("Disepakati")


class Pendekatan(models.TextChoices):
    """The two handling approaches of collaborative planning (outcome 4)."""

    MASYARAKAT = "masyarakat", _("Berbasis masyarakat")
    INSTITUSI = "institusi", _("Berbasis institusi")


class Komponen(models.TextChoices):
    """Planning aspects that are harmonised across sectors (outcome 3)."""

    INFRASTRUKTUR = "infrastruktur", _("Infrastruktur")
    KEBENCANAAN = "kebencanaan", _("Pengurangan risiko bencana")
    LEGALITAS = "legalitas", _("Legalitas lahan dan bangunan")
    KESEHATAN = "kesehatan", _("Kesehatan")
    SOSIAL = "sosial", _("Sosial")
    BUDAYA = "budaya", _("Budaya")
    EKONOMI = "ekonomi", _("Ekonomi/penghidupan")


class JenisInvestasi(models.TextChoices):
    PRIMER = "primer", _("Infrastruktur primer (skala kota)")
    SEKUNDER = "sekunder", _("Infrastruktur sekunder (skala kawasan)")
    TERSIER = "tersier", _("Infrastruktur tersier (skala lingkungan)")
    NON_FISIK = "non_fisik", _("Non-fisik (pelatihan, pendampingan, kelembagaan)")


class JenisSumberDaya(models.TextChoices):
    """What a stakeholder commits (outcome 6: money, time, people)."""

    UANG = "uang", _("Uang")
    NATURA = "natura", _("Barang/lahan (natura)")
    HOK = "hok", _("Tenaga (hari orang kerja)")
    ORANG = "orang", _("Orang (tenaga ahli/relawan)")


#: The unit a commitment of each kind counts in (money counts in rupiah only).
SATUAN_SUMBER_DAYA = {"hok": _("HOK"), "orang": _("orang")}


class DokumenRencanaQuerySet(models.QuerySet):
    def for_writer(self, user):
        """Plans a user may edit: facilitators their desa's RPLP; kabupaten plans only the
        Admin (``desa.akses`` decides who writes which desa)."""
        from desa import akses

        if akses.is_admin(user):
            return self
        return self.filter(jenis=JenisRencana.RPLP, desa__in=akses.writable_desa(user))


class DokumenRencana(models.Model):
    """A plan document: the RPLP of a desa or the RP2KPKP (with its Memorandum Program) of a
    kabupaten, for a period, agreed (or not yet) in a forum meeting."""

    jenis = models.CharField(_("jenis dokumen"), max_length=10, choices=JenisRencana)
    judul = models.CharField(_("judul"), max_length=200)
    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="rencana", verbose_name=_("desa"))
    kabupaten = models.ForeignKey(Kabupaten, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="rencana", verbose_name=_("kabupaten"))
    tahun_mulai = models.PositiveSmallIntegerField(_("tahun mulai"))
    tahun_selesai = models.PositiveSmallIntegerField(_("tahun selesai"))
    status = models.CharField(_("status"), max_length=12, choices=StatusRencana,
                              default=StatusRencana.DRAF)
    forum = models.ForeignKey("kolaborasi.ForumKolaborasi", on_delete=models.PROTECT,
                              null=True, blank=True, related_name="rencana_disepakati",
                              verbose_name=_("forum yang menyepakati"))
    tanggal_disepakati = models.DateField(_("tanggal disepakati"), null=True, blank=True)
    keterangan = models.TextField(_("keterangan"), blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    history = HistoricalRecords()

    objects = DokumenRencanaQuerySet.as_manager()

    class Meta:
        verbose_name = _("dokumen rencana")
        verbose_name_plural = _("dokumen rencana")
        ordering = ["-tahun_mulai", "judul"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(jenis="rplp") & Q(desa__isnull=False))
                | (Q(jenis="rp2kpkp") & Q(kabupaten__isnull=False)),
                name="rencana_wilayah_sesuai_jenis",
                violation_error_message=_(
                    "RPLP milik satu desa; RP2KPKP milik satu kabupaten/kota.")),
            models.CheckConstraint(
                condition=Q(tahun_selesai__gte=models.F("tahun_mulai"))
                & Q(tahun_mulai__gte=TAHUN_MIN) & Q(tahun_selesai__lte=TAHUN_MAX),
                name="rencana_periode_wajar",
                violation_error_message=_("Periode rencana tidak wajar (tahun selesai sebelum "
                                          "tahun mulai, atau di luar rentang tahun).")),
            models.CheckConstraint(
                condition=Q(status="draf")
                | (Q(forum__isnull=False) & Q(tanggal_disepakati__isnull=False)),
                name="rencana_disepakati_di_forum",
                violation_error_message=_(
                    "Rencana yang disepakati perlu forum dan tanggal kesepakatannya.")),
        ]

    def __str__(self) -> str:
        return f"{self.judul} ({self.tahun_mulai}–{self.tahun_selesai})"

    def get_absolute_url(self) -> str:
        return reverse("kolaborasi:rencana_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.jenis == JenisRencana.RPLP and not self.desa_id:
            errors["desa"] = _("RPLP harus terkait satu desa.")
        if self.jenis == JenisRencana.RP2KPKP and not self.kabupaten_id:
            errors["kabupaten"] = _("RP2KPKP harus terkait satu kabupaten/kota.")
        if self.status == StatusRencana.DISEPAKATI:
            if not self.forum_id:
                errors["forum"] = _("Sebutkan forum yang menyepakati rencana ini.")
            if not self.tanggal_disepakati:
                errors["tanggal_disepakati"] = _("Isi tanggal rencana disepakati.")
        if errors:
            raise ValidationError(errors)


class ItemRencana(models.Model):
    """One plan item: what to build or do where, by which approach, at what estimated cost,
    in which year, and who is proposed to fund it."""

    dokumen = models.ForeignKey(DokumenRencana, on_delete=models.CASCADE, related_name="item",
                                verbose_name=_("dokumen rencana"))
    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, related_name="item_rencana",
                             verbose_name=_("desa"))
    kawasan = models.ForeignKey(Kawasan, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="item_rencana", verbose_name=_("kawasan"))
    lokasi = models.ForeignKey(Lokasi, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="item_rencana", verbose_name=_("lokasi"))
    nama = models.CharField(_("nama item"), max_length=200)
    komponen = models.CharField(_("komponen"), max_length=15, choices=Komponen,
                                default=Komponen.INFRASTRUKTUR)
    jenis_investasi = models.CharField(_("jenis investasi"), max_length=10,
                                       choices=JenisInvestasi, default=JenisInvestasi.TERSIER)
    pendekatan = models.CharField(_("pendekatan"), max_length=10, choices=Pendekatan,
                                  default=Pendekatan.MASYARAKAT)
    volume = models.DecimalField(_("volume"), max_digits=14, decimal_places=2)
    satuan = models.CharField(_("satuan"), max_length=20)
    biaya_rp = models.DecimalField(_("perkiraan biaya (Rp)"), **RUPIAH)
    tahun_target = models.PositiveSmallIntegerField(_("tahun target"))
    usulan_pendana = models.ManyToManyField(
        "kolaborasi.PemangkuKepentingan", blank=True, related_name="usulan_item_rencana",
        verbose_name=_("usulan pendana"))
    kriteria = models.ManyToManyField(Kriteria, through="ItemKriteria", related_name="+",
                                      verbose_name=_("kriteria yang ditangani"))
    keterangan = models.TextField(_("keterangan"), blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    history = HistoricalRecords(m2m_fields=[usulan_pendana])

    class Meta:
        verbose_name = _("item rencana")
        verbose_name_plural = _("item rencana")
        ordering = ["dokumen", "tahun_target", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(volume__gt=0), name="item_rencana_volume_positif",
                                   violation_error_message=_("Volume harus lebih dari nol.")),
            models.CheckConstraint(condition=Q(biaya_rp__gte=0),
                                   name="item_rencana_biaya_nonneg",
                                   violation_error_message=_("Biaya tidak boleh negatif.")),
            models.CheckConstraint(
                condition=Q(tahun_target__gte=TAHUN_MIN) & Q(tahun_target__lte=TAHUN_MAX),
                name="item_rencana_tahun_wajar", violation_error_message=PESAN_TAHUN),
        ]
        indexes = [models.Index(fields=["desa", "tahun_target"], name="item_rencana_desa")]

    def __str__(self) -> str:
        return self.nama

    def get_absolute_url(self) -> str:
        """Its public page on "Peluang kolaborasi" (an item of an agreed plan)."""
        return reverse("peluang_item", args=[self.pk])


class ItemKriteria(models.Model):
    """A criterion a plan item addresses, with the volume it should handle (criterion unit)."""

    item = models.ForeignKey(ItemRencana, on_delete=models.CASCADE, related_name="item_kriteria")
    kriteria = models.ForeignKey(Kriteria, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("kriteria"))
    volume = models.DecimalField(_("volume (satuan kriteria)"), max_digits=14, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kriteria item rencana")
        verbose_name_plural = _("kriteria item rencana")
        ordering = ["item", "kriteria__kode"]
        constraints = [
            models.UniqueConstraint(fields=["item", "kriteria"], name="item_kriteria_unik",
                                    violation_error_message=_(
                                        "Kriteria ini sudah tercantum pada item.")),
            models.CheckConstraint(condition=Q(volume__gt=0), name="item_kriteria_volume_positif",
                                   violation_error_message=_("Volume harus lebih dari nol.")),
        ]

    def __str__(self) -> str:
        return f"{self.item} / {self.kriteria_id}: {self.volume}"


class TargetTahunan(models.Model):
    """Hectares of slum to reduce in a year (from the RPJMD), for the kabupaten or a kawasan."""

    kabupaten = models.ForeignKey(Kabupaten, on_delete=models.PROTECT,
                                  related_name="target_kumuh", verbose_name=_("kabupaten"))
    kawasan = models.ForeignKey(Kawasan, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="target_kumuh",
                                verbose_name=_("kawasan (kosong = seluruh kabupaten)"))
    tahun = models.PositiveSmallIntegerField(_("tahun"))
    target_ha = models.DecimalField(_("target pengurangan kumuh (ha)"), max_digits=10,
                                    decimal_places=4)
    sumber = models.CharField(_("sumber (mis. RPJMD)"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target tahunan")
        verbose_name_plural = _("target tahunan")
        ordering = ["kabupaten", "kawasan", "tahun"]
        constraints = [
            models.UniqueConstraint(fields=["kabupaten", "kawasan", "tahun"],
                                    name="target_unik_per_tahun",
                                    violation_error_message=_("Target tahun ini sudah ada.")),
            models.UniqueConstraint(fields=["kabupaten", "tahun"],
                                    condition=Q(kawasan__isnull=True),
                                    name="target_kabupaten_unik_per_tahun",
                                    violation_error_message=_("Target tahun ini sudah ada.")),
            models.CheckConstraint(condition=Q(target_ha__gte=0), name="target_ha_nonneg",
                                   violation_error_message=_("Target tidak boleh negatif.")),
        ]

    def __str__(self) -> str:
        return f"{self.kawasan or self.kabupaten} {self.tahun}: {self.target_ha} ha"


class KomitmenItem(models.Model):
    """A stakeholder's commitment to a plan item: money, in-kind, person-days or people,
    valued in rupiah (``nilai_rp``) and counted in its own unit (``jumlah``), agreed in a
    forum. Delivered = the realised funding lines made from it (never stored)."""

    item = models.ForeignKey(ItemRencana, on_delete=models.CASCADE, related_name="komitmen",
                             verbose_name=_("item rencana"))
    pemangku = models.ForeignKey("kolaborasi.PemangkuKepentingan", on_delete=models.PROTECT,
                                 related_name="komitmen_item",
                                 verbose_name=_("pemangku kepentingan"))
    forum = models.ForeignKey("kolaborasi.ForumKolaborasi", on_delete=models.SET_NULL,
                              null=True, blank=True, related_name="komitmen_item",
                              verbose_name=_("forum yang menyepakati"))
    jenis = models.CharField(_("jenis sumber daya"), max_length=10, choices=JenisSumberDaya,
                             default=JenisSumberDaya.UANG)
    jumlah = models.DecimalField(_("jumlah (HOK/orang)"), max_digits=12, decimal_places=2,
                                 null=True, blank=True)
    nilai_rp = models.DecimalField(_("nilai (Rp)"), **RUPIAH)
    uraian = models.CharField(_("uraian"), max_length=250, blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("komitmen item rencana")
        verbose_name_plural = _("komitmen item rencana")
        ordering = ["item", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(nilai_rp__gte=0), name="komitmen_item_nilai_nonneg",
                                   violation_error_message=_("Nilai tidak boleh negatif.")),
            models.CheckConstraint(
                condition=Q(jenis__in=["uang", "natura"]) | Q(jumlah__gt=0),
                name="komitmen_item_jumlah_tenaga",
                violation_error_message=_("Tenaga dan orang perlu jumlahnya (HOK/orang).")),
            models.CheckConstraint(
                condition=Q(jenis="uang") | ~Q(uraian=""),
                name="komitmen_item_nonuang_beruraian",
                violation_error_message=_("Komitmen selain uang perlu uraian.")),
        ]

    def __str__(self) -> str:
        return f"{self.pemangku} → {self.item}"

    @property
    def satuan(self) -> str:
        return str(SATUAN_SUMBER_DAYA.get(self.jenis, "Rp"))
