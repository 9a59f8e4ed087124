"""Issue 16: on PostgreSQL the open-data CSV of all funding lines is written by COPY; every
cell reads exactly as the Python path writes it (formula signs defused, control characters
removed, empty texts empty, rupiah as integers, "Ya"/"Tidak"), whatever the names hold."""

import csv
import io

import pytest
from django.db import connection
from django.http import FileResponse
from django.urls import reverse

from anggaran import views_ekspor
from anggaran.models import Pendanaan
from inti.exports import iter_csv
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")]

NAMA_SULIT = [
    "=1+1", "+62 812", "-5 m", "@SUM(A1)", "a;=HYPERLINK(\"x\")", "koma, dan \"kutip\"",
    "baris\nbaru", "\tTab", "bel\x07 di tengah", " =spasi dulu", "\u00a0@nbsp", "biasa",
]


def _baca(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_copy_writes_every_cell_as_the_python_path(client, desa_a):
    for i, nama in enumerate(NAMA_SULIT):
        pemangku = buat_pemangku(f"Pemberi {nama}", "swasta")
        buat_kegiatan(desa_a, nama=nama, tahun=2018 + i % 5,
                      lines=[(pemangku, "csr", 1_000_000 * (i + 1), 999_999)],
                      is_demo=bool(i % 2))
    pertama = Pendanaan.objects.order_by("pk").first().pk
    Pendanaan.objects.filter(pk=pertama).update(natura=True, uraian_natura="Semen")

    response = client.get(reverse("ekspor_pendanaan"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert isinstance(response, FileResponse)  # the COPY path
    assert "pendanaan-semua.csv" in response["Content-Disposition"]
    lewat_copy = _baca(b"".join(response.streaming_content))
    lewat_python = _baca(b"".join(iter_csv(views_ekspor.COLUMNS, views_ekspor._rows("default"))))

    assert lewat_copy[0] == lewat_python[0]  # the same header
    assert len(lewat_copy) == len(NAMA_SULIT) + 1
    assert sorted(lewat_copy[1:]) == sorted(lewat_python[1:])
    cells = {row[5] for row in lewat_copy[1:]}  # the activity names
    assert {"'=1+1", "'+62 812", "'@SUM(A1)", "a;'=HYPERLINK(\"x\")", " '=spasi dulu",
            "bel di tengah", "baris\nbaru", "koma, dan \"kutip\""} <= cells
    assert {row[14] for row in lewat_copy[1:]} == {"Ya", "Tidak"}
    assert any(row[13] == "1" for row in lewat_copy[1:])
