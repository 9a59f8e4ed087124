import pytest

from desa import akses


@pytest.mark.django_db
def test_facilitator_writes_only_in_assigned_desa(fasilitator_a, desa_a, desa_b):
    assert akses.can_write_desa(fasilitator_a, desa_a)
    assert not akses.can_write_desa(fasilitator_a, desa_b)
    assert list(akses.writable_desa(fasilitator_a)) == [desa_a]


@pytest.mark.django_db
def test_read_only_roles_write_nothing(pimpinan, verifikator, jiwan):
    for user in (pimpinan, verifikator):
        assert not akses.can_write_anything(user)
        assert not any(akses.can_write_desa(user, d) for d in jiwan)
        assert not akses.writable_desa(user).exists()


@pytest.mark.django_db
def test_anonymous_writes_nothing(desa_a):
    from django.contrib.auth.models import AnonymousUser

    assert not akses.can_write_desa(AnonymousUser(), desa_a)
    assert not akses.writable_desa(AnonymousUser()).exists()


@pytest.mark.django_db
def test_admin_writes_everywhere(admin_user, jiwan):
    assert all(akses.can_write_desa(admin_user, d) for d in jiwan)
    assert akses.writable_desa(admin_user).count() == 14


@pytest.mark.django_db
def test_verifikator_verifies_in_own_kecamatan_only(verifikator, fasilitator_a, desa_a):
    assert akses.can_verify_desa(verifikator, desa_a)
    assert akses.verifiable_desa(verifikator).count() == 14
    assert not akses.can_verify_desa(fasilitator_a, desa_a)


@pytest.mark.django_db
def test_role_groups_exist_from_migration():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(akses.ALL_ROLES)


@pytest.mark.django_db
def test_admin_group_gets_model_permissions():
    from django.contrib.auth.models import Group

    assert Group.objects.get(name="Admin").permissions.filter(
        content_type__app_label="desa", codename="change_desa"
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona,landing", [
    ("fasilitator_a", "tugas_saya"), ("verifikator", "desa:antrian_verifikasi"),
    ("pimpinan", "beranda"), ("admin_user", "tugas_saya")])
def test_each_role_lands_where_its_work_is_after_login(request, client, persona, landing):
    """Issue 17: an official used to land on an empty "Tugas saya"."""
    from django.urls import reverse

    from tests.conftest import PASSWORD

    user = request.getfixturevalue(persona)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse(landing)
    # An explicit ?next= still wins.
    client.logout()
    response = client.post(reverse("login") + "?next=/desa/",
                           {"username": user.username, "password": PASSWORD})
    assert response["Location"] == "/desa/"
