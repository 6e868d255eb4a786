"""The sender: pacing in segments, the alert lane, backoff, leases, batched writes."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from porch.messaging import actions, catalogue, sender
from porch.messaging.models import (
    Broadcast,
    ChannelPace,
    MessageTemplate,
    OutboxMessage,
    OutboxOutcome,
)
from porch.messaging.tests.helpers import active_subscriber, numbers

pytestmark = pytest.mark.django_db

START = timezone.datetime(2026, 3, 2, 14, 0, tzinfo=timezone.UTC)


def audience(cast, count, language="en"):
    return [active_subscriber(cast.org_a, n, cast.zone, language) for n in numbers(count)]


def alert(cast, template=catalogue.ALERT):
    return actions.do_broadcast(
        [cast.zone], template, advice="stay_inside", organisation=cast.org_a, actor=cast.ana
    )


def states():
    """Rows still in the outbox by state; sent and failed as the broadcasts
    count them (a finished row leaves the outbox)."""
    totals = {"queued": 0, "sending": 0, "sent": 0, "failed": 0}
    for broadcast in Broadcast.objects.all():
        counts = broadcast.counts()
        for state in totals:
            totals[state] += counts[state]
    assert totals["queued"] + totals["sending"] == OutboxMessage.objects.count()
    return totals


def test_it_paces_in_segments_with_a_token_bucket(cast, twilio_fake, settings):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 2
    audience(cast, 12)
    with time_machine.travel(START, tick=False) as clock:
        alert(cast)
        # A full bucket holds two seconds' worth: four single-segment texts.
        assert sender.run_pass("w").sent == 4
        assert sender.run_pass("w").sent == 0
        clock.shift(timedelta(seconds=1))
        assert sender.run_pass("w").sent == 2
        clock.shift(timedelta(seconds=3))
        assert sender.run_pass("w").sent == 4
        clock.shift(timedelta(seconds=1))
        assert sender.run_pass("w").sent == 2
    assert len(twilio_fake.received) == 12


def test_it_counts_long_texts_as_several_segments(cast, twilio_fake, settings):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 2
    # Past any budget the editor allows: written straight to the table.
    MessageTemplate.objects.create(key=catalogue.REMINDER, language="en", text="{advice} " * 30)
    audience(cast, 3)
    with time_machine.travel(START, tick=False) as clock:
        alert(cast, catalogue.REMINDER)
        segments = OutboxMessage.objects.first().segments
        assert segments > 2
        # Longer than the bucket: one goes when the bucket is full, then it refills.
        assert sender.run_pass("w").sent == 1
        assert sender.run_pass("w").sent == 0
        clock.shift(timedelta(seconds=segments / 2 + 1))
        assert sender.run_pass("w").sent == 1


def test_it_stops_at_the_daily_cap_until_the_next_day(cast, twilio_fake, settings):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 100
    settings.PORCH_SMS_DAILY_CAP = 5
    audience(cast, 8)
    with time_machine.travel(START, tick=False) as clock:
        alert(cast)
        for _ in range(3):
            sender.run_pass("w")
            clock.shift(timedelta(seconds=30))
        assert states()["sent"] == 5
        clock.shift(timedelta(days=1))
        sender.run_pass("w")
    assert states()["sent"] == 8


def test_it_sends_verified_alerts_ahead_of_routine_reminders(cast, twilio_fake, settings):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 1
    people = audience(cast, 3)
    with time_machine.travel(START, tick=False) as clock:
        routine = alert(cast, catalogue.REMINDER)
        urgent = alert(cast)
        for _ in range(8):
            sender.run_pass("w")
            clock.shift(timedelta(seconds=1))
    keys = [entry["idempotency_key"] for entry in twilio_fake.received]
    first = [key.split("-")[0] for key in keys[:3]]
    assert first == [urgent.code] * 3
    assert {key.split("-")[0] for key in keys[3:]} == {routine.code}
    assert len(keys) == 2 * len(people)


def test_it_backs_off_while_the_gateway_is_down_and_loses_nothing(cast, twilio_fake, settings):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    audience(cast, 20)
    tries = []
    with time_machine.travel(START, tick=False) as clock:
        alert(cast)
        twilio_fake.down()
        # Five minutes of simulated time, a worker pass every second.
        for second in range(300):
            before = len(twilio_fake.requests)
            result = sender.run_pass("w")
            if result.retried:
                tries.append(second)
            assert len(twilio_fake.requests) == before  # down: nothing got through
            clock.shift(timedelta(seconds=1))
        assert states()["sent"] == 0 and states()["failed"] == 0
        twilio_fake.up()
        for _ in range(700):
            sender.run_pass("w")
            if states()["sent"] == 20:
                break
            clock.shift(timedelta(seconds=1))
    # One attempt per backoff step for the whole channel, the gaps doubling.
    gaps = [b - a for a, b in zip(tries, tries[1:], strict=False)]
    assert gaps[:5] == [5, 10, 20, 40, 80]
    assert states() == {"queued": 0, "sending": 0, "sent": 20, "failed": 0}
    assert len({e["idempotency_key"] for e in twilio_fake.received}) == 20
    assert len(twilio_fake.received) == 20


def test_it_respects_retry_after(cast, twilio_fake, settings):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    audience(cast, 2)
    with time_machine.travel(START, tick=False) as clock:
        alert(cast)
        twilio_fake.fail(429, times=1, retry_after=42)
        assert sender.run_pass("w").retried == 1
        first = OutboxMessage.objects.filter(attempts=1).get()
        assert first.next_try_at == START + timedelta(seconds=42)
        assert ChannelPace.objects.get(kind="twilio").paused_until == START + timedelta(seconds=42)
        clock.shift(timedelta(seconds=41))
        assert sender.run_pass("w").sent == 0
        clock.shift(timedelta(seconds=1))
        assert sender.run_pass("w").sent == 2


def test_it_records_a_permanent_failure_and_goes_on(cast, twilio_fake, settings):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    people = audience(cast, 3)
    twilio_fake.invalid_numbers.add(people[1].address)
    alert(cast)
    result = sender.run_pass("w")
    assert (result.sent, result.failed) == (2, 1)
    # The failed row has left the outbox; what is left of it keeps the reason.
    assert not OutboxMessage.objects.exists()
    failed = OutboxOutcome.objects.get(state="failed")
    assert failed.reason == "invalid_number" and failed.provider_ref == ""
    assert states() == {"queued": 0, "sending": 0, "sent": 2, "failed": 1}


def test_it_gives_up_after_the_last_attempt(cast, twilio_fake, settings):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    audience(cast, 1)
    twilio_fake.fail(500)
    with time_machine.travel(START, tick=False) as clock:
        alert(cast)
        for _ in range(sender.MAX_ATTEMPTS):
            sender.run_pass("w")
            clock.shift(timedelta(seconds=sender.BACKOFF_CAP + 1))
    assert not OutboxMessage.objects.exists()
    message = OutboxOutcome.objects.get()
    assert (message.state, message.reason) == ("failed", "http_500")
    assert len(twilio_fake.requests) == sender.MAX_ATTEMPTS


def test_it_reclaims_messages_of_a_worker_that_died_after_the_lease(cast, twilio_fake, settings):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    settings.PORCH_OUTBOX_LEASE_SECONDS = 60
    audience(cast, 5)
    with time_machine.travel(START, tick=False) as clock:
        alert(cast)
        from porch.messaging.channels import get_channel

        claimed = sender.claim("twilio", get_channel("twilio"), "dead-worker")
        assert len(claimed) == 5  # ...and the worker dies here
        assert sender.run_pass("alive").claimed == 0
        clock.shift(timedelta(seconds=61))
        assert sender.run_pass("alive").sent == 5


def test_it_writes_a_batch_in_a_few_queries(
    cast, twilio_fake, settings, django_assert_max_num_queries
):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    audience(cast, 40)
    alert(cast)
    # Claim, render and record 40 messages: never one write per message.
    with django_assert_max_num_queries(60):
        assert sender.run_pass("w").sent == 40


def test_it_does_not_send_to_someone_who_stopped_after_the_broadcast(cast, twilio_fake, settings):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    people = audience(cast, 2)
    alert(cast)
    actions.do_stop_subscriber(people[0])
    sender.run_pass("w")
    assert [e["to"] for e in twilio_fake.received] == [people[1].address]
