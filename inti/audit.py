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
