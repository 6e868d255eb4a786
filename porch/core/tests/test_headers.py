"""R37 headers on every response; R39 body cap; R2 no client data in logs."""

import logging

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/login/", "/healthz", "/no-such-page/", "/api/v1/openapi.json"])
def test_it_sends_the_privacy_headers(client, url):
    response = client.get(url)
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"


def test_it_refuses_an_oversized_body_without_reading_it(client, settings):
    settings.PORCH_MAX_BODY_BYTES = 1024
    response = client.post("/login/", data="x" * 5000, content_type="text/plain")
    assert response.status_code == 413


def test_it_scrubs_addresses_from_log_lines(caplog):
    from porch.core.logging import ScrubFilter

    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "from %s via %s", ("203.0.113.9", "2001:db8::1"), None
    )
    ScrubFilter().filter(record)
    assert "203.0.113.9" not in record.getMessage()
    assert "2001:db8" not in record.getMessage()
