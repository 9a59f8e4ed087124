from django.apps import AppConfig


class SintetisConfig(AppConfig):
    name = "sintetis"
    verbose_name = "Data sintetis (benchmark)"
