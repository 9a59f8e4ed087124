from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save


def _lokasi_akan_disimpan(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        instance._desa_lama = (sender.objects.filter(pk=instance.pk)
                               .values_list("desa_id", flat=True).first())


def _lokasi_disimpan(sender, instance, raw=False, **kwargs):
    """A location's area, desa or demo flag feeds the stored condition (hectares by level, the
    demo count): an edit anywhere (the admin included) rewrites its desa's stored rows."""
    if raw:
        return
    from desa import kondisi_tersimpan

    kondisi_tersimpan.perbarui(desa_ids=[instance.desa_id, getattr(instance, "_desa_lama", None)])


class DesaConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'desa'

    def ready(self):
        pre_save.connect(_lokasi_akan_disimpan, sender="desa.Lokasi",
                         dispatch_uid="desa.lokasi_desa_lama")
        post_save.connect(_lokasi_disimpan, sender="desa.Lokasi",
                          dispatch_uid="desa.lokasi_kondisi")
