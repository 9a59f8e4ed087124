"""Ids from request data.

``str.isdigit()`` is true for "²", "①" and Arabic-Indic digits, and ``int()`` accepts some of
those but not others: a request with ``?lokasi=²`` was a 500. Every id read from GET/POST goes
through :func:`parse_id`: ASCII digits only, within the database's bigint range.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """A positive id from request data, or ``None`` for anything else (never raises)."""
    text = str(value if value is not None else "").strip()
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def is_id_text(value) -> bool:
    """Whether ``value`` is the text of a signed integer in ASCII digits (for validation that
    wants to pass anything else on to the field's own 'invalid' message)."""
    text = str(value).strip()
    body = text[1:] if text.startswith("-") else text
    return bool(body) and body.isascii() and body.isdigit()
