"""The response endpoints of the v1 API, with bearer tokens."""

import pytest

from porch.accounts.actions import do_create_api_token
from porch.response import actions
from porch.response.models import Alert
from porch.response.tests.fixtures import new_report, verifiers

pytestmark = pytest.mark.django_db


def _headers(user):
    _token, key = do_create_api_token(user, "test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_api_runs_a_report_to_an_alert_and_refuses_early_publishing(cast, client):
    dee, vee, _wes = verifiers(cast)
    report = new_report(cast, details="do not leak this")
    actions.do_triage_report(report, status="report_now", reason="agents", actor=cast.ana)
    desk = _headers(cast.ana)
    listed = client.get("/api/v1/response/reports", **desk).json()
    assert [r["code"] for r in listed] == [report.code]
    assert "do not leak this" not in str(listed)
    made = client.post(f"/api/v1/response/reports/{report.code}/dispatches", **desk)
    assert made.status_code == 201
    codes = {d["code"] for d in made.json()}
    early = client.post(
        f"/api/v1/response/reports/{report.code}/alert",
        {"advice": "know_rights"},
        content_type="application/json",
        **desk,
    )
    assert early.status_code == 409
    assert "Two different verifiers" in early.json()["detail"]
    for dispatch in report.dispatches.all():
        actions.do_answer_dispatch(dispatch, accept=True, actor=dispatch.verifier)
        own = _headers(dispatch.verifier)
        assert {d["code"] for d in client.get("/api/v1/response/dispatches", **own).json()} == {
            dispatch.code
        }
        done = client.post(
            f"/api/v1/response/dispatches/{dispatch.code}/outcome",
            {"outcome": "confirmed"},
            content_type="application/json",
            **own,
        )
        assert done.status_code == 200 and done.json()["outcome"] == "confirmed"
    assert {d.code for d in report.dispatches.all()} == codes
    published = client.post(
        f"/api/v1/response/reports/{report.code}/alert",
        {"advice": "know_rights"},
        content_type="application/json",
        **desk,
    )
    assert published.status_code == 201
    assert Alert.objects.get().code == published.json()["code"]
    assert client.get("/api/v1/response/alerts", **_headers(cast.cal)).json() == []
    assert (
        client.get(f"/api/v1/response/reports/{report.code}", **_headers(cast.cal)).status_code
        == 404
    )
