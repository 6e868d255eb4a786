"""The coverage view at school-sanctuary scale (issue 5): 35 schools, a
drop-off and a pick-up slot each on five weekdays, 30,000 volunteers.

    PORCH_VAR_DIR=/tmp/porch-bench-vol .venv/bin/python bench/volunteers/bench_coverage.py
    PORCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/porch_bench_vol ... (PostgreSQL)

Uses its own database (migrated here; rows from an earlier run are reused).
The data, drawn from a fixed seed: one organisation with 35 schools (each with
its own team), 30,000 active patrol volunteers, this week's shifts filled with
0–4 people each, and eight past weeks of shifts and sign-ups (about 7,000) around
the week queried. Timed: the whole request
GET /volunteers/orgs/<code>/coverage/ through Django's middleware, access,
the three coverage queries and template rendering (server time, in-process,
no network), median and worst of 30 after 3 warm-ups; and the query count.
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "porch.settings")
os.environ.setdefault("PORCH_ENV", "development")

SCHOOLS = 35
VOLUNTEERS = 30_000
PAST_WEEKS = 8
RUNS = 30


def seed(today: datetime.date):
    from django.db import transaction

    from porch.accounts.models import User
    from porch.accounts.roles import Role, TrustLevel
    from porch.coalition.models import Coalition, Membership, Organisation, Team
    from porch.volunteers.models import Shift, SignUp, Site, Slot

    rng = random.Random(2026)
    monday = today - datetime.timedelta(days=today.weekday())
    with transaction.atomic():
        coalition = Coalition.objects.create(name="Bench coalition")
        org = Organisation.objects.create(coalition=coalition, name="School sanctuary teams")
        coordinator = User.objects.create_user(
            handle="bench-coordinator",
            status=User.Status.ACTIVE,
            trust_level=TrustLevel.COORDINATOR,
            trusted_on=today,
        )
        Membership.objects.create(user=coordinator, organisation=org, role=Role.COORDINATOR)
        teams = Team.objects.bulk_create(
            Team(organisation=org, name=f"School team {n:02d}") for n in range(SCHOOLS)
        )
        users = User.objects.bulk_create(
            User(
                handle=f"bench-volunteer-{n:05d}",
                code=f"BV{n:08d}",
                password="!",
                status=User.Status.ACTIVE,
                trust_level=TrustLevel.RESPONDER,
                trusted_on=today,
            )
            for n in range(VOLUNTEERS)
        )
        Membership.objects.bulk_create(
            Membership(
                user=user,
                organisation=org,
                team=teams[n % SCHOOLS],
                role=Role.PATROL,
                code=f"BM{n:08d}",
            )
            for n, user in enumerate(users)
        )
        sites = Site.objects.bulk_create(
            Site(
                organisation=org,
                team=teams[n],
                kind=Site.Kind.SCHOOL,
                name=f"School {n:02d}",
                code=f"BS{n:08d}",
                kit=["vest", "whistle"],
            )
            for n in range(SCHOOLS)
        )
        slots = Slot.objects.bulk_create(
            Slot(
                site=site,
                code=f"BL{n:04d}{purpose[:2].upper()}",
                purpose=purpose,
                weekdays="01234",
                start_time=start,
                end_time=end,
                starts_on=monday - datetime.timedelta(weeks=PAST_WEEKS),
                ends_on=monday + datetime.timedelta(weeks=20),
                min_staff=2,
                max_staff=4,
            )
            for n, site in enumerate(sites)
            for purpose, start, end in (
                ("drop_off", datetime.time(7, 15), datetime.time(8, 15)),
                ("pick_up", datetime.time(14, 45), datetime.time(15, 45)),
            )
        )
        shifts, signups = [], []
        for week in range(-PAST_WEEKS, 2):
            for slot in slots:
                for day_offset in range(5):
                    day = monday + datetime.timedelta(weeks=week, days=day_offset)
                    starts_at, ends_at = slot.window(day)
                    filled = rng.randint(0, 4)
                    shift = Shift(
                        slot=slot,
                        date=day,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        filled=filled,
                        code=f"BF{len(shifts):08d}",
                    )
                    shifts.append(shift)
                    signups.append((shift, filled))
        Shift.objects.bulk_create(shifts, batch_size=2000)
        rows = []
        for shift, filled in signups:
            for person in rng.sample(users, filled):
                rows.append(SignUp(shift=shift, volunteer=person, code=f"BU{len(rows):08d}"))
        SignUp.objects.bulk_create(rows, batch_size=2000)
    return org, coordinator, len(rows)


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from porch.accounts.models import User
    from porch.coalition.models import Organisation
    from porch.core.testing import sign_in
    from porch.volunteers.models import SignUp

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    org = Organisation.objects.filter(name="School sanctuary teams").first()
    if org is None:
        t = time.perf_counter()
        org, coordinator, rows = seed(today)
        seconds = time.perf_counter() - t
        print(f"seeded {VOLUNTEERS:,} volunteers, {rows:,} sign-ups in {seconds:.0f} s")
    else:
        coordinator = User.objects.get(handle="bench-coordinator")
    print(
        f"database: {connection.vendor}; {SCHOOLS} schools × 2 slots × 5 days; "
        f"{User.objects.count():,} accounts; {SignUp.objects.count():,} sign-ups"
    )
    client = Client()
    sign_in(client, coordinator)
    url = f"/volunteers/orgs/{org.code}/coverage/"
    for _ in range(3):
        assert client.get(url).status_code == 200
    timings, cpu = [], []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        assert response.status_code == 200
    html = response.content.decode()
    rows = (
        html.count('<td class="uncovered')
        + html.count('<td class="understaffed')
        + html.count('<td class="covered')
    )
    print(
        f"coverage view: {rows} slot-days shown; wall median {statistics.median(timings):.1f} ms, "
        f"worst {max(timings):.1f} ms; CPU median {statistics.median(cpu):.1f} ms; "
        f"{RUNS} requests; {len(queries)} queries; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
