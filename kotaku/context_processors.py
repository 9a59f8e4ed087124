from django.conf import settings

from desa import akses


def portal(request):
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "SHOW_DEMO_BANNER": settings.SHOW_DEMO_BANNER,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "user_roles": akses.role_names(user) if user is not None else frozenset(),
        "user_is_admin": akses.is_admin(user) if user is not None else False,
    }
