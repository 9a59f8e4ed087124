"""Idempotent upserts for loaders and seeders: running a loader twice must change nothing
(no writes, no new history rows), so an object is only saved when a value really differs."""

from __future__ import annotations

from collections import Counter

from django.db import models


def sync_object(
    model: type[models.Model], lookup: dict, values: dict, counts: Counter | None = None
) -> models.Model:
    """Create or update one row by its natural key; count "dibuat"/"diubah"/"tetap"."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        outcome = "dibuat"
    else:
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for key in changed:
                setattr(obj, key, values[key])
            obj.save(update_fields=changed)
            outcome = "diubah"
        else:
            outcome = "tetap"
    if counts is not None:
        counts[outcome] += 1
    return obj


def format_counts(counts: Counter) -> str:
    return ", ".join(f"{counts.get(k, 0)} {k}" for k in ("dibuat", "diubah", "tetap"))
