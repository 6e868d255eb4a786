"""A surge of hotline reports over loopback HTTP (issue 7): one texted report a
second for ten minutes through a real `porch serve` and `porch worker`;
target dispatch p95 < 1 s, nothing lost.

    python -m bench.response.surge_http [--duration 600] [--database URL]

The in-process version with simulated time is bench/response/surge.py; this
one is the same surge end to end, on 127.0.0.1 only:

- a throwaway database (a SQLite file in a temporary directory, or the
  postgresql:// database named by --database, which this script creates and
  drops: never point it at a database you keep), seeded with surge.py's
  world (12 zones, one organisation, 240 verifiers on shift; each verifier
  has a phone and chose SMS notifications) and a staffed hotline desk (the
  dispatcher signed up to a running desk shift);
- the loopback Twilio fake (porch/messaging/tests/fakes/twilio.py) in this
  process, and Porch configured to send through it
  (PORCH_SMS_CHANNEL=twilio, PORCH_TWILIO_BASE_URL=the fake);
- `porch serve` (gunicorn, the CLI's default worker count) on a free
  loopback port and `porch worker` (outbox, periodic jobs such as
  response.escalate);
- every --interval seconds (default 1) one inbound text `REPORT <zone> …`
  from a distinct sender, POSTed as Twilio does it: form-encoded, with an
  X-Twilio-Signature computed with the configured auth token over the URL
  and the sorted parameters (Twilio's documented algorithm, the fake's
  independent helper), to /messaging/inbound/twilio/; the TwiML reply must
  thank the sender;
- the desk, a thread here with a real signed-in session: it polls the open
  reports (GET /api/v1/response/reports) every --poll seconds and, for each
  new one, triages it "report now" (POST /response/report/<code>/triage/)
  and sends two verifiers (POST /response/report/<code>/dispatch/), as the
  dispatcher's browser would. The API has no triage endpoint, hence the
  web forms.

Dispatch latency of a text = the first Dispatch.asked_at of its report
(read from the database after the run) minus the moment this script began
the webhook POST (same machine, same clock). It includes the webhook, the
desk's polling wait and both desk requests. Texts are matched to reports by
a tag in the text (the sealed report details are read back with the vault
key of the run).

Nothing lost = every text acknowledged 2xx has exactly one report, every
report has at least two dispatches, every dispatch has its `dispatch`
notification queued or already sent, and, after a bounded drain
(--drain seconds), the fake received an SMS for each notification sent.

Bounded: --duration (at most 3600 s) and one text per --interval; the
script stops the server, the worker and the fake it started, and removes
its temporary directory (and database). Loopback only. Exit status is
non-zero when the harness fails, never for a missed target.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.load.run import create_pg, drop_pg, free_port, group_cpu_seconds  # noqa: E402
from porch.core.tests.serving import log_text, spawn  # noqa: E402

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TAG = re.compile(r"\bsurge-(\d{5})\b")
INBOUND_PATH = "/messaging/inbound/twilio/"
MAX_DURATION = 3600.0


def percentile(values, p):
    from bench.response.surge import percentile as pick

    return pick(values, p)


def call(port, method, path, *, cookies=None, body=None, headers=None, timeout=30):
    """One request to 127.0.0.1:port; returns (status, text, seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    head = {"Host": f"127.0.0.1:{port}"}
    if cookies:
        head["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    head.update(headers or {})
    began = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=head)
        response = conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        if cookies is not None:
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    cookies[key] = rest.split(";", 1)[0]
        return response.status, data, time.perf_counter() - began
    finally:
        conn.close()


# ---- Seeding ------------------------------------------------------------------------


def seed(zones: int, verifiers: int, answer_minutes: int | None = None) -> dict:
    """In this process: migrate, build surge.py's world, give the verifiers a
    phone and SMS notifications, staff the hotline desk, sign the desk in."""
    import datetime

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from bench.response.surge import build_world
    from porch.accounts.roles import Role
    from porch.core.testing import sign_in
    from porch.messaging.models import NotificationPreference
    from porch.volunteers.models import Shift, SignUp, Site, Slot

    call_command("migrate", "--noinput", verbosity=0)
    world = build_world(zones=zones, verifiers=verifiers)
    for n, person in enumerate(world.verifiers):
        person.phone = f"+1612555{2000 + n:04d}"
        person.save()
    NotificationPreference.objects.bulk_create(
        NotificationPreference(user=p, medium=NotificationPreference.Medium.SMS)
        for p in world.verifiers
    )
    now, today = timezone.now(), timezone.localdate()
    site = Site.objects.create(
        organisation=world.organisation,
        kind=Site.Kind.HOTLINE_DESK,
        name="Surge hotline desk",
        zone=world.zones[0],
    )
    slot = Slot.objects.create(
        site=site,
        purpose=Slot.Purpose.DESK,
        weekdays="0123456",
        start_time=datetime.time(0, 0),
        end_time=datetime.time(23, 59),
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=1),
        required_role=Role.DISPATCHER,
    )
    shift = Shift.objects.create(
        slot=slot,
        date=today,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=3),
    )
    SignUp.objects.create(shift=shift, volunteer=world.desk)
    if answer_minutes:
        from porch.response.models import ResponseSettings

        ResponseSettings.objects.update_or_create(
            coalition=world.organisation.coalition, defaults={"answer_minutes": answer_minutes}
        )
    client = Client()
    sign_in(client, world.desk)
    return {
        "zones": [z.name for z in world.zones],
        "cookies": {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value
        },
        "organisation_pk": world.organisation.pk,
    }


# ---- The texts ----------------------------------------------------------------------


def send_texts(port, zones, *, count, interval, rng, auth_token, account_sid, to):
    """One signed inbound webhook every `interval` s; returns one row per text."""
    from porch.messaging.tests.fakes.twilio import twilio_signature

    url = f"http://127.0.0.1:{port}{INBOUND_PATH}"
    rows = []
    start = time.monotonic()
    for i in range(count):
        due = start + i * interval
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        params = {
            "AccountSid": account_sid,
            "ApiVersion": "2010-04-01",
            "Body": f"REPORT {rng.choice(zones)} two vans, agents at doors surge-{i:05d}",
            "From": f"+1651555{1000 + i % 8000:04d}",
            "MessageSid": "SM" + secrets.token_hex(16),
            "NumMedia": "0",
            "NumSegments": "1",
            "SmsSid": "",
            "SmsStatus": "received",
            "To": to,
        }
        params["SmsSid"] = params["MessageSid"]
        body = urlencode(params)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": twilio_signature(auth_token, url, params),
            "User-Agent": "TwilioProxy/1.1",
        }
        sent_at = time.time()
        try:
            status, text, seconds = call(port, "POST", INBOUND_PATH, body=body, headers=headers)
            error = ""
        except OSError as exc:
            status, text, seconds, error = 0, "", 0.0, type(exc).__name__
        rows.append(
            {
                "i": i,
                "sent_at": sent_at,
                "status": status,
                "thanked": "<Message>Thank you" in text,
                "seconds": seconds,
                "error": error,
            }
        )
    return rows


# ---- The desk -----------------------------------------------------------------------


class Desk(threading.Thread):
    """The dispatcher's browser: poll the open reports, triage and dispatch."""

    def __init__(self, port, cookies, poll):
        super().__init__(daemon=True)
        self.port, self.cookies, self.poll = port, dict(cookies), poll
        self.stop = threading.Event()
        self.done: set[str] = set()
        self.tries: dict[str, int] = {}
        self.errors: list[str] = []
        self.token = ""
        self.requests = 0

    def _post(self, path, form):
        body = urlencode({"csrfmiddlewaretoken": self.token, **form})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{self.port}{path}",
        }
        self.requests += 1
        status, _text, _s = call(
            self.port, "POST", path, cookies=self.cookies, body=body, headers=headers
        )
        return status

    def handle(self, code):
        if not self.token:
            self.requests += 1
            status, page, _s = call(
                self.port, "GET", f"/response/report/{code}/", cookies=self.cookies
            )
            found = TOKEN.search(page)
            if status != 200 or not found:
                raise RuntimeError(f"report page answered {status} without a form token")
            self.token = found.group(1)
        base = f"/response/report/{code}/"
        status = self._post(base + "triage/", {"status": "report_now", "reason": "surge bench"})
        if status != 302:
            raise RuntimeError(f"triage answered {status}")
        status = self._post(base + "dispatch/", {})
        if status != 302:
            raise RuntimeError(f"dispatch answered {status}")

    def run(self):
        while not self.stop.is_set():
            began = time.monotonic()
            try:
                self.requests += 1
                status, text, _s = call(
                    self.port, "GET", "/api/v1/response/reports", cookies=self.cookies
                )
                rows = json.loads(text) if status == 200 else []
                if status != 200:
                    self.errors.append(f"reports list answered {status}")
            except (OSError, ValueError) as exc:
                self.errors.append(f"reports list: {type(exc).__name__}")
                rows = []
            for row in sorted(rows, key=lambda r: r["code"]):
                code = row["code"]
                if code in self.done or row["status"] != "new" or self.tries.get(code, 0) >= 3:
                    continue
                self.tries[code] = self.tries.get(code, 0) + 1
                try:
                    self.handle(code)
                    self.done.add(code)
                except (OSError, RuntimeError) as exc:
                    self.errors.append(f"{code}: {exc}")
            self.stop.wait(max(0.0, self.poll - (time.monotonic() - began)))


# ---- Processes ----------------------------------------------------------------------


def start(args, env):
    # stderr to a file, never a pipe nobody reads: a full pipe blocked the
    # worker after five minutes (serving.spawn).
    return spawn(args, env)


def wait_ready(server, port, timeout=90):
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"porch serve exited: {log_text(server, 3000)!r}")
        try:
            if call(port, "GET", "/", timeout=5)[0] < 500:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("porch serve did not answer in time")
        time.sleep(0.2)


def stop(proc):
    if proc is None:
        return ""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    tail = log_text(proc, 2000)
    proc.log.close()
    return tail


# ---- Checks -------------------------------------------------------------------------


def outstanding(organisation_pk):
    """(reports, reports without a dispatch, notifications still in the outbox)."""
    from django.db import connections

    from porch.messaging.models import OutboxMessage
    from porch.response.models import Report

    connections.close_all()
    reports = Report.objects.filter(organisation_id=organisation_pk)
    return (
        reports.count(),
        reports.filter(dispatches__isnull=True).count(),
        OutboxMessage.objects.filter(template_key="dispatch").count(),
    )


def analyse(rows, organisation_pk, fake):
    from django.db import connections

    from porch.messaging.models import OutboxMessage, OutboxOutcome
    from porch.response.models import Dispatch, Report

    connections.close_all()
    acknowledged = {r["i"]: r for r in rows if 200 <= r["status"] < 300}
    reports = list(Report.objects.filter(organisation_id=organisation_pk))
    by_text: dict[int, list] = {}
    for report in reports:
        found = TAG.search(report.details or "")
        if found:
            by_text.setdefault(int(found.group(1)), []).append(report)
    first = {}
    per_report = {}
    dispatches = list(Dispatch.objects.filter(report__organisation_id=organisation_pk))
    for d in dispatches:
        per_report[d.report_id] = per_report.get(d.report_id, 0) + 1
        if d.report_id not in first or d.asked_at < first[d.report_id]:
            first[d.report_id] = d.asked_at
    latencies, undispatched = [], 0
    for i, row in acknowledged.items():
        made = by_text.get(i, [])
        if len(made) != 1 or made[0].pk not in first:
            undispatched += 1
            continue
        latencies.append(first[made[0].pk].timestamp() - row["sent_at"])
    keys = {
        f"u-{code}-dispatch-{dcode}"
        for code, dcode in Dispatch.objects.filter(
            report__organisation_id=organisation_pk
        ).values_list("verifier__code", "code")
    }
    queued = set(
        OutboxMessage.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )
    outcomes = dict(
        OutboxOutcome.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", "state"
        )
    )
    at_fake = {e["idempotency_key"] for e in fake.received} & keys
    sent_keys = {k for k, state in outcomes.items() if state == "sent" or state == "delivered"}
    checks = {
        "texts": len(rows),
        "acknowledged_2xx": len(acknowledged),
        "thanked": sum(1 for r in acknowledged.values() if r["thanked"]),
        "reports": len(reports),
        "texts_with_one_report": sum(1 for i in acknowledged if len(by_text.get(i, [])) == 1),
        "reports_with_two_dispatches": sum(1 for r in reports if per_report.get(r.pk, 0) >= 2),
        "dispatches": len(dispatches),
        "notifications_queued": len(queued),
        "notifications_done": len(outcomes),
        "notifications_sent": len(sent_keys),
        "sms_at_fake": len(at_fake),
    }
    checks["nothing_lost"] = (
        checks["acknowledged_2xx"] == checks["texts"]
        and checks["thanked"] == checks["acknowledged_2xx"]
        and checks["texts_with_one_report"] == checks["acknowledged_2xx"]
        and checks["reports"] == checks["acknowledged_2xx"]
        and checks["reports_with_two_dispatches"] == checks["reports"]
        and len(keys) == checks["dispatches"]
        and len(queued | set(outcomes)) == checks["dispatches"]
        and sent_keys <= at_fake
    )
    return latencies, undispatched, checks, outcomes


# ---- Main ---------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=600.0)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between texts")
    parser.add_argument(
        "--answer-minutes", type=int, default=None,
        help="the coalition's answer time (default: the instance's, 5 minutes)",
    )  # fmt: skip
    parser.add_argument("--database", default="", help="postgresql://… (created and dropped)")
    parser.add_argument("--poll", type=float, default=0.25, help="the desk's polling period")
    parser.add_argument(
        "--sms-rate", type=int, default=3,
        help="PORCH_SMS_SEGMENTS_PER_SECOND (3: a toll-free number)",
    )  # fmt: skip
    parser.add_argument("--drain", type=float, default=180.0, help="max wait for the outbox")
    parser.add_argument("--zones", type=int, default=12)
    parser.add_argument("--verifiers", type=int, default=240)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", default="", help="also write the result to this file")
    args = parser.parse_args(argv)
    if not 0 < args.duration <= MAX_DURATION or args.interval < 0.05:
        parser.error(f"--duration must be in (0, {MAX_DURATION:g}] and --interval >= 0.05")
    count = int(args.duration / args.interval)

    import random

    from porch.messaging.tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, TwilioFake

    fake = TwilioFake()
    tmp = Path(tempfile.mkdtemp(prefix="porch-surge-http-"))
    url = args.database or f"sqlite:///{tmp / 'surge.sqlite3'}"
    label = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    os.environ.update(
        {
            "PORCH_ENV": "test",
            "PORCH_DATABASE_URL": url,
            "PORCH_VAR_DIR": str(tmp),
            "PORCH_VAULT_KEY_DIR": str(tmp / "keys"),
            "PORCH_SECRET_KEY": secrets.token_urlsafe(40),
            "DJANGO_SETTINGS_MODULE": "porch.settings",
            "PORCH_SMS_CHANNEL": "twilio",
            "PORCH_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "PORCH_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "PORCH_TWILIO_FROM": FROM_NUMBER,
            "PORCH_TWILIO_BASE_URL": fake.url,
            "PORCH_SMS_SEGMENTS_PER_SECOND": str(args.sms_rate),
        }
    )
    for name in ("PORCH_PUBLIC_URL", "PORCH_DEMO", "PORCH_WEB_WORKERS"):
        os.environ.pop(name, None)
    server = worker = desk = None
    try:
        if label == "PostgreSQL":
            create_pg(url)
        began = time.monotonic()
        world = seed(args.zones, args.verifiers, args.answer_minutes)
        print(f"seeded in {time.monotonic() - began:.1f} s ({label})", flush=True)
        from django.db import connections

        connections.close_all()
        port = free_port()
        server = start(["serve"], {**os.environ, "PORCH_BIND": f"127.0.0.1:{port}"})
        worker = start(["worker"], dict(os.environ))
        wait_ready(server, port)
        load_before = os.getloadavg()
        serve_before, worker_before = group_cpu_seconds(server.pid), group_cpu_seconds(worker.pid)
        desk = Desk(port, world["cookies"], args.poll)
        desk.start()
        wall0 = time.monotonic()
        rows = send_texts(
            port,
            world["zones"],
            count=count,
            interval=args.interval,
            rng=random.Random(args.seed),
            auth_token=AUTH_TOKEN,
            account_sid=ACCOUNT_SID,
            to=FROM_NUMBER,
        )
        sending = time.monotonic() - wall0
        load_end = os.getloadavg()
        # Bounded: the desk finishes the last reports, the worker the outbox.
        deadline = time.monotonic() + args.drain
        while time.monotonic() < deadline:
            made, waiting, queued = outstanding(world["organisation_pk"])
            if (
                made >= sum(1 for r in rows if 200 <= r["status"] < 300)
                and not waiting
                and not queued
            ):
                break
            time.sleep(1.0)
        drained = time.monotonic() - wall0 - sending
        desk.stop.set()
        desk.join(timeout=30)
        serve_cpu = group_cpu_seconds(server.pid) - serve_before
        worker_cpu = group_cpu_seconds(worker.pid) - worker_before
        cpu = serve_cpu + worker_cpu
        server_tail, worker_tail = stop(server), stop(worker)
        server = worker = None
        latencies, undispatched, checks, _outcomes = analyse(rows, world["organisation_pk"], fake)
        webhook = sorted(r["seconds"] for r in rows if r["status"])
        errors = [r for r in rows if not 200 <= r["status"] < 300]
        result = {
            "database": label,
            "texts": len(rows),
            "interval_s": args.interval,
            "sending_s": round(sending, 1),
            "drain_s": round(drained, 1),
            "latency_ms": {
                "p50": round(1000 * statistics.median(latencies)) if latencies else None,
                "p95": round(1000 * percentile(latencies, 95)) if latencies else None,
                "p99": round(1000 * percentile(latencies, 99)) if latencies else None,
                "worst": round(1000 * max(latencies)) if latencies else None,
            },
            "webhook_ms": {
                "p50": round(1000 * statistics.median(webhook)) if webhook else None,
                "p95": round(1000 * percentile(webhook, 95)) if webhook else None,
                "worst": round(1000 * max(webhook)) if webhook else None,
            },
            "texts_without_dispatch": undispatched,
            "webhook_errors": len(errors),
            "webhook_error_kinds": sorted({f"{r['status']} {r['error']}".strip() for r in errors}),
            "desk_requests": desk.requests,
            "desk_errors": desk.errors[:10],
            "desk_error_count": len(desk.errors),
            "cpu_serve_worker_s": round(cpu, 1),
            "cpu_serve_s": round(serve_cpu, 1),
            "cpu_worker_s": round(worker_cpu, 1),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_end_of_sending": [round(x, 2) for x in load_end],
            "checks": checks,
        }
        lat, hook = result["latency_ms"], result["webhook_ms"]
        print(
            f"{label}: {len(rows)} texts, one every {args.interval:g} s "
            f"({sending:.0f} s of sending, {drained:.0f} s of drain)"
        )
        print(
            f"dispatch latency (webhook sent -> first dispatch): p50 {lat['p50']} ms, "
            f"p95 {lat['p95']} ms, p99 {lat['p99']} ms, worst {lat['worst']} ms "
            f"(target p95 < 1000 ms: "
            f"{'met' if lat['p95'] is not None and lat['p95'] < 1000 else 'missed'})"
        )
        print(
            f"webhook answer: p50 {hook['p50']} ms, p95 {hook['p95']} ms, worst {hook['worst']} ms"
        )
        print(
            f"errors: webhook {len(errors)} {result['webhook_error_kinds']}, "
            f"desk {len(desk.errors)} {desk.errors[:3]}, texts without a dispatch {undispatched}"
        )
        print(
            f"CPU of porch serve + porch worker: {cpu:.1f} s ({serve_cpu:.1f} s + "
            f"{worker_cpu:.1f} s); load average before "
            f"{load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f}, at the end of "
            f"sending {load_end[0]:.2f}/{load_end[1]:.2f}/{load_end[2]:.2f} (2 cores)"
        )
        print("checks: " + ", ".join(f"{k} {v}" for k, v in checks.items()))
        if not checks["nothing_lost"]:
            print("server stderr tail: " + server_tail[-800:])
            print("worker stderr tail: " + worker_tail[-800:])
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2))
        return 0
    finally:
        if desk is not None:
            desk.stop.set()
        stop(server)
        stop(worker)
        fake.stop()
        if label == "PostgreSQL":
            try:
                from django.db import connections

                connections.close_all()
            except Exception:
                pass
            drop_pg(url)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
