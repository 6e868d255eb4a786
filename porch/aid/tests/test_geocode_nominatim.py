"""The self-hosted Nominatim fallback, against a real loopback fake."""

import logging
import socket

import pytest

from porch.aid import geocode
from porch.aid.models import AddressPoint
from porch.aid.tests.fakes.nominatim import FakeNominatim

ADDRESS = "4417 Lyndale Ave N"

pytestmark = pytest.mark.django_db


@pytest.fixture
def nominatim(settings):
    with FakeNominatim() as fake:
        fake.places[ADDRESS.lower()] = (45.0305, -93.2886)
        settings.PORCH_NOMINATIM_URL = fake.url
        yield fake


def test_hit_reads_documented_fields_and_sends_only_the_address(nominatim, caplog):
    caplog.set_level(logging.DEBUG)
    found = geocode.find(ADDRESS)
    assert (found.lat, found.lon) == (pytest.approx(45.0305), pytest.approx(-93.2886))
    assert found.label.startswith(ADDRESS)
    [req] = nominatim.requests
    assert req["path"] == "/search"
    assert req["params"] == {"q": ADDRESS, "format": "jsonv2", "limit": "1"}
    assert req["headers"]["User-Agent"].startswith("Porch/")
    assert "Cookie" not in req["headers"]
    assert ADDRESS.lower() not in caplog.text.lower()


def test_offline_table_is_tried_first(nominatim):
    AddressPoint.objects.create(
        lat=45.1, lon=-93.1, number="4417", street="Lyndale Ave N", street_key="LYNDALE AVE N"
    )
    found = geocode.find(ADDRESS)
    assert (found.lat, found.lon) == (45.1, -93.1)
    assert nominatim.requests == []


def test_empty_result_is_a_miss(nominatim, caplog):
    caplog.set_level(logging.DEBUG)
    assert geocode.find("1 Nowhere St") is None
    assert len(nominatim.requests) == 1
    assert "nowhere" not in caplog.text.lower()


@pytest.mark.parametrize("status", [429, 500, 503])
def test_error_status_is_a_miss(nominatim, caplog, status):
    caplog.set_level(logging.DEBUG)
    nominatim.status = status
    assert geocode.find(ADDRESS) is None
    assert str(status) in caplog.text
    assert ADDRESS.lower() not in caplog.text.lower()


@pytest.mark.parametrize(
    "body", [b"not json", b"{}", b'[{"lat": "x", "lon": "1"}]', b'[{"display_name": "a"}]', b"[]"]
)
def test_malformed_answer_is_a_miss(nominatim, body):
    nominatim.raw = body
    assert geocode.find(ADDRESS) is None


def test_timeout_is_a_miss(nominatim, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(geocode, "NOMINATIM_TIMEOUT", 0.3)
    nominatim.hang = 1.0
    assert geocode.find(ADDRESS) is None
    assert ADDRESS.lower() not in caplog.text.lower()


def test_server_down_is_a_miss(settings):
    with FakeNominatim() as fake:
        url = fake.url
    settings.PORCH_NOMINATIM_URL = url
    assert geocode.find(ADDRESS) is None


def test_not_configured_opens_no_socket(settings, monkeypatch):
    settings.PORCH_NOMINATIM_URL = ""
    opened = []
    real = socket.socket.connect
    monkeypatch.setattr(
        socket.socket, "connect", lambda self, addr: opened.append(addr) or real(self, addr)
    )
    assert geocode.find(ADDRESS) is None
    assert opened == []


@pytest.mark.parametrize("bad", ["file:///etc/passwd", "nominatim.local", "ftp://x"])
def test_settings_refuse_a_non_http_url_loudly(bad):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PORCH_ENV": "test", "PORCH_NOMINATIM_URL": bad}
    run = subprocess.run(
        [sys.executable, "-c", "import porch.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0
    assert "PORCH_NOMINATIM_URL must be an http(s) URL" in run.stderr
