"""Links to the printable reports and open data, for pages that do not get them in context."""

from django import template

from desa.models import Kecamatan

register = template.Library()


@register.simple_tag
def kecamatan_portal():
    """The kecamatan the portal covers when it covers exactly one (Jiwan), else ``None``.

    The district report exists only then (see ``kotaku.laporan.cakupan_portal``). One query.
    """
    found = list(Kecamatan.objects.filter(desa__isnull=False).distinct()[:2])
    return found[0] if len(found) == 1 else None
