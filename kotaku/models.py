"""The portal package's own tables: the dashboards' data version, built PDF reports
(kotaku/laporan_latar.py) and background imports (kotaku/impor/latar.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersiData(models.Model):
    """The dashboards' data versions (``inti.cache``, found through the
    ``DATA_VERSION_MODEL`` setting): one counter per kind of data × region code (issue 16),
    kept in the database.

    In the cache they were lost or left behind by a Redis outage: a save made while Redis was
    unreachable could not bump them, and once Redis returned every dashboard served the numbers
    from before the save. In the database the bump cannot fail without the save failing too.
    ``jenis`` "*" with ``wilayah`` "" is the epoch every key includes.
    """

    jenis = models.CharField(_("jenis data"), max_length=10, default="*")
    wilayah = models.CharField(_("kode wilayah"), max_length=20, default="", blank=True)
    nilai = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("versi data dasbor")
        verbose_name_plural = _("versi data dasbor")
        constraints = [models.UniqueConstraint(fields=["jenis", "wilayah"],
                                               name="versidata_satu_per_jenis_wilayah")]

    def __str__(self) -> str:
        return f"{self.jenis} {self.wilayah or '-'}: {self.nilai}"


class LaporanPdf(models.Model):
    """One public PDF report for one data version: built once, by the background worker.

    The (jenis, kode, versi) row is the build lock shared by every process: whoever inserts it
    enqueues the build; everyone else waits for ``status`` to become ``siap`` and is served
    the stored file. A new data version is a new row (old ones and their files are removed
    once the new one is built).
    """

    class Status(models.TextChoices):
        MENUNGGU = "menunggu", _("menunggu")
        DIBANGUN = "dibangun", _("sedang dibangun")
        SIAP = "siap", _("siap")
        GAGAL = "gagal", _("gagal")

    jenis = models.CharField(_("jenis"), max_length=20)
    kode = models.CharField(_("kode wilayah"), max_length=20)
    versi = models.BigIntegerField(_("versi data"))
    status = models.CharField(_("status"), max_length=10, choices=Status,
                              default=Status.MENUNGGU)
    berkas = models.CharField(_("berkas"), max_length=200, blank=True)
    ukuran = models.PositiveIntegerField(_("ukuran (bita)"), default=0)
    detik = models.FloatField(_("lama membangun (detik)"), default=0)
    dibuat = models.DateTimeField(_("dibuat"), auto_now_add=True)
    diperbarui = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("laporan PDF")
        verbose_name_plural = _("laporan PDF")
        constraints = [models.UniqueConstraint(fields=["jenis", "kode", "versi"],
                                               name="laporanpdf_satu_per_versi")]

    def __str__(self) -> str:
        return f"{self.jenis} {self.kode} v{self.versi}: {self.status}"


class EksporSiap(models.Model):
    """A public export file built by the background worker for one data version (issue 16):
    served as it is while the data it shows has not changed since (``versi``), otherwise
    the download is computed as before. One row per export, replaced by each build."""

    nama = models.CharField(_("ekspor"), max_length=40, unique=True)
    versi = models.BigIntegerField(_("versi data"))
    berkas = models.CharField(_("berkas"), max_length=200)
    ukuran = models.BigIntegerField(_("ukuran (bita)"))
    detik = models.FloatField(_("lama membangun (detik)"))
    dibuat = models.DateTimeField(_("dibangun"), auto_now=True)

    class Meta:
        verbose_name = _("ekspor siap unduh")
        verbose_name_plural = _("ekspor siap unduh")

    def __str__(self) -> str:
        return f"{self.nama} v{self.versi}"


class ImporLatar(models.Model):
    """A confirmed spreadsheet import run by the background worker (large files: a 5,000-row
    import takes about 45 s, longer than a web request may). The uploaded bytes are kept
    only until the import has run."""

    class Status(models.TextChoices):
        MENUNGGU = "menunggu", _("menunggu giliran")
        BERJALAN = "berjalan", _("sedang diimpor")
        SELESAI = "selesai", _("selesai")
        GAGAL = "gagal", _("dibatalkan")

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="+")
    nama = models.CharField(_("nama berkas"), max_length=200)
    jenis = models.CharField(_("jenis"), max_length=20)
    locale = models.CharField(_("format angka"), max_length=10)
    baris = models.PositiveIntegerField(_("jumlah baris"), default=0)
    isi = models.BinaryField(_("isi berkas"), blank=True, default=b"")
    status = models.CharField(_("status"), max_length=10, choices=Status,
                              default=Status.MENUNGGU)
    jumlah = models.JSONField(_("jumlah"), default=dict, blank=True)
    galat = models.JSONField(_("galat"), default=list, blank=True)
    dibuat = models.DateTimeField(_("dibuat"), auto_now_add=True)
    mulai = models.DateTimeField(_("mulai"), null=True, blank=True)
    selesai = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("impor di latar belakang")
        verbose_name_plural = _("impor di latar belakang")

    def __str__(self) -> str:
        return f"{self.nama} ({self.get_status_display()})"
