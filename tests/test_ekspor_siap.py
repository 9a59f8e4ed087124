"""Issue 16: the funding export prebuilt by the background worker (kotaku/ekspor_latar.py) is
served while the data it shows is current, and computed again as soon as anything it shows
has changed; it lives in the default storage (S3 works: tested with an in-memory storage)."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from kotaku import ekspor_latar
from kotaku.models import EksporSiap
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _isi(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def dana(desa_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pemangku = buat_pemangku("Dinas PKP", "opd")
        buat_kegiatan(desa_a, lines=[(pemangku, "apbd-kab", 1_000_000, 500_000)])
    return pemangku


def test_built_file_is_served_while_current_then_the_download_is_computed(
        client, desa_a, dana, django_capture_on_commit_callbacks):
    url = reverse("ekspor_pendanaan")
    live = _isi(client.get(url))
    assert "X-Kotaku-Ekspor" not in client.get(url)  # nothing built yet: computed
    out = io.StringIO()
    call_command("siapkan_ekspor", "--sekarang", stdout=out)
    row = EksporSiap.objects.get(nama="pendanaan")
    assert row.versi == ekspor_latar.versi_sekarang() and row.ukuran == len(live)
    response = client.get(url)
    assert response.status_code == 200 and response["X-Kotaku-Ekspor"].startswith("siap")
    assert "pendanaan-semua.csv" in response["Content-Disposition"]
    assert _isi(response) == live  # the same bytes as the computed download
    # A new funding line: the file no longer shows the data, so the download is computed.
    with django_capture_on_commit_callbacks(execute=True):
        buat_kegiatan(desa_a, nama="Drainase", lines=[(dana, "apbd-kab", 7_777_000)])
    response = client.get(url)
    assert "X-Kotaku-Ekspor" not in response
    assert b"Drainase" in _isi(response)
    # Renaming a stakeholder changes what the lines name: computed too after a rebuild.
    call_command("siapkan_ekspor", "--sekarang", stdout=out)
    assert "X-Kotaku-Ekspor" in client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        dana.nama = "Dinas Perkim"
        dana.save()
    response = client.get(url)
    assert "X-Kotaku-Ekspor" not in response and b"Dinas Perkim" in _isi(response)


def test_rebuild_replaces_the_file_and_a_missing_file_falls_back(client, dana):
    call_command("siapkan_ekspor", stdout=io.StringIO())  # enqueued (immediate backend here)
    pertama = EksporSiap.objects.get(nama="pendanaan").berkas
    assert default_storage.exists(pertama)
    call_command("siapkan_ekspor", "--sekarang", stdout=io.StringIO())
    kedua = EksporSiap.objects.get(nama="pendanaan").berkas
    assert EksporSiap.objects.count() == 1
    assert default_storage.exists(kedua) and (kedua == pertama or
                                              not default_storage.exists(pertama))
    default_storage.delete(kedua)
    response = client.get(reverse("ekspor_pendanaan"))
    assert response.status_code == 200 and "X-Kotaku-Ekspor" not in response
    assert b"Dinas PKP" in _isi(response)


def test_in_memory_storage_as_for_s3(client, dana, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.InMemoryStorage"}}
    call_command("siapkan_ekspor", "--sekarang", stdout=io.StringIO())
    response = client.get(reverse("ekspor_pendanaan"))
    assert response["X-Kotaku-Ekspor"].startswith("siap")
    assert b"Dinas PKP" in _isi(response)
