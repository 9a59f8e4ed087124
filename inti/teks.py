"""Text hygiene shared by every layer: control characters, and spreadsheet formulas."""

from __future__ import annotations

import re

# C0 controls except tab, line feed and carriage return; DEL; C1 controls; the two
# non-characters XML 1.0 refuses. An Atom feed (XML) containing any of them cannot be
# serialised (a 500 for every reader of the feed), and Markdown uses \x02/\x03 internally as
# placeholders, so one typed into a story could leave a stray placeholder in the HTML.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def hapus_kontrol(text: str | None) -> str:
    """``text`` without control characters (tab and line breaks kept)."""
    return _CONTROL.sub("", text or "")
