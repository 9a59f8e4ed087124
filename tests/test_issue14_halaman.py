"""Issue 14 on the pages: filtered totals, one picture of Bibrik everywhere, demo marks."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests.anggaran_helpers import buat_kegiatan, buat_pemangku


@pytest.mark.django_db
def test_activity_list_filtered_by_source_totals_the_filtered_share(client, jiwan):
    bibrik = jiwan.get(nama="Bibrik")
    pupr = buat_pemangku("Kementerian PUPR", "kementerian")
    pemdes = buat_pemangku("Pemerintah Desa Bibrik", "pemdes", desa=bibrik)
    buat_kegiatan(bibrik, lines=[(pupr, "apbn", 600_000_000, 500_000_000),
                                 (pemdes, "dana-desa", 150_000_000, 100_000_000)])
    buat_kegiatan(bibrik, nama="Drainase", kode_kriteria="4b",
                  lines=[(pemdes, "dana-desa", 80_000_000)])
    response = client.get(reverse("anggaran:kegiatan_list"), {"sumber": "apbn"})
    body = response.content.decode()
    assert response.context["total_filter"]["rencana"] == D(600_000_000)
    assert response.context["total"]["rencana"] == D(750_000_000)
    assert "rencana sesuai filter Rp 600.000.000" in body
    assert "seluruh biaya kegiatan ini (semua sumber)" in body and "Rp 750.000.000" in body
    plain = client.get(reverse("anggaran:kegiatan_list")).content.decode()
    assert "sesuai filter Rp" not in plain and "Rp 830.000.000" in plain
