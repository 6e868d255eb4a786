"""The city day through Porch's real planning path: do_plan_day on a seeded database.

    .venv/bin/python -m bench.routing.city_day_django [--time-limit 5] [--database URL]

Seeds a throwaway database (SQLite in a temporary directory unless
--database names a PostgreSQL one, which is dropped and re-created) from
bench.routing.city_day's generator (seed 2026): 1,000 households confirmed
through the real actions (do_create_request, do_confirm_request: each
address and point sealed in the vault under its own key), 100 vetted
drivers (driver role, driver trust level) with their weekly availability for
the planned weekday and their languages in their volunteer profile, one hub.
Then times one `do_plan_day` (as the plan page calls it): loading the
requests, decrypting 1,000 points, the travel-time matrix, the checks, the
solver, writing the runs and stops, marking what was left out.

What differs from the pure city day (bench.routing.city_day), because Porch
stores less than the generator draws: one hub (do_plan_day plans from the
hub on the form), one car size for everyone (10 bags, the mean of 8–12:
Porch stores no car size per driver), the households' windows are Porch's
"when someone is home" (windows opening 09–10 → morning 09–12, later ones →
afternoon 12–17), and no longest-run limit. So its share assigned is not the
city day's target figure; this bench is for Porch's own overhead (target
≤ 3 s): do_plan_day's wall time minus the solver's (search and repair).
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import secrets
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

DAY = datetime.date(2026, 12, 8)  # a Tuesday, fixed: the weekly pattern is per weekday


def _create_pg(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if name in ("porch", "postgres", "") or not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"refusing to create/drop database {name!r}")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def seed(seed_value: int):
    from django.core.management import call_command
    from django.db import transaction

    from bench.routing.city_day import generate
    from porch.accounts.models import User
    from porch.accounts.roles import Role, TrustLevel
    from porch.aid import actions
    from porch.aid.models import HomeTimes, Hub
    from porch.coalition.models import Coalition, Membership, Organisation, Region, Zone
    from porch.volunteers.models import Volunteer, WeeklyAvailability

    call_command("migrate", "--noinput", verbosity=0)
    stops, drivers, hubs = generate(seed_value)
    coalition = Coalition.objects.create(name="Bench city", hotline="555-0100")
    region = Region.objects.create(coalition=coalition, name="All")
    org = Organisation.objects.create(coalition=coalition, name="Bench food shelf")
    lats = [s.lat for s in stops]
    lons = [s.lon for s in stops]
    box = [
        [min(lons), min(lats)],
        [max(lons), min(lats)],
        [max(lons), max(lats)],
        [min(lons), max(lats)],
        [min(lons), min(lats)],
    ]
    zone = Zone.objects.create(
        region=region,
        name="Bench city",
        outline={"type": "Polygon", "coordinates": [box]},
        centroid_lat=sum(lats) / len(lats),
        centroid_lon=sum(lons) / len(lons),
    )
    middle = min(hubs, key=lambda h: (h.lat - 44.95) ** 2 + (h.lon + 93.15) ** 2)
    hub = Hub.objects.create(
        organisation=org, zone=zone, name="Hub", lat=middle.lat, lon=middle.lon
    )
    profile_languages = any(f.name == "languages" for f in Volunteer._meta.get_fields())
    with transaction.atomic():
        for d in drivers:
            user = User.objects.create_user(
                handle=f"bench-{d.id}",
                password=None,
                status=User.Status.ACTIVE,
                trust_level=TrustLevel.TRAINED,
                trusted_on=DAY,
            )
            Membership.objects.create(user=user, organisation=org, role=Role.DRIVER)
            WeeklyAvailability.objects.create(
                volunteer=user,
                weekday=DAY.weekday(),
                start_time=datetime.time(d.available_start // 3600),
                end_time=datetime.time(min(23, d.available_end // 3600)),
            )
            if profile_languages:
                Volunteer.objects.create(user=user, languages=sorted(d.languages))
        for k, s in enumerate(stops):
            request = actions.do_create_request(
                org,
                callback_number=f"+1612555{k:04d}",
                zone=zone,
                household_size=2,
                language=s.language or "en",
                home_times=HomeTimes.MORNING if s.window_start < 11 * 3600 else HomeTimes.AFTERNOON,
                actor=None,
            )
            actions.do_confirm_request(
                request, address=f"{100 + k} Bench Ave", lat=s.lat, lon=s.lon, actor=None
            )
    return org, hub, profile_languages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--database", help="a PostgreSQL URL to drop and re-create")
    parser.add_argument("--cpu", type=int, default=0, help="the one core to run on")
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.cpu})

    tmp = Path(tempfile.mkdtemp(prefix="porch-city-day-"))
    url = args.database or f"sqlite:///{tmp / 'city.sqlite3'}"
    os.environ.update(
        {
            "PORCH_ENV": "test",
            "PORCH_DATABASE_URL": url,
            "PORCH_VAR_DIR": str(tmp),
            "PORCH_VAULT_KEY_DIR": str(tmp / "keys"),
            "PORCH_SECRET_KEY": secrets.token_urlsafe(40),
            "DJANGO_SETTINGS_MODULE": "porch.settings",
        }
    )
    if url.startswith("postgres"):
        _create_pg(url)
    import django

    django.setup()
    from porch.aid import planning
    from porch.aid.models import AidRequest, DeliveryRun, Stop
    from porch.routing import plan as routing_plan

    started = time.perf_counter()
    org, hub, profile_languages = seed(args.seed)
    print(f"seeded in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")
    print(f"driver languages from the volunteer profile: {'yes' if profile_languages else 'no'}")

    # Wall and CPU time inside the solver (PyVRP's search, then the repair
    # pass), measured by wrapping the two calls; the rest of do_plan_day is
    # Porch's own overhead.
    from porch.routing import repair

    spent = {"wall": 0.0, "cpu": 0.0}

    def measured(fn):
        def wrapper(*a, **kw):
            w, c = time.perf_counter(), time.process_time()
            try:
                return fn(*a, **kw)
            finally:
                spent["wall"] += time.perf_counter() - w
                spent["cpu"] += time.process_time() - c

        return wrapper

    real_solve, real_repair = routing_plan._solve, repair.repair
    routing_plan._solve, repair.repair = measured(real_solve), measured(real_repair)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    runs, left_out = planning.do_plan_day(
        org,
        day=DAY,
        hub=hub,
        drivers=0,
        capacity=10,
        start_hour=9,
        end_hour=17,
        actor=None,
        time_limit_s=args.time_limit,
    )
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    routing_plan._solve, repair.repair = real_solve, real_repair

    stops = Stop.objects.filter(run__organisation=org).count()
    total = AidRequest.objects.filter(organisation=org).count()
    share = f"{100 * stops / total:.1f} %"
    print(f"do_plan_day: {len(runs)} runs, {stops}/{total} stops planned ({share})")
    print(f"  time limit {args.time_limit:g} s; load {os.getloadavg()[0]:.1f}")
    print(f"  do_plan_day     wall {wall:6.2f} s  CPU {cpu:6.2f} s")
    print(f"  solver          wall {spent['wall']:6.2f} s  CPU {spent['cpu']:6.2f} s")
    over_wall, over_cpu = wall - spent["wall"], cpu - spent["cpu"]
    print(f"  Porch overhead  wall {over_wall:6.2f} s  CPU {over_cpu:6.2f} s")
    drafted = DeliveryRun.objects.filter(organisation=org, day=DAY).count()
    print(f"  {drafted} draft runs written, {len(left_out)} households left out with a reason")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
