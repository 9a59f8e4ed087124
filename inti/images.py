"""Progress photos: what is accepted, and how it is cleaned before it is stored.

Uploaded files are never stored as sent. The content decides (not the name or the browser's
content type): Pillow must open and verify it as JPEG, PNG or WebP; it is then decoded and
re-encoded, which drops EXIF/XMP/comments (facilitators' phones write GPS positions into
them), applies the camera's orientation first, and scales it down to at most 2000 px.

Cost is bounded before any pixel is decoded: the pixel dimensions come from the image header
(``Image.open`` reads only the header), and anything above 25 megapixels is refused at once
("resolusi terlalu besar"): a 160 KB PNG of 7000×7000 px would otherwise cost seconds and
~150 MB to decode. JPEGs are decoded already scaled down (``draft``), so a phone photo never
occupies its full size in memory. Smaller renditions (320 and 960 px wide) are made from the
re-encoded photo for lists and cards (``FotoBersih.rendisi``).
"""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from inti.foto import LEBAR_RENDISI

#: Pillow format name → extension of the stored file.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ACCEPT = "image/jpeg,image/png,image/webp"
MAX_SIDE = 2000
# Refuse absurd resolutions before decoding them (decompression bombs): 25 megapixels is
# above the phone cameras facilitators use (12-16 Mpx; 50 Mpx modes write 12 Mpx by default)
# and keeps the worst decode at about 100 MB.
MAX_PIXELS = 25_000_000
# Pillow's own guard, for every other caller of Image.open in the process: a warning above
# this, an error above twice this.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class FotoBersih(ContentFile):
    """The re-encoded photo; ``rendisi`` maps a width (320, 960) to its smaller JPEG/PNG/WebP
    bytes (none when the photo is already that small)."""

    rendisi: dict[int, bytes]


def max_upload_mb() -> int:
    return int(getattr(settings, "MAX_UPLOAD_MB", 5))


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def pesan_resolusi(width: int | None = None, height: int | None = None) -> str:
    ukuran = (_(": %(w)s × %(h)s piksel") % {"w": width, "h": height}) if width else ""
    return _("Resolusi terlalu besar%(ukuran)s. Paling besar %(max)s megapiksel; perkecil foto "
             "atau ambil ulang dengan resolusi kamera biasa.") % {
        "ukuran": ukuran, "max": MAX_PIXELS // 1_000_000}


def proses_foto(upload) -> FotoBersih:
    """Validate and re-encode an uploaded photo; return the file to store.

    Raises ``ValidationError`` with an Indonesian message for anything that is not a JPEG,
    PNG or WebP image within the size limit.
    """
    limit_mb = max_upload_mb()
    size = getattr(upload, "size", None)
    if size is None or size > limit_mb * 1024 * 1024:
        _refuse(_("Ukuran foto paling besar %(mb)s MB.") % {"mb": limit_mb}, "too_big")
    if size == 0:
        _refuse(_("Berkas foto kosong."), "empty")

    not_image = _("Berkas ini bukan gambar yang dapat dibaca. Unggah foto JPEG, PNG atau WebP.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as probe:
                # Only the header has been read: format and size, no pixel decoded yet.
                fmt = probe.format
                width, height = probe.size
                if fmt not in FORMATS:
                    _refuse(_("Format %(fmt)s tidak diterima. Unggah foto JPEG, PNG atau "
                              "WebP.") % {"fmt": fmt or "?"}, "format")
                if width * height > MAX_PIXELS:
                    _refuse(pesan_resolusi(width, height), "too_many_pixels")
                probe.verify()
            # verify() leaves the image unusable: open it again to decode it.
            upload.seek(0)
            image = Image.open(upload)
            if fmt == "JPEG":
                # Let the JPEG decoder scale down while decoding (much less memory).
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own header check (Image.MAX_IMAGE_PIXELS) fired first.
        _refuse(pesan_resolusi(), "too_many_pixels")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError, EOFError):
        _refuse(not_image, "invalid")

    try:
        image = ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - broken orientation tag: keep the pixels as they are
        pass
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)

    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        options = {"quality": 85, "optimize": True, "progressive": True}
    elif fmt == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        options = {"quality": 85, "method": 4}
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        options = {"optimize": True}
    # Nothing but pixels goes out: no EXIF, XMP, comments or text chunks.
    image.info = {}

    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    bersih = FotoBersih(out.getvalue(), name=f"foto.{FORMATS[fmt]}")
    bersih.rendisi = {}
    for lebar in LEBAR_RENDISI:
        small = image.copy()
        small.thumbnail((lebar, lebar), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        small.save(buf, format=fmt, **options)
        bersih.rendisi[lebar] = buf.getvalue()
    return bersih
