from django.apps import AppConfig


class AnggaranConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'anggaran'

    def ready(self):
        # Dashboard aggregates are cached under a data version that every committed change
        # of dashboard data bumps (see anggaran/cache.py).
        from anggaran import cache

        cache.connect_signals()
