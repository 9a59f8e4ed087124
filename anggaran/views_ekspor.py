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

On PostgreSQL the rows are written by the database itself (``COPY (SELECT …) TO STDOUT``,
issue 16): the SELECT formats every cell as ``inti.exports`` would (formula signs defused,
illegal control characters removed, rupiah as integers, "Ya"/"Tidak") and PostgreSQL writes
the CSV, 2-3 times faster than formatting rows in Python. The output goes to a temporary file
on disk (constant memory; the first byte comes when the copy is done), then is streamed; lines
end in LF (the Python path writes CRLF), every cell reads the same
(``tests/test_ekspor_copy.py`` compares both). SQLite keeps the Python path.

Public, like the dashboards: names of stakeholders and sources, never contact details.
"""

import tempfile
from operator import itemgetter

from django.db import connections, router, transaction
from django.db.models import Case, CharField, F, Func, IntegerField, Value, When
from django.db.models.functions import Cast, NullIf
from django.http import FileResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from anggaran.models import Pendanaan
from inti.exports import Column, csv_header, csv_response, iter_csv, ya_tidak

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


# The SQL twins of inti.exports' text cleaning: control characters XML cannot hold removed
# (PostgreSQL text never holds NUL), then an apostrophe before a sign a spreadsheet would run.
_ILEGAL_SQL = r"[\x01-\x08\x0b\x0c\x0e-\x1f]"
_FORMULA_SQL = r"(^|[;,\t\r\n])([ \u00a0]*)(?=[=+\-@\t\r])"


class _RegexpReplace(Func):
    function = "REGEXP_REPLACE"
    output_field = CharField()


def _teks_sql(field: str):
    """A text cell as the CSV path writes it; an empty text as NULL (COPY writes NULL as an
    empty field, an empty string as \"\")."""
    bersih = _RegexpReplace(F(field), Value(_ILEGAL_SQL), Value(""), Value("g"))
    return NullIf(_RegexpReplace(bersih, Value(_FORMULA_SQL), Value("\\1\\2'"), Value("g")),
                  Value(""))


def _kolom_sql() -> dict:
    kolom = {}
    for i, (field, _label, kind) in enumerate(FIELDS):
        if kind == "text":
            kolom[f"c{i}"] = _teks_sql(field)
        elif kind == "ya_tidak":
            kolom[f"c{i}"] = Case(When(**{field: True}, then=Value(gettext("Ya"))),
                                  default=Value(gettext("Tidak")), output_field=CharField())
        else:  # int and rupiah (0 decimal places): the integer
            kolom[f"c{i}"] = Cast(F(field), IntegerField() if kind == "int"
                                  else CharField())
    return kolom


def _copy_sql(db: str) -> str:
    """The COPY statement of the export's SELECT, parameters bound (COPY takes none)."""
    qs = Pendanaan.objects.using(db).order_by().annotate(**_kolom_sql()).values_list(
        *(f"c{i}" for i in range(len(FIELDS))))
    sql, params = qs.query.sql_with_params()
    with connections[db].cursor() as cursor:
        select = cursor.mogrify(sql, params).decode()
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv)"


def _copy_ke_berkas(db: str):
    """The whole CSV (BOM and header from Python, rows from COPY) in a temporary file."""
    berkas = tempfile.TemporaryFile()
    berkas.write(csv_header(COLUMNS))
    with transaction.atomic(using=db), connections[db].cursor() as cursor:
        cursor.cursor.copy_expert(_copy_sql(db), berkas)
    berkas.seek(0)
    return berkas


def tulis_csv(db: str):
    """The whole export as a temporary file (at its start), as the download sends it: by
    COPY on PostgreSQL, by the Python path elsewhere (what the background worker stores,
    ``kotaku.ekspor_latar``)."""
    if connections[db].vendor == "postgresql":
        return _copy_ke_berkas(db)
    berkas = tempfile.TemporaryFile()
    for chunk in iter_csv(COLUMNS, _rows(db)):
        berkas.write(chunk)
    berkas.seek(0)
    return berkas


@require_GET
def pendanaan_csv(request):
    """All funding lines (cancelled activities included, with their status) as CSV."""
    db = router.db_for_read(Pendanaan)
    if connections[db].vendor == "postgresql":
        response = FileResponse(_copy_ke_berkas(db), as_attachment=True,
                                filename="pendanaan-semua.csv",
                                content_type="text/csv; charset=utf-8")
        response.block_size = 64 * 1024  # one socket write per 64 KB, as the Python path
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return csv_response("pendanaan-semua", COLUMNS, _rows(db))
