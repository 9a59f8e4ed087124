"""Demo accounts. Every demo object is labelled as such; passwords are public on purpose."""

from collections import Counter

from django.contrib.auth.models import Group, User

from desa import akses
from desa.models import Desa, Kecamatan, Penugasan

DEMO_PASSWORD = "kotaku-demo"

# username, display name, role, assigned desa (Kemendagri codes) or kecamatan
DEMO_USERS = [
    ("admin", "Admin Kabupaten (demo)", akses.ADMIN, [], None),
    ("fasil.bibrik", "Fasilitator Bibrik & Sukolilo (demo)", akses.FASILITATOR,
     ["35.19.09.2014", "35.19.09.2005"], None),
    ("fasil.kwangsen", "Fasilitator Kwangsen & Wayut (demo)", akses.FASILITATOR,
     ["35.19.09.2007", "35.19.09.2009"], None),
    ("verif.jiwan", "Askot Jiwan (demo)", akses.VERIFIKATOR, [], "35.19.09"),
    ("pimpinan", "Bappeda (demo)", akses.PIMPINAN, [], None),
]


def seed_users(counts: Counter) -> list[tuple[str, str]]:
    made = []
    for username, name, role, desa_codes, kecamatan_code in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username, password=DEMO_PASSWORD, first_name=name)
            counts["pengguna dibuat"] += 1
        else:
            counts["pengguna tetap"] += 1
        if role == akses.ADMIN and not user.is_superuser:
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        user.groups.add(Group.objects.get(name=role))
        for desa in Desa.objects.filter(kode_wilayah__in=desa_codes):
            Penugasan.objects.get_or_create(user=user, desa=desa)
        if kecamatan_code:
            kec = Kecamatan.objects.get(kode_wilayah=kecamatan_code)
            Penugasan.objects.get_or_create(user=user, kecamatan=kec)
        made.append((username, role))
    return made


def app_seeders():
    """Each app's demo seeder, in dependency order."""
    from anggaran.demo import seed_activities
    from anggaran.demo_rencana import seed_rencana
    from desa.demo import seed_assessments
    from kolaborasi.reference import seed_reference
    from publikasi.demo_kabar import seed_kabar

    return [seed_reference, seed_assessments, seed_activities, seed_rencana, seed_kabar]
