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


# The kind of data each watched model is for the dashboards' cache (inti/cache.py; default:
# both). An empty tuple: nothing cached shows it.
_UANG, _KONDISI = ("uang",), ("kondisi",)
VERSI_JENIS = {
    "anggaran.sumberdana": _UANG, "anggaran.kegiatan": _UANG, "anggaran.pendanaan": _UANG,
    "anggaran.laporanprogres": _UANG, "anggaran.fotoprogres": _UANG,
    "kolaborasi.pemangkukepentingan": _UANG, "kolaborasi.komitmen": _UANG,
    "kolaborasi.forumkolaborasi": (),
    "desa.penilaian": _KONDISI, "desa.volumepenilaian": _KONDISI, "desa.penugasan": (),
    # Stored condition (issue 16 part B): rewritten in bulk per desa, which bumps those desa's
    # regions itself (inti.cache.catat_perubahan_desa); a full rebuild bumps everything.
    "desa.kondisilokasitahunan": (), "desa.kondisidesatahunan": (),
    "desa.kondisikabupatentahunan": (),
    # Money rollups (issue 16 part A): rewritten in bulk per desa by ``anggaran.ringkasan``,
    # which bumps those desa's regions itself; a full rebuild bumps everything.
    "anggaran.ringkasanpendana": (), "anggaran.ringkasandana": (),
    "anggaran.ringkasansumber": (), "anggaran.ringkasandanakabupaten": (),
    "anggaran.ringkasansumberkabupaten": (), "anggaran.ringkasanpendanakabupaten": (),
    "anggaran.ringkasanpendanatotal": (), "anggaran.ringkasankegiatankabupaten": (),
    "anggaran.ringkasanpendanasumber": (), "anggaran.ringkasanpendanaaspek": (),
    "anggaran.ringkasanjumlahpendana": (), "anggaran.ringkasankegiatandanakabupaten": (),
}
# From a watched model to its desa: a change there bumps only that desa's provinsi and
# kabupaten (and the nation). Models not listed (sources, rule sets) bump every scope.
VERSI_JALUR_DESA = {
    "desa.provinsi": ".", "desa.kabupaten": ".", "desa.kecamatan": ".",
    "desa.desa": ".", "desa.lokasi": "desa",
    # A kawasan may span desa (issue 15): its own edits bump every scope; its parts per desa.
    "desa.kawasandesa": "desa", "desa.skkumuh": "kabupaten", "desa.lembagamasyarakat": "desa",
    "desa.penilaian": "lokasi__desa", "desa.volumepenilaian": "penilaian__lokasi__desa",
    "anggaran.kegiatan": "desa", "anggaran.pendanaan": "kegiatan__desa",
    "anggaran.laporanprogres": "kegiatan__desa", "anggaran.fotoprogres": "laporan__kegiatan__desa",
    "kolaborasi.pemangkukepentingan": "desa", "kolaborasi.komitmen": "desa",
}


class KotakuConfig(AppConfig):
    name = "kotaku"
    verbose_name = _("Portal KOTAKU")

    def ready(self) -> None:
        # Cached dashboard entries are keyed by data versions per kind of data × region that
        # committed changes bump (inti/cache.py). Stories, feedback and spam patterns
        # (publikasi) and forums are shown by nothing cached: their edits flush nothing.
        from inti import cache

        from . import checks  # noqa: F401 - registers the deployment checks

        cache.connect_signals(("desa", "kolaborasi", "anggaran"), kinds=VERSI_JENIS,
                              paths=VERSI_JALUR_DESA)
        post_migrate.connect(grant_admin_permissions, dispatch_uid="kotaku_admin_perms")
