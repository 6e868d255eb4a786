"""Nearest available verifiers among 30,000 volunteers (issue 7: <= 5 ms a query).

    PORCH_VAR_DIR=/tmp/porch-bench-resp .venv/bin/python bench/response/bench_nearest.py
    PORCH_VAR_DIR=/tmp/porch-bench-resp-pg \
      PORCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/porch_bench_resp \
      .venv/bin/python bench/response/bench_nearest.py       # after: createdb porch_bench_resp

Uses its own database (migrated here; rows from an earlier run are reused,
their shifts moved so they run now). The data, from a fixed seed: one
organisation, 144 zones on a 12 × 12 grid of centroids (about 1.2 km apart),
30,000 volunteers holding the verifier role (trust 20/30/40, languages en,
es, so, hmn), one verifier desk per zone with a shift running now and one
that ended yesterday; 20 % of the volunteers signed up to a running shift
(mostly in or near their home zone, 2 % on two), 10 % only to yesterday's.

Timed: `porch.response.actions.ranked_verifiers(report, limit=2)` — the code
path `do_dispatch_verifiers` takes to choose the pair — for 60 reports in
random zones and languages, 5 rounds each (300 queries) after a warm-up; wall
and CPU time of this process, and the queries per call. For comparison, the
ranking as it was before (every on-shift verifier loaded as a model and
sorted in Python) is timed on the first 20 reports.
"""

import datetime
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "porch.settings")
os.environ.setdefault("PORCH_ENV", "development")

VOLUNTEERS = 30_000
GRID = 12
ON_SHIFT = 0.20
TWO_SHIFTS = 0.02
YESTERDAY = 0.10
REPORTS = 60
ROUNDS = 5
ORG_NAME = "Rapid response bench network"
LANGUAGES = ["en", "en", "es", "es", "so", "hmn"]


def seed(now):
    from django.db import transaction

    from porch.accounts.models import User
    from porch.accounts.roles import Role, TrustLevel
    from porch.coalition.models import Coalition, Membership, Organisation, Region, Zone
    from porch.volunteers.models import Shift, SignUp, Site, Slot

    rng = random.Random(2026)
    today = now.date()
    with transaction.atomic():
        coalition = Coalition.objects.create(name="Rapid response bench coalition")
        region = Region.objects.create(coalition=coalition, name="Bench city")
        org = Organisation.objects.create(coalition=coalition, name=ORG_NAME)
        zones = Zone.objects.bulk_create(
            Zone(
                region=region,
                name=f"Zone {r:02d}-{c:02d}",
                code=f"BZ{r:02d}{c:02d}",
                centroid_lat=44.90 + r * 0.011,
                centroid_lon=-93.35 + c * 0.015,
            )
            for r in range(GRID)
            for c in range(GRID)
        )
        desk = User.objects.create_user(
            handle="bench-desk",
            status=User.Status.ACTIVE,
            trust_level=TrustLevel.DISPATCHER,
            trusted_on=today,
        )
        Membership.objects.create(user=desk, organisation=org, role=Role.DISPATCHER)
        users = User.objects.bulk_create(
            (
                User(
                    handle=f"bench-verifier-{n:05d}",
                    code=f"RV{n:08d}",
                    password="!",
                    status=User.Status.ACTIVE,
                    trust_level=rng.choice([20, 20, 30, 40]),
                    language=rng.choice(LANGUAGES),
                    trusted_on=today,
                )
                for n in range(VOLUNTEERS)
            ),
            batch_size=2000,
        )
        Membership.objects.bulk_create(
            (
                Membership(user=user, organisation=org, role=Role.VERIFIER, code=f"RM{n:08d}")
                for n, user in enumerate(users)
            ),
            batch_size=2000,
        )
        sites = Site.objects.bulk_create(
            Site(
                organisation=org,
                kind=Site.Kind.HOTLINE_DESK,
                name=f"Verifier desk {zone.name}",
                code=f"RS{n:08d}",
                zone=zone,
            )
            for n, zone in enumerate(zones)
        )
        slots = Slot.objects.bulk_create(
            Slot(
                site=site,
                code=f"RL{n:08d}",
                purpose=Slot.Purpose.DESK,
                weekdays="0123456",
                start_time=datetime.time(0, 0),
                end_time=datetime.time(23, 59),
                starts_on=today - datetime.timedelta(days=2),
                ends_on=today + datetime.timedelta(days=2),
                required_role=Role.VERIFIER,
            )
            for n, site in enumerate(sites)
        )
        running, ended = [], []
        for n, slot in enumerate(slots):
            running.append(
                Shift(slot=slot, date=today, code=f"RF{n:07d}A", starts_at=now, ends_at=now)
            )
            ended.append(
                Shift(
                    slot=slot,
                    date=today - datetime.timedelta(days=1),
                    code=f"RF{n:07d}B",
                    starts_at=now - datetime.timedelta(hours=30),
                    ends_at=now - datetime.timedelta(hours=22),
                )
            )
        Shift.objects.bulk_create(running + ended)
        rows = []
        for n, user in enumerate(users):
            home = rng.randrange(len(zones))
            draw = rng.random()
            if draw < ON_SHIFT:
                r, c = divmod(home, GRID)
                near = min(GRID - 1, max(0, r + rng.randint(-1, 1))) * GRID + min(
                    GRID - 1, max(0, c + rng.randint(-1, 1))
                )
                rows.append(SignUp(shift=running[near], volunteer=user, code=f"RU{n:07d}A"))
                if rng.random() < TWO_SHIFTS / ON_SHIFT:
                    other = rng.randrange(len(zones))
                    if other != near:
                        rows.append(
                            SignUp(shift=running[other], volunteer=user, code=f"RU{n:07d}B")
                        )
            elif draw < ON_SHIFT + YESTERDAY:
                rows.append(SignUp(shift=ended[home], volunteer=user, code=f"RU{n:07d}C"))
        SignUp.objects.bulk_create(rows, batch_size=2000)
    return org, desk, len(rows)


def before_ranking(report, now):
    """The ranking before the batched search (kept here to compare): every
    running sign-up loaded as models, sorted in Python."""
    from porch.accounts.roles import Role
    from porch.coalition.access import counting_memberships
    from porch.volunteers.models import SignUp

    def distance(a, b):
        if a is None or b is None or a.centroid_lat is None or b.centroid_lat is None:
            return math.inf
        dlat = a.centroid_lat - b.centroid_lat
        dlon = (a.centroid_lon - b.centroid_lon) * math.cos(math.radians(a.centroid_lat))
        return math.hypot(dlat, dlon)

    organisation = report.organisation
    counting = counting_memberships().filter(organisation=organisation, role=Role.VERIFIER)
    rows = (
        SignUp.objects.filter(
            state="active",
            shift__starts_at__lte=now,
            shift__ends_at__gt=now,
            shift__slot__required_role=Role.VERIFIER,
            shift__slot__site__organisation=organisation,
            volunteer__in=counting.values("user_id"),
        )
        .select_related("volunteer", "shift__slot__site__zone")
        .order_by("pk")
    )
    candidates = []
    asked = set(report.dispatches.values_list("verifier_id", flat=True))
    for signup in rows:
        user, zone = signup.volunteer, signup.shift.slot.site.zone
        if user.pk not in asked and user.pk != report.taken_by_id:
            candidates.append((user, zone))

    def rank(item):
        user, zone = item
        same = zone is not None and zone.pk == report.zone_id
        return (
            0 if same else 1,
            distance(zone, report.zone),
            0 if user.language == report.language else 1,
            -user.trust_level,
            user.pk,
        )

    # A verifier on two running shifts counts at the nearer one (the rule
    # since the batched search; before, at the sign-up made first).
    seen, out = set(), []
    for user, _zone in sorted(candidates, key=rank):
        if user.pk not in seen:
            seen.add(user.pk)
            out.append(user)
    return out[:2]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from porch.accounts.models import User
    from porch.coalition.models import Organisation, Zone
    from porch.response import actions
    from porch.response.models import Report
    from porch.volunteers.models import Shift, SignUp

    call_command("migrate", verbosity=0)
    now = timezone.now()
    org = Organisation.objects.filter(name=ORG_NAME).first()
    if org is None:
        t = time.perf_counter()
        org, desk, rows = seed(now)
        print(
            f"seeded {VOLUNTEERS:,} verifiers, {rows:,} sign-ups in {time.perf_counter() - t:.0f} s"
        )
    else:
        desk = User.objects.get(handle="bench-desk")
    # Running shifts: from an hour ago to six hours on (whenever the data was seeded).
    Shift.objects.filter(slot__site__organisation=org, code__endswith="A").update(
        starts_at=now - datetime.timedelta(hours=1), ends_at=now + datetime.timedelta(hours=6)
    )
    Shift.objects.filter(slot__site__organisation=org, code__endswith="B").update(
        starts_at=now - datetime.timedelta(hours=30), ends_at=now - datetime.timedelta(hours=22)
    )
    running = SignUp.objects.filter(
        shift__slot__site__organisation=org, shift__code__endswith="A"
    ).count()
    zone_count = Zone.objects.filter(region__coalition=org.coalition).count()
    print(
        f"database: {connection.vendor}; {zone_count} zones; {User.objects.count():,} accounts; "
        f"{running:,} running verifier sign-ups; "
        f"{SignUp.objects.count():,} sign-ups in all"
    )
    rng = random.Random(7)
    zones = list(Zone.objects.filter(region__coalition=org.coalition))
    made = []
    for _ in range(REPORTS):
        made.append(
            actions.do_take_report(
                org, zone=rng.choice(zones), language=rng.choice(LANGUAGES), actor=desk
            ).pk
        )
    reports = list(Report.objects.select_related("organisation", "zone").filter(pk__in=made))

    for report in reports[:5]:
        actions.ranked_verifiers(report, limit=2)
    for report in reports[:20]:
        assert [u.pk for u in actions.ranked_verifiers(report, limit=2)] == [
            u.pk for u in before_ranking(report, now)
        ], report.code
    wall, cpu, counts = [], [], set()
    for _ in range(ROUNDS):
        for report in reports:
            with CaptureQueriesContext(connection) as queries:
                t, c = time.perf_counter(), time.process_time()
                pair = actions.ranked_verifiers(report, limit=2)
                wall.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
            counts.add(len(queries))
            assert len(pair) == 2
    old_wall, old_cpu = [], []
    for report in reports[:20]:
        t, c = time.perf_counter(), time.process_time()
        before_ranking(report, now)
        old_wall.append((time.perf_counter() - t) * 1000)
        old_cpu.append((time.process_time() - c) * 1000)
    print(
        f"ranked_verifiers(limit=2): {len(wall)} queries; wall median "
        f"{statistics.median(wall):.2f} ms, p95 {percentile(wall, 95):.2f} ms, "
        f"worst {max(wall):.2f} ms; CPU median {statistics.median(cpu):.2f} ms, "
        f"p95 {percentile(cpu, 95):.2f} ms; SQL queries per call {sorted(counts)}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"before (full load and sort): wall median {statistics.median(old_wall):.1f} ms, "
        f"CPU median {statistics.median(old_cpu):.1f} ms ({len(old_wall)} queries)"
    )
    Report.objects.filter(pk__in=made).delete()


if __name__ == "__main__":
    main()
