"""Illustrations for the demo progress reports, drawn with Pillow (no photo files shipped).

A demo activity's progress photos show a lane being worked on, 0 % → 50 % → 100 %, with a
large "ILUSTRASI DEMO" caption: they exercise every photo feature (thumbnails, the desa page,
stories, PDFs) and can never be mistaken for field photos. Deterministic: the same activity and
stage always give the same pixels.
"""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 640, 400
SKY, FIELD, SOIL, PAVING = (186, 215, 235), (120, 160, 90), (150, 110, 70), (150, 150, 155)


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without scalable default font
        return ImageFont.load_default()


def ilustrasi_progres(judul: str, persen: int) -> ContentFile:
    """A JPEG of a lane ``persen`` % paved, captioned with ``judul`` and the stage."""
    image = Image.new("RGB", (WIDTH, HEIGHT), SKY)
    draw = ImageDraw.Draw(image)
    horizon = HEIGHT // 3
    draw.rectangle([0, horizon, WIDTH, HEIGHT], fill=FIELD)
    # The lane narrows towards the horizon; the paved part grows from the front.
    lane = [(WIDTH * 0.30, HEIGHT), (WIDTH * 0.70, HEIGHT), (WIDTH * 0.53, horizon),
            (WIDTH * 0.47, horizon)]
    draw.polygon(lane, fill=SOIL)
    if persen > 0:
        top = HEIGHT - (HEIGHT - horizon) * min(persen, 100) / 100
        share = (HEIGHT - top) / (HEIGHT - horizon)
        left_top = WIDTH * 0.30 + (WIDTH * 0.47 - WIDTH * 0.30) * share
        right_top = WIDTH * 0.70 - (WIDTH * 0.70 - WIDTH * 0.53) * share
        draw.polygon([(WIDTH * 0.30, HEIGHT), (WIDTH * 0.70, HEIGHT), (right_top, top),
                      (left_top, top)], fill=PAVING)
    draw.rectangle([0, 0, WIDTH, 58], fill=(255, 243, 205))
    draw.text((14, 8), "ILUSTRASI DEMO - bukan foto lapangan", fill=(102, 77, 3), font=_font(22))
    draw.text((14, 34), judul[:60], fill=(60, 60, 60), font=_font(16))
    draw.rectangle([WIDTH - 130, HEIGHT - 56, WIDTH - 12, HEIGHT - 12], fill=(255, 255, 255))
    draw.text((WIDTH - 118, HEIGHT - 50), f"{persen}%", fill=(0, 0, 0), font=_font(30))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80, optimize=True)
    return ContentFile(out.getvalue(), name="ilustrasi-demo.jpg")
