"""Progress photos: only real JPEG/PNG/WebP within the size cap, re-encoded without EXIF."""

import io
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from anggaran.models import FotoProgres, LaporanProgres
from inti.images import proses_foto
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku, image_bytes, progres_post, upload
from tests.keamanan_helpers import assert_no_inline_script_or_style


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _open(content_file) -> Image.Image:
    content_file.seek(0)
    image = Image.open(io.BytesIO(content_file.read()))
    image.load()
    return image


# ------------------------------------------------------------------------- pure checks


@pytest.mark.parametrize("fmt, ext", [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_accepted_formats_are_reencoded_with_their_real_extension(fmt, ext):
    out = proses_foto(upload(f"foto.{ext}", image_bytes(fmt)))
    assert out.name == f"foto.{ext}"
    assert _open(out).format == fmt


def test_extension_comes_from_the_content_not_the_name():
    out = proses_foto(upload("foto.jpg", image_bytes("PNG"), "image/jpeg"))
    assert out.name == "foto.png"


def test_exif_is_stripped_and_large_photos_are_scaled_down():
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x0112] = 1  # Orientation
    raw = image_bytes("JPEG", size=(3000, 1500), exif=exif.tobytes())
    assert b"KameraRahasia" in raw
    out = proses_foto(upload("hp.jpg", raw, "image/jpeg"))
    data = out.read()
    assert b"KameraRahasia" not in data
    image = _open(out)
    assert max(image.size) == 2000
    assert image.size == (2000, 1000)
    assert not image.getexif()


def test_orientation_is_applied_before_stripping():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    raw = image_bytes("JPEG", size=(80, 40), exif=exif.tobytes())
    image = _open(proses_foto(upload("hp.jpg", raw, "image/jpeg")))
    assert image.size == (40, 80)


@pytest.mark.parametrize("name, content, message", [
    ("foto.jpg", b"ini bukan gambar, hanya teks", "bukan gambar"),
    ("foto.gif", image_bytes("GIF"), "Format GIF tidak diterima"),
    ("foto.jpg", image_bytes("GIF"), "Format GIF tidak diterima"),
    ("foto.png", image_bytes("BMP"), "Format BMP tidak diterima"),
    ("foto.png", image_bytes("PNG")[:40], "bukan gambar"),
    ("foto.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
     "bukan gambar"),
    ("foto.jpg", b"\x00" * 100, "bukan gambar"),
])
def test_non_images_and_other_formats_are_refused(name, content, message):
    with pytest.raises(ValidationError) as exc:
        proses_foto(upload(name, content, "image/jpeg"))
    assert message in exc.value.messages[0]


def test_size_cap_from_setting(settings):
    settings.MAX_UPLOAD_MB = 1
    big = image_bytes("PNG")[:8] + b"\x00" * (1024 * 1024 + 1)
    with pytest.raises(ValidationError) as exc:
        proses_foto(upload("besar.png", big))
    assert exc.value.messages == ["Ukuran foto paling besar 1 MB."]


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas (a decompression bomb)."""
    raw = bytearray(image_bytes("PNG", size=(1, 1)))
    ihdr = raw[12:29]  # b"IHDR" + 13 bytes of data
    ihdr[4:12] = struct.pack(">II", width, height)
    raw[12:29] = ihdr
    raw[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return bytes(raw)


@pytest.mark.parametrize("size", [(60_000, 60_000), (8_000, 7_000)])
def test_decompression_bomb_refused(size):
    with pytest.raises(ValidationError):
        proses_foto(upload("bom.png", _png_claiming(*size)))


# ----------------------------------------------------------------------------- through the view


@pytest.fixture
def kegiatan(desa_a):
    dinas = buat_pemangku("Dinas PKP", "opd")
    return buat_kegiatan(desa_a, lines=[(dinas, "apbd-kab", 100_000_000)])


@pytest.mark.parametrize("name, content, content_type", [
    ("foto.jpg", b"teks biasa yang diberi nama .jpg", "image/jpeg"),
    ("foto.gif", image_bytes("GIF"), "image/gif"),
])
def test_view_refuses_non_image_and_saves_nothing(client_for, fasilitator_a, kegiatan, name,
                                                  content, content_type):
    c = client_for(fasilitator_a)
    data = progres_post(persen="50", fotos=[(upload(name, content, content_type), "50")])
    response = c.post(reverse("anggaran:progres_baru", args=[kegiatan.pk]), data)
    assert response.status_code == 200
    errors = response.context["fotos"].forms[0].errors["foto"]
    assert errors and ("bukan gambar" in errors[0] or "GIF" in errors[0])
    assert "Foto belum dapat diterima" in response.content.decode()
    assert LaporanProgres.objects.count() == 0
    assert FotoProgres.objects.count() == 0


def test_view_saves_three_photos_with_unguessable_names(client_for, fasilitator_a, kegiatan,
                                                        settings, tmp_path,
                                                        django_capture_on_commit_callbacks):
    c = client_for(fasilitator_a)
    fotos = [(upload("IMG_0001.JPG", image_bytes("JPEG"), "image/jpeg"), "0"),
             (upload("tengah.webp", image_bytes("WEBP"), "image/webp"), "50"),
             (upload("akhir.png", image_bytes("PNG"), "image/png"), "100")]
    # The files get their names when the transaction commits (issue 17: temporary names).
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("anggaran:progres_baru", args=[kegiatan.pk]),
                          progres_post(persen="100", fotos=fotos))
    assert response.status_code == 302
    names = sorted(f.foto.name for f in FotoProgres.objects.all())
    assert len(names) == 3
    assert {n.rsplit(".", 1)[1] for n in names} == {"jpg", "webp", "png"}
    assert all(re.fullmatch(r"progres/[0-9a-f]{32}\.(jpg|png|webp)", n) for n in names)
    assert all((tmp_path / n).exists() for n in names)
    page = c.get(kegiatan.get_absolute_url()).content.decode()
    for label in ("0% (sebelum)", "50% (pelaksanaan)", "100% (selesai)"):
        assert label in page


def test_progress_form_has_preview_script_file_and_accept(client_for, fasilitator_a, kegiatan):
    body = client_for(fasilitator_a).get(
        reverse("anggaran:progres_baru", args=[kegiatan.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert 'accept="image/jpeg,image/png,image/webp"' in body
    assert "js/foto_preview.js" in body
    assert 'data-preview-for="id_foto-0-foto"' in body
    assert_no_inline_script_or_style(body, json_data=False)
