"""Updates to pledgers through /api/v1/: the organisers send a catalogue update
and read its counts; nobody else sees the campaign; an ended one refuses (409)."""

import pytest

from porch.accounts.actions import do_create_api_token
from porch.campaigns import actions
from porch.messaging.models import Mailing, OutboxMessage

pytestmark = pytest.mark.django_db


def _token(user):
    _row, key = do_create_api_token(user, "t", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def with_contacts(strike):
    for n, language in enumerate(["en", "es", "so"]):
        actions.do_make_pledge(
            strike,
            kind="worker",
            contact_kind="sms",
            contact=f"+161223470{n:02d}",
            language=language,
            actor=None,
        )
    actions.do_make_pledge(strike, kind="family", actor=None)  # anonymous: nothing to send
    return strike


def test_an_organiser_sends_an_update_and_reads_its_counts(client, cast, with_contacts):
    auth = _token(cast.ana)
    url = f"/api/v1/campaigns/{with_contacts.code}/updates"
    response = client.post(
        url, {"template": "pledge_changed"}, content_type="application/json", **auth
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["template"] == "pledge_changed" and body["audience_size"] == 3
    assert body["counts"]["queued"] == 3 and body["counts"]["sent"] == 0
    assert OutboxMessage.objects.filter(mailing__code=body["code"]).count() == 3
    listed = client.get(url, **auth).json()
    assert [row["code"] for row in listed] == [body["code"]]
    # Counts only: no contact, no language in the answer.
    assert set(listed[0]) == {"code", "template", "audience_size", "created_on", "counts"}


def test_it_refuses_a_template_outside_the_catalogue(client, cast, with_contacts):
    response = client.post(
        f"/api/v1/campaigns/{with_contacts.code}/updates",
        {"template": "alert"},
        content_type="application/json",
        **_token(cast.ana),
    )
    assert response.status_code == 422
    assert not Mailing.objects.exists()


def test_an_ended_campaign_refuses_with_409(client, cast, with_contacts):
    actions.do_end_campaign(with_contacts, actor=cast.ana)
    response = client.post(
        f"/api/v1/campaigns/{with_contacts.code}/updates",
        {"template": "pledge_thanks"},
        content_type="application/json",
        **_token(cast.ana),
    )
    assert response.status_code == 409
    assert "reaches nobody" in response.json()["detail"]
    assert not Mailing.objects.exists()


def test_another_organisations_member_gets_404(client, cast, with_contacts):
    auth = _token(cast.cal)
    url = f"/api/v1/campaigns/{with_contacts.code}/updates"
    assert client.get(url, **auth).status_code == 404
    response = client.post(
        url, {"template": "pledge_thanks"}, content_type="application/json", **auth
    )
    assert response.status_code == 404
    assert not OutboxMessage.objects.exists()
