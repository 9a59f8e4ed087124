"""Writes of the collaboration app: all or nothing, with plain data (views, imports and admin
actions call the same functions)."""

from django.db import transaction

from .models import ForumKolaborasi, Komitmen


@transaction.atomic
def simpan_forum(forum: ForumKolaborasi, peserta) -> ForumKolaborasi:
    """Save a forum (its fields already set) and its participants (stakeholders)."""
    forum.save()
    forum.peserta.set(peserta)
    return forum


@transaction.atomic
def simpan_komitmen(komitmen: Komitmen) -> Komitmen:
    komitmen.save()
    return komitmen
