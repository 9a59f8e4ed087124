"""Template helpers of the stories and the feedback block (included on several pages)."""

from django import template

from publikasi.forms_kabar import MasukanForm
from publikasi.markdown_aman import render
from publikasi.models import Kabar, Masukan

register = template.Library()

#: How many approved messages a page shows (newest last).
BATAS_TAMPIL = 100


@register.simple_tag
def masukan_untuk(target):
    """The approved feedback of a story, activity or desa, and a fresh form (one query).

    Used by ``kabar/_masukan.html`` so a page only needs one ``{% include %}`` line.
    """
    from anggaran.models import Kegiatan
    from desa.models import Desa
    from publikasi.views_kabar import masukan_url

    field = {Kabar: "kabar", Kegiatan: "kegiatan", Desa: "desa"}[type(target)]
    daftar = list(Masukan.objects.disetujui().filter(**{field: target})
                  .only("nama", "pesan", "foto", "dibuat_pada", "balasan", "balasan_pada")
                  .order_by("-dibuat_pada", "-pk")[:BATAS_TAMPIL])
    daftar.reverse()
    return {"daftar": daftar, "form": MasukanForm(), "url": masukan_url(target),
            "boleh": not isinstance(target, Kabar) or target.terbit}


@register.filter
def markdown_aman(text):
    """A story's Markdown as sanitised HTML (``publikasi.markdown_aman.render``)."""
    return render(text)


@register.filter
def ringkas(kabar, words=30):
    """The story's summary, or the start of its text when no summary was written."""
    from publikasi.markdown_aman import plain

    return kabar.ringkasan or plain(kabar.isi, int(words))
