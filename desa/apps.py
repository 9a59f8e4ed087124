from django.apps import AppConfig


class DesaConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'desa'
