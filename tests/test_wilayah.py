import csv
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from desa.geo import contains, point_on_surface
from desa.models import Desa, Kabupaten, Kecamatan, Provinsi

SHARED_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "jiwan_villages.csv"
REPO_CSV = Path(__file__).resolve().parents[1] / "desa" / "data" / "jiwan_villages.csv"


def _rows():
    path = SHARED_CSV if SHARED_CSV.exists() else REPO_CSV
    with open(path, encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["tipe"] in ("desa", "kelurahan")]


def run_loader() -> str:
    out = StringIO()
    call_command("muat_wilayah_jiwan", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_loader_loads_exactly_the_14_desa_with_their_codes_and_names():
    output = run_loader()
    # 1 provinsi + 1 kabupaten + 1 kecamatan + 14 desa + 1 kawasan, its SK and its SK area
    # row (KawasanDesa) + 3 LKM = 23 rows.
    assert "14 desa" in output and "23 dibuat" in output
    assert Provinsi.objects.count() == 1
    assert Kabupaten.objects.get().kode_wilayah == "35.19"
    assert Kecamatan.objects.get().kode_bps == "3519150"
    expected = {r["kode_wilayah"]: r for r in _rows()}
    assert len(expected) == 14
    got = {d.kode_wilayah: d for d in Desa.objects.all()}
    assert set(got) == set(expected)
    for kode, row in expected.items():
        d = got[kode]
        # The official spelling is either the name or, where the common spelling is shown,
        # the alias (Klagen Serut / Klagenserut).
        assert row["nama"] in (d.nama, d.nama_alias)
        assert d.kode_bps == (row["kode_bps"] or None)
        assert d.batas and d.batas["type"] in ("Polygon", "MultiPolygon")


@pytest.mark.django_db
def test_loader_is_idempotent():
    run_loader()
    snapshot = list(Desa.objects.order_by("pk").values())
    history = Desa.history.count()
    output = run_loader()
    assert "0 dibuat, 0 diubah, 23 tetap" in output
    assert list(Desa.objects.order_by("pk").values()) == snapshot
    assert Desa.history.count() == history


@pytest.mark.django_db
def test_klagen_serut_is_found_by_both_spellings():
    run_loader()
    d = Desa.objects.get(kode_wilayah="35.19.09.2010")
    assert (d.nama, d.nama_alias) == ("Klagen Serut", "Klagenserut")
    assert list(Desa.objects.search("klagenserut")) == [d]
    assert list(Desa.objects.search("Klagen Serut")) == [d]
    assert list(Desa.objects.search("35.19.09.2010")) == [d]


@pytest.mark.django_db
def test_bps_codes_are_stored_not_derived():
    run_loader()
    bukur = Desa.objects.get(nama="Bukur")
    assert bukur.kode_bps is None  # the source has none: never invent one from 35.19.09.2001
    assert Desa.objects.get(nama="Sambirejo").kode_bps == "3519150002"


@pytest.mark.django_db
def test_marker_points_lie_inside_every_boundary_even_where_the_centroid_does_not():
    run_loader()
    outside = []
    for d in Desa.objects.all():
        assert contains(d.batas, float(d.titik_lng), float(d.titik_lat)), d.nama
        if not contains(d.batas, float(d.centroid_lng), float(d.centroid_lat)):
            outside.append(d.nama)
    assert {"Sukolilo", "Bedoho"} <= set(outside)


def test_point_on_surface_of_a_concave_shape():
    # A "U": its centroid (in the notch) is outside.
    u = {"type": "Polygon", "coordinates": [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1],
                                             [1, 3], [0, 3], [0, 0]]]}
    assert not contains(u, 1.5, 2)
    x, y = point_on_surface(u, (1.5, 2))
    assert contains(u, x, y)


@pytest.mark.django_db
def test_sukolilo_kawasan_from_the_sk_kumuh():
    from desa.models import Kawasan

    run_loader()
    k = Kawasan.objects.get(desa__nama="Sukolilo")
    assert k.luas_ha == Decimal("10.20")
    assert k.sk_nomor.endswith("118.45/325A/KPTS/402.013/2019") and k.sk_tahun == 2019
    assert not k.is_demo
