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
        """The desa ``user`` may enter data for (see ``kotaku.roles``)."""
        from kotaku import roles

        return roles.writable_desa(user, self)


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
