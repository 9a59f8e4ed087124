"""View decorators: each view declares its permission once.

The order of answers is the portal's contract (PRODUCT.md, tested by the permission matrix):
anonymous → redirect to login; a role that may not write at all → 403; an object outside the
user's desa → 404 (done by the view's lookup through ``Model.objects.for_writer(user)``, so
another desa's data is not even acknowledged to exist).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from kotaku import roles


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
writer_required = _require(roles.can_write_anything)
#: Verifikator (in their kecamatan) or Admin.
verifier_required = _require(lambda u: roles.is_admin(u) or roles.is_verifikator(u))
#: Any logged-in role that may read internal data (exports of non-public lists, queues).
staff_reader_required = _require(lambda u: bool(roles.role_names(u)) or roles.is_admin(u))
