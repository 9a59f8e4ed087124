"""Multi-row saves are all or nothing.

Each test forces an error on the *last* row of a save that writes several rows (the third
funding line, the last changed volume, the last photo, the participants of a forum), then
checks that every domain table, history tables included, holds exactly what it held before:
same row count, same values.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.db.models.signals import m2m_changed
from django.test import Client
from django.urls import reverse

import desa.penilaian as penilaian_service
from anggaran.models import FotoProgres, Kegiatan, Pendanaan
from desa.models import Penilaian, VolumePenilaian
from kolaborasi.models import ForumKolaborasi
from tests.anggaran_helpers import (
    buat_kegiatan,
    buat_pemangku,
    image_bytes,
    kegiatan_post,
    line,
    progres_post,
    upload,
)
from tests.keamanan_helpers import diff_snapshots, domain_models, snapshot
from tests.penilaian_helpers import KEBUNAN, buat_lokasi, buat_penilaian, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def tables():
    """Every table of the domain apps, with their history and m2m tables."""
    return domain_models("desa", "anggaran", "kolaborasi", "publikasi")


@pytest.fixture
def pemangku(desa_a):
    return {
        "dinas": buat_pemangku("Dinas PKP Kab. Madiun", "opd"),
        "pemdes": buat_pemangku("Pemerintah Desa Bibrik", "pemdes", desa=desa_a),
        "lkm": buat_pemangku("LKM Bibrik Sejahtera", "lkm", desa=desa_a),
    }


def fail_on_call(monkeypatch, model, n: int, exc: Exception):
    """Make the ``n``-th call of ``model.save`` raise ``exc`` (earlier calls save normally)."""
    original = model.save
    calls = {"n": 0}

    def save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise exc
        return original(self, *args, **kwargs)

    monkeypatch.setattr(model, "save", save)
    return calls


def assert_unchanged(before, tables):
    differences = diff_snapshots(before, snapshot(tables))
    assert not differences, "half-saved:\n" + "\n".join(differences)


# ---------------------------------------------------------------------------------------------
# Activity + funding lines
# ---------------------------------------------------------------------------------------------


def test_new_activity_last_funding_line_refused_saves_nothing(
        monkeypatch, client, desa_a, fasilitator_a, pemangku, tables):
    before = snapshot(tables)
    calls = fail_on_call(monkeypatch, Pendanaan, 3, IntegrityError("forced on the last line"))
    client.force_login(fasilitator_a)
    response = client.post(
        reverse("anggaran:kegiatan_baru") + f"?desa={desa_a.kode_wilayah}",
        kegiatan_post(desa_a, [line(pemangku["dinas"], "apbd-kab", "100.000.000"),
                               line(pemangku["pemdes"], "dana-desa", "25.000.000"),
                               line(pemangku["lkm"], "swadaya", "5.000.000")]))
    assert calls["n"] == 3  # the first two lines were written before the third failed
    assert response.status_code == 200
    assert "Tidak ada yang tersimpan" in response.content.decode()
    assert_unchanged(before, tables)


def test_activity_edit_with_failing_last_line_keeps_every_old_value(
        monkeypatch, client, desa_a, fasilitator_a, pemangku, tables):
    kegiatan = buat_kegiatan(desa_a, lines=[(pemangku["dinas"], "apbd-kab", 100_000_000),
                                            (pemangku["pemdes"], "dana-desa", 20_000_000)])
    a, b = kegiatan.pendanaan.order_by("pk")
    before = snapshot(tables)
    calls = fail_on_call(monkeypatch, Pendanaan, 3, IntegrityError("forced on the last line"))
    client.force_login(fasilitator_a)
    response = client.post(
        reverse("anggaran:kegiatan_ubah", args=[kegiatan.pk]),
        kegiatan_post(desa_a, [line(pemangku["dinas"], "apbd-kab", "150.000.000", id=str(a.pk)),
                               line(pemangku["pemdes"], "dana-desa", "30.000.000", id=str(b.pk)),
                               line(pemangku["lkm"], "swadaya", "5.000.000")],
                      versi="1", initial_forms=2, nama="Nama yang tidak boleh tersimpan"))
    assert calls["n"] == 3
    assert response.status_code == 200
    assert "Tidak ada yang tersimpan" in response.content.decode()
    assert_unchanged(before, tables)
    kegiatan.refresh_from_db()
    assert kegiatan.versi == 1 and kegiatan.nama == "Paving jalan akses kolam lele"


def test_activity_unexpected_crash_on_last_line_saves_nothing(
        monkeypatch, desa_a, fasilitator_a, pemangku, tables):
    """Not only refusals by the database: any exception rolls the whole save back."""
    before = snapshot(tables)
    fail_on_call(monkeypatch, Pendanaan, 2, RuntimeError("disk full"))
    client = Client(raise_request_exception=True)
    client.force_login(fasilitator_a)
    with pytest.raises(RuntimeError, match="disk full"):
        client.post(reverse("anggaran:kegiatan_baru"),
                    kegiatan_post(desa_a, [line(pemangku["dinas"], "apbd-kab", "100.000.000"),
                                           line(pemangku["lkm"], "swadaya", "5.000.000")]))
    assert_unchanged(before, tables)


# ---------------------------------------------------------------------------------------------
# Assessment + volumes
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def draf(desa_a, fasilitator_a):
    return buat_penilaian(buat_lokasi(desa_a), 2024, user=fasilitator_a)


def test_assessment_last_changed_volume_refused_saves_nothing(
        monkeypatch, client, draf, fasilitator_a, tables):
    before = snapshot(tables)
    volumes = {**KEBUNAN["volumes"], "1a": 30, "2a": 5, "7b": 3}  # three changed volumes
    calls = fail_on_call(monkeypatch, VolumePenilaian, 3, IntegrityError("forced"))
    client.raise_request_exception = True
    with pytest.raises(IntegrityError):
        client.force_login(fasilitator_a)
        client.post(reverse("desa:penilaian_ubah", args=[draf.pk]),
                    form_data(draf.versi, volumes=volumes,
                              header={**KEBUNAN["header"], "jumlah_bangunan": 60}))
    assert calls["n"] == 3
    assert_unchanged(before, tables)


def test_save_and_submit_is_one_transaction(monkeypatch, client, draf, fasilitator_a, tables):
    """"Simpan & ajukan": if the submit fails after the volumes were saved, neither stays."""
    before = snapshot(tables)

    def failing_submit(*args, **kwargs):
        raise IntegrityError("forced in the submit")

    monkeypatch.setattr("desa.penilaian.ajukan", failing_submit)
    client.raise_request_exception = True
    client.force_login(fasilitator_a)
    with pytest.raises(IntegrityError):
        client.post(reverse("desa:penilaian_ubah", args=[draf.pk]),
                    form_data(draf.versi, aksi="ajukan",
                              volumes={**KEBUNAN["volumes"], "1a": 30}))
    assert_unchanged(before, tables)
    assert Penilaian.objects.get(pk=draf.pk).status == "draft"


def test_new_assessment_last_volume_row_refused_leaves_no_location_or_draft(
        monkeypatch, client, desa_a, fasilitator_a, tables):
    """A new assessment writes a location, the draft and 16 volume rows (with history)."""
    before = snapshot(tables)
    real = penilaian_service.bulk_create_with_history
    seen = {}

    def all_but_last_then_fail(objs, model, **kwargs):
        seen["rows"] = len(objs)
        real(objs[:-1], model, **kwargs)  # every row but the last is written
        raise IntegrityError("forced on the last volume row")

    monkeypatch.setattr(penilaian_service, "bulk_create_with_history", all_but_last_then_fail)
    client.force_login(fasilitator_a)
    response = client.post(reverse("desa:penilaian_baru", args=[desa_a.kode_wilayah]),
                           {"tahun": "2024", "nama": "Dusun Baru", "rt": "001", "rw": "002",
                            "lokasi": "", "kawasan": ""})
    assert seen["rows"] == 16
    assert response.status_code == 200  # refused with a message on the form
    assert response.context["form"].errors
    assert_unchanged(before, tables)


# ---------------------------------------------------------------------------------------------
# Progress report + photos, forum + participants
# ---------------------------------------------------------------------------------------------


def test_progress_report_last_photo_refused_saves_nothing_and_leaves_no_file(
        monkeypatch, client, desa_a, fasilitator_a, pemangku, tables, _media):
    kegiatan = buat_kegiatan(desa_a, lines=[(pemangku["dinas"], "apbd-kab", 100_000_000)])
    before = snapshot(tables)
    calls = fail_on_call(monkeypatch, FotoProgres, 2, IntegrityError("forced on the last photo"))
    client.force_login(fasilitator_a)
    response = client.post(
        reverse("anggaran:progres_baru", args=[kegiatan.pk]),
        progres_post(fotos=[(upload("a.png", image_bytes("PNG")), "0"),
                            (upload("b.jpg", image_bytes("JPEG"), "image/jpeg"), "50")]))
    assert calls["n"] == 2
    assert response.status_code == 200
    assert_unchanged(before, tables)
    files = [p for p in _media.rglob("*") if p.is_file()] if _media.exists() else []
    assert files == [], "photo files of a refused report were left behind"


def test_forum_with_failing_participants_saves_nothing(client, desa_a, fasilitator_a, pemangku,
                                                       tables):
    before = snapshot(tables)

    def boom(sender, action, **kwargs):
        if action == "post_add":
            raise IntegrityError("forced while adding participants")

    through = ForumKolaborasi.peserta.through
    m2m_changed.connect(boom, sender=through, dispatch_uid="test-atomicity-boom")
    client.raise_request_exception = True
    client.force_login(fasilitator_a)
    try:
        with pytest.raises(IntegrityError):
            client.post(reverse("kolaborasi:forum_baru"), {
                "tanggal": "2018-03-05", "judul": "Rembug warga", "tempat": "Balai desa",
                "desa": desa_a.pk, "peserta": [pemangku["dinas"].pk, pemangku["lkm"].pk],
                "kesepakatan": "Paving"})
    finally:
        m2m_changed.disconnect(sender=through, dispatch_uid="test-atomicity-boom")
    assert_unchanged(before, tables)


def test_snapshot_sees_a_half_save(desa_a, pemangku, tables):
    """The comparison itself is sharp: one changed amount is a difference."""
    kegiatan = buat_kegiatan(desa_a, lines=[(pemangku["dinas"], "apbd-kab", 100_000_000)])
    before = snapshot(tables)
    Pendanaan.objects.filter(kegiatan=kegiatan).update(rencana_rp=Decimal(1))
    assert diff_snapshots(before, snapshot(tables))
    assert Kegiatan.objects.count() == 1
