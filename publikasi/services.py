"""Writes of stories: all or nothing, the same for every caller."""

from django.db import transaction
from django.utils.text import slugify

from desa import akses

from .models import SLUG_TERPAKAI, Kabar, TagKabar


def _slug_unik(judul: str) -> str:
    base = (slugify(judul)[:80].strip("-")) or "kabar"
    taken = set(Kabar.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= SLUG_TERPAKAI
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def desa_luar_wewenang(kabar: Kabar, user) -> list:
    """Desa a story is linked to by someone else that ``user`` may not write for: an edit by
    ``user`` keeps them as they are."""
    if not kabar.pk:
        return []
    writable = akses.writable_desa(user).values("pk")
    return list(kabar.desa.exclude(pk__in=writable))


@transaction.atomic
def simpan_kabar(kabar: Kabar, user, *, desa, kegiatan, pemangku, tag) -> Kabar:
    """Save a story (its fields already set on ``kabar``) with its links: ``desa``,
    ``kegiatan``, ``pemangku`` (objects) and ``tag`` (names; new ones are created). Links to
    desa and activities outside the user's reach (added by an admin or another facilitator)
    are kept as they were."""
    baru = kabar.pk is None
    if baru:
        kabar.slug = _slug_unik(kabar.judul)
        kabar.penulis = user
    kept_desa = desa_luar_wewenang(kabar, user)
    kept_kegiatan = []
    if not baru:
        writable = akses.writable_desa(user).values("pk")
        kept_kegiatan = list(kabar.kegiatan.exclude(desa__in=writable))
    kabar.save()
    kabar.desa.set([*desa, *kept_desa])
    kabar.kegiatan.set([*kegiatan, *kept_kegiatan])
    kabar.pemangku.set(pemangku)
    tags = []
    for nama in tag:
        found = TagKabar.objects.filter(slug=slugify(nama)[:50]).first()
        tags.append(found or TagKabar.objects.create(nama=nama, slug=slugify(nama)[:50]))
    kabar.tag.set(tags)
    return kabar
