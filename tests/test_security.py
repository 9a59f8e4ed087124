"""Production settings, CSP and login throttling."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.keamanan_helpers import assert_no_inline_script_or_style

ROOT = Path(__file__).resolve().parents[1]


def test_check_deploy_reports_nothing_with_production_env():
    # A clean production environment: nothing a browser test set in this process leaks in.
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "kotaku.settings", "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "kotaku.example.go.id",
        "CSRF_TRUSTED_ORIGINS": "https://kotaku.example.go.id",
        # Login throttles, PDF rate limits and lockouts need a shared cache (kotaku.W016).
        "CACHE_URL": "redis://127.0.0.1:6379/0",
    })
    env.pop("STATIC_MANIFEST", None)
    env.pop("SECURE_SSL_REDIRECT", None)
    result = _check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

    # The same with the per-process default cache: one warning, kotaku.W016.
    env["CACHE_URL"] = "locmemcache://kotaku"
    result = _check_deploy(env)
    assert result.returncode != 0 and "kotaku.W016" in result.stdout + result.stderr
    assert "?:" in result.stdout + result.stderr


def _check_deploy(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["beranda", "desa:list", "login", "matriks", "dampak"])
def test_csp_header_without_unsafe_inline(client, jiwan, name):
    response = client.get(reverse(name))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert_no_inline_script_or_style(response.content.decode(), name)


@pytest.mark.django_db
def test_login_locks_after_repeated_failures(client, fasilitator_a):
    from tests.conftest import PASSWORD

    url = reverse("login")
    for _ in range(5):
        response = client.post(url, {"username": "fasil_a", "password": "salah"})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk" in response.content.decode()
    # Even the right password is refused while locked.
    locked = client.post(url, {"username": "fasil_a", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


# ---------------------------------------------------------------------------------------------
# Sessions, passwords, uploads
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sessions_expire(client, fasilitator_a, settings):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from tests.conftest import PASSWORD

    assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60 * 12
    assert not settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_HTTPONLY
    response = client.post(reverse("login"), {"username": "fasil_a", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE
    assert client.get(reverse("tugas_saya")).status_code == 200
    # Twelve hours later the session is gone: the next request is anonymous.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    later = client.get(reverse("tugas_saya"))
    assert later.status_code == 302 and later["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("weak, message", [
    ("12345678", "Kata sandi ini terlalu umum"),
    ("pendek1", "terlalu pendek"),
    ("fasil_a123", "terlalu mirip"),
    ("93817264", "seluruhnya terdiri dari angka"),
])
def test_weak_passwords_are_refused(fasilitator_a, weak, message):
    from django.contrib.auth.forms import PasswordChangeForm
    from django.utils import translation

    from tests.conftest import PASSWORD

    with translation.override("id"):
        form = PasswordChangeForm(fasilitator_a, {"old_password": PASSWORD,
                                                  "new_password1": weak,
                                                  "new_password2": weak})
        assert not form.is_valid()
        errors = " ".join(form.errors["new_password2"])
    assert message in errors, errors
    fasilitator_a.refresh_from_db()
    assert fasilitator_a.check_password(PASSWORD)


@pytest.mark.django_db
def test_weak_password_refused_in_the_admin_password_change(client, admin_user):
    from tests.conftest import PASSWORD

    client.force_login(admin_user)
    response = client.post(reverse("admin:password_change"), {
        "old_password": PASSWORD, "new_password1": "password", "new_password2": "password"})
    assert response.status_code == 200
    assert "Kata sandi ini terlalu umum" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["../../etc/passwd.jpg", "..\\..\\evil.jpg", "/etc/cron.d/x.jpg",
                                  "foto.php.jpg", "halaman.html", "foto.jpg\x00.php",
                                  "%2e%2e%2fx.png"])
def test_crafted_upload_names_end_up_as_uuid_files_under_media_progres(
        client_for, fasilitator_a, desa_a, settings, tmp_path, name,
        django_capture_on_commit_callbacks):
    from anggaran.models import FotoProgres
    from tests.anggaran_helpers import buat_kegiatan, buat_pemangku, image_bytes, progres_post
    from tests.anggaran_helpers import upload as make_upload

    settings.MEDIA_ROOT = tmp_path / "media"
    dinas = buat_pemangku("Dinas PKP", "opd")
    kegiatan = buat_kegiatan(desa_a, lines=[(dinas, "apbd-kab", 100_000_000)])
    with django_capture_on_commit_callbacks(execute=True):  # the rename after the commit
        response = client_for(fasilitator_a).post(
            reverse("anggaran:progres_baru", args=[kegiatan.pk]),
            progres_post(fotos=[(make_upload(name, image_bytes("PNG")), "0")]))
    assert response.status_code == 302
    foto = FotoProgres.objects.get()
    assert re.fullmatch(r"progres/[0-9a-f]{32}\.png", foto.foto.name), foto.foto.name
    stored = Path(foto.foto.path).resolve()
    assert stored.parent == (tmp_path / "media" / "progres").resolve()
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    # Nothing written anywhere else: the photo and its 320/960 px renditions (issue 17).
    stem = stored.with_suffix("")
    assert files == sorted([stored, Path(f"{stem}_320.png"), Path(f"{stem}_960.png")])


def test_security_txt_names_the_configured_contact(client, settings):
    settings.SECURITY_CONTACT = "keamanan@madiunkab.example.go.id"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Contact: mailto:keamanan@madiunkab.example.go.id" in body
    assert re.search(r"^Expires: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", body, re.M)


@pytest.mark.django_db
def test_overlong_login_name_is_a_form_error_not_a_database_error(client, fasilitator_a):
    """A 10 KB user name used to reach django-axes' 255-character column: a 500 on
    PostgreSQL (found by the fuzz tests)."""
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": "x" * 10_000, "password": "salah"})
    assert response.status_code == 200
    assert "paling banyak 150 karakter" in response.content.decode()
    assert not AccessAttempt.objects.exists()
