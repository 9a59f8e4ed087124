"""Trigram GIN indexes for the admin's searches of activities and funding lines (issue 16).

The admin searches with ``icontains``: ``UPPER(col::text) LIKE UPPER('%…%')`` on PostgreSQL,
which no B-tree serves (four such LIKEs over a million joined lines took 7.4 s). A GIN index
with ``gin_trgm_ops`` on the same expression does. PostgreSQL only; nothing on SQLite.
"""

from django.db import migrations

INDEXES = [
    ("kegiatan_nama_trgm", "anggaran_kegiatan", "nama"),
    ("desa_nama_trgm", "desa_desa", "nama"),
    ("pemangku_nama_trgm", "kolaborasi_pemangkukepentingan", "nama"),
    ("pemangku_singkatan_trgm", "kolaborasi_pemangkukepentingan", "singkatan"),
    ("sumberdana_nama_trgm", "anggaran_sumberdana", "nama"),
]


def buat(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)')


def hapus(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("kotaku", "0003_issue16_versi_per_jenis_wilayah"),
        ("anggaran", "0008_kegiatan_sumber_fakta"),
        ("desa", "0006_drainase_2016_huruf"),
        ("kolaborasi", "0007_jenis_pemda"),
    ]

    operations = [migrations.RunPython(buat, hapus, elidable=False)]
