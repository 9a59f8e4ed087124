"""Admin of anggaran/kolaborasi: pages load with their inlines; photos go through the checks."""

import pytest
from django.urls import reverse

from anggaran.models import FotoProgres, LaporanProgres
from kolaborasi.models import ForumKolaborasi
from tests.anggaran_helpers import (
    KONTAK_TELEPON,
    buat_kegiatan,
    buat_pemangku,
    image_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def data(desa_a):
    dinas = buat_pemangku("Dinas PKP", "opd", kontak_telepon=KONTAK_TELEPON)
    kegiatan = buat_kegiatan(desa_a, lines=[(dinas, "apbd-kab", 100_000_000)])
    laporan = LaporanProgres.objects.create(kegiatan=kegiatan, tanggal="2018-09-01",
                                            persen_fisik=50)
    forum = ForumKolaborasi.objects.create(tanggal="2018-01-01", judul="Rembug", desa=desa_a)
    forum.peserta.set([dinas])
    return {"dinas": dinas, "kegiatan": kegiatan, "laporan": laporan, "forum": forum}


def test_change_and_add_pages_load(client_for, admin_user, data):
    c = client_for(admin_user)
    pages = [
        ("anggaran_kegiatan", data["kegiatan"].pk), ("anggaran_laporanprogres",
                                                     data["laporan"].pk),
        ("kolaborasi_forumkolaborasi", data["forum"].pk),
        ("kolaborasi_pemangkukepentingan", data["dinas"].pk),
    ]
    for name, pk in pages:
        assert c.get(reverse(f"admin:{name}_change", args=[pk])).status_code == 200, name
        assert c.get(reverse(f"admin:{name}_add")).status_code == 200, name
        assert c.get(reverse(f"admin:{name}_history", args=[pk])).status_code == 200, name
    kegiatan_page = c.get(reverse("admin:anggaran_kegiatan_change",
                                  args=[data["kegiatan"].pk])).content.decode()
    assert "pendanaan-TOTAL_FORMS" in kegiatan_page and "progres-TOTAL_FORMS" in kegiatan_page
    forum_page = c.get(reverse("admin:kolaborasi_forumkolaborasi_change",
                               args=[data["forum"].pk])).content.decode()
    assert "selectfilter" in forum_page.lower() or "SelectFilter" in forum_page
    assert "komitmen-TOTAL_FORMS" in forum_page
    # Contact details are for the admin.
    changelist = c.get(reverse("admin:kolaborasi_pemangkukepentingan_changelist"))
    assert KONTAK_TELEPON in changelist.content.decode()
    assert "Rp 100.000.000" in c.get(reverse("admin:anggaran_kegiatan_changelist")).content.decode()


def test_admin_photo_upload_is_checked_and_reencoded(client_for, admin_user, data):
    c = client_for(admin_user)
    url = reverse("admin:anggaran_fotoprogres_add")
    bad = c.post(url, {"laporan": data["laporan"].pk, "tahap": "50", "keterangan": "",
                       "foto": upload("x.jpg", b"bukan gambar", "image/jpeg")})
    assert bad.status_code == 200
    assert FotoProgres.objects.count() == 0
    ok = c.post(url, {"laporan": data["laporan"].pk, "tahap": "50", "keterangan": "",
                      "foto": upload("x.jpg", image_bytes("PNG"), "image/jpeg")})
    assert ok.status_code == 302
    assert FotoProgres.objects.get().foto.name.endswith(".png")


def test_history_page_speaks_indonesian_and_shows_no_none(client_for, admin_user, data):
    """Issue 17: the admin history's column headers are Indonesian; a change without a user
    (a data migration, a command) reads "sistem" and one without a reason "—", never "None"."""
    page = client_for(admin_user).get(
        reverse("admin:anggaran_kegiatan_history", args=[data["kegiatan"].pk])).content.decode()
    for header in ("Waktu", "Jenis perubahan", "Diubah oleh", "Alasan", "Perubahan"):
        assert f'<th scope="col">{header}</th>' in page
    assert "None" not in page
    assert "Changed by" not in page and "Change reason" not in page
    assert "sistem" in page and "—" in page
