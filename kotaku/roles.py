"""Roles and the one question every write view asks: may this user write in this desa?

Roles are Django groups created by a migration (``kotaku/migrations/0001_roles.py``); where a
user works is ``desa.Penugasan`` data. Object permissions are registered with django-rules so
templates and views can ask ``user.has_perm("desa.tulis_desa", desa)``.
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

ADMIN = "Admin"
VERIFIKATOR = "Verifikator"
FASILITATOR = "Fasilitator"
PIMPINAN = "Pimpinan"
ALL_ROLES = (ADMIN, VERIFIKATOR, FASILITATOR, PIMPINAN)


def role_names(user) -> frozenset[str]:
    """The user's role groups, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_kotaku_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        user._kotaku_roles = cached
    return cached


def is_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or ADMIN in role_names(user)


def is_fasilitator(user) -> bool:
    return FASILITATOR in role_names(user)


def is_verifikator(user) -> bool:
    return VERIFIKATOR in role_names(user)


def is_pimpinan(user) -> bool:
    return PIMPINAN in role_names(user)


def can_write_anything(user) -> bool:
    """Whether the user has a writing role at all (else write URLs answer 403)."""
    return is_admin(user) or is_fasilitator(user)


def writable_desa(user, queryset: QuerySet | None = None) -> QuerySet:
    """Desa the user may enter data for: all for admins, assigned ones for facilitators."""
    from desa.models import Desa

    qs = Desa.objects.all() if queryset is None else queryset
    if is_admin(user):
        return qs
    if is_fasilitator(user):
        return qs.filter(penugasan__user=user, penugasan__desa__isnull=False).distinct()
    return qs.none()


def verifiable_desa(user, queryset: QuerySet | None = None) -> QuerySet:
    """Desa whose submissions the user may verify: admins everywhere, verifikator per kecamatan."""
    from desa.models import Desa

    qs = Desa.objects.all() if queryset is None else queryset
    if is_admin(user):
        return qs
    if is_verifikator(user):
        return qs.filter(kecamatan__penugasan__user=user).distinct()
    return qs.none()


def can_write_desa(user, desa) -> bool:
    """May ``user`` create or change data that belongs to ``desa``?"""
    if desa is None or not getattr(user, "is_authenticated", False):
        return False
    if is_admin(user):
        return True
    if not is_fasilitator(user):
        return False
    return user.penugasan.filter(desa_id=desa.pk).exists()


def can_verify_desa(user, desa) -> bool:
    if desa is None or not getattr(user, "is_authenticated", False):
        return False
    if is_admin(user):
        return True
    if not is_verifikator(user):
        return False
    return user.penugasan.filter(kecamatan_id=desa.kecamatan_id).exists()


@rules.predicate
def _writes_desa(user, desa) -> bool:
    return can_write_desa(user, desa)


@rules.predicate
def _verifies_desa(user, desa) -> bool:
    return can_verify_desa(user, desa)


rules.add_perm("desa.tulis_desa", _writes_desa)
rules.add_perm("desa.verifikasi_desa", _verifies_desa)
