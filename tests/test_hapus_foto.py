"""Issue 17: deleting one's own mistakes, and the photo pipeline built for phones.

Deleting: a facilitator deletes a draft assessment, a progress report (with its photo files)
and an activity still "rencana" in their desa, after a confirmation page (GET shows it, POST
with CSRF deletes); the deletion stays in the history; another desa is 404, a read-only role
403, verified or further-along data 403 for a facilitator (an admin may).

Photos: over 25 megapixels is refused from the header before any decoding ("Resolusi terlalu
besar"), quickly; the stored photo gets 320/960 px renditions; files are written under
temporary names and renamed after the commit, so a forced failure or a full disk leaves no
file behind and no row pointing to a missing or truncated file.
"""

from __future__ import annotations

import errno
import io
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from PIL import Image

from anggaran.models import FotoProgres, Kegiatan, LaporanProgres, Pendanaan
from desa.models import Penilaian
from inti.berkas import PenulisBerkas, nama_akhir, rapikan_sementara
from inti.images import MAX_PIXELS, proses_foto
from tests.anggaran_helpers import (
    buat_kegiatan,
    buat_pemangku,
    image_bytes,
    progres_post,
    upload,
)
from tests.penilaian_helpers import buat_lokasi, buat_penilaian

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _kegiatan(desa, status="rencana"):
    return buat_kegiatan(desa, lines=[(buat_pemangku("Dinas PKP", "opd"), "apbd-kab",
                                       24_000_000)], status=status)


def _laporan_dengan_foto(client, kegiatan, capture):
    with capture(execute=True):
        r = client.post(reverse("anggaran:progres_baru", args=[kegiatan.pk]),
                        progres_post(fotos=[(upload("a.png", image_bytes("PNG", (1200, 900))),
                                             "0")]))
    assert r.status_code == 302, r.content.decode()[:3000]
    return LaporanProgres.objects.get(kegiatan=kegiatan)


# ---------------------------------------------------------------------------------------------
# Delete
# ---------------------------------------------------------------------------------------------


def test_facilitator_deletes_a_draft_assessment_after_confirming(desa_a, fasilitator_a):
    p = buat_penilaian(buat_lokasi(desa_a), 2024, user=fasilitator_a)
    url = reverse("desa:penilaian_hapus", args=[p.pk])
    c = _client(fasilitator_a)
    page = c.get(url)
    assert page.status_code == 200
    assert "Ya, hapus penilaian" in page.content.decode()
    assert Penilaian.objects.filter(pk=p.pk).exists()  # GET deletes nothing
    r = c.post(url)
    assert r.status_code == 302
    assert not Penilaian.objects.filter(pk=p.pk).exists()
    gone = Penilaian.history.filter(id=p.pk).latest("history_date")
    assert gone.history_type == "-" and gone.history_user == fasilitator_a


def test_assessment_delete_refusals(desa_a, fasilitator_a, fasilitator_b, pimpinan,
                                    admin_user):
    draft = buat_penilaian(buat_lokasi(desa_a), 2024, user=fasilitator_a)
    verified = buat_penilaian(buat_lokasi(desa_a, nama="Dusun Kulon"), 2023,
                              status="diverifikasi", user=fasilitator_a)
    url = reverse("desa:penilaian_hapus", args=[draft.pk])
    assert _client(fasilitator_b).post(url).status_code == 404
    assert _client(pimpinan).post(url).status_code == 403
    v_url = reverse("desa:penilaian_hapus", args=[verified.pk])
    assert _client(fasilitator_a).get(v_url).status_code == 403
    assert _client(fasilitator_a).post(v_url).status_code == 403
    assert Penilaian.objects.count() == 2
    assert _client(admin_user).post(v_url).status_code == 302
    assert not Penilaian.objects.filter(pk=verified.pk).exists()


def test_facilitator_deletes_an_activity_in_plan_not_one_under_way(
        desa_a, fasilitator_a, fasilitator_b, pimpinan, admin_user):
    rencana, berjalan = _kegiatan(desa_a), _kegiatan(desa_a, status="berjalan")
    c = _client(fasilitator_a)
    assert c.get(reverse("anggaran:kegiatan_hapus", args=[rencana.pk])).status_code == 200
    assert _client(fasilitator_b).post(
        reverse("anggaran:kegiatan_hapus", args=[rencana.pk])).status_code == 404
    assert _client(pimpinan).post(
        reverse("anggaran:kegiatan_hapus", args=[rencana.pk])).status_code == 403
    assert c.post(reverse("anggaran:kegiatan_hapus", args=[berjalan.pk])).status_code == 403
    assert c.post(reverse("anggaran:kegiatan_hapus", args=[rencana.pk])).status_code == 302
    assert list(Kegiatan.objects.values_list("pk", flat=True)) == [berjalan.pk]
    assert Pendanaan.history.filter(history_type="-").count() == 1  # its line, in history
    assert _client(admin_user).post(
        reverse("anggaran:kegiatan_hapus", args=[berjalan.pk])).status_code == 302
    assert not Kegiatan.objects.exists()


def test_deleting_a_progress_report_deletes_its_photo_files(
        media, desa_a, fasilitator_a, fasilitator_b, pimpinan,
        django_capture_on_commit_callbacks):
    kegiatan = _kegiatan(desa_a, status="berjalan")
    c = _client(fasilitator_a)
    laporan = _laporan_dengan_foto(c, kegiatan, django_capture_on_commit_callbacks)
    assert len(_files(media)) == 3  # the photo and its two renditions
    url = reverse("anggaran:progres_hapus", args=[laporan.pk])
    assert _client(fasilitator_b).post(url).status_code == 404
    assert _client(pimpinan).post(url).status_code == 403
    assert "1 foto ikut terhapus" in c.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post(url).status_code == 302
    assert not LaporanProgres.objects.exists() and not FotoProgres.objects.exists()
    assert _files(media) == []
    assert FotoProgres.history.filter(history_type="-").count() == 1


def test_delete_links_show_only_where_allowed(desa_a, fasilitator_a, pimpinan):
    rencana, berjalan = _kegiatan(desa_a), _kegiatan(desa_a, status="berjalan")
    c = _client(fasilitator_a)
    hapus = reverse("anggaran:kegiatan_hapus", args=[rencana.pk])
    assert hapus in c.get(rencana.get_absolute_url()).content.decode()
    assert reverse("anggaran:kegiatan_hapus", args=[berjalan.pk]) not in c.get(
        berjalan.get_absolute_url()).content.decode()
    assert hapus not in _client(pimpinan).get(rencana.get_absolute_url()).content.decode()


# ---------------------------------------------------------------------------------------------
# Photos
# ---------------------------------------------------------------------------------------------


def _png(size) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 60, 40)).save(buf, "PNG")
    return buf.getvalue()


def test_7000_by_7000_png_is_refused_from_its_header_quickly():
    data = _png((7000, 7000))
    assert len(data) < 300_000  # a small file: the size limit does not catch it
    start = time.perf_counter()
    with pytest.raises(ValidationError) as exc:
        proses_foto(upload("besar.png", data))
    elapsed = time.perf_counter() - start
    assert exc.value.code == "too_many_pixels"
    assert "Resolusi terlalu besar" in exc.value.messages[0]
    assert elapsed < 0.2, f"refusal took {elapsed:.3f} s: pixels were decoded"


def test_just_under_the_limit_passes_just_over_is_refused():
    assert MAX_PIXELS == 25_000_000
    with pytest.raises(ValidationError, match="Resolusi terlalu besar"):
        proses_foto(upload("a.png", _png((5001, 5000))))
    out = proses_foto(upload("b.png", _png((5000, 5000))))
    assert max(Image.open(io.BytesIO(out.read())).size) == 2000


def test_renditions_are_320_and_960_wide():
    out = proses_foto(upload("a.jpg", image_bytes("JPEG", (4000, 3000)), "image/jpeg"))
    sizes = {w: Image.open(io.BytesIO(b)).size for w, b in out.rendisi.items()}
    assert sizes == {320: (320, 240), 960: (960, 720)}


def test_lists_and_cards_use_the_renditions(media, desa_a, fasilitator_a,
                                            django_capture_on_commit_callbacks):
    kegiatan = _kegiatan(desa_a, status="berjalan")
    laporan = _laporan_dengan_foto(_client(fasilitator_a), kegiatan,
                                   django_capture_on_commit_callbacks)
    foto = laporan.foto.get()
    assert foto.ada_rendisi and foto.url_320.endswith("_320.png")
    html = Client().get(kegiatan.get_absolute_url()).content.decode()
    assert f'src="{foto.url_320}"' in html
    assert f'src="{foto.foto.url}"' not in html  # the full photo only behind the link
    for name in (foto.foto.name, foto.url_320, foto.url_960):
        assert (media / name.replace("/media/", "").lstrip("/")).exists(), name


def test_forced_failure_after_the_files_leaves_no_file_and_no_row(
        monkeypatch, media, desa_a, fasilitator_a, django_capture_on_commit_callbacks):
    kegiatan = _kegiatan(desa_a, status="berjalan")
    original = FotoProgres.save

    def boom(self, *args, **kwargs):
        raise IntegrityError("forced after the file was written")

    monkeypatch.setattr(FotoProgres, "save", boom)
    with django_capture_on_commit_callbacks(execute=True):
        r = _client(fasilitator_a).post(
            reverse("anggaran:progres_baru", args=[kegiatan.pk]),
            progres_post(fotos=[(upload("a.png", image_bytes("PNG")), "0")]))
    monkeypatch.setattr(FotoProgres, "save", original)
    assert r.status_code == 200
    assert not LaporanProgres.objects.exists()
    assert _files(media) == []


def test_full_disk_mid_write_leaves_no_file_and_a_message(
        monkeypatch, media, desa_a, fasilitator_a, django_capture_on_commit_callbacks):
    kegiatan = _kegiatan(desa_a, status="berjalan")
    original = FileSystemStorage._save
    calls = {"n": 0}

    def full_disk(self, name, content):
        calls["n"] += 1
        if calls["n"] == 2:  # the first file is written, the disk fills on the second
            path = Path(self.path(name))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"\xff\xd8 truncated")  # what a full disk leaves
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", full_disk)
    with django_capture_on_commit_callbacks(execute=True):
        r = _client(fasilitator_a).post(
            reverse("anggaran:progres_baru", args=[kegiatan.pk]),
            progres_post(fotos=[(upload("a.png", image_bytes("PNG")), "0")]))
    assert r.status_code == 200
    assert "ruang penyimpanan penuh" in r.content.decode()
    assert not LaporanProgres.objects.exists()
    assert _files(media) == []


def test_files_keep_temporary_names_until_the_commit(media, desa_a, fasilitator_a,
                                                     django_capture_on_commit_callbacks):
    kegiatan = _kegiatan(desa_a, status="berjalan")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _client(fasilitator_a).post(
            reverse("anggaran:progres_baru", args=[kegiatan.pk]),
            progres_post(fotos=[(upload("a.png", image_bytes("PNG")), "0")]))
    names = [p.name for p in _files(media)]
    assert names and all(n.startswith(".tmp-") for n in names)  # not committed yet
    for callback in callbacks:
        callback()
    foto = FotoProgres.objects.get()
    assert Path(foto.foto.path).exists()
    assert not any(p.name.startswith(".tmp-") for p in _files(media))


def test_sweep_finishes_committed_and_removes_orphan_temporaries(media):
    storage = FileSystemStorage(location=media)
    committed, orphan = PenulisBerkas(storage), PenulisBerkas(storage)
    from django.core.files.base import ContentFile

    committed.tulis("progres/aa.png", ContentFile(b"a"))
    orphan.tulis("progres/bb.png", ContentFile(b"b"))
    tmp_names = [p.name for p in _files(media)]
    assert {nama_akhir(f"progres/{n}") for n in tmp_names} == {"progres/aa.png",
                                                              "progres/bb.png"}
    counts = rapikan_sementara(storage, "progres", lambda name: name == "progres/aa.png",
                               umur_detik=-1)
    assert counts == {"diterbitkan": 1, "dihapus": 1}
    assert [p.name for p in _files(media)] == ["aa.png"]


