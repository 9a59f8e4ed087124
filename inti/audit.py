"""The audit fields that records people enter share (an abstract model: no table of its own,
so the core stays free of concrete models)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Tercatat(models.Model):
    """Who created the record and when, when it last changed, its version for optimistic
    locking (each save increments it; a form posted with an older value is refused), and
    whether it is demo data."""

    dibuat_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    dibuat_pada = models.DateTimeField(auto_now_add=True)
    diubah_pada = models.DateTimeField(auto_now=True)
    versi = models.PositiveIntegerField(default=1, editable=False)
    is_demo = models.BooleanField(_("data demo"), default=False)

    class Meta:
        abstract = True


class BerSumber(models.Model):
    """Where a real fact comes from (title, URL, date), stored with it and shown beside it.
    A record with no source and no ``is_demo`` flag is still a claim without evidence:
    public pages label records without a source as demo (issue 14)."""

    sumber_judul = models.CharField(_("sumber fakta: judul"), max_length=250, blank=True)
    sumber_url = models.URLField(_("sumber fakta: URL"), max_length=500, blank=True)
    sumber_tanggal = models.DateField(_("sumber fakta: tanggal"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def bersumber(self) -> bool:
        return bool(self.sumber_judul or self.sumber_url)
