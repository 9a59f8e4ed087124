import datetime

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from desa import akses
from inti import cache as dasbor_cache
from inti import masuk
from kotaku import tugas


def _cache_state() -> str:
    """The shared cache's state for ``/healthz`` (never fails the check: the cache is
    optional, pages are computed without it)."""
    from django.core.cache import cache

    periksa = getattr(cache, "periksa", None)
    if periksa is None:
        return "lokal" if not dasbor_cache.enabled() else "ok"
    return "ok" if periksa() else "tidak tersedia"


@never_cache
@require_GET
def healthz(request):
    """For load balancers (GET or HEAD): 200 once the database answers a ``SELECT 1`` within
    ``HEALTHZ_DB_TIMEOUT_MS`` (PostgreSQL: a local statement timeout; the connect timeout is
    ``DB_CONNECT_TIMEOUT``), 503 otherwise. The cache's state is reported, not judged."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET LOCAL statement_timeout = %s",
                                   [int(settings.HEALTHZ_DB_TIMEOUT_MS)])
                cursor.execute("SELECT 1")
                cursor.fetchone()
            # Nothing to keep: rolled back, so the local timeout ends here even when the
            # check runs inside an outer transaction (a test's, or a caller's), where a
            # released savepoint would carry it to every later statement.
            transaction.set_rollback(True)
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        response = HttpResponse(f"db error\ncache: {_cache_state()}\n", status=503,
                                content_type="text/plain")
        response["Retry-After"] = str(settings.RETRY_AFTER_DETIK)
        return response
    return HttpResponse(f"ok\ndatabase: ok\ncache: {_cache_state()}\n",
                        content_type="text/plain")


@require_GET
def security_txt(request):
    """RFC 9116: where to report a security problem (``SECURITY_CONTACT``)."""
    contact = settings.SECURITY_CONTACT
    if "://" not in contact:
        contact = f"mailto:{contact}"
    expires = (timezone.now() + datetime.timedelta(days=365)).replace(microsecond=0)
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires.astimezone(datetime.UTC).isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: id, en",
        f"Canonical: {request.build_absolute_uri()}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def tugas_saya(request):
    """The logged-in user's work queue (facilitator items, verifier queue).

    Up to ``tugas.MAKS_DESA_RINCI`` writable desa: a card per desa. More (an admin
    nationally): counts per category with the oldest items, and one desa's card on request
    (``?desa=``), in the same number of queries whatever the number of desa.
    """
    user = request.user
    today = timezone.localdate()
    kartu, ringkasan, pilih = [], None, None
    if akses.can_write_anything(user):
        desa = tugas.desa_rinci(user)
        if desa is not None:
            kartu = tugas.tugas_per_desa(desa, today)
        else:
            ringkasan = tugas.ringkasan_tugas(user, today)
            pilih = tugas.PilihDesaForm(request.GET if "desa" in request.GET else None,
                                        user=user)
            if pilih.is_bound and pilih.is_valid() and pilih.cleaned_data["desa"]:
                kartu = tugas.tugas_per_desa([pilih.cleaned_data["desa"]], today)
    antrian = antrian_jumlah = None
    if akses.can_verify_anything(user):
        batas = tugas.MAKS_BUTIR if ringkasan is not None else 100
        antrian = list(tugas.antrian_verifikasi(user)[:batas])
        antrian_jumlah = (tugas.antrian_verifikasi(user).count() if len(antrian) == batas
                          else len(antrian))
    return render(request, "tugas_saya.html", {
        "tugas": kartu,
        "ringkasan": ringkasan,
        "pilih": pilih,
        "antrian": antrian,
        "antrian_jumlah": antrian_jumlah,
        "maks_desa_rinci": tugas.MAKS_DESA_RINCI,
        "maks_butir": tugas.MAKS_BUTIR,
        "stale_days": tugas.STALE_DAYS,
        "today": today,
    })


class MasukView(auth_views.LoginView):
    """The login page. After logging in (without a ``next``), each role lands where its work
    is (issue 17): facilitators and admins on "Tugas saya", a verifier on the verification
    queue, an official (Pimpinan) on the dashboards instead of an empty task list. It also
    remembers the browser as a known device for the account on success (it is then
    never slowed down by others' failures; inti/masuk.py)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        username = form.get_user().get_username()
        masuk.lupakan(username)
        masuk.tandai_perangkat(self.request, response, username)
        return response

    def get_default_redirect_url(self):
        user = self.request.user
        if not (akses.can_write_anything(user) or akses.is_admin(user)):
            if akses.is_verifikator(user):
                return reverse("desa:antrian_verifikasi")
            if akses.is_pimpinan(user):
                return reverse("beranda")
        return super().get_default_redirect_url()


@require_GET
def service_worker(request):
    """The offline service worker (``static/js/sw.js``), served from the site root so that
    its scope is the whole portal; never cached long, so a new version reaches phones."""
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage

    path = finders.find("js/sw.js")
    if path:
        with open(path, encoding="utf-8") as fh:
            source = fh.read()
    else:  # collected static files only (production)
        with staticfiles_storage.open("js/sw.js") as fh:
            source = fh.read().decode("utf-8")
    static_url = settings.STATIC_URL if settings.STATIC_URL.startswith("/") \
        else "/" + settings.STATIC_URL
    response = HttpResponse(source.replace('"/static/', '"' + static_url),
                            content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
