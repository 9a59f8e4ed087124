"""One-time submit tokens: a create form posted twice makes one row.

Each create form carries a hidden ``token_kirim`` (a UUID made when the form is shown and
kept when it is shown again with errors). The created row stores it in a nullable unique
column, so the database settles a double tap or a retried offline send: the second insert
of the same token fails on the unique constraint and the view answers with the first row.

Model-free (Django only): the views pass their own querysets.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.db import models

FIELD = "token_kirim"

T = TypeVar("T")


def token_field() -> models.UUIDField:
    """The column each created model carries (nullable: rows made elsewhere have none)."""
    return models.UUIDField("token kirim", null=True, blank=True, unique=True, editable=False)


def baca_token(data) -> uuid.UUID | None:
    """The token posted with the form, or ``None`` when it is missing or not a UUID."""
    raw = data.get(FIELD, "") if data is not None else ""
    if not isinstance(raw, str) or not raw or len(raw) > 40 or "\x00" in raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def token_formulir(request) -> str:
    """The token to render in the form: the posted one (shown again after an error, so a
    later retry still matches) or a fresh one."""
    posted = baca_token(request.POST) if request.method == "POST" else None
    return str(posted or uuid.uuid4())


def sudah_tersimpan(queryset, token: uuid.UUID | None):
    """The row already created with ``token`` (within ``queryset``), or ``None``."""
    if token is None:
        return None
    return queryset.filter(**{FIELD: token}).first()


def simpan_sekali(queryset, token: uuid.UUID | None, create: Callable[[], T]) -> tuple[T, bool]:
    """``(row, created)``: the row saved earlier with ``token``, or the one ``create()`` makes.

    ``create`` must store ``token`` on the row it inserts. When it fails (a concurrent post
    of the same token lost the race on the unique constraint, whatever error the service
    layer made of it) and a row with the token now exists, that row is the answer.
    """
    existing = sudah_tersimpan(queryset, token)
    if existing is not None:
        return existing, False
    try:
        return create(), True
    except Exception:
        existing = sudah_tersimpan(queryset, token)
        if existing is not None:
            return existing, False
        raise


PESAN_SUDAH = "Isian ini sudah tersimpan sebelumnya (terkirim dua kali): tidak disimpan lagi."


def tanda_tersimpan(token) -> str:
    """``extra_tags`` of the success message: the page it leads to tells the device that
    the input it kept for this token (``static/js/draf_formulir.js``) is saved."""
    return f"draf-selesai:{token}" if token else ""


def sudah_terkirim(request, obj, token=None):
    """The answer to a repeated post of a token: the first result (or the page it led to,
    ``obj``), with a notice."""
    from django.contrib import messages
    from django.shortcuts import redirect

    token = token or getattr(obj, FIELD, None)
    messages.info(request, PESAN_SUDAH, extra_tags=tanda_tersimpan(token))
    return redirect(obj)
