"""The claim path reads plain tuples and opens numbers without model objects:
it must open exactly what the model field opens, refuse what the field
refuses, and find every channel kind with due messages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from porch.messaging import actions, catalogue, sender
from porch.messaging.models import OutboxMessage, Subscriber
from porch.messaging.tests.helpers import active_subscriber, numbers
from porch.vault import crypto
from porch.vault.erasure import shred

pytestmark = pytest.mark.django_db


class Quiet:
    """Claims without pacing: what claim() reads is under test, not sending."""

    segments_per_second = 0
    daily_segment_cap = 0


def claimed_alert(cast, count):
    subscribers = [active_subscriber(cast.org_a, n, cast.zone) for n in numbers(count)]
    actions.do_broadcast(
        [cast.zone], catalogue.ALERT, advice="stay_inside", organisation=cast.org_a, actor=cast.ana
    )
    kind = OutboxMessage.objects.values_list("channel", flat=True).first()
    return subscribers, sender.claim(kind, Quiet(), "w", batch=count)


def test_a_claimed_row_opens_the_same_number_as_the_model_field(cast):
    subscribers, rows = claimed_alert(cast, 3)
    by_pk = {s.pk: s for s in subscribers}
    addresses = sender.Addresses()
    assert len(rows) == 3
    for row in rows:
        fresh = Subscriber.objects.get(pk=row.subscriber_id)
        assert addresses.open(row) == fresh.address == by_pk[row.subscriber_id].address
        assert row.list_owner == cast.org_a.pk
        assert row.subscriber_state == Subscriber.State.ACTIVE
        assert row.state == OutboxMessage.State.SENDING


def test_a_number_moved_to_another_subscriber_does_not_open(cast):
    _subscribers, rows = claimed_alert(cast, 2)
    first, second = rows
    # The AAD binds the ciphertext to its record and subject: swapped, it fails.
    first.sealed, second.sealed = second.sealed, first.sealed
    with pytest.raises(crypto.DecryptionFailed):
        sender.Addresses().open(first)


def test_a_subscriber_shredded_after_the_claim_is_not_sent(cast):
    subscribers, rows = claimed_alert(cast, 2)
    shred(Subscriber.objects.get(pk=rows[0].subscriber_id).subject)
    # Its outbox row went with it: the chunk about to be sent drops it.
    assert [row.pk for row in sender._still_held(rows)] == [rows[1].pk]


def test_a_subject_without_its_key_reads_as_erased(cast):
    _subscribers, rows = claimed_alert(cast, 1)
    rows[0].wrapped_key = b""
    assert sender.address_of(rows[0], sender.Addresses()) == (None, "erased")


def test_data_keys_are_forgotten_between_chunks(cast):
    _subscribers, rows = claimed_alert(cast, 2)
    addresses = sender.Addresses()
    addresses.open(rows[0])
    assert addresses.keys and addresses.epochs
    addresses.refresh()
    assert not addresses.keys and not addresses.epochs


def test_live_keys_finds_every_channel_key_with_rows_in_the_outbox(cast):
    now = timezone.now()
    subscriber = active_subscriber(cast.org_a, numbers(1)[0], cast.zone)

    def row(key, channel, **fields):
        OutboxMessage.objects.create(
            subscriber=subscriber,
            channel=channel,
            template_key=catalogue.HELP,
            language="en",
            idempotency_key=key,
            **fields,
        )

    row("a", "twilio", next_try_at=now - timedelta(seconds=1))
    row("b", "smtp", next_try_at=now + timedelta(hours=1))  # not due yet
    row("c", "httpsms", state="sending", lease_until=now - timedelta(seconds=1))
    row("d", "signal", state="sending", lease_until=now + timedelta(minutes=1))  # held
    row("e", "console", state="failed")  # e.g. stopped in place
    row("f", "aaa", next_try_at=now - timedelta(seconds=5))
    row("g", "twilio@ORGA234567", next_try_at=now + timedelta(hours=1))
    # Every key with rows; whether any is due is the claim's own question.
    assert sender.live_keys() == [
        "aaa",
        "console",
        "httpsms",
        "signal",
        "smtp",
        "twilio",
        "twilio@ORGA234567",
    ]
