"""The client's address: X-Forwarded-For counts only when a trusted proxy sent it."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from carta.ratelimit import client_ip

from .test_settings import run_carta


def address(remote: str, forwarded: str | None = None) -> str:
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


def test_no_trusted_proxy_by_default(settings):
    from carta import settings as defaults

    assert defaults.CARTA_TRUSTED_PROXIES == []
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_forwarded_header_of_an_untrusted_client_is_ignored(settings):
    settings.CARTA_TRUSTED_PROXIES = ["127.0.0.1"]
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_trusted_proxy_gives_the_address_it_appended(settings):
    settings.CARTA_TRUSTED_PROXIES = ["127.0.0.1"]
    # The client wrote the first entry itself; nginx appended the second.
    assert address("127.0.0.1", "6.6.6.6, 198.51.100.1") == "198.51.100.1"


def test_trusted_hops_are_skipped_from_the_right(settings):
    settings.CARTA_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert address("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3") == "198.51.100.1"


def test_trusted_proxy_without_header_is_the_client(settings):
    settings.CARTA_TRUSTED_PROXIES = ["127.0.0.1"]
    assert address("127.0.0.1") == "127.0.0.1"
    assert address("127.0.0.1", "") == "127.0.0.1"


def test_entry_that_is_no_address_is_not_believed(settings):
    settings.CARTA_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert address("127.0.0.1", "anything, 10.0.0.9") == "10.0.0.9"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1", ["127.0.0.1/32"]),
        (" 127.0.0.1 , 10.0.0.0/8,::1", ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]),
        ("10.1.2.3/8", ["10.0.0.0/8"]),
    ],
)
def test_trusted_proxies_setting_reads_addresses_and_networks(monkeypatch, value, expected):
    from carta import settings as module

    monkeypatch.setenv("CARTA_TRUSTED_PROXIES", value)
    assert module._networks("CARTA_TRUSTED_PROXIES") == expected


def test_bad_trusted_proxies_value_is_refused(monkeypatch):
    from carta import settings as module

    monkeypatch.setenv("CARTA_TRUSTED_PROXIES", "127.0.0.1,nginx")
    with pytest.raises(ImproperlyConfigured, match="CARTA_TRUSTED_PROXIES: .*'nginx'"):
        module._networks("CARTA_TRUSTED_PROXIES")


def test_bad_trusted_proxies_value_stops_start_up():
    result = run_carta("check", extra_env={"CARTA_TRUSTED_PROXIES": "1"})
    assert result.returncode != 0
    assert "CARTA_TRUSTED_PROXIES" in result.stderr


def login(client, forwarded: str):
    return client.post(
        reverse("login"),
        {"username": "cittadina", "password": "no"},
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_login_limit_trips_for_an_untrusted_client_whatever_its_header(client, citizen, settings):
    settings.CARTA_LOGIN_RATE = (2, 300)
    statuses = [login(client, f"198.51.100.{n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]


def test_login_limit_counts_per_forwarded_client_behind_a_trusted_proxy(client, citizen, settings):
    settings.CARTA_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.CARTA_LOGIN_RATE = (2, 300)
    assert [login(client, f"198.51.100.{n}").status_code for n in range(3)] == [200, 200, 200]
    assert [login(client, "198.51.100.9").status_code for _ in range(3)] == [200, 200, 429]


def register(api, forwarded: str):
    return api.post("/api/v1/auth/register/", {}, format="json", HTTP_X_FORWARDED_FOR=forwarded)


def test_api_throttle_ignores_the_header_of_an_untrusted_client(api, db):
    # The register endpoint's scope allows 20 an hour per address.
    statuses = [register(api, f"198.51.100.{n}").status_code for n in range(21)]
    assert statuses == [400] * 20 + [429]
    assert register(api, "192.0.2.1").json()["code"] == "throttled"


def test_api_throttle_counts_per_forwarded_client_behind_a_trusted_proxy(api, db, settings):
    settings.CARTA_TRUSTED_PROXIES = ["127.0.0.0/8"]
    statuses = [register(api, f"198.51.100.{n}").status_code for n in range(21)]
    assert statuses == [400] * 21
