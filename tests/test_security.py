"""Production settings, CSP and login throttling."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]


def test_check_deploy_reports_nothing_with_production_env():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "kotaku.settings", "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "kotaku.example.go.id",
        "CSRF_TRUSTED_ORIGINS": "https://kotaku.example.go.id",
    })
    env.pop("STATIC_MANIFEST", None)
    env.pop("SECURE_SSL_REDIRECT", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["beranda", "desa:list", "login", "matriks", "dampak"])
def test_csp_header_without_unsafe_inline(client, jiwan, name):
    response = client.get(reverse(name))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    body = response.content.decode()
    # No inline script or style attribute anywhere in the page.
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\sstyle=\"", body)


@pytest.mark.django_db
def test_login_locks_after_repeated_failures(client, fasilitator_a):
    from tests.conftest import PASSWORD

    url = reverse("login")
    for _ in range(5):
        response = client.post(url, {"username": "fasil_a", "password": "salah"})
    assert response.status_code in (403, 429)
    assert "Terlalu banyak percobaan masuk" in response.content.decode()
    # Even the right password is refused while locked.
    locked = client.post(url, {"username": "fasil_a", "password": PASSWORD})
    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
