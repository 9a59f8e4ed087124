"""Who may do what, where: the portal's one access module.

Roles are Django groups created by a migration (``kotaku/migrations/0001_roles.py``); where a
user works is ``desa.Penugasan`` data an admin edits. Every "may this user…" question is
answered here, and nowhere else:

- predicates on the user (``is_admin``, ``is_staff_reader``, ``can_write_anything``) and on an
  object (``can_write_desa``, ``can_verify_desa``, ``boleh_ubah_penilaian``);
- querysets of what the user may touch (``writable_desa``, ``verifiable_desa``), used by the
  lookups so that another desa's object is a 404, as in healthchecks' ``_get_check_for_user``;
- view decorators (``writer_required``, ``verifier_required``, ``staff_reader_required``),
  each view declaring its permission once.

The order of answers is the portal's contract (PRODUCT.md, tested by the permission matrix):
a method the view does not take → 405 for everyone (so ``require_http_methods`` and friends
go *above* these decorators); anonymous → redirect to login; a role that may not write at
all → 403; an object outside the user's desa → 404 (the view's lookup through
``Model.objects.for_writer(user)``).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

ADMIN = "Admin"
VERIFIKATOR = "Verifikator"
FASILITATOR = "Fasilitator"
PIMPINAN = "Pimpinan"
ALL_ROLES = (ADMIN, VERIFIKATOR, FASILITATOR, PIMPINAN)


# ------------------------------------------------------------------------------ the user's roles


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


def is_staff_reader(user) -> bool:
    """Logged-in programme staff (any role): they see statuses, history and who did what; the
    public only ever sees verified data."""
    return bool(role_names(user)) or is_admin(user)


def can_write_anything(user) -> bool:
    """Whether the user has a writing role at all (else write URLs answer 403)."""
    return is_admin(user) or is_fasilitator(user)


def can_verify_anything(user) -> bool:
    return is_admin(user) or is_verifikator(user)


# ------------------------------------------------------------------------------ where they work


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


def writable_desa_or_404(user, kode: str | None):
    """The desa ``?desa=<kode>`` asks for, if the user may write there; else 404."""
    if not kode:
        return None
    if "\x00" in kode or len(kode) > 20:
        raise Http404
    return get_object_or_404(writable_desa(user), kode_wilayah=kode)


# ------------------------------------------------------------------------------ assessments


def boleh_ubah_penilaian(user, penilaian, *, desa_diperiksa: bool = False) -> bool:
    """May ``user`` change this assessment? Admins: always. Facilitators: only a draft or a
    returned one (submitted and verified ones are locked for them) in their own desa.
    ``desa_diperiksa``: the caller's lookup already limited it to the user's desa."""
    if is_admin(user):
        return True
    if not penilaian.dapat_diubah_fasilitator:
        return False
    return desa_diperiksa or can_write_desa(user, penilaian.lokasi.desa)


def boleh_ajukan_penilaian(user, penilaian) -> bool:
    """Submitting is the facilitator's step: a draft or returned assessment of their desa."""
    return penilaian.dapat_diubah_fasilitator and can_write_desa(user, penilaian.lokasi.desa)


def boleh_verifikasi_penilaian(user, penilaian) -> bool:
    return (penilaian.status == penilaian.Status.DIAJUKAN
            and can_verify_desa(user, penilaian.lokasi.desa))


# ------------------------------------------------------------------------------ plans (issue 15)


def boleh_ubah_rencana(user, dokumen) -> bool:
    """May ``user`` change this plan document (its items, commitments, status)? A desa plan
    (RPLP, ``dokumen.desa_id`` set): its facilitators and Admin. A kabupaten plan (RP2KPKP
    and its Memorandum Program): Admin only. Pimpinan and the others read."""
    if is_admin(user):
        return True
    if dokumen.desa_id is None:
        return False
    return can_write_desa(user, dokumen.desa)


# ------------------------------------------------------------------------------ view decorators


def _require(predicate):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


#: Fasilitator (in their desa) or Admin.
writer_required = _require(can_write_anything)
#: Verifikator (in their kecamatan) or Admin.
verifier_required = _require(can_verify_anything)
#: Any logged-in role that may read internal data (exports of non-public lists, queues).
staff_reader_required = _require(is_staff_reader)
