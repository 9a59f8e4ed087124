"""Publications: the facilitator team's stories (kabar) and the public's feedback (masukan),
with the spam patterns that screen it. Above the money app: a story shows live activity data.

The tables were created by the ``kolaborasi`` app and moved here with their data
(``publikasi/migrations/0001_initial.py``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from desa.models import Desa
from inti.audit import BerSumber
from inti.unggah import nama_unik
from kolaborasi.models import PemangkuKepentingan

# ---------------------------------------------------------------------------------------------
# Kabar (stories by the facilitator team) and Masukan (community feedback)
# ---------------------------------------------------------------------------------------------

#: Who a story is by, on every public page and in the feed (never a user's name).
PENULIS_PUBLIK = _("Tim Fasilitator KOTAKU Kab. Madiun")
#: Slugs the URL patterns already use below /kolaborasi/kabar/.
SLUG_TERPAKAI = frozenset({"baru", "feed", "draf", "masukan", "moderasi"})


def sampul_upload_to(instance, filename: str) -> str:
    return nama_unik("kabar", filename)


def foto_masukan_upload_to(instance, filename: str) -> str:
    return nama_unik("masukan", filename)


class TagKabar(models.Model):
    nama = models.CharField(_("nama"), max_length=40, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag kabar")
        verbose_name_plural = _("tag kabar")
        ordering = ["nama"]

    def __str__(self) -> str:
        return self.nama


class StatusKabar(models.TextChoices):
    DRAF = "draf", _("Draf")
    TERBIT = "terbit", _("Terbit")


class KabarQuerySet(models.QuerySet):
    def terbit(self):
        return self.filter(status=StatusKabar.TERBIT)

    def for_writer(self, user):
        """Stories the user may edit: all for admins; for facilitators, those linked to a desa
        they write for. Anything else is not even acknowledged (404)."""
        from desa import akses

        if akses.is_admin(user):
            return self.all()
        if not akses.is_fasilitator(user):
            return self.none()
        return self.filter(pk__in=Kabar.desa.through.objects.filter(
            desa__in=akses.writable_desa(user)).values("kabar_id"))

    def for_moderator(self, user):
        from desa import akses

        if akses.is_admin(user):
            return self.all()
        return self.filter(pk__in=Kabar.desa.through.objects.filter(
            desa__in=akses.verifiable_desa(user)).values("kabar_id"))


class Kabar(BerSumber):
    """A story by the facilitator team, tied to live data (desa, activities, stakeholders).

    ``isi`` is a Markdown subset; it is rendered and sanitised on output
    (``publikasi.markdown_aman.render``), never stored as HTML. ``penulis`` is for staff only:
    public pages show the team (``PENULIS_PUBLIK``).
    """

    judul = models.CharField(_("judul"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=90, unique=True,
                            help_text=_("Bagian alamat halaman; tetap setelah terbit."))
    ringkasan = models.CharField(_("ringkasan"), max_length=300, blank=True,
                                 help_text=_("Satu-dua kalimat untuk daftar kabar dan feed."))
    isi = models.TextField(_("isi"), help_text=_(
        "Markdown sederhana: paragraf, **tebal**, *miring*, daftar, ## subjudul, > kutipan, "
        "[tautan](https://…)."))
    foto_sampul = models.ImageField(_("foto sampul"), upload_to=sampul_upload_to, blank=True)
    keterangan_sampul = models.CharField(_("keterangan foto sampul"), max_length=200, blank=True,
                                         help_text=_("Apa yang tampak di foto (untuk pembaca "
                                                     "layar)."))
    status = models.CharField(_("status"), max_length=10, choices=StatusKabar,
                              default=StatusKabar.DRAF)
    tanggal_terbit = models.DateTimeField(_("tanggal terbit"), null=True, blank=True)
    desa = models.ManyToManyField(Desa, related_name="kabar", blank=True, verbose_name=_("desa"))
    kegiatan = models.ManyToManyField("anggaran.Kegiatan", related_name="kabar", blank=True,
                                      verbose_name=_("kegiatan"))
    pemangku = models.ManyToManyField(PemangkuKepentingan, related_name="kabar", blank=True,
                                      verbose_name=_("pemangku kepentingan"))
    tag = models.ManyToManyField(TagKabar, related_name="kabar", blank=True,
                                 verbose_name=_("tag"))
    penulis = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name=_("penulis (internal)"))
    dibuat_pada = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    diubah_pada = models.DateTimeField(_("diubah pada"), auto_now=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    history = HistoricalRecords(m2m_fields=[desa, kegiatan, pemangku, tag])

    objects = KabarQuerySet.as_manager()

    class Meta:
        verbose_name = _("kabar")
        verbose_name_plural = _("kabar")
        ordering = ["-tanggal_terbit", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="terbit") | Q(tanggal_terbit__isnull=False),
                name="kabar_terbit_bertanggal",
                violation_error_message=_("Kabar yang terbit harus punya tanggal terbit.")),
        ]
        indexes = [models.Index(fields=["status", "tanggal_terbit"], name="kabar_status_tgl")]

    def __str__(self) -> str:
        return self.judul

    def get_absolute_url(self) -> str:
        return reverse("kolaborasi:kabar_detail", args=[self.slug])

    @property
    def terbit(self) -> bool:
        return self.status == StatusKabar.TERBIT


class StatusMasukan(models.TextChoices):
    MENUNGGU = "menunggu", _("Menunggu moderasi")
    DISETUJUI = "disetujui", _("Disetujui")
    DITOLAK = "ditolak", _("Ditolak")
    SPAM = "spam", _("Spam")


PESAN_MAKS = 2000


class MasukanQuerySet(models.QuerySet):
    def disetujui(self):
        return self.filter(status=StatusMasukan.DISETUJUI)

    def for_moderator(self, user):
        """Feedback a moderator may decide on: admins everything; a verifikator the feedback
        on desa, activities and stories (through the story's desa) of their kecamatan."""
        from desa import akses

        if akses.is_admin(user):
            return self.all()
        if not akses.is_verifikator(user):
            return self.none()
        desa = akses.verifiable_desa(user).values("pk")
        return self.filter(
            Q(desa__in=desa) | Q(kegiatan__desa__in=desa) | Q(item_rencana__desa__in=desa)
            | Q(kabar__in=Kabar.objects.for_moderator(user).values("pk")))


class Masukan(models.Model):
    """Feedback from a member of the public on a story, an activity or a desa page.

    Exactly one target (three nullable foreign keys and a check, simpler to query than a
    generic relation). Shown only once a moderator approves it. The sender's address is kept
    only as a salted hash (``publikasi.masukan.hash_ip``), for rate limiting and spotting
    floods, never the address itself.
    """

    kabar = models.ForeignKey(Kabar, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="masukan", verbose_name=_("kabar"))
    kegiatan = models.ForeignKey("anggaran.Kegiatan", on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="masukan", verbose_name=_("kegiatan"))
    desa = models.ForeignKey(Desa, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="masukan", verbose_name=_("desa"))
    # An expression of interest in an open plan item ("Peluang kolaborasi", issue 15), with
    # the sender's contact for the facilitators' team: staff only, never on a public page.
    item_rencana = models.ForeignKey("kolaborasi.ItemRencana", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="minat",
                                     verbose_name=_("item rencana (pernyataan minat)"))
    kontak = models.CharField(_("kontak pengirim (hanya untuk tim)"), max_length=200,
                              blank=True)
    nama = models.CharField(_("nama"), max_length=80, blank=True)
    pesan = models.TextField(_("pesan"), max_length=PESAN_MAKS)
    foto = models.ImageField(_("foto"), upload_to=foto_masukan_upload_to, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=StatusMasukan,
                              default=StatusMasukan.MENUNGGU)
    alasan_tahan = models.CharField(_("alasan ditahan"), max_length=300, blank=True)
    ip_hash = models.CharField(_("hash alamat IP"), max_length=64, blank=True, editable=False)
    dibuat_pada = models.DateTimeField(_("dikirim pada"), auto_now_add=True)
    balasan = models.TextField(_("balasan tim"), blank=True, max_length=PESAN_MAKS)
    balasan_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("dibalas oleh"))
    balasan_pada = models.DateTimeField(_("dibalas pada"), null=True, blank=True)
    dimoderasi_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                        null=True, blank=True, related_name="+",
                                        verbose_name=_("dimoderasi oleh"))
    dimoderasi_pada = models.DateTimeField(_("dimoderasi pada"), null=True, blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    history = HistoricalRecords()

    objects = MasukanQuerySet.as_manager()

    class Meta:
        verbose_name = _("masukan warga")
        verbose_name_plural = _("masukan warga")
        ordering = ["-dibuat_pada", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kabar__isnull=False, kegiatan__isnull=True, desa__isnull=True,
                      item_rencana__isnull=True)
                    | Q(kabar__isnull=True, kegiatan__isnull=False, desa__isnull=True,
                        item_rencana__isnull=True)
                    | Q(kabar__isnull=True, kegiatan__isnull=True, desa__isnull=False,
                        item_rencana__isnull=True)
                    | Q(kabar__isnull=True, kegiatan__isnull=True, desa__isnull=True,
                        item_rencana__isnull=False)),
                name="masukan_tepat_satu_sasaran",
                violation_error_message=_(
                    "Masukan harus untuk tepat satu sasaran: kabar, kegiatan, desa, atau item "
                    "rencana.")),
        ]
        indexes = [
            models.Index(fields=["status", "dibuat_pada"], name="masukan_status_tgl"),
            models.Index(fields=["ip_hash", "dibuat_pada"], name="masukan_ip_tgl"),
        ]

    def __str__(self) -> str:
        return f"{self.nama or _('Warga')}: {self.pesan[:40]}"

    @property
    def sasaran(self):
        return self.kabar or self.kegiatan or self.desa or self.item_rencana

    def clean(self):
        from django.core.exceptions import ValidationError

        if sum(x is not None for x in (self.kabar_id, self.kegiatan_id, self.desa_id,
                                       self.item_rencana_id)) != 1:
            raise ValidationError(_(
                "Pilih tepat satu sasaran: kabar, kegiatan, desa, atau item rencana."))


class JenisPola(models.TextChoices):
    KATA = "kata", _("Kata/frasa utuh")
    TEKS = "teks", _("Potongan teks di mana saja")


class PolaSpam(models.Model):
    """A configurable spam pattern (gambling spam, link shorteners, ...).

    Each match adds ``bobot``; a message whose weight reaches ``SPAM_AMBANG`` is spam, a lower
    positive weight holds it for review with the matched patterns as the reason.
    """

    pola = models.CharField(_("pola"), max_length=100, unique=True,
                            help_text=_("Huruf besar/kecil tidak dibedakan."))
    jenis = models.CharField(_("jenis"), max_length=5, choices=JenisPola, default=JenisPola.KATA)
    bobot = models.PositiveSmallIntegerField(
        _("bobot"), default=3, help_text=_("3 = langsung dianggap spam; 1–2 = ditahan untuk "
                                           "diperiksa, spam bila terkumpul 3 atau lebih."))
    aktif = models.BooleanField(_("aktif"), default=True)
    keterangan = models.CharField(_("keterangan"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pola spam")
        verbose_name_plural = _("pola spam")
        ordering = ["-bobot", "pola"]
        constraints = [
            models.CheckConstraint(condition=Q(bobot__gte=1) & Q(bobot__lte=10),
                                   name="polaspam_bobot_1_10",
                                   violation_error_message=_("Bobot harus antara 1 dan 10.")),
        ]

    def __str__(self) -> str:
        return self.pola

    def clean(self):
        from django.core.exceptions import ValidationError

        if not self.pola.strip():
            raise ValidationError({"pola": _("Isi pola.")})
