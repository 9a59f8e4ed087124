from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Apps whose models the Admin role manages in the Django admin.
ADMIN_APPS = ("auth", "desa", "kolaborasi", "anggaran", "publikasi", "kotaku")


def grant_admin_permissions(sender, using="default", **kwargs):
    """Keep the Admin group holding every model permission of the portal's apps.

    Permissions are created by a post_migrate handler of their own, so this runs after every
    migrate instead of in a migration (new models get their permissions automatically).
    """
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.using(using).filter(name="Admin").first()
    if group is None:
        return
    perms = Permission.objects.using(using).filter(content_type__app_label__in=ADMIN_APPS)
    group.permissions.add(*perms)


class KotakuConfig(AppConfig):
    name = "kotaku"
    verbose_name = _("Portal KOTAKU")

    def ready(self) -> None:
        # Cached dashboard entries are keyed by a data version that every committed change of
        # the data they show bumps (inti/cache.py). Stories and feedback (publikasi) are shown
        # by nothing cached, so their edits never throw the national aggregates away.
        from inti import cache

        cache.connect_signals(("desa", "kolaborasi", "anggaran"))
        post_migrate.connect(grant_admin_permissions, dispatch_uid="kotaku_admin_perms")
