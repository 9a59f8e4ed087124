"""The release identifier, part of every cache key (``CACHES[...]["KEY_PREFIX"]``).

A deploy that changes a template or the code must never be served HTML or data cached by the
previous release. ``RELEASE`` from the environment wins (set it to the git commit or the
package version in the deploy script); otherwise a short hash of the code and templates
themselves (their paths and contents), so a changed file always means a new release even
when nobody sets anything. Computed once per process at start-up (about 10-30 ms).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_SKIP_DIRS = {".git", ".venv", "node_modules", "__pycache__", "media", "staticfiles", "tests",
              "bench", "docs", ".pytest-media", "locale"}
_SUFFIXES = {".py", ".html", ".txt", ".css", ".js", ".json"}


def hash_kode(root: Path) -> str:
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            if path.suffix not in _SUFFIXES or path.name.endswith((".min.js", ".min.css")):
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            digest.update(str(path.relative_to(root)).encode())
            digest.update(b"\0")
            digest.update(data)
    return digest.hexdigest()[:12]


def rilis(root: Path, dari_env: str = "") -> str:
    value = "".join(ch for ch in (dari_env or "").strip() if ch.isalnum() or ch in "._-")[:40]
    return value or hash_kode(root)
