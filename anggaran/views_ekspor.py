"""Open data: every funding line as one streamed CSV file (``/ekspor/pendanaan.csv``).

A million lines stream in constant memory: the rows are read with a server-side cursor in
chunks (``.values_list(...).iterator(chunk_size=5000)``, tuples, no model instances) and written
by ``inti.exports.csv_response`` as they come (its formatters are chosen once per column, and
it sends ~64 KB chunks, so a WSGI server does one socket write per chunk, not per row). The
cursor is opened inside a transaction so PostgreSQL streams it as it reads (a cursor opened in
autocommit mode is ``WITH HOLD`` and would first materialise the whole result on the server
before the first byte).

With a read replica (``inti.db_router``) the public download reads it: the database is chosen
while the view runs (the routing context of the request is gone by the time the WSGI server
reads the streamed body) and the transaction is opened on that database, not on the primary.

Public, like the dashboards: names of stakeholders and sources, never contact details.
"""

from operator import itemgetter

from django.db import router, transaction
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from anggaran.models import Pendanaan
from inti.exports import Column, csv_response, ya_tidak

CHUNK = 5000

FIELDS = [
    ("pk", _("ID pendanaan"), "int"),
    ("kegiatan__tahun_anggaran", _("Tahun anggaran"), "int"),
    ("kegiatan__desa__kode_wilayah", _("Kode desa"), "text"),
    ("kegiatan__desa__nama", _("Desa"), "text"),
    ("kegiatan_id", _("ID kegiatan"), "int"),
    ("kegiatan__nama", _("Kegiatan"), "text"),
    ("kegiatan__kriteria__kode", _("Kode kriteria"), "text"),
    ("kegiatan__status", _("Status kegiatan"), "text"),
    ("pemangku__nama", _("Pemberi dana"), "text"),
    ("pemangku__jenis", _("Jenis pemberi dana"), "text"),
    ("sumber__kode", _("Kode sumber dana"), "text"),
    ("rencana_rp", _("Rencana (Rp)"), "rupiah"),
    ("realisasi_rp", _("Realisasi (Rp)"), "rupiah"),
    ("natura", _("Natura"), "int"),
    ("kegiatan__is_demo", _("Data demo"), "ya_tidak"),
]
COLUMNS = [Column(label, (lambda r, i=i: ya_tidak(r[i])) if kind == "ya_tidak" else itemgetter(i),
                  "text" if kind == "ya_tidak" else kind)
           for i, (_f, label, kind) in enumerate(FIELDS)]


def _rows(db: str):
    # No ORDER BY: rows come in storage order (in practice the order they were entered), which
    # lets PostgreSQL stream a plain join from the first row; sorting a million joined rows
    # by id first would cost 30-50% of the throughput. The kabupaten is the first five
    # characters of the desa code, so it is not joined in either.
    qs = Pendanaan.objects.using(db).order_by().values_list(*(f for f, _l, _k in FIELDS))
    with transaction.atomic(using=db):
        yield from qs.iterator(chunk_size=CHUNK)


@require_GET
def pendanaan_csv(request):
    """All funding lines (cancelled activities included, with their status) as CSV."""
    return csv_response("pendanaan-semua", COLUMNS, _rows(router.db_for_read(Pendanaan)))
