"""Signal inbound polling as a periodic job, against the loopback signal-cli-rest-api."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from porch.core import periodic
from porch.messaging import catalogue, polling
from porch.messaging.models import OutboxMessage, Subscriber
from porch.messaging.tests.fakes import SignalFake
from porch.messaging.tests.helpers import active_subscriber

pytestmark = pytest.mark.django_db
NUMBER = "+16122345031"


def test_it_is_a_registered_periodic_job():
    job = periodic.JOBS["messaging.signal_poll"]
    assert job.run is polling.poll_signal
    assert job.every == timedelta(seconds=15)


def test_a_stop_sent_by_signal_is_honoured_and_confirmed_through_the_outbox(cast, signal_fake):
    subscriber = active_subscriber(cast.org_a, NUMBER, cast.zone, "es", medium="signal")
    signal_fake.incoming(NUMBER, "PARAR")
    assert polling.poll_signal() == 1
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.STOPPED
    [reply] = OutboxMessage.objects.filter(subscriber=subscriber)
    assert (reply.template_key, reply.language) == (catalogue.STOP, "es")
    assert signal_fake.requests[-1].path.startswith("/v1/receive/")
    assert polling.poll_signal() == 0  # drained: nothing is routed twice


def test_the_worker_runs_it_under_the_periodic_lease(cast, signal_fake):
    subscriber = active_subscriber(cast.org_a, NUMBER, cast.zone, "en", medium="signal")
    signal_fake.incoming(NUMBER, "STOP")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert "messaging.signal_poll" in periodic.run_due_jobs("worker-1")
        subscriber.refresh_from_db()
        assert subscriber.state == Subscriber.State.STOPPED
        polls = len(signal_fake.requests)
        # Not due again for 15 seconds, whichever worker asks.
        assert "messaging.signal_poll" not in periodic.run_due_jobs("worker-2")
        assert len(signal_fake.requests) == polls
        clock.shift(timedelta(seconds=16))
        assert "messaging.signal_poll" in periodic.run_due_jobs("worker-2")
        assert len(signal_fake.requests) == polls + 1


def test_nothing_is_polled_without_a_signal_account(cast, settings):
    settings.PORCH_SIGNAL_URL = ""
    settings.PORCH_SIGNAL_NUMBER = ""
    assert polling.signal_accounts() == []
    assert polling.poll_signal() == 0


def test_an_organisations_own_account_is_polled_once_beside_the_instances(
    cast, signal_fake, settings
):
    own = SignalFake(number="+16125550177")
    try:
        code = cast.org_b.code.upper()
        settings.PORCH_ORG_CHANNELS = {
            code: {"SIGNAL_URL": own.url, "SIGNAL_NUMBER": own.number},
            # On the instance's own account: that account is not asked twice.
            cast.org_a.code.upper(): {"SIGNAL_PER_SECOND": 2},
        }
        theirs = active_subscriber(cast.org_b, NUMBER, cast.zone_b, "en", medium="signal")
        own.incoming(NUMBER, "STOP")
        signal_fake.incoming("+16122345032", "HELP")
        assert [c for c, _config in polling.signal_accounts()] == [None, code]
        assert polling.poll_signal() == 2
        theirs.refresh_from_db()
        assert theirs.state == Subscriber.State.STOPPED
        assert len([r for r in signal_fake.requests if r.method == "GET"]) == 1
        assert len([r for r in own.requests if r.method == "GET"]) == 1
    finally:
        own.stop()


def test_a_service_that_is_down_is_skipped_without_an_error(cast, signal_fake):
    subscriber = active_subscriber(cast.org_a, NUMBER, cast.zone, "en", medium="signal")
    signal_fake.down()
    assert polling.poll_signal() == 0
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.ACTIVE
