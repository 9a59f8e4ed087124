from django.apps import AppConfig


class AnggaranConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'anggaran'

    def ready(self):
        from . import ringkasan

        ringkasan.hubungkan()
