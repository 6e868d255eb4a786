"""A surge of hotline reports (issue 7): one report a second for ten minutes,
dispatch p95 < 1 s, nothing lost.

    PORCH_VAR_DIR=/tmp/porch-bench-surge .venv/bin/python -m bench.response.surge
    PORCH_VAR_DIR=/tmp/porch-bench-surge-pg \
      PORCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/porch_bench_surge \
      .venv/bin/python -m bench.response.surge        # after: createdb porch_bench_surge

Bounded, in-process, on the action path with simulated time (no network): its
own database (migrated here), one coalition with 12 zones, one organisation
with a dispatcher and 240 verifiers on shift across the zones. Report i
arrives at virtual second i as an inbound text `REPORT <zone> …` through the
keyword router (porch.messaging.keywords.route → response.sms.report →
do_take_report), the desk triages it "report now" and sends two verifiers
(do_dispatch_verifiers, with its notifications queued on commit). Then each
verifier asked answers (accept, or decline for one in four, which asks the
next), and every virtual minute the escalation job runs. The clock
(time_machine) moves one second per report; the wall time each step really
took is measured.

Dispatch latency of a report = the wait for the one desk worker (a queue:
the worker is busy with earlier reports, answers and escalations for as long
as they really took) + the wall time of its intake, triage and dispatch.
So if the work of one second took longer than a second, later reports queue
and their latency shows it. Reported: p50, p95 and worst latency, the CPU
time of this process, the load average; and the checks that nothing was
lost: every text answered with the thank-you, a report per text, two
dispatches per report, a queued notification per dispatch, a debrief per
report.
"""

import argparse
import datetime
import math
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "porch.settings")
os.environ.setdefault("PORCH_ENV", "development")

ZONES = 12
VERIFIERS = 240
COALITION = "Surge bench coalition"


@dataclass
class World:
    organisation: object
    desk: object
    zones: list
    verifiers: list = field(default_factory=list)


def build_world(*, zones: int = ZONES, verifiers: int = VERIFIERS, seed: int = 2026) -> World:
    """A coalition, one organisation, its dispatcher and verifiers on shift now."""
    from django.db import transaction
    from django.utils import timezone

    from porch.accounts.models import User
    from porch.accounts.roles import Role, TrustLevel
    from porch.coalition.models import Coalition, Membership, Organisation, Region, Zone
    from porch.volunteers.models import Shift, SignUp, Site, Slot

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        coalition = Coalition.objects.create(name=COALITION)
        region = Region.objects.create(coalition=coalition, name="Surge city")
        organisation = Organisation.objects.create(coalition=coalition, name="Surge network")
        made = [
            Zone.objects.create(
                region=region,
                name=f"Surge Zone {n:02d}",
                centroid_lat=44.9 + (n // 4) * 0.01,
                centroid_lon=-93.3 + (n % 4) * 0.014,
            )
            for n in range(zones)
        ]
        desk = User.objects.create_user(
            handle="surge-desk",
            status=User.Status.ACTIVE,
            trust_level=TrustLevel.DISPATCHER,
            trusted_on=today,
        )
        Membership.objects.create(user=desk, organisation=organisation, role=Role.DISPATCHER)
        people = User.objects.bulk_create(
            User(
                handle=f"surge-verifier-{n:04d}",
                code=f"SV{n:08d}",
                password="!",
                status=User.Status.ACTIVE,
                trust_level=rng.choice([20, 30, 40]),
                language=rng.choice(["en", "es", "so", "hmn"]),
                trusted_on=today,
            )
            for n in range(verifiers)
        )
        Membership.objects.bulk_create(
            Membership(user=p, organisation=organisation, role=Role.VERIFIER, code=f"SM{n:08d}")
            for n, p in enumerate(people)
        )
        for n, zone in enumerate(made):
            site = Site.objects.create(
                organisation=organisation,
                kind=Site.Kind.HOTLINE_DESK,
                name=f"Surge verifier desk {n:02d}",
                zone=zone,
            )
            slot = Slot.objects.create(
                site=site,
                purpose=Slot.Purpose.DESK,
                weekdays="0123456",
                start_time=datetime.time(0, 0),
                end_time=datetime.time(23, 59),
                starts_on=today - datetime.timedelta(days=1),
                ends_on=today + datetime.timedelta(days=1),
                required_role=Role.VERIFIER,
            )
            shift = Shift.objects.create(
                slot=slot,
                date=today,
                starts_at=now - datetime.timedelta(hours=1),
                ends_at=now + datetime.timedelta(hours=3),
            )
            SignUp.objects.bulk_create(SignUp(shift=shift, volunteer=p) for p in people[n::zones])
    return World(organisation=organisation, desk=desk, zones=made, verifiers=people)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def run(world: World, *, reports: int, interval: float = 1.0, seed: int = 7) -> dict:
    """Run the surge; return latencies, CPU time and the nothing-lost checks."""
    import time_machine
    from django.utils import timezone

    from porch.messaging import keywords
    from porch.messaging.models import OutboxMessage
    from porch.response import actions
    from porch.response.models import Debrief, Dispatch, Report

    rng = random.Random(seed)
    start = timezone.now()
    latencies, replies, report_pks = [], [], []
    free_at = 0.0  # virtual second at which the desk worker is free again
    cpu0, wall0 = time.process_time(), time.perf_counter()
    with time_machine.travel(start, tick=False) as clock:
        for i in range(reports):
            arrival = i * interval
            begin = max(arrival, free_at)
            t = time.perf_counter()
            zone = rng.choice(world.zones)
            reply = keywords.route(
                SimpleNamespace(
                    body=f"REPORT {zone.name} two vans, agents at doors",
                    sender=f"+1612555{i % 10000:04d}",
                )
            )
            replies.append(str(reply))
            report = Report.objects.filter(organisation=world.organisation).order_by("-pk")[0]
            report_pks.append(report.pk)
            actions.do_triage_report(report, status="report_now", reason="surge", actor=world.desk)
            pair = actions.do_dispatch_verifiers(report, actor=world.desk)
            dispatched = time.perf_counter() - t
            latencies.append(begin - arrival + dispatched)
            # The verifiers' answers and the minute's escalation keep the
            # same worker busy (they delay later reports, not this one).
            for dispatch in pair:
                accept = rng.random() >= 0.25
                actions.do_answer_dispatch(dispatch, accept=accept, actor=dispatch.verifier)
            if i % 60 == 59:
                actions.do_escalate_dispatches()
            free_at = begin + (time.perf_counter() - t)
            clock.shift(interval)
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0

    made = Report.objects.filter(pk__in=report_pks)
    dispatches = Dispatch.objects.filter(report__in=made)
    keys = {
        f"u-{code}-dispatch-{dcode}"
        for code, dcode in dispatches.values_list("verifier__code", "code")
    }
    queued = set(
        OutboxMessage.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )
    per_report = {pk: 0 for pk in report_pks}
    for pk in dispatches.filter(state__in=("asked", "accepted", "declined", "expired")).values_list(
        "report_id", flat=True
    ):
        per_report[pk] += 1
    thanked = sum(1 for r in replies if r.startswith("Thank you"))
    checks = {
        "texts": reports,
        "texts_thanked": thanked,
        "reports": made.count(),
        "distinct_reports": len(set(report_pks)),
        "reports_with_two_dispatches": sum(1 for n in per_report.values() if n >= 2),
        "dispatches": dispatches.count(),
        "notifications_queued": len(queued),
        "debriefs": Debrief.objects.filter(pk__in=made.values("debrief_id")).count(),
    }
    checks["nothing_lost"] = (
        checks["texts_thanked"] == reports
        and checks["reports"] == reports
        and checks["distinct_reports"] == reports
        and checks["reports_with_two_dispatches"] == reports
        and checks["notifications_queued"] == checks["dispatches"]
        and checks["debriefs"] == reports
    )
    return {
        "reports": reports,
        "interval_s": interval,
        "latency_p50_s": statistics.median(latencies),
        "latency_p95_s": percentile(latencies, 95),
        "latency_max_s": max(latencies),
        "wall_s": wall,
        "cpu_s": cpu,
        "checks": checks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=600)
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from porch.coalition.models import Coalition

    settings.PORCH_RESPONSE_ANSWER_MINUTES = 5
    call_command("migrate", verbosity=0)
    # A fresh world every run (its shifts must run now).
    Coalition.objects.filter(name=COALITION).delete()
    from porch.accounts.models import User

    User.objects.filter(handle__startswith="surge-").delete()
    world = build_world()
    load_before = os.getloadavg()[0]
    result = run(world, reports=args.reports, interval=args.interval)
    checks = result["checks"]
    span = result["reports"] * result["interval_s"]
    p50, p95, worst = (
        result[k] * 1000 for k in ("latency_p50_s", "latency_p95_s", "latency_max_s")
    )
    print(
        f"database: {connection.vendor}; {result['reports']} reports, one every "
        f"{result['interval_s']:g} s of simulated time ({span:.0f} s)"
    )
    print(
        f"dispatch latency: p50 {p50:.0f} ms, p95 {p95:.0f} ms, worst {worst:.0f} ms "
        f"(target p95 < 1000 ms: {'met' if p95 < 1000 else 'missed'})"
    )
    print(
        f"wall {result['wall_s']:.1f} s, CPU of this process {result['cpu_s']:.1f} s; "
        f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    print("checks: " + ", ".join(f"{k} {v}" for k, v in checks.items()))
    if not checks["nothing_lost"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
