"""Shared fixtures: the Jiwan geography and named personas for every role."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from desa import akses
from desa.models import Desa, Penugasan

PASSWORD = "rahasia-uji-123"


@pytest.fixture
def jiwan(db):
    """The real 14 desa of Kec. Jiwan, loaded by the production loader."""
    call_command("muat_wilayah_jiwan", verbosity=0, stdout=open("/dev/null", "w"))
    return Desa.objects.order_by("kode_wilayah")


@pytest.fixture
def desa_a(jiwan):
    return jiwan.get(nama="Bibrik")


@pytest.fixture
def desa_b(jiwan):
    return jiwan.get(nama="Sukolilo")


def make_user(username: str, role: str | None, **extra) -> User:
    user = User.objects.create_user(username, password=PASSWORD, first_name=username, **extra)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def fasilitator_a(desa_a):
    user = make_user("fasil_a", akses.FASILITATOR)
    Penugasan.objects.create(user=user, desa=desa_a)
    return user


@pytest.fixture
def fasilitator_b(desa_b):
    user = make_user("fasil_b", akses.FASILITATOR)
    Penugasan.objects.create(user=user, desa=desa_b)
    return user


@pytest.fixture
def verifikator(desa_a):
    user = make_user("verif", akses.VERIFIKATOR)
    Penugasan.objects.create(user=user, kecamatan=desa_a.kecamatan)
    return user


@pytest.fixture
def pimpinan(db):
    return make_user("pimpinan", akses.PIMPINAN)


@pytest.fixture
def admin_user(db):
    return make_user("admin_portal", akses.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def client_for(client):
    """Log a persona in: ``client_for(user)`` returns a logged-in test client."""

    def login(user):
        client.force_login(user)
        return client

    return login


# Stands for inti.pilihan.BATAS_PILIHAN (200) in tests of the national-scale widgets: with
# ``batas`` on, more than this many desa/stakeholders turn selects into typed fields.
BATAS_PILIHAN_UJI = 10


@pytest.fixture
def batas(monkeypatch):
    from inti import pilihan

    monkeypatch.setattr(pilihan, "BATAS_PILIHAN", BATAS_PILIHAN_UJI)
