"""Delivery receipts through the status webhooks, and pacing per account.

Receipts: each provider's documented statuses, posted (signed) to
/messaging/status/<kind>/ by the loopback fake's own signing, move the
broadcast's report: delivered, or failed after the fact; the in-between
statuses change nothing. Accounts: an organisation with its own channel
configuration has its own token bucket and daily cap.
"""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from porch.core import periodic
from porch.messaging import actions, catalogue, sender
from porch.messaging.models import ChannelPace, EarlyReceipt, OutboxMessage, OutboxOutcome
from porch.messaging.tests.fakes import TwilioFake
from porch.messaging.tests.helpers import active_subscriber, numbers

pytestmark = pytest.mark.django_db

START = timezone.datetime(2026, 3, 2, 14, 0, tzinfo=timezone.UTC)
TWILIO_STATUS = "/messaging/status/twilio/"
HTTPSMS_STATUS = "/messaging/status/httpsms/"


def alert(cast, organisation, count, *, start=5000):
    for number in numbers(count, start=start):
        active_subscriber(organisation, number, cast.zone)
    return actions.do_broadcast(
        [cast.zone], catalogue.ALERT, advice="stay_inside", organisation=organisation, actor=None
    )


def post_twilio_status(client, fake, sid, status):
    params = fake.status_params(sid, status)
    signature = fake.sign("http://testserver" + TWILIO_STATUS, params)
    return client.post(TWILIO_STATUS, params, headers={"X-Twilio-Signature": signature})


def post_httpsms_event(client, fake, message_id, event_type):
    event = fake.status_event(event_type, message_id)
    headers = fake.headers("http://testserver" + HTTPSMS_STATUS, event)
    content_type = headers.pop("Content-Type")
    return client.post(
        HTTPSMS_STATUS, json.dumps(event), content_type=content_type, headers=headers
    )


# ---- receipts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "delivered", "sent", "failed"),
    [
        # Twilio's documented MessageStatus values for an outbound message.
        ("accepted", 0, 1, 0),
        ("scheduled", 0, 1, 0),
        ("queued", 0, 1, 0),
        ("sending", 0, 1, 0),
        ("sent", 0, 1, 0),
        ("delivered", 1, 1, 0),
        ("read", 1, 1, 0),
        ("undelivered", 0, 0, 1),
        ("failed", 0, 0, 1),
        ("canceled", 0, 0, 1),
    ],
)
def test_twilio_statuses_move_the_report(
    cast, client, twilio_fake, settings, status, delivered, sent, failed
):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    broadcast = alert(cast, cast.org_a, 1)
    assert sender.run_pass("w").sent == 1
    [entry] = twilio_fake.received
    assert post_twilio_status(client, twilio_fake, entry["sid"], status).status_code == 204
    counts = broadcast.counts()
    assert (counts["delivered"], counts["sent"], counts["failed"]) == (delivered, sent, failed)


def test_a_repeated_or_late_twilio_receipt_counts_once(cast, client, twilio_fake, settings):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    broadcast = alert(cast, cast.org_a, 2)
    sender.run_pass("w")
    first, second = (entry["sid"] for entry in twilio_fake.received)
    for status in ("sent", "delivered", "delivered", "read"):
        post_twilio_status(client, twilio_fake, first, status)
    post_twilio_status(client, twilio_fake, second, "undelivered")
    post_twilio_status(client, twilio_fake, second, "failed")
    assert broadcast.counts() == {
        "queued": 0,
        "sending": 0,
        "sent": 1,
        "failed": 1,
        "delivered": 1,
    }
    assert OutboxOutcome.objects.get(provider_ref=second).reason == "undelivered"


def test_a_forged_or_unknown_twilio_receipt_changes_nothing(cast, client, twilio_fake, settings):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    broadcast = alert(cast, cast.org_a, 1)
    sender.run_pass("w")
    [entry] = twilio_fake.received
    params = twilio_fake.status_params(entry["sid"], "delivered")
    forged = client.post(TWILIO_STATUS, params, headers={"X-Twilio-Signature": "bm90IGl0"})
    assert forged.status_code == 403
    unknown = post_twilio_status(client, twilio_fake, "SM" + "0" * 32, "undelivered")
    assert unknown.status_code == 204
    assert broadcast.counts()["sent"] == 1 and broadcast.counts()["delivered"] == 0
    assert not OutboxOutcome.objects.filter(delivered=True).exists()


def test_a_receipt_that_comes_before_its_outcome_is_applied_by_the_worker(
    cast, client, twilio_fake, settings
):
    """The provider's callback can beat the worker's commit of the outcome
    that names its message id: it waits as an EarlyReceipt (no number in it)
    and the worker's minute job applies it once the outcome exists."""
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    broadcast = alert(cast, cast.org_a, 2)
    early, late = "SM" + "e" * 32, "SM" + "f" * 32
    twilio_fake.next_sids = [early, late]
    for status in ("sent", "delivered", "delivered"):  # "sent" is not kept
        assert post_twilio_status(client, twilio_fake, early, status).status_code == 204
    post_twilio_status(client, twilio_fake, late, "undelivered")
    assert sorted(EarlyReceipt.objects.values_list("provider_ref", "status")) == [
        (early, "delivered"),
        (early, "delivered"),
        (late, "failed"),  # the channel's normalised status
    ]
    assert actions.match_early_receipts() == 0  # nothing sent yet: they wait
    assert EarlyReceipt.objects.count() == 3
    assert sender.run_pass("w").sent == 2
    assert actions.match_early_receipts() == 2
    assert broadcast.counts() == {
        "queued": 0,
        "sending": 0,
        "sent": 1,
        "failed": 1,
        "delivered": 1,
    }
    assert not EarlyReceipt.objects.exists()


def test_an_early_receipt_nobody_claims_goes_after_an_hour(cast, client, twilio_fake):
    with time_machine.travel(START, tick=False):
        post_twilio_status(client, twilio_fake, "SM" + "0" * 32, "delivered")
        assert EarlyReceipt.objects.count() == 1
    with time_machine.travel(START + timedelta(minutes=59), tick=False):
        actions.match_early_receipts()
        assert EarlyReceipt.objects.count() == 1
    with time_machine.travel(START + timedelta(minutes=61), tick=False):
        actions.match_early_receipts()
        assert not EarlyReceipt.objects.exists()
    assert "messaging.early_receipts" in periodic.JOBS


@pytest.mark.parametrize(
    ("event_type", "delivered", "sent", "failed"),
    [
        # httpSMS webhook events about an outgoing message.
        ("message.phone.sent", 0, 1, 0),
        ("message.phone.delivered", 1, 1, 0),
        ("message.send.failed", 0, 0, 1),
        ("message.send.expired", 0, 0, 1),
    ],
)
def test_httpsms_events_move_the_report(
    cast, client, httpsms_fake, settings, event_type, delivered, sent, failed
):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    broadcast = alert(cast, cast.org_a, 1)
    assert sender.run_pass("w").sent == 1
    [entry] = httpsms_fake.received
    response = post_httpsms_event(client, httpsms_fake, entry["id"], event_type)
    assert response.status_code == 204
    counts = broadcast.counts()
    assert (counts["delivered"], counts["sent"], counts["failed"]) == (delivered, sent, failed)


def test_the_report_page_shows_delivered(cast, client, signed_in, twilio_fake, settings):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    broadcast = alert(cast, cast.org_a, 2)
    sender.run_pass("w")
    post_twilio_status(client, twilio_fake, twilio_fake.received[0]["sid"], "delivered")
    page = signed_in(cast.ana).get(f"/messaging/broadcasts/{broadcast.code}/").content.decode()
    assert 'data-count="sent">2<' in page
    assert 'data-count="delivered">1<' in page


# ---- pacing per account -----------------------------------------------------------------


@pytest.fixture
def own_account(cast, twilio_fake, settings):
    """Organisation A brings its own Twilio number: 2 segments a second and
    5 a day; the instance's number (everyone else) 1 a second, no cap."""
    fake = TwilioFake(
        account_sid="AC" + "e" * 32, auth_token="org-token", from_number="+16125550177"
    )
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 1
    settings.PORCH_SMS_DAILY_CAP = 0
    settings.PORCH_ORG_CHANNELS = {
        cast.org_a.code.upper(): {
            "TWILIO_ACCOUNT_SID": fake.account_sid,
            "TWILIO_AUTH_TOKEN": fake.auth_token,
            "TWILIO_FROM": fake.from_number,
            "SMS_SEGMENTS_PER_SECOND": 2,
            "SMS_DAILY_CAP": 5,
            "TWILIO_BASE_URL": fake.url,
        }
    }
    yield fake
    fake.stop()


def test_an_organisation_with_its_own_account_has_its_own_bucket_and_cap(
    cast, twilio_fake, own_account, settings
):
    with time_machine.travel(START, tick=False) as clock:
        own = alert(cast, cast.org_a, 8)
        instance = alert(cast, cast.org_b, 8, start=6000)
        key = f"twilio@{cast.org_a.code.upper()}"
        assert set(
            OutboxMessage.objects.filter(broadcast=own).values_list("channel", flat=True)
        ) == {key}
        assert set(
            OutboxMessage.objects.filter(broadcast=instance).values_list("channel", flat=True)
        ) == {"twilio"}
        # Full buckets: two seconds' worth each, neither spending the other's.
        assert sender.run_pass("w").sent == 4 + 2
        assert own.counts()["sent"] == 4 and instance.counts()["sent"] == 2
        assert {p.kind for p in ChannelPace.objects.all()} == {"twilio", key}
        for _ in range(10):
            clock.shift(timedelta(seconds=5))
            sender.run_pass("w")
        # The organisation's daily cap (5) holds its queue; the instance's
        # number, with no cap, has sent its whole broadcast.
        assert own.counts()["sent"] == 5 and own.counts()["queued"] == 3
        assert instance.counts()["sent"] == 8
        clock.shift(timedelta(days=1))
        for _ in range(3):
            sender.run_pass("w")
            clock.shift(timedelta(seconds=5))
        assert own.counts()["sent"] == 8
    # Each account's messages went out from its own number, each once.
    assert {entry["sender"] for entry in own_account.received} == {"+16125550177"}
    assert len(own_account.received) == 8
    assert {entry["sender"] for entry in twilio_fake.received} == {twilio_fake.from_number}
    assert len(twilio_fake.received) == 8
