"""/api/v1/aid/: requests without callback numbers or addresses, open runs
without addresses, atomic claims (R46), a day's plan. Who may call what is
the matrix's (porch/api/tests/matrix_aid.py); this is what the answers hold."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from porch.accounts.actions import do_create_api_token
from porch.aid.models import AidRequest, DeliveryRun
from porch.aid.tests.fixtures import make_run, new_request
from porch.core.testing import make_member

pytestmark = pytest.mark.django_db

NUMBER = "+16125550142"


def bearer(user):
    _token, key = do_create_api_token(user, "test", actor=user)
    return {"Authorization": f"Bearer {key}"}


def test_it_takes_a_request_and_lists_it_without_the_number(cast, client):
    headers = bearer(cast.ana)
    url = f"/api/v1/aid/organisations/{cast.org_a.code}/requests"
    body = {
        "callback_number": NUMBER,
        "zone": cast.zone.code,
        "household_size": 5,
        "needs": ["staples", "halal"],
        "language": "so",
    }
    created = client.post(url, body, content_type="application/json", headers=headers)
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    found = AidRequest.objects.get(code=code)
    assert (found.organisation, found.language, found.bags) == (cast.org_a, "so", 3)
    listed = client.get(url, headers=headers)
    assert [item["code"] for item in listed.json()] == [code]
    assert "5550142" not in listed.content.decode()
    assert "5550142" not in created.content.decode()


def test_it_refuses_a_bad_request_with_a_translated_message_and_keeps_nothing(cast, client):
    headers = {**bearer(cast.ana), "Accept-Language": "es"}
    url = f"/api/v1/aid/organisations/{cast.org_a.code}/requests"
    response = client.post(
        url,
        {"callback_number": NUMBER, "needs": ["caviar"], "zone": cast.zone.code},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422  # not in the schema's list
    assert response.json()["errors"][0]["loc"][-2:] == ["needs", "0"]
    no_zone = client.post(
        url, {"callback_number": NUMBER}, content_type="application/json", headers=headers
    )
    assert no_zone.status_code == 409
    assert no_zone.json()["errors"] == [{"loc": ["zone"], "type": "invalid"}]
    assert "zona" in no_zone.json()["detail"].lower()
    unknown = client.post(
        url,
        {"callback_number": NUMBER, "zone": "NOSUCHZONE"},
        content_type="application/json",
        headers=headers,
    )
    assert unknown.status_code == 409
    assert not AidRequest.objects.exists()


def test_it_counts_callback_attempts_and_closes(cast, client):
    headers = bearer(cast.ana)
    request = new_request(cast.org_a, cast.zone)
    answer = client.post(f"/api/v1/aid/requests/{request.code}/no-answer", headers=headers)
    assert answer.json()["callback_attempts"] == 1
    assert answer.json()["status"] == "no_answer"
    closed = client.post(
        f"/api/v1/aid/requests/{request.code}/close",
        {"status": "duplicate"},
        content_type="application/json",
        headers=headers,
    )
    assert closed.json()["status"] == "duplicate"
    again = client.post(f"/api/v1/aid/requests/{request.code}/no-answer", headers=headers)
    assert again.status_code == 409
    bad = client.post(
        f"/api/v1/aid/requests/{new_request(cast.org_a, cast.zone).code}/close",
        {"status": "delivered"},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422


def test_it_shows_open_runs_without_addresses_and_one_claim_wins(cast, client):
    run = make_run(cast.org_a, cast.zone, stops=2)
    rival = make_member("rio", cast.org_a, "driver")
    listed = client.get("/api/v1/aid/runs/open", headers=bearer(cast.ben))
    assert [item["code"] for item in listed.json()] == [run.code]
    assert listed.json()[0]["stops"] == 2
    assert "Cedar Ave" not in listed.content.decode()
    won = client.post(f"/api/v1/aid/runs/{run.code}/claim", headers=bearer(cast.ben))
    assert won.status_code == 200
    assert won.json()["mine"] is True
    lost = client.post(f"/api/v1/aid/runs/{run.code}/claim", headers=bearer(rival))
    assert lost.status_code == 404  # claimed by someone else: no longer open to rio
    run.refresh_from_db()
    assert (run.status, run.driver) == (DeliveryRun.Status.CLAIMED, cast.ben)
    assert client.get("/api/v1/aid/runs/open", headers=bearer(rival)).json() == []
    mine = client.get("/api/v1/aid/runs/mine", headers=bearer(cast.ben)).json()
    assert [item["code"] for item in mine] == [run.code]


def test_it_lists_a_days_plan_in_a_fixed_number_of_queries(cast, client):
    headers = bearer(cast.ana)
    run = make_run(cast.org_a, cast.zone)
    url = f"/api/v1/aid/organisations/{cast.org_a.code}/plan?day={run.day.isoformat()}"
    client.get(url, headers=headers)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url, headers=headers).json()) == 1
    for _ in range(3):
        make_run(cast.org_a, cast.zone)
    with CaptureQueriesContext(connection) as more:
        assert len(client.get(url, headers=headers).json()) == 4
    assert len(more) == len(few)
    requests_url = f"/api/v1/aid/organisations/{cast.org_a.code}/requests"
    with CaptureQueriesContext(connection) as one:
        client.get(requests_url, headers=headers)
    for index in range(3):
        new_request(cast.org_a, cast.zone, number=f"+161255510{index:02d}")
    with CaptureQueriesContext(connection) as four:
        client.get(requests_url, headers=headers)
    assert len(four) == len(one)


def test_it_refuses_a_plan_day_that_is_not_a_calendar_date(cast, client):
    headers = bearer(cast.ana)
    base = f"/api/v1/aid/organisations/{cast.org_a.code}/plan"
    # A bare number would otherwise be read as a Unix timestamp (found by schemathesis).
    for day in ("1.5", "2026-02-30", "tomorrow"):
        assert client.get(f"{base}?day={day}", headers=headers).status_code == 422
    assert client.get(f"{base}?day=2026-12-01", headers=headers).status_code == 200
