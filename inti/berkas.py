"""Files that appear only complete, and only once their database row is committed.

``PenulisBerkas`` writes each file under a temporary name next to its final one
(``.tmp-<uuid>-<name>``) and renames it (``os.replace``: atomic on one filesystem) when the
transaction commits; if the transaction fails, the temporary files are deleted. A worker
killed mid-write or a full disk therefore never leaves a truncated file under a name a row
points to; what a killed worker leaves behind is a ``.tmp-`` file, which
``rapikan_sementara`` removes (or finishes, when its row did commit).

Storage without paths (S3: an upload there is already all-or-nothing) is written directly
under the final name and deleted again on failure.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import PurePosixPath

from django.db import transaction

AWALAN = ".tmp-"


def _punya_path(storage) -> bool:
    try:
        storage.path("x")
    except NotImplementedError:
        return False
    return True


def nama_sementara(final: str) -> str:
    p = PurePosixPath(final)
    return str(p.with_name(f"{AWALAN}{uuid.uuid4().hex}-{p.name}"))


def nama_akhir(sementara: str) -> str | None:
    """The final name a temporary file stands for (``None`` if it is not one)."""
    p = PurePosixPath(sementara)
    if not p.name.startswith(AWALAN):
        return None
    rest = p.name[len(AWALAN):]
    _hex, sep, name = rest.partition("-")
    return str(p.with_name(name)) if sep and name else None


class PenulisBerkas:
    def __init__(self, storage):
        self.storage = storage
        self.lokal = _punya_path(storage)
        self.tertunda: list[tuple[str | None, str]] = []  # (temporary name, final name)

    def tulis(self, final: str, content) -> str:
        """Write ``content`` to appear as ``final`` after the commit; returns ``final``."""
        if not self.lokal:
            saved = self.storage.save(final, content)
            self.tertunda.append((None, saved))
            return saved
        tmp = nama_sementara(final)
        try:
            saved_tmp = self.storage.save(tmp, content)
        except BaseException:
            # A full disk mid-write: nothing half-written may stay behind.
            self._hapus(tmp)
            raise
        self.tertunda.append((saved_tmp, final))
        return final

    def terbitkan(self) -> None:
        """Give every file its final name (after the commit)."""
        for tmp, final in self.tertunda:
            if tmp is not None:
                os.replace(self.storage.path(tmp), self.storage.path(final))
        self.tertunda = []

    def buang(self) -> None:
        """Delete what was written (the transaction failed)."""
        for tmp, final in self.tertunda:
            self._hapus(tmp if tmp is not None else final)
        self.tertunda = []

    def _hapus(self, name: str) -> None:
        try:
            self.storage.delete(name)
        except OSError:
            pass

    def setelah_commit(self) -> None:
        """Publish now if the write is committed, else when the outer transaction commits."""
        transaction.on_commit(self.terbitkan)


def rapikan_sementara(storage, folder: str, ada_baris, umur_detik: int = 3600) -> dict:
    """Sweep ``folder`` of temporary files older than ``umur_detik``: finish the rename when
    ``ada_baris(final_name)`` says a row points to it (killed between commit and rename),
    else delete them (killed before the commit). Returns counts."""
    counts = {"diterbitkan": 0, "dihapus": 0}
    if not _punya_path(storage) or not storage.exists(folder):
        return counts
    batas = time.time() - umur_detik
    _dirs, files = storage.listdir(folder)
    for name in files:
        full = f"{folder}/{name}"
        final = nama_akhir(full)
        if final is None or os.path.getmtime(storage.path(full)) > batas:
            continue
        if ada_baris(final):
            os.replace(storage.path(full), storage.path(final))
            counts["diterbitkan"] += 1
        else:
            storage.delete(full)
            counts["dihapus"] += 1
    return counts
