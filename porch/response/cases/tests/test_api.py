"""/api/v1/response-cases/: a member sends a handoff, the legal partner takes it
from the queue to a follow-up case and closes it (R30: others get 404)."""

import datetime
import json

import pytest
import time_machine

from porch.accounts.models import ApiToken, hash_token
from porch.accounts.roles import Role
from porch.core.testing import make_member
from porch.response.cases.models import FollowUpCase, LegalHandoff

pytestmark = pytest.mark.django_db

API = "/api/v1/response-cases"
CANARY = "canary-call-the-cousin"


def token_client(client, user):
    key = f"test-{user.handle}"
    ApiToken.objects.create(user=user, name="t", key_hash=hash_token(key))
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def post(client, path, body=None):
    return client.post(API + path, data=json.dumps(body or {}), content_type="application/json")


@time_machine.travel(datetime.datetime(2026, 12, 7, 15, tzinfo=datetime.UTC), tick=False)
def test_the_legal_flow_through_the_api(cast, client):
    from django.test import Client

    dee = token_client(Client(), cast.dee)
    body = {"zone": cast.zone.code, "time_bucket": "today", "what_happened": "taken"}
    missing = post(dee, f"/organisations/{cast.org_a.code}/handoffs", body)
    assert missing.status_code == 422 and not LegalHandoff.objects.exists()
    sent = post(
        dee, f"/organisations/{cast.org_a.code}/handoffs", {**body, "contact_route": CANARY}
    )
    assert sent.status_code == 201 and sent.json() == {"sent": True}
    assert dee.get(API + "/handoffs").json() == []
    lia = token_client(client, make_member("lia", cast.org_a, Role.LEGAL))
    queue = lia.get(API + "/handoffs")
    assert queue.status_code == 200 and CANARY not in queue.text
    code = queue.json()[0]["code"]
    assert dee.get(f"{API}/handoffs/{code}").status_code == 404
    assert lia.get(f"{API}/handoffs/{code}").json()["contact_route"] == CANARY
    assert post(lia, f"/handoffs/{code}/case").status_code == 409
    assert post(lia, f"/handoffs/{code}/accept").json()["status"] == "accepted"
    assert post(lia, f"/handoffs/{code}/accept").status_code == 409
    case = post(lia, f"/handoffs/{code}/case").json()
    need = {"need": "rides", "owner": "ben", "due_on": "2026-12-10"}
    bad = post(lia, f"/cases/{case['code']}/needs", {**need, "owner": "cal"})
    assert bad.status_code == 422
    added = post(lia, f"/cases/{case['code']}/needs", need)
    assert added.status_code == 201 and added.json()["owner"] == "ben"
    assert post(dee, f"/cases/{case['code']}/close").status_code == 404
    closed = post(lia, f"/cases/{case['code']}/close", {"legal_hold": False})
    assert closed.json()["status"] == "purged" and closed.json()["counts"] == {
        "rides": 1,
        "done": 0,
    }
    assert closed.json()["needs"] == []
    assert FollowUpCase.objects.get().status == FollowUpCase.Status.PURGED
    assert post(lia, f"/cases/{case['code']}/needs", need).status_code == 409


def test_the_queue_costs_the_same_for_many_handoffs(cast, client, django_assert_max_num_queries):
    from porch.response.cases import actions

    for _ in range(6):
        actions.do_create_handoff(
            cast.org_a,
            zone=cast.zone,
            time_bucket="today",
            what_happened="x",
            contact_route="y",
            actor=cast.dee,
        )
    lia = token_client(client, make_member("lia", cast.org_a, Role.LEGAL))
    with django_assert_max_num_queries(8):
        queue = lia.get(API + "/handoffs")
    assert len(queue.json()) == 6
