"""``manage.py rapikan_berkas`` (issue 17): what a worker killed mid-upload leaves behind."""

from __future__ import annotations

import datetime
import io
import os
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command

from anggaran.models import FotoProgres, LaporanProgres
from anggaran.services import rapikan_berkas_sementara
from inti.berkas import PenulisBerkas
from inti.services import ServiceError
from tests.anggaran_helpers import buat_kegiatan

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _tmp(storage, final: str, age_s: int = 7200) -> Path:
    """A temporary file as a killed worker leaves it (written, never renamed)."""
    PenulisBerkas(storage).tulis(final, ContentFile(b"x"))
    folder = Path(storage.path(str(Path(final).parent)))
    path = next(p for p in folder.iterdir()
                if p.name.startswith(".tmp-") and p.name.endswith(Path(final).name))
    old = time.time() - age_s
    os.utime(path, (old, old))
    return path


def test_orphans_go_committed_photos_and_renditions_get_their_name(media, desa_a):
    storage = FileSystemStorage(location=media)
    kegiatan = buat_kegiatan(desa_a, status="berjalan")
    laporan = LaporanProgres.objects.create(kegiatan=kegiatan, tanggal=datetime.date(2018, 9, 1),
                                            persen_fisik=50)
    FotoProgres.objects.create(laporan=laporan, foto="progres/aa.jpg", ada_rendisi=True)
    _tmp(storage, "progres/aa.jpg")          # the row committed, the rename did not happen
    _tmp(storage, "progres/aa_320.jpg")      # its rendition
    _tmp(storage, "progres/bb.jpg")          # no row: killed before the commit
    fresh = _tmp(storage, "progres/cc.jpg", age_s=0)  # may be a live upload: left alone

    assert rapikan_berkas_sementara() == {"diterbitkan": 2, "dihapus": 1}
    names = sorted(p.name for p in (media / "progres").iterdir())
    assert names == sorted(["aa.jpg", "aa_320.jpg", fresh.name])
    assert rapikan_berkas_sementara() == {"diterbitkan": 0, "dihapus": 0}


def test_command_reports_counts_and_refuses_a_negative_age(media, desa_a):
    storage = FileSystemStorage(location=media)
    _tmp(storage, "progres/dd.png")
    out = io.StringIO()
    call_command("rapikan_berkas", stdout=out)
    assert "0 diselesaikan" in out.getvalue() and "1 dihapus" in out.getvalue()
    assert list((media / "progres").iterdir()) == []
    with pytest.raises(CommandError, match="negatif"):
        call_command("rapikan_berkas", "--umur-menit", "-1")
    with pytest.raises(ServiceError):
        rapikan_berkas_sementara(umur_detik=-5)


def test_nothing_to_sweep_without_the_folder(media):
    assert rapikan_berkas_sementara() == {"diterbitkan": 0, "dihapus": 0}
