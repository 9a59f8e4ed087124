"""Spreadsheet import: assessments and activities with their funding lines, from XLSX or CSV.

The flow is always *plan, then apply*:

1. :func:`kotaku.impor.layanan.pratinjau` reads the file (``berkas``), parses every cell with
   the chosen number locale (``nilai``) and compares each row with the database by its natural
   key (``penilaian``, ``kegiatan``). The result is a :class:`~inti.impor.rencana.Rencana`:
   per row "buat" / "ubah" / "tetap", the changes, and every error with its row, column and an
   Indonesian reason. Nothing is written.
2. :func:`kotaku.impor.layanan.impor` plans again *inside* ``transaction.atomic`` (never
   trusting a plan sent back by a browser, and seeing data changed since the dry run) and
   writes through the same services as the entry forms; any error rolls everything back.

Rows that equal the database are not written at all, so importing the same file twice leaves
the database (history tables included) unchanged.
"""
