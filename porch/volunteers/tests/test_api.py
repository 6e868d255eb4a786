"""The volunteers API: sites, slots, sign-ups and coverage, with a bearer
token; and schemathesis over each of its operations (R35)."""

import pytest
import schemathesis

from porch.accounts.actions import do_create_api_token
from porch.api.tests.test_api_fuzz import _fuzz, wsgi_in_test_transaction  # noqa: F401
from porch.volunteers.models import SignUp

pytestmark = pytest.mark.django_db

OPERATIONS = [
    "GET /api/v1/volunteers/sites",
    "GET /api/v1/volunteers/sites/{code}",
    "GET /api/v1/volunteers/sites/{code}/slots",
    "GET /api/v1/volunteers/signups",
    "POST /api/v1/volunteers/slots/{code}/signups",
    "POST /api/v1/volunteers/signups/{code}/cancel",
    "GET /api/v1/volunteers/organisations/{code}/coverage",
]


def bearer(user):
    _token, key = do_create_api_token(user, "test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_it_lists_sites_and_slots(client, people, drop_off):
    auth = bearer(people.pat)
    sites = client.get("/api/v1/volunteers/sites", **auth).json()
    assert [s["name"] for s in sites] == ["Cedar Flats Elementary", "Maple and 5th"]
    stop = next(s for s in sites if s["kind"] == "bus_stop")
    assert stop["parent"] == drop_off.site.parent.code
    slots = client.get(f"/api/v1/volunteers/sites/{stop['code']}/slots", **auth).json()
    assert slots[0]["weekdays"] == [0, 1, 2, 3, 4]
    assert (slots[0]["start_time"], slots[0]["end_time"]) == ("07:15", "08:15")
    assert client.get("/api/v1/volunteers/sites", **bearer(people.cal)).json() == []
    url = f"/api/v1/volunteers/sites/{stop['code']}"
    assert client.get(url, **bearer(people.cal)).status_code == 404


def test_it_signs_up_and_cancels(client, people, drop_off):
    auth = bearer(people.pat)
    url = f"/api/v1/volunteers/slots/{drop_off.code}/signups"
    response = client.post(url, {"day": "2026-03-03"}, content_type="application/json", **auth)
    assert response.status_code == 201
    code = response.json()["code"]
    again = client.post(url, {"day": "2026-03-03"}, content_type="application/json", **auth)
    assert again.status_code == 409
    assert "already signed up" in again.json()["detail"]
    past = client.post(url, {"day": "2026-02-02"}, content_type="application/json", **auth)
    assert past.status_code == 409
    assert "That day has passed" in past.json()["detail"]
    bad = client.post(url, {"day": "soon"}, content_type="application/json", **auth)
    assert bad.status_code == 422
    mine = client.get("/api/v1/volunteers/signups", **auth).json()
    assert [s["code"] for s in mine] == [code]
    cancel = client.post(f"/api/v1/volunteers/signups/{code}/cancel", **auth)
    assert cancel.status_code == 200
    assert SignUp.objects.get(code=code).state == "cancelled"
    other = client.post(f"/api/v1/volunteers/signups/{code}/cancel", **bearer(people.quinn))
    assert other.status_code == 404


def test_it_refuses_a_full_shift_with_409(client, people, drop_off):
    drop_off.min_staff = drop_off.max_staff = 1
    drop_off.save()
    url = f"/api/v1/volunteers/slots/{drop_off.code}/signups"
    body = {"day": "2026-03-03"}
    client.post(url, body, content_type="application/json", **bearer(people.pat))
    response = client.post(url, body, content_type="application/json", **bearer(people.quinn))
    assert response.status_code == 409
    assert "This shift is full" in response.json()["detail"]


def test_it_shows_coverage_to_coordinators_only(client, people, drop_off):
    url = f"/api/v1/volunteers/organisations/{people.org_a.code}/coverage"
    rows = client.get(url, **bearer(people.ana)).json()
    assert len(rows) == 5
    assert rows[0] == {
        "site": drop_off.site.code,
        "slot": drop_off.code,
        "day": "2026-03-02",
        "filled": 0,
        "needed": 2,
        "level": "uncovered",
    }
    assert client.get(url, **bearer(people.pat)).status_code == 404
    assert client.get(url, **bearer(people.gus)).status_code == 404
    assert client.get(url).status_code == 401


@pytest.mark.parametrize("label", OPERATIONS)
def test_it_survives_fuzzing(people, drop_off, wsgi_in_test_transaction, label):  # noqa: F811
    _token, key = do_create_api_token(people.ana, "fuzz", actor=people.ana)
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_in_test_transaction)
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label
    _fuzz(operation, headers)
    real = {
        "sites/{code}": drop_off.site.code,
        "slots/{code}": drop_off.code,
        "organisations/{code}": people.org_a.code,
    }
    for fragment, code in real.items():
        if fragment in label:
            _fuzz(operation, headers, path_parameters={"code": code})
