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


def test_only_upload_views_take_bodies_up_to_the_upload_cap(client, settings):
    """The upload cap lets a marked view (receipts, legal media) past the
    body cap, never an ordinary form; nothing passes the upload cap."""
    from porch.aid.reimbursement_views import reimbursement_list
    from porch.core.middleware import RequestBodyLimitMiddleware

    settings.PORCH_MAX_BODY_BYTES = 1024
    settings.PORCH_MAX_UPLOAD_BYTES = 8192
    assert getattr(reimbursement_list, "porch_accepts_uploads", False)
    assert client.post("/login/", data="x" * 5000, content_type="text/plain").status_code == 413
    upload = "/aid/orgs/NOSUCHORG/reimbursements/"
    assert client.post(upload, data="x" * 5000, content_type="text/plain").status_code != 413
    assert client.post(upload, data="x" * 9000, content_type="text/plain").status_code == 413
    assert (
        RequestBodyLimitMiddleware(lambda request: None).process_view(
            type("Request", (), {"porch_body_length": 5000})(), reimbursement_list, (), {}
        )
        is None
    )


def test_it_scrubs_addresses_from_log_lines(caplog):
    from porch.core.logging import ScrubFilter

    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "from %s via %s", ("203.0.113.9", "2001:db8::1"), None
    )
    ScrubFilter().filter(record)
    assert "203.0.113.9" not in record.getMessage()
    assert "2001:db8" not in record.getMessage()


def test_the_api_says_too_large_in_json(client, settings):
    settings.PORCH_MAX_BODY_BYTES = 1024
    response = client.post(
        "/api/v1/volunteers/organisations/NOSUCHORG/import",
        data="x" * 5000,
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "That request is too large."}
