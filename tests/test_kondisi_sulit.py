"""Issue 18: hostile and broken conditions (proxies, outages, costly input, error pages)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from inti.klien import alamat_klien
from tests.conftest import PASSWORD

# ------------------------------------------------------------------ the client's address


@pytest.mark.parametrize(("proxies", "remote", "xff", "expected"), [
    (0, "10.0.0.9", "1.2.3.4", "10.0.0.9"),              # no proxy trusted: header ignored
    (1, "127.0.0.1", "1.2.3.4", "1.2.3.4"),              # nginx appended the client
    (1, "127.0.0.1", "6.6.6.6, 1.2.3.4", "1.2.3.4"),     # forged left part ignored
    (2, "127.0.0.1", "6.6.6.6, 1.2.3.4, 10.1.1.1", "1.2.3.4"),
    (1, "127.0.0.1", "", "127.0.0.1"),                   # proxy skipped: the peer
    (1, "127.0.0.1", "bukan-alamat", "127.0.0.1"),       # garbage is not an address
    (0, "2001:db8::1", "", "2001:db8::1"),
])
def test_alamat_klien(settings, proxies, remote, xff, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=xff)
    assert alamat_klien(request) == expected


def test_feedback_and_axes_use_the_same_address(settings):
    from axes.helpers import get_client_ip_address

    from kolaborasi.masukan import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1",
                                   HTTP_X_FORWARDED_FOR="9.9.9.9, 5.6.7.8")
    assert get_client_ip_address(request) == client_ip(request) == "5.6.7.8"


@pytest.mark.django_db
def test_failures_from_one_address_behind_proxy_do_not_lock_out_the_owner(
        client, fasilitator_a, settings):
    """Behind nginx (one trusted proxy) every request comes from 127.0.0.1; five wrong
    passwords from an attacker's address must not lock the owner out at theirs."""
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("login")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(6):
        response = client.post(url, {"username": "fasil_a", "password": "salah"},
                               HTTP_X_FORWARDED_FOR="203.0.113.66", **proxy)
    assert "Terlalu banyak percobaan masuk" in response.content.decode()
    # The attacker, even with the right password and a forged header in front, stays locked.
    locked = client.post(url, {"username": "fasil_a", "password": PASSWORD},
                         HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.66", **proxy)
    assert "_auth_user_id" not in client.session and locked.status_code in (403, 429)
    # The owner, from their own address through the same proxy, logs in.
    response = client.post(url, {"username": "fasil_a", "password": PASSWORD},
                           HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(fasilitator_a.pk)
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}
