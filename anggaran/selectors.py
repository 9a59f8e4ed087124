"""Money read per stakeholder and per pledge: what each funded, and what each pledge
delivered. In SQL with subqueries (sums never multiply across joins)."""

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from inti.uang import ZERO_RP
from kolaborasi.models import Komitmen

from .models import Pendanaan


def pemangku_dengan_total(qs):
    """What each stakeholder funded and pledged, in SQL.

    ``total_rencana``/``total_realisasi``: its funding lines; ``jumlah_kegiatan``: the
    activities it co-funds; ``jumlah_desa``: where; ``kegiatan_demo``, ``rencana_demo``,
    ``realisasi_demo``: the part of those figures from activities marked demo; all from its
    row in the per-funder rollup (``RingkasanPendanaTotal``, kept current by every write;
    cancelled activities never count, as on the dashboards), so a list sorted by them reads
    one joined table instead of summing every funder's lines. ``total_komitmen``: its
    pledges (a subquery: sums never multiply).
    """
    pledges = Komitmen.objects.filter(pemangku=OuterRef("pk")).order_by().values("pemangku")
    return qs.annotate(
        total_rencana=Coalesce(F("ringkasan_total__rencana_rp"), ZERO_RP),
        total_realisasi=Coalesce(F("ringkasan_total__realisasi_rp"), ZERO_RP),
        jumlah_kegiatan=Coalesce(F("ringkasan_total__jumlah_kegiatan"), 0),
        jumlah_desa=Coalesce(F("ringkasan_total__jumlah_desa"), 0),
        kegiatan_demo=Coalesce(F("ringkasan_total__kegiatan_demo"), 0),
        rencana_demo=Coalesce(F("ringkasan_total__rencana_demo_rp"), ZERO_RP),
        realisasi_demo=Coalesce(F("ringkasan_total__realisasi_demo_rp"), ZERO_RP),
        total_komitmen=Coalesce(
            Subquery(pledges.annotate(s=Sum("nilai_rp")).values("s")), ZERO_RP),
    )


def komitmen_dengan_realisasi(qs):
    """Pledged vs delivered, in SQL.

    Delivered (``terealisasi``) = the realised funding lines of the same stakeholder in
    the pledge's desa and year, and criterion when the pledge names one; ``direncanakan``
    is the planned amount of those lines. ``persen_terpenuhi`` = delivered / pledged.
    """
    base = Pendanaan.objects.filter(
        pemangku=OuterRef("pemangku"), kegiatan__desa=OuterRef("desa"),
        kegiatan__tahun_anggaran=OuterRef("tahun"),
    ).order_by().values("pemangku")
    with_criterion = base.filter(kegiatan__kriteria=OuterRef("kriteria"))

    def total(lines, field):
        return Coalesce(Subquery(lines.annotate(s=Sum(field)).values("s")), ZERO_RP)

    qs = qs.annotate(
        terealisasi=Case(
            When(kriteria__isnull=True, then=total(base, "realisasi_rp")),
            default=total(with_criterion, "realisasi_rp")),
        direncanakan=Case(
            When(kriteria__isnull=True, then=total(base, "rencana_rp")),
            default=total(with_criterion, "rencana_rp")),
    )
    return qs.annotate(persen_terpenuhi=Case(
        When(nilai_rp__gt=0, then=ExpressionWrapper(
            F("terealisasi") * Value(100) / F("nilai_rp"),
            output_field=DecimalField(max_digits=20, decimal_places=2))),
        default=None, output_field=DecimalField(max_digits=20, decimal_places=2)))


class UrutDana:
    """Stakeholders of ``qs`` (from :func:`pemangku_dengan_total`) sorted by a funding total,
    for a :class:`~django.core.paginator.Paginator`: a page is read along the per-funder
    rollup's index (``kolom`` is ``rencana_rp`` or ``realisasi_rp``), the stakeholders that
    funded nothing (no rollup row, a total of 0) after them when descending and before them
    when ascending, by id. Sorting on the joined, coalesced total instead sorted all 168,000
    stakeholders of the national data on disk for every page (135 ms); along the index a page
    takes a few ms. The order is the one the total gives, ties by id."""

    ordered = True

    def __init__(self, qs, kolom: str, turun: bool):
        self.qs = qs
        k = f"ringkasan_total__{kolom}"
        didanai = qs.filter(ringkasan_total__isnull=False).order_by(
            *((f"-{k}", "pk") if turun else (k, "-pk")))
        lain = qs.filter(ringkasan_total__isnull=True).order_by("pk")
        self.bagian = (didanai, lain) if turun else (lain, didanai)
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.qs.order_by().count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key:key + 1][0]
        start, stop = key.start or 0, key.stop
        rows: list = []
        for bagian in self.bagian:
            if stop is not None and stop <= start:
                break
            got = list(bagian[start:stop])
            rows += got
            if stop is not None and len(got) == stop - start:
                break
            # This part ends inside the slice: the rest comes from the next part, from the
            # position after this part's last row.
            n = start + len(got) if got else bagian.count()
            start, stop = max(start - n, 0), (None if stop is None else stop - n)
        return rows
