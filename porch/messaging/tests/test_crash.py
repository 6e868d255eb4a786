"""Crash safety with real `porch worker` processes and the loopback Twilio fake.

kill -9 of a worker mid-broadcast, then a restart: every subscriber gets
exactly one message (one idempotency key each; the provider delivers a key
once). Three workers on one broadcast: no duplicates, no losses. Run on
whichever database the suite runs on — CI runs it on PostgreSQL too.
"""

import os
import signal
import subprocess
import time
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from porch.core.testing import build_cast
from porch.core.tests.serving import log_text, spawn
from porch.messaging import actions, catalogue
from porch.messaging.models import OutboxMessage, OutboxOutcome
from porch.messaging.tests.helpers import active_subscriber, numbers

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        host = db["HOST"] or "127.0.0.1"
        return f"postgresql://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def worker_env(fake, *, rate: int, lease: int = 2) -> dict:
    env = dict(os.environ)
    env.update(
        PORCH_ENV="test",
        PORCH_DATABASE_URL=database_url(),
        PORCH_VAULT_KEY_DIR=str(django_settings.PORCH_VAULT_KEY_DIR),
        PORCH_SMS_CHANNEL="twilio",
        PORCH_TWILIO_ACCOUNT_SID=fake.account_sid,
        PORCH_TWILIO_AUTH_TOKEN=fake.auth_token,
        PORCH_TWILIO_FROM=fake.from_number,
        PORCH_TWILIO_BASE_URL=fake.url,
        PORCH_SMS_SEGMENTS_PER_SECOND=str(rate),
        PORCH_OUTBOX_LEASE_SECONDS=str(lease),
        PORCH_WORKER_INTERVAL="0.1",
    )
    return env


def start_worker(env) -> subprocess.Popen:
    return spawn(["worker"], env)


def wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def stop(process) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def broadcast_to(count: int):
    cast = build_cast()
    people = [active_subscriber(cast.org_a, n, cast.zone, "es") for n in numbers(count)]
    alert = actions.do_broadcast(
        [cast.zone], catalogue.ALERT, advice="stay_inside", organisation=cast.org_a, actor=cast.ana
    )
    return people, alert


def keys_by_recipient(fake) -> dict[str, set[str]]:
    keys = defaultdict(set)
    for entry in fake.received:
        keys[entry["to"]].add(entry["idempotency_key"])
    return keys


def all_sent(count: int):
    # A sent row leaves the outbox; what is left of it keeps the provider's id.
    return lambda: OutboxOutcome.objects.filter(state="sent").count() == count


def test_a_worker_killed_mid_broadcast_loses_nothing_and_sends_each_once(twilio_fake):
    people, alert = broadcast_to(60)
    env = worker_env(twilio_fake, rate=15)
    first = start_worker(env)
    try:
        wait_for(lambda: len(twilio_fake.received) >= 15, timeout=60, what="first sends")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop(first)
    at_kill = len(twilio_fake.received)
    assert at_kill < 60, "the worker finished before it could be killed"
    second = start_worker(env)
    try:
        wait_for(all_sent(60), timeout=90, what="the restarted worker to finish")
    finally:
        stop(second)
    keys = keys_by_recipient(twilio_fake)
    assert set(keys) == {p.address for p in people}
    assert all(len(k) == 1 for k in keys.values())
    assert {k for ks in keys.values() for k in ks} == {f"{alert.code}-{p.code}" for p in people}
    # The provider may have seen a key twice (the kill window); it delivers it once.
    assert len(twilio_fake.received) - 60 <= 2 * 15
    assert not OutboxMessage.objects.exists()
    assert alert.counts() == {"queued": 0, "sending": 0, "sent": 60, "failed": 0, "delivered": 0}


def test_three_workers_share_one_broadcast_without_duplicates_or_losses(twilio_fake):
    from porch.core.models import WorkerHeartbeat

    # A lease far longer than any chunk takes on a busy machine: here no
    # worker dies, so no row may ever be taken over.
    env = worker_env(twilio_fake, rate=0, lease=60)
    workers = [start_worker(env) for _ in range(3)]
    try:
        # All three are polling before the broadcast lands (claims take 200 at
        # a time), so none can take the whole queue while the others start up.
        wait_for(
            lambda: WorkerHeartbeat.objects.count() >= 3, timeout=60, what="three workers to start"
        )
        people, alert = broadcast_to(600)
        wait_for(all_sent(600), timeout=120, what="three workers to finish")
    finally:
        for worker in workers:
            stop(worker)
    # Each worker logs one line per message it sent (event names only).
    sent_by = [log_text(worker).count("outcome=sent") for worker in workers]
    assert sum(sent_by) == 600
    assert sum(1 for count in sent_by if count) >= 2  # the work was shared
    assert alert.counts()["sent"] == 600 and not OutboxMessage.objects.exists()
    assert len(twilio_fake.received) == 600  # no duplicates at all
    keys = keys_by_recipient(twilio_fake)
    assert set(keys) == {p.address for p in people}
    assert all(len(k) == 1 for k in keys.values())
