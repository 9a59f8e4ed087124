"""Names of uploaded files: unguessable, never the user's own file name."""

import uuid
from pathlib import PurePosixPath


def nama_unik(folder: str, filename: str) -> str:
    """``folder/<uuid>.<ext>``; the extension comes from the verified image format
    (``inti.images`` re-encodes every photo and names it after its real format)."""
    return f"{folder}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"
