"""Names of the smaller renditions stored next to a photo (model-free)."""

from pathlib import PurePosixPath

#: Widths of the renditions (px): thumbnails in lists, cards on the activity page.
LEBAR_RENDISI = (320, 960)


def nama_rendisi(name: str, lebar: int) -> str:
    """``progres/ab12.jpg`` → ``progres/ab12_320.jpg``."""
    p = PurePosixPath(name)
    return str(p.with_name(f"{p.stem}_{lebar}{p.suffix}"))
