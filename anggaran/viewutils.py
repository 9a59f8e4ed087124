"""Small helpers shared by the list and entry views of anggaran and kolaborasi."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from kotaku import roles

PER_PAGE = 50
MAX_PARAM_LENGTH = 200


def clean_params(query):
    """The query string without values no filter could mean (NUL bytes, megabyte strings).

    Filters then simply see "no value" instead of handing such text to the database.
    """
    params = query.copy()
    for key in list(params.keys()):
        values = [v for v in params.getlist(key) if "\x00" not in v and len(v) <= MAX_PARAM_LENGTH]
        if values:
            params.setlist(key, values)
        else:
            del params[key]
    return params


def is_staff_reader(user) -> bool:
    """Logged-in programme staff (any role): they see history and who did what."""
    return bool(roles.role_names(user)) or roles.is_admin(user)


def writable_desa_or_404(user, kode: str | None):
    """The desa ``?desa=<kode>`` asks for, if the user may write there; else 404."""
    if not kode:
        return None
    if "\x00" in kode or len(kode) > 20:
        raise Http404
    return get_object_or_404(roles.writable_desa(user), kode_wilayah=kode)
