"""The campaigns API: dashboard aggregates (suppressed), managed campaigns, public counters."""

import pytest

from porch.accounts.actions import do_create_api_token

pytestmark = pytest.mark.django_db


def _token(client, user):
    _row, key = do_create_api_token(user, "t", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_it_returns_suppressed_aggregates(client, cast, strike, pledges):
    pledges("business", 8, zone=cast.zone)
    pledges("worker", 2)
    response = client.get("/api/v1/campaigns/dashboard", **_token(client, cast.ana))
    assert response.status_code == 200
    body = response.json()
    assert body["whole_coalition"] is False
    pledge = next(m for m in body["metrics"] if m["key"] == "pledges")
    counts = {(r["series"], r["zone"]): r["count"] for r in pledge["rows"]}
    assert counts == {("business", "Cedar Flats"): "8", ("worker", ""): "<5"}
    assert pledge["total"] == "10"


def test_it_refuses_an_unknown_number_of_weeks(client, cast):
    response = client.get("/api/v1/campaigns/dashboard?weeks=7", **_token(client, cast.ana))
    assert response.status_code == 422


def test_it_hides_the_dashboard_from_people_who_coordinate_nothing(client, cast):
    assert client.get("/api/v1/campaigns/dashboard", **_token(client, cast.ben)).status_code == 404
    assert client.get("/api/v1/campaigns/dashboard").status_code == 401


def test_it_lists_only_campaigns_you_organise(client, cast, strike, pledges):
    pledges("family", 6)
    body = client.get("/api/v1/campaigns", **_token(client, cast.ana)).json()
    assert [c["code"] for c in body] == [strike.code]
    assert {c["kind"]: c["count"] for c in body[0]["counters"]}["family"] == "6"
    assert client.get("/api/v1/campaigns", **_token(client, cast.cal)).json() == []
    url = f"/api/v1/campaigns/{strike.code}"
    assert client.get(url, **_token(client, cast.cal)).status_code == 404
    assert client.get(url, **_token(client, cast.ana)).status_code == 200


def test_it_gives_public_counters_without_a_token(client, cast, strike, pledges):
    pledges("business", 3)
    response = client.get(f"/api/v1/campaigns/{strike.code}/counters")
    assert response.status_code == 200
    assert {"kind": "business", "count": "<5"} in response.json()
    strike.state = strike.State.DRAFT
    strike.save()
    assert client.get(f"/api/v1/campaigns/{strike.code}/counters").status_code == 404
