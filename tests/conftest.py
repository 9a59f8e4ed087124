"""Shared fixtures: the Jiwan geography and named personas for every role."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from desa import akses
from desa.models import (
    Desa,
    Kabupaten,
    Kawasan,
    KawasanDesa,
    Kecamatan,
    LembagaMasyarakat,
    Penugasan,
    Provinsi,
    SKKumuh,
)

PASSWORD = "rahasia-uji-123"


def muat_jiwan() -> None:
    """Kab. Madiun, Kec. Jiwan and its 14 desa, by the production loader (idempotent)."""
    call_command("muat_wilayah_jiwan", verbosity=0, stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated, with the Jiwan regions loaded once per session.

    Loaded once per session (per xdist worker) right after the migrations, the regions are part
    of the state every ``db`` test's transaction rolls back to, so no test pays for the loader.
    A transactional test (``transaction=True``, ``transactional_db``, ``live_server``) ends with
    a flush that empties them: ``jiwan`` then loads them again for the next one.
    """
    from tests.keamanan_helpers import simpan_data_migrasi

    with django_db_blocker.unblock():
        simpan_data_migrasi()
        muat_jiwan()


@pytest.fixture
def tanpa_wilayah(db):
    """No regions: the session's Jiwan rows (and their history) are deleted in this test's
    transaction, whose rollback brings them back for the next test."""
    for model in (KawasanDesa, Kawasan, SKKumuh, LembagaMasyarakat, Desa, Kecamatan, Kabupaten,
                  Provinsi):
        for m in (model.history.model, model):
            m._default_manager.all()._raw_delete(m._default_manager.db)


@pytest.fixture(autouse=True)
def _wilayah_hanya_bila_diminta(request):
    """A database test sees the Jiwan regions only if it asks for them (``jiwan``, ``desa_a``
    …): the others (loaders, national data, empty states) start without regions, as they did
    when ``jiwan`` ran the loader per test."""
    names = set(request.fixturenames)
    uses_db = (request.node.get_closest_marker("django_db") is not None
               or names & {"db", "transactional_db", "live_server"})
    if uses_db and "jiwan" not in names:
        request.getfixturevalue("tanpa_wilayah")


@pytest.fixture
def jiwan(db):
    """The real 14 desa of Kec. Jiwan (loaded once per session by ``django_db_setup``)."""
    if not Desa.objects.exists():  # emptied by a transactional test's flush
        muat_jiwan()
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
