"""Load test (issue 9 item 3, R50): 200 volunteers and 20 dispatchers against
a real `porch serve` (gunicorn, the CLI's default worker count) on loopback.

    python -m bench.load.run [--duration 60] [--database URL]

Seeds a throwaway database (the demo city, plus the simulated people, slots
and open delivery runs), starts `porch serve` on a free 127.0.0.1 port, then
runs every simulated person in its own thread for --duration seconds with
think time between requests. Prints requests/s, p50/p95/p99 per endpoint and
overall, and the error rate (5xx, connection failures, and statuses the
endpoint should not give). Exit status is non-zero only when the harness
itself fails, never for a missed target (p95 < 500 ms, errors < 0.1 %).

--database defaults to a SQLite file in a temporary directory; a
postgresql:// URL names a database this script creates and drops (never
point it at a database you keep)."""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlparse

from porch.core.tests.serving import log_text, spawn

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VOLUNTEERS, DISPATCHERS = 200, 20
TARGET_P95_MS, TARGET_ERRORS = 500, 0.001


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---- Database --------------------------------------------------------------------------


def create_pg(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if name in ("porch", "postgres", "") or not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"refusing to create/drop database {name!r}")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def drop_pg(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def seed(volunteers: int, dispatchers: int, runs: int, city_volunteers: int | None = None) -> dict:
    """In this process (Django set up on the bench env): migrate, seed the demo
    city and the simulated people; returns what the threads need."""
    import django

    django.setup()
    from django.core.management import call_command

    from porch.coalition import demo
    from porch.coalition.models import Organisation, Zone

    call_command("migrate", "--noinput", verbosity=0)
    demo.seed(volunteers=demo.DEFAULT_VOLUNTEERS if city_volunteers is None else city_volunteers)
    kitchen = Organisation.objects.get(name=demo.CITY_WIDE["kitchen"].name)
    desk = Organisation.objects.get(name=demo.CITY_WIDE["response"].name)
    zone = Zone.objects.order_by("pk").first()
    return populate(kitchen, desk, zone, volunteers, dispatchers, runs)


def populate(kitchen, desk, zone, volunteers: int, dispatchers: int, runs: int) -> dict:
    """The simulated people (signed-in sessions), school slots and open runs
    in `kitchen`, dispatchers at `desk` (also intake at `kitchen`); returns
    what the threads need. Also used by porch/core/tests/test_fault.py."""
    import datetime

    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from porch.accounts.roles import Role
    from porch.aid.forms import RequestForm
    from porch.aid.models import DeliveryRun
    from porch.aid.tests.fixtures import hub_for, make_run
    from porch.coalition.models import Membership
    from porch.core.testing import make_member, sign_in
    from porch.response.forms import CallForm
    from porch.volunteers.models import Site, Slot

    today = timezone.localdate()
    slots = []
    for k in range(10):
        site = Site.objects.create(
            organisation=kitchen, kind=Site.Kind.SCHOOL, name=f"Load school {k}"
        )
        slots.append(
            Slot.objects.create(
                site=site,
                purpose=Slot.Purpose.DROP_OFF,
                weekdays="0123456",
                start_time=datetime.time(7 + k % 10, 0),
                end_time=datetime.time(7 + k % 10, 45),
                starts_on=today,
                ends_on=today + datetime.timedelta(days=60),
                min_staff=1,
                max_staff=40,
            ).code
        )
    hub = hub_for(kitchen, zone, name="Load hub")
    open_runs = [make_run(kitchen, zone, hub=hub).code for _ in range(runs)]
    assert DeliveryRun.objects.filter(status=DeliveryRun.Status.OPEN).count() >= runs

    def session(user) -> dict:
        client = Client()
        sign_in(client, user)
        return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}

    people = []
    for k in range(volunteers):
        roles = [Role.VOLUNTEER] + ([Role.DRIVER] if k % 4 == 0 else [])
        user = make_member(f"load-volunteer-{k}", kitchen, *roles)
        people.append({"kind": "volunteer", "driver": k % 4 == 0, "cookies": session(user)})
    for k in range(dispatchers):
        user = make_member(f"load-dispatcher-{k}", desk, Role.DISPATCHER)
        Membership.objects.create(user=user, organisation=kitchen, role=Role.INTAKE)
        people.append({"kind": "dispatcher", "driver": False, "cookies": session(user)})

    report = fill(CallForm(), intersection="Cedar and 5th", details="Two cars by the school.")
    aid_request = fill(RequestForm(), cross_streets="Cedar and 5th", household_size="3")
    return {
        "kitchen": kitchen.code,
        "desk": desk.code,
        "slots": slots,
        "runs": open_runs,
        "people": people,
        "report": report,
        "aid_request": aid_request,
        "today": today.isoformat(),
    }


def fill(form, **given) -> dict:
    """A valid POST body for `form`: the given values, else each field's
    initial or first choice; optional free-text fields stay empty."""
    from django import forms as f

    body: dict = {}
    for name, field in form.fields.items():
        if name in given:
            body[name] = given[name]
        elif isinstance(field, f.ModelChoiceField):
            body[name] = str(field.prepare_value(field.queryset.order_by("pk").first()))
        elif isinstance(field, f.MultipleChoiceField):
            body[name] = [str(field.choices[0][0])]
        elif isinstance(field, f.ChoiceField):
            values = [str(c[0]) for c in field.choices if str(c[0]) and field.valid_value(c[0])]
            initial = form.get_initial_for_field(field, name)
            body[name] = str(initial) if initial not in (None, "") else values[0]
    return body


# ---- HTTP ------------------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)  # endpoint → seconds
        self.errors = defaultdict(int)
        self.statuses = defaultdict(lambda: defaultdict(int))

    def add(self, endpoint, seconds, status, ok):
        with self.lock:
            self.times[endpoint].append(seconds)
            self.statuses[endpoint][status] += 1
            if not ok:
                self.errors[endpoint] += 1


def call(port, method, path, cookies, body=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        head = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if body is not None:
            head["Content-Type"] = "application/x-www-form-urlencoded"
            head["Referer"] = f"http://127.0.0.1:{port}{path}"
        conn.request(method, path, body=body, headers=head)
        response = conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key] = rest.split(";", 1)[0]
        return response.status, data
    finally:
        conn.close()


class Person(threading.Thread):
    def __init__(self, port, world, person, stats, stop_at, rng, think):
        super().__init__(daemon=True)
        self.port, self.world, self.p, self.stats = port, world, person, stats
        self.stop_at, self.rng, self.think = stop_at, rng, think
        self.cookies = dict(person["cookies"])
        self.call = call  # bench/load/profile.py calls in process instead
        self.token = None

    def hit(self, endpoint, method, path, ok=(200,), form=None):
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.token or ""}, doseq=True)
        start = time.perf_counter()
        try:
            status, html = self.call(self.port, method, path, self.cookies, body)
        except (OSError, http.client.HTTPException) as error:
            # Refused, reset, or cut off mid-answer (a killed server): an error.
            self.stats.add(endpoint, time.perf_counter() - start, type(error).__name__, False)
            return None
        self.stats.add(endpoint, time.perf_counter() - start, status, status in ok)
        if status not in ok and os.environ.get("BENCH_LOAD_DEBUG"):
            print(endpoint, status, re.findall(r'class="[^"]*error[^"]*"[^>]*>(.{0,200})', html))
        found = TOKEN.search(html) if status == 200 else None
        if found:
            self.token = found.group(1)
        return status

    def volunteer(self):
        w, r = self.world, self.rng
        pick = r.random()
        if pick < 0.25:
            self.hit("GET /", "GET", "/")
        elif pick < 0.45:
            self.hit("GET /volunteers/", "GET", "/volunteers/")
        elif pick < 0.65:
            slot = r.choice(w["slots"])
            if self.hit("GET /volunteers/slots/<c>/", "GET", f"/volunteers/slots/{slot}/") == 200:
                day = self.day(r.randint(1, 50))
                # 302 signed up; 200/400 a clear refusal (full, overlap).
                self.hit(
                    "POST /volunteers/slots/<c>/signup/", "POST",
                    f"/volunteers/slots/{slot}/signup/", ok=(302, 200, 400), form={"day": day},
                )  # fmt: skip
        elif pick < 0.80 and not self.p["driver"]:
            self.hit("GET /", "GET", "/")
        elif pick < 0.80:
            if self.hit("GET /aid/", "GET", "/aid/") == 200 and r.random() < 0.3:
                run = r.choice(w["runs"])
                if self.hit("GET /aid/runs/<c>/", "GET", f"/aid/runs/{run}/", ok=(200, 404)) == 200:
                    # 302 won; 404/409 someone else was first (R46).
                    self.hit(
                        "POST /aid/runs/<c>/claim/", "POST", f"/aid/runs/{run}/claim/",
                        ok=(302, 404, 409), form={},
                    )  # fmt: skip
        elif pick < 0.90:
            self.hit("GET /messaging/notifications/", "GET", "/messaging/notifications/")
        else:
            self.hit("GET /volunteers/availability/", "GET", "/volunteers/availability/")

    def dispatcher(self):
        w, r = self.world, self.rng
        pick = r.random()
        if pick < 0.35:
            self.hit("GET /response/", "GET", "/response/")
        elif pick < 0.55:
            path = f"/response/org/{w['desk']}/report/"
            if self.hit("GET /response/org/<c>/report/", "GET", path) == 200:
                self.hit(
                    "POST /response/org/<c>/report/", "POST", path, ok=(302,), form=w["report"]
                )
        elif pick < 0.75:
            path = f"/aid/orgs/{w['kitchen']}/requests/new/"
            if self.hit("GET /aid/orgs/<c>/requests/new/", "GET", path) == 200:
                number = f"+1612555{self.rng.randint(0, 9999):04d}"
                form = {**w["aid_request"], "callback_number": number}
                self.hit("POST /aid/orgs/<c>/requests/new/", "POST", path, ok=(302,), form=form)
        elif pick < 0.85:
            self.hit("GET /aid/", "GET", "/aid/")
        elif pick < 0.95:
            self.hit("GET /messaging/notifications/", "GET", "/messaging/notifications/")
        else:
            self.hit("GET /", "GET", "/")

    def day(self, ahead):
        import datetime

        return (
            datetime.date.fromisoformat(self.world["today"]) + datetime.timedelta(ahead)
        ).isoformat()

    def run(self):
        # Spread the arrivals over the first think interval.
        time.sleep(self.rng.uniform(0, self.think[1]))
        act = self.volunteer if self.p["kind"] == "volunteer" else self.dispatcher
        while time.monotonic() < self.stop_at:
            act()
            time.sleep(self.rng.uniform(*self.think))


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU of every live process in process group `pgid` (the
    server: gunicorn's arbiter and workers), from /proc; 0.0 without /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state ppid pgrp session ... utime(12) stime(13).
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def percentile(sorted_values, q):
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def report(stats: Stats, seconds: float) -> dict:
    rows = {}
    every = []
    for endpoint, times in sorted(stats.times.items()):
        values = sorted(times)
        every += values
        rows[endpoint] = {
            "requests": len(values),
            "errors": stats.errors[endpoint],
            "p50_ms": round(1000 * percentile(values, 0.50), 1),
            "p95_ms": round(1000 * percentile(values, 0.95), 1),
            "p99_ms": round(1000 * percentile(values, 0.99), 1),
            "statuses": {str(k): v for k, v in stats.statuses[endpoint].items()},
        }
    every.sort()
    errors = sum(stats.errors.values())
    overall = {
        "requests": len(every),
        "errors": errors,
        "error_rate": errors / len(every) if every else 0.0,
        "requests_per_s": round(len(every) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(1000 * percentile(every, 0.50), 1),
        "p95_ms": round(1000 * percentile(every, 0.95), 1),
        "p99_ms": round(1000 * percentile(every, 0.99), 1),
    }
    return {"overall": overall, "endpoints": rows}


def print_report(result: dict, label: str) -> None:
    o = result["overall"]
    print(f"\n== Load: {label}")
    print(f"{'endpoint':40} {'n':>6} {'err':>4} {'p50':>7} {'p95':>7} {'p99':>7}  ms")
    for name, row in result["endpoints"].items():
        print(
            f"{name:40} {row['requests']:6d} {row['errors']:4d} "
            f"{row['p50_ms']:7.1f} {row['p95_ms']:7.1f} {row['p99_ms']:7.1f}"
        )
    print(
        f"{'overall':40} {o['requests']:6d} {o['errors']:4d} "
        f"{o['p50_ms']:7.1f} {o['p95_ms']:7.1f} {o['p99_ms']:7.1f}"
    )
    met = o["p95_ms"] < TARGET_P95_MS and o["error_rate"] < TARGET_ERRORS
    print(
        f"throughput {o['requests_per_s']} req/s, error rate {100 * o['error_rate']:.3f} %; "
        f"R50 target (p95 < {TARGET_P95_MS} ms, errors < 0.1 %): {'met' if met else 'MISSED'}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"server CPU per request: {o.get('server_cpu_ms_per_request', 0.0)} ms (porch serve)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--database", default="", help="postgresql://… (created and dropped)")
    parser.add_argument("--volunteers", type=int, default=VOLUNTEERS)
    parser.add_argument("--dispatchers", type=int, default=DISPATCHERS)
    parser.add_argument("--runs", type=int, default=60, help="open delivery runs to claim")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"))
    parser.add_argument("--json", default="", help="also write the report to this file")
    parser.add_argument("--seed", type=int, default=50)
    parser.add_argument(
        "--city-volunteers", type=int, default=None,
        help="volunteers in the demo city (default: the demo's 2,000; the smoke test: fewer)",
    )  # fmt: skip
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="porch-load-"))
    url = args.database or f"sqlite:///{tmp / 'load.sqlite3'}"
    label = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    env = {
        "PORCH_ENV": "test",
        "PORCH_DEMO": "true",
        "PORCH_DATABASE_URL": url,
        "PORCH_VAR_DIR": str(tmp),
        "PORCH_VAULT_KEY_DIR": str(tmp / "keys"),
        "PORCH_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_SETTINGS_MODULE": "porch.settings",
    }
    os.environ.update(env)
    server = None
    try:
        if label == "PostgreSQL":
            create_pg(url)
        started = time.monotonic()
        world = seed(args.volunteers, args.dispatchers, args.runs, args.city_volunteers)
        print(f"seeded in {time.monotonic() - started:.1f} s ({label})", flush=True)
        from django.db import connections

        connections.close_all()
        port = free_port()
        server_env = {**os.environ, "PORCH_BIND": f"127.0.0.1:{port}"}
        server_env.pop("PORCH_WEB_WORKERS", None)  # the CLI's default
        server_env.pop("PORCH_DEMO", None)
        server = spawn(["serve"], server_env)  # stderr to a file, never a full pipe
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"porch serve exited: {log_text(server, 3000)!r}")
            try:
                if call(port, "GET", "/", {})[0] < 500:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("porch serve did not answer in time")
            time.sleep(0.2)
        stats = Stats()
        master = random.Random(args.seed)
        stop_at = time.monotonic() + args.duration
        people = [
            Person(port, world, p, stats, stop_at, random.Random(master.random()), args.think)
            for p in world["people"]
        ]
        began = time.monotonic()
        server_cpu = group_cpu_seconds(server.pid)
        for person in people:
            person.start()
        for person in people:
            person.join(timeout=args.duration + 120)
        if any(person.is_alive() for person in people):
            raise RuntimeError("simulated people did not finish")
        server_cpu = group_cpu_seconds(server.pid) - server_cpu
        result = report(stats, time.monotonic() - began)
        served = result["overall"]["requests"]
        # CPU the server spent per request: unlike latency, it hardly depends
        # on what else the machine runs (PostgreSQL's own CPU is not in it).
        result["overall"]["server_cpu_ms_per_request"] = (
            round(1000 * server_cpu / served, 1) if served else 0.0
        )
        result["database"] = label
        result["duration_s"] = args.duration
        result["load_average"] = os.getloadavg()
        print_report(result, f"{label}, {args.duration:g} s, {len(people)} people")
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2))
        if result["overall"]["requests"] == 0:
            raise RuntimeError("no requests were made")
        return 0
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        if server is not None:
            server.log.close()
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
