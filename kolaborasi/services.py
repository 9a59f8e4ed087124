"""Writes of the collaboration app: all or nothing."""

from django.db import transaction


@transaction.atomic
def simpan_forum(form):
    """Save a forum and its participants (a valid ``ForumForm``) in one transaction."""
    return form.save()


@transaction.atomic
def simpan_komitmen(form):
    return form.save()
