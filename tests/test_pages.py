import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from tests.keamanan_helpers import assert_no_inline_script_or_style

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["beranda", "desa:list", "login"])
def test_public_pages_200_for_anonymous(client, jiwan, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert b'lang="id"' in response.content


@pytest.mark.django_db
def test_every_desa_detail_200(client, jiwan):
    for d in jiwan:
        response = client.get(d.get_absolute_url())
        assert response.status_code == 200
        assert d.nama.encode() in response.content


@pytest.mark.django_db
def test_unknown_desa_404(client, jiwan):
    assert client.get(reverse("desa:detail", args=["99.99.99.9999"])).status_code == 404


@pytest.mark.django_db
def test_desa_list_search_by_alias(client, jiwan):
    response = client.get(reverse("desa:list"), {"q": "klagenserut"})
    assert response.context["page"].paginator.count == 1
    assert b"Klagen Serut" in response.content


@pytest.mark.django_db
def test_beranda_map_data_is_json_not_inline_script(client, jiwan):
    response = client.get(reverse("beranda"))
    body = response.content.decode()
    assert 'id="peta-data" type="application/json"' in body
    assert response.context["peta"]["features"].__len__() == 14
    # No inline scripts: every <script> tag loads a file or holds JSON data.
    assert_no_inline_script_or_style(body)


@pytest.mark.django_db
def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content.startswith(b"ok\n")  # then the database and cache states


@pytest.mark.django_db
def test_healthz_post_not_allowed(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_login_page_in_indonesian_and_logs_in(client, fasilitator_a):
    from tests.conftest import PASSWORD

    page = client.get(reverse("login"))
    assert "Kata sandi" in page.content.decode()
    bad = client.post(reverse("login"), {"username": "fasil_a", "password": "salah"})
    assert "Nama pengguna atau kata sandi salah" in bad.content.decode()
    ok = client.post(reverse("login"), {"username": "fasil_a", "password": PASSWORD})
    assert ok.status_code == 302


@pytest.mark.django_db
def test_logout_is_post_only(client_for, fasilitator_a):
    c = client_for(fasilitator_a)
    assert c.get(reverse("logout")).status_code == 405
    assert c.post(reverse("logout")).status_code == 302


@pytest.mark.django_db
def test_admin_changelists_load_for_superuser(client_for, admin_user, jiwan):
    c = client_for(admin_user)
    for model in site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert c.get(url).status_code == 200, url
        assert c.get(url, {"q": "jiwan"}).status_code == 200, url


@pytest.mark.django_db
def test_admin_shows_history(client_for, admin_user, jiwan):
    d = jiwan.first()
    url = reverse("admin:desa_desa_history", args=[d.pk])
    response = client_for(admin_user).get(url)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count >= 1  # the loader's "created" row


def _run_settings(env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.update(env_extra)
    env["DJANGO_SETTINGS_MODULE"] = "kotaku.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _run_settings({"DEBUG": "False"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_starts_with_secret_key_and_debug_gets_a_dev_key():
    assert _run_settings({"DEBUG": "False", "SECRET_KEY": "x" * 50}).returncode == 0
    assert _run_settings({"DEBUG": "True"}).returncode == 0
