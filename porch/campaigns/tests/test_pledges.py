"""Public, anonymous pledges: CSRF-protected, throttled per campaign, contacts sealed and erased."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from porch.campaigns import actions
from porch.campaigns.forms import pledge_language
from porch.campaigns.models import Campaign, Pledge, PledgeWindow
from porch.vault import erasure
from porch.vault.models import Subject

pytestmark = pytest.mark.django_db

EMAIL = "canary-pledger@example.org"


def _pledge(client, campaign, **data):
    return client.post(
        f"/public/campaigns/{campaign.code}/pledge/", {"kind": "business", "website": "", **data}
    )


def test_it_takes_an_anonymous_pledge_and_counts_it(client, cast, strike, audit_actions):
    response = _pledge(client, strike, zone=cast.zone.code)
    assert response.status_code == 302
    assert response["Location"] == f"/public/campaigns/{strike.code}/thanks/"
    pledge = Pledge.objects.get()
    assert (pledge.kind, pledge.zone, pledge.subject) == ("business", cast.zone, None)
    assert audit_actions() == ["pledge.made"]
    # Nothing about the visitor is kept: no session, no cookie but CSRF's.
    assert set(response.cookies) <= {"csrftoken"}
    from django.contrib.sessions.models import Session

    assert not Session.objects.exists()


def test_it_seals_the_contact_for_updates(client, cast, strike):
    assert (
        _pledge(
            client, strike, kind="family", contact_kind="email", contact=EMAIL.upper()
        ).status_code
        == 302
    )
    pledge = Pledge.objects.get()
    assert pledge.subject is not None and pledge.subject.kind == actions.CONTACT_KIND
    assert Pledge.objects.get().contact == EMAIL
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM campaigns_pledge")
        raw = bytes(cursor.fetchone()[0])
    assert EMAIL.encode() not in raw
    expected = timezone.make_aware(
        datetime.datetime.combine(strike.ends_on + datetime.timedelta(days=1), datetime.time.min)
    )
    assert pledge.subject.expires_at == expected


@pytest.mark.parametrize("language", ["es", "so", "hmn"])
def test_it_keeps_the_pages_language_with_a_contact(client, strike, language):
    # The pledge page's language is the one updates will go out in.
    client.cookies["django_language"] = language
    response = _pledge(client, strike, contact_kind="email", contact=EMAIL)
    assert response.status_code == 302
    assert Pledge.objects.get().language == language


def test_it_keeps_no_language_without_a_contact(client, strike):
    client.cookies["django_language"] = "so"
    assert _pledge(client, strike).status_code == 302
    assert Pledge.objects.get().language == ""


def test_it_refuses_an_unknown_language_for_updates(strike):
    with pytest.raises(ValidationError):
        actions.do_make_pledge(
            strike, kind="worker", contact_kind="email", contact=EMAIL, language="xx", actor=None
        )
    assert not Pledge.objects.exists() and not Subject.objects.exists()


@pytest.mark.parametrize(
    "code, expected", [("es", "es"), ("es-mx", "es"), ("HMN", "hmn"), ("fr", "en"), ("", "en")]
)
def test_pledge_language_maps_the_page_language_to_one_porch_sends_in(code, expected):
    assert pledge_language(code) == expected


def test_it_normalises_a_phone_number(client, cast, strike):
    assert _pledge(client, strike, contact_kind="sms", contact="(612) 555-0123").status_code == 302
    assert Pledge.objects.get().contact == "+16125550123"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"contact_kind": "sms", "contact": "not a number"}, "Enter a phone number we can text"),
        ({"contact_kind": "email", "contact": "nobody"}, "Enter an e-mail address"),
        ({"contact_kind": "email"}, "Give a phone number or an e-mail address for updates."),
        ({"contact": EMAIL}, "Choose how we should send updates."),
        ({"kind": "landlord"}, "Select a valid choice"),
        ({"zone": "nowhere"}, "Select a valid choice"),
        ({"website": "http://spam.example"}, "Leave this field empty."),
    ],
)
def test_it_refuses_bad_input_and_stores_nothing(client, cast, strike, data, message):
    response = _pledge(client, strike, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Pledge.objects.exists() and not Subject.objects.exists()


def test_it_refuses_a_pledge_without_the_csrf_token(cast, strike):
    client = Client(enforce_csrf_checks=True)
    assert _pledge(client, strike).status_code == 403
    assert not Pledge.objects.exists()


def test_it_works_with_the_token_from_the_page(cast, strike):
    import re

    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/public/campaigns/{strike.code}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert _pledge(client, strike, csrfmiddlewaretoken=token).status_code == 302


def test_it_throttles_the_campaign_not_the_client(client, cast, strike, settings):
    settings.PORCH_PLEDGES_PER_MINUTE = 3
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        for _ in range(3):
            assert _pledge(client, strike).status_code == 302
        response = _pledge(client, strike, contact_kind="email", contact=EMAIL)
        assert response.status_code == 429
        assert "Please try again in a minute." in response.content.decode()
        assert Pledge.objects.count() == 3 and not Subject.objects.exists()
        window = PledgeWindow.objects.get()
        assert window.count == 3
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1), tick=False):
        assert _pledge(client, strike).status_code == 302
        # Only the current minute's window is kept.
        assert PledgeWindow.objects.count() == 1


def test_it_refuses_pledges_to_a_campaign_that_is_not_open(client, cast, strike):
    strike.state = Campaign.State.ENDED
    strike.save()
    response = _pledge(client, strike)
    assert response.status_code == 400
    assert "This campaign is not taking pledges." in response.content.decode()
    strike.state = Campaign.State.DRAFT
    strike.save()
    assert _pledge(client, strike).status_code == 404
    assert _pledge(client, Campaign(code="nosuchcode")).status_code == 404
    assert not Pledge.objects.exists()


def test_it_refuses_get_on_the_pledge_url(client, strike):
    assert client.get(f"/public/campaigns/{strike.code}/pledge/").status_code == 405


def test_ending_a_campaign_erases_every_contact_at_once(cast, signed_in, strike):
    actions.do_make_pledge(
        strike, kind="worker", contact_kind="email", contact=EMAIL, language="so", actor=None
    )
    actions.do_make_pledge(strike, kind="worker", actor=None)
    assert sorted(Pledge.objects.values_list("language", flat=True)) == ["", "so"]
    signed_in(cast.ana).post(f"/campaigns/{strike.code}/end/")
    assert not Subject.objects.exists()
    assert list(Pledge.objects.values_list("contact", "contact_kind", "language")) == [
        (None, "", ""),
        (None, "", ""),
    ]
    strike.refresh_from_db()
    assert strike.contacts_erased_on == timezone.localdate()
    assert Pledge.objects.count() == 2  # the counts stay


def test_the_purge_erases_contacts_when_the_campaign_ends(cast, strike):
    actions.do_make_pledge(strike, kind="family", contact_kind="email", contact=EMAIL, actor=None)
    erasure.purge()
    assert Subject.objects.count() == 1
    after = timezone.make_aware(datetime.datetime.combine(strike.ends_on, datetime.time(23, 59)))
    with time_machine.travel(after, tick=False):
        erasure.purge()
        assert Subject.objects.count() == 1
    with time_machine.travel(after + datetime.timedelta(minutes=2), tick=False):
        erasure.purge()
    assert not Subject.objects.exists()
    assert Pledge.objects.get().contact is None


def test_the_purge_finishes_an_interrupted_end(cast, strike):
    actions.do_make_pledge(strike, kind="family", contact_kind="email", contact=EMAIL, actor=None)
    # Ended, but the shredding never ran (a crash after the state change).
    Campaign.objects.filter(pk=strike.pk).update(state=Campaign.State.ENDED)
    assert actions.purge_ended_contacts() == 1
    assert not Subject.objects.exists()


def test_moving_the_last_day_moves_the_contacts_expiry(cast, strike):
    actions.do_make_pledge(strike, kind="family", contact_kind="email", contact=EMAIL, actor=None)
    later = strike.ends_on + datetime.timedelta(days=5)
    actions.do_update_campaign(
        strike,
        title=strike.title,
        slogan="",
        description="",
        starts_on=strike.starts_on,
        ends_on=later,
        actor=cast.ana,
    )
    strike.refresh_from_db()
    assert Subject.objects.get().expires_at == actions.contact_expiry(strike)
