"""The outbox at city scale (issue 4).

    PORCH_VAR_DIR=/tmp/porch-bench-msg .venv/bin/python bench/messaging/bench_outbox.py
    PORCH_VAR_DIR=/tmp/porch-bench-msg .venv/bin/python bench/messaging/bench_outbox.py \
        --database postgresql://postgres@127.0.0.1:5432/porch_bench_msg

SQLite: its own database file under PORCH_VAR_DIR (migrated here;
subscribers from an earlier run are reused). PostgreSQL (--database): a
throwaway database on that server, created here and dropped at the end.

Seeds 100,000 confirmed subscribers in one zone, in the four tier-1
languages, each with its own vault subject and sealed number. Then times:

1. enqueue — actions.do_broadcast(): select the audience, seal the snapshot,
   count segments per language, insert 100,000 outbox rows in one
   transaction (target ≤ 10 s on SQLite). Median of 3 runs.
2. claim-and-mark — sender.run_pass() over those 100,000 rows with a no-op
   channel: claim, open each number from the vault, render each body, record
   (target ≥ 10,000 messages/s). Median of 3 runs (the rows are put back in
   the queue between runs).
3. HTTP send — 5,000 messages through the Twilio channel to the loopback
   Twilio fake with keep-alive and pacing off (target ≥ 500 messages/s).
   Median of 3 runs, a fresh broadcast each.
"""

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "porch.settings")
os.environ.setdefault("PORCH_ENV", "development")

SUBSCRIBERS = 100_000
HTTP_MESSAGES = 5_000
LANGUAGES = ("en", "es", "so", "hmn")


def seed():
    """100,000 subscribers, sealed as do_subscribe seals them, but in bulk."""
    from django.db import transaction

    from porch.accounts.models import User
    from porch.accounts.roles import Role, TrustLevel
    from porch.coalition.models import Coalition, Membership, Organisation, Region, Zone
    from porch.messaging.actions import address_hash
    from porch.messaging.models import Subscriber
    from porch.vault import crypto
    from porch.vault.epochs import current_epoch_key
    from porch.vault.models import Subject, VaultState

    if Subscriber.objects.count() >= SUBSCRIBERS:
        return Organisation.objects.get(name="Bench org"), Zone.objects.get(name="Bench zone")
    with transaction.atomic():
        coalition = Coalition.objects.create(name="Bench coalition", hotline="+1 612 555 0100")
        region = Region.objects.create(coalition=coalition, name="Bench region")
        zone = Zone.objects.create(region=region, name="Bench zone")
        org = Organisation.objects.create(coalition=coalition, name="Bench org")
        user = User.objects.create_user(
            handle="bench-coordinator", status="active", trust_level=TrustLevel.COORDINATOR
        )
        Membership.objects.create(user=user, organisation=org, role=Role.COORDINATOR)
        state = VaultState.locked()
        epoch, epoch_key = current_epoch_key(state)
    step = 10_000
    for start in range(0, SUBSCRIBERS, step):
        with transaction.atomic():
            subjects = []
            for _ in range(step):
                subject = Subject(kind="subscriber", organisation=org, epoch=epoch)
                data_key = crypto.new_key()
                subject.wrapped_key = crypto.wrap_key(
                    epoch_key, data_key, subject=subject.code, epoch=epoch
                )
                subject.__dict__["_data_key"] = data_key
                subjects.append(subject)
            Subject.objects.bulk_create(subjects)
            subscribers = []
            for offset, subject in enumerate(subjects):
                number = f"+1612{2000000 + start + offset:07d}"
                subscribers.append(
                    Subscriber(
                        subject=subject,
                        organisation=org,
                        address=number,
                        address_hash=address_hash(number),
                        language=LANGUAGES[(start + offset) % 4],
                        source=Subscriber.Source.WEB_FORM,
                        state=Subscriber.State.ACTIVE,
                    )
                )
            Subscriber.objects.bulk_create(subscribers)
            through = Subscriber.zones.through
            through.objects.bulk_create(
                [through(subscriber_id=s.pk, zone_id=zone.pk) for s in subscribers]
            )
        print(f"  seeded {start + step:,} subscribers", flush=True)
    return org, zone


def clear_outbox():
    from porch.messaging.models import Broadcast, ChannelPace, OutboxMessage

    OutboxMessage.objects.all().delete()
    Broadcast.objects.all().delete()
    ChannelPace.objects.all().delete()


def bench_enqueue(org, zone) -> list[float]:
    from porch.messaging import actions

    runs = []
    for _ in range(3):
        clear_outbox()
        started = time.perf_counter()
        broadcast = actions.do_broadcast(
            [zone], "alert", advice="stay_inside", organisation=org, actor=None
        )
        runs.append(time.perf_counter() - started)
        assert broadcast.messages.count() == SUBSCRIBERS
    return runs


class NoopChannel:
    """Accepts everything at once: what is left is Porch's own work."""

    kind = "noop"
    segments_per_second = 0
    daily_segment_cap = 0
    replies_inline = False

    def __init__(self):
        self.count = 0

    def send_many(self, messages):
        from porch.messaging.channels.base import sent

        # A provider's message id for each, as every real channel returns:
        # what is left of each sent row keeps it for status callbacks.
        prefix = f"noop-{uuid.uuid4().hex[:8]}-"
        refs = range(self.count, self.count + len(messages))
        self.count += len(messages)
        return [sent(f"{prefix}{n}") for n in refs]

    def close(self):
        pass


def server_cpu() -> float:
    """CPU seconds the PostgreSQL backend serving this connection has used
    (from /proc: the server runs on this machine), 0.0 on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_claim_and_mark(org, zone) -> tuple[float, int]:
    from porch.messaging import actions, channels, sender
    from porch.messaging.models import Broadcast, OutboxMessage

    # A fresh broadcast each run, queued straight onto the no-op channel (as
    # do_broadcast queues onto the configured one); only the sending is timed.
    clear_outbox()
    kind_for = actions.kind_for
    actions.kind_for = lambda medium, **kwargs: "noop"
    try:
        actions.do_broadcast([zone], "alert", advice="stay_inside", organisation=org, actor=None)
    finally:
        actions.kind_for = kind_for
    assert OutboxMessage.objects.filter(channel="noop").count() == SUBSCRIBERS
    original = channels.get_channel

    def get_channel(kind, **kwargs):
        return NoopChannel() if kind == "noop" else original(kind, **kwargs)

    channels.get_channel = get_channel
    try:
        started = time.perf_counter()
        cpu, server = time.process_time(), server_cpu()
        done = 0
        while True:
            result = sender.run_pass("bench", batch=2000)
            if not result.claimed:
                break
            done += result.sent
        elapsed = time.perf_counter() - started
        cpu, server = time.process_time() - cpu, server_cpu() - server
    finally:
        channels.get_channel = original
    assert sum(b.counts()["sent"] for b in Broadcast.objects.all()) == SUBSCRIBERS
    assert not OutboxMessage.objects.exists()
    print(
        f"  claim-and-mark run: {done:,} in {elapsed:.2f} s; CPU: this process {cpu:.2f} s, "
        f"database server {server:.2f} s ({done / (cpu + server):,.0f} msg per CPU second); "
        f"load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    return elapsed, done


def bench_http(org, zone) -> tuple[float, int]:
    from django.conf import settings

    from porch.messaging import actions, sender
    from porch.messaging.models import Broadcast, Subscriber
    from porch.messaging.tests.fakes import TwilioFake

    clear_outbox()
    fake = TwilioFake()
    settings.PORCH_SMS_CHANNEL = "twilio"
    settings.PORCH_TWILIO_ACCOUNT_SID = fake.account_sid
    settings.PORCH_TWILIO_AUTH_TOKEN = fake.auth_token
    settings.PORCH_TWILIO_FROM = fake.from_number
    settings.PORCH_TWILIO_BASE_URL = fake.url
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    # Only the first 5,000 subscribers stay in the zone for this run.
    keep = list(Subscriber.objects.order_by("pk").values_list("pk", flat=True)[:HTTP_MESSAGES])
    Subscriber.objects.exclude(pk__in=keep).update(state=Subscriber.State.STOPPED)
    try:
        actions.do_broadcast([zone], "alert", advice="stay_inside", organisation=org, actor=None)
        started = time.perf_counter()
        while sender.run_pass("bench", batch=1000).claimed:
            pass
        elapsed = time.perf_counter() - started
    finally:
        Subscriber.objects.update(state=Subscriber.State.ACTIVE)
        fake.stop()
    sent = sum(b.counts()["sent"] for b in Broadcast.objects.all())
    assert len(fake.received) == sent == HTTP_MESSAGES, (len(fake.received), sent)
    return elapsed, sent


def rates(label: str, runs: list[tuple[float, int]]) -> None:
    per_second = sorted(done / elapsed for elapsed, done in runs)
    print(
        f"{label}: median {statistics.median(per_second):,.0f}/s "
        f"(runs {', '.join(f'{done:,} in {elapsed:.2f} s' for elapsed, done in runs)}; "
        f"load {os.getloadavg()[0]:.2f})",
        flush=True,
    )


def server_database(url: str, *, create: bool) -> None:
    """Create (or drop) the throwaway PostgreSQL database named in `url`."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("porch_bench"):
        raise SystemExit("--database must name a throwaway database porch_bench…")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        default="",
        help="a postgresql:// URL naming a throwaway database (porch_bench…), "
        "created here and dropped at the end; SQLite under PORCH_VAR_DIR if omitted",
    )
    options = parser.parse_args()
    if options.database:
        server_database(options.database, create=True)
        os.environ["PORCH_DATABASE_URL"] = options.database
    try:
        run()
    finally:
        if options.database:
            from django.db import connections

            connections.close_all()
            server_database(options.database, create=False)


def run() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}", flush=True)
    org, zone = seed()
    runs = bench_enqueue(org, zone)
    print(
        f"enqueue {SUBSCRIBERS:,}: median {statistics.median(runs):.2f} s "
        f"(runs {', '.join(f'{r:.2f}' for r in runs)}; load {os.getloadavg()[0]:.2f})",
        flush=True,
    )
    rates("claim-and-mark (no-op channel)", [bench_claim_and_mark(org, zone) for _ in range(3)])
    rates("HTTP to the Twilio fake", [bench_http(org, zone) for _ in range(3)])


if __name__ == "__main__":
    main()
