from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublikasiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "publikasi"
    verbose_name = _("Kabar dan masukan")
