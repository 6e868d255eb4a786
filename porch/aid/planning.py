"""Planning a day's runs, and a coordinator's moves afterwards (issue 6, W5).

Actions (re-exported by porch.aid.actions): `do_plan_day`, `do_move_stop`.

Who drives. The organisation's vetted drivers (driver role, driver trust
level) whose availability covers part of the planned hours that day are
planned by name: their window is their weekly pattern for that weekday plus
"available" exceptions minus "away" exceptions (porch.volunteers), clipped to
the planned hours; of several windows the longest is used (one run each),
and windows under half an hour are ignored.
Their languages are those of their volunteer profile (`Volunteer.languages`,
where porch.volunteers has that field) and the one they use Porch in
(`User.language`); when the profile lists none, English is assumed too.
A named driver's car holds the bags and starts from the hub they (or a
coordinator) set on their car page (porch.aid.cars, `DriverCar`); without
one, the plan form's bags per car and hub. A run planned for a driver is a draft with
that driver; publishing gives it to them as claimed (they can give it back,
and it opens to everyone). The form's extra unnamed cars are claimed later
by whoever is free, so Porch cannot know their languages: they take any
household, as before.

Moves. A coordinator moves a draft stop into another draft run of the same
day, or takes it off the runs (back to the queue). The two runs concerned
are re-solved with every stop locked where it now is: the solver re-orders
and re-times them and must keep every stop; if it cannot (a window the run
cannot reach), the move is refused and nothing changes. A move that would
put more bags into a run than its driver's car holds is refused too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from porch.accounts.models import User
from porch.aid import access
from porch.aid.models import (
    HOME_WINDOWS,
    HOUSEHOLD_LANGUAGES,
    AidRequest,
    DeliveryRun,
    DriverCar,
    Hub,
    Stop,
)
from porch.coalition.access import counting_memberships
from porch.core import audit

DAY_S = 24 * 3600
# A window shorter than this is no use for a run.
SHORTEST_WINDOW_S = 30 * 60
COMMON_LANGUAGE = "en"
ANY_LANGUAGE = frozenset(code for code, _name in HOUSEHOLD_LANGUAGES)
TAKEN_OFF = "taken_off"


def at(day, seconds: int) -> datetime.datetime:
    midnight = datetime.datetime.combine(
        day, datetime.time(0), tzinfo=timezone.get_current_timezone()
    )
    return midnight + datetime.timedelta(seconds=int(seconds))


def plannable_requests(organisation):
    return AidRequest.objects.filter(
        organisation=organisation,
        kind=AidRequest.Kind.HOUSEHOLD,
        status=AidRequest.Status.CONFIRMED,
        address_subject__isnull=False,
    ).select_related("address_subject", "zone")


# ---- Drivers of a day ----------------------------------------------------------------------


@dataclass(frozen=True)
class DayDriver:
    user: User
    languages: frozenset[str]
    start_s: int
    end_s: int


def _seconds(t: datetime.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _union(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(intervals):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _minus(intervals: list[tuple[int, int]], cut: tuple[int, int]) -> list[tuple[int, int]]:
    out = []
    for lo, hi in intervals:
        if cut[1] <= lo or hi <= cut[0]:
            out.append((lo, hi))
            continue
        if lo < cut[0]:
            out.append((lo, cut[0]))
        if cut[1] < hi:
            out.append((cut[1], hi))
    return out


def free_windows(weekly, exceptions, day: datetime.date) -> list[tuple[int, int]]:
    """One person's free time on `day`, in seconds from midnight: the weekly
    pattern, plus "available" exceptions, minus "away" ones (an away
    exception wins, as in porch.volunteers.access.available_on)."""
    free = [
        (_seconds(w.start_time), _seconds(w.end_time)) for w in weekly if w.weekday == day.weekday()
    ]
    todays = [e for e in exceptions if e.on_date == day]
    for e in todays:
        if e.available:
            free.append(
                (0, DAY_S) if e.whole_day else (_seconds(e.start_time), _seconds(e.end_time))
            )
    free = _union(free)
    for e in todays:
        if not e.available:
            free = _minus(
                free, (0, DAY_S) if e.whole_day else (_seconds(e.start_time), _seconds(e.end_time))
            )
    return free


def _profile_languages(users: dict) -> dict[int, set[str]]:
    """Languages from the volunteer profile, where porch.volunteers has them."""
    from porch.volunteers.models import Volunteer

    try:
        Volunteer._meta.get_field("languages")
    except FieldDoesNotExist:
        return {}
    rows = Volunteer.objects.filter(user_id__in=list(users)).values_list("user_id", "languages")
    return {pk: {str(code) for code in (codes or [])} for pk, codes in rows}


def drivers_for_day(organisation, day: datetime.date, start_s: int, end_s: int) -> list[DayDriver]:
    """The vetted drivers free for part of [start_s, end_s] on `day` (three queries)."""
    from porch.volunteers.models import AvailabilityException, WeeklyAvailability

    user_ids = set(
        counting_memberships()
        .filter(
            organisation=organisation,
            role__in=access.DRIVER_ROLES,
            user__status=User.Status.ACTIVE,
        )
        .values_list("user_id", flat=True)
    )
    if not user_ids:
        return []
    weekly: dict[int, list] = {}
    for w in WeeklyAvailability.objects.filter(volunteer_id__in=user_ids, weekday=day.weekday()):
        weekly.setdefault(w.volunteer_id, []).append(w)
    exceptions: dict[int, list] = {}
    for e in AvailabilityException.objects.filter(volunteer_id__in=user_ids, on_date=day):
        exceptions.setdefault(e.volunteer_id, []).append(e)
    candidates = (set(weekly) | set(exceptions)) & user_ids
    users = {u.pk: u for u in User.objects.filter(pk__in=candidates)}
    spoken = _profile_languages(users)
    drivers = []
    for pk in sorted(users):
        windows = []
        for lo, hi in free_windows(weekly.get(pk, []), exceptions.get(pk, []), day):
            lo, hi = max(lo, start_s), min(hi, end_s)
            if hi - lo >= SHORTEST_WINDOW_S:
                windows.append((hi - lo, -lo, lo, hi))
        if not windows:
            continue
        _length, _neg, lo, hi = max(windows)
        told = spoken.get(pk, set())
        languages = frozenset(told | {users[pk].language} | (set() if told else {COMMON_LANGUAGE}))
        drivers.append(DayDriver(users[pk], languages, lo, hi))
    return drivers


# ---- Writing runs --------------------------------------------------------------------------


def _stop_for(request: AidRequest):
    from porch.routing import model as rmodel

    point = request.point
    if point is None:
        return None
    opens, closes = HOME_WINDOWS.get(request.home_times, (9, 20))
    return rmodel.Stop(
        id=request.code,
        lat=point[0],
        lon=point[1],
        bags=request.bags,
        window_start=opens * 3600,
        window_end=closes * 3600,
        language=request.language or "",
    )


def _fill_run(run: DeliveryRun, planned, by_code: dict, windows: dict) -> list[Stop]:
    """Write a planned run's times and counts into `run` (saved); returns its
    stops, unsaved, for one bulk_create by the caller."""
    day = run.day
    run.first_stop_at = at(day, planned.visits[0].start)
    run.last_window_end = at(day, max(windows[v.stop_id] for v in planned.visits))
    run.bags = planned.bags
    run.stop_count = len(planned.visits)
    run.zone_names = ", ".join(
        sorted({by_code[v.stop_id].zone.name for v in planned.visits if by_code[v.stop_id].zone})
    )[:300]
    run.save()
    return [
        Stop(
            run=run,
            request=by_code[visit.stop_id],
            position=position,
            arrival=at(day, visit.start),
            window_end=at(day, windows[visit.stop_id]),
        )
        for position, visit in enumerate(planned.visits, start=1)
    ]


# ---- Planning a day ------------------------------------------------------------------------


def do_plan_day(
    organisation,
    *,
    day,
    hub: Hub,
    drivers: int,
    capacity: int,
    start_hour: int,
    end_hour: int,
    actor,
    time_limit_s: float = 2.0,
):
    """Draft runs for a day from the confirmed requests (replacing earlier drafts).

    The organisation's vetted drivers free that day are planned by name (their
    languages and window); `drivers` more unnamed cars may be added. A named
    driver's car (porch.aid.cars) gives its size and start hub; every other
    car holds `capacity` bags and starts from `hub`, between the two hours.
    Returns (runs, {household code: reason left out}).
    """
    from porch.routing import model as rmodel
    from porch.routing.plan import plan

    errors = {}
    if hub.organisation_id != organisation.pk:
        errors["hub"] = [_("Choose one of your organisation's hubs.")]
    if not (0 <= drivers <= 200):
        errors["drivers"] = [_("Add between 0 and 200 unnamed cars.")]
    if not (1 <= capacity <= 100):
        errors["capacity"] = [_("A car holds between 1 and 100 bags.")]
    if not (0 <= start_hour < end_hour <= 24):
        errors["end_hour"] = [_("The day must end after it starts.")]
    if errors:
        raise ValidationError(errors)
    start_s, end_s = start_hour * 3600, end_hour * 3600
    named = drivers_for_day(organisation, day, start_s, end_s)
    # ---- Each named driver's own car: size and usual hub (porch.aid.cars) ----
    own_cars = {
        car.driver_id: car
        for car in DriverCar.objects.filter(
            organisation=organisation, driver_id__in=[d.user.pk for d in named]
        ).select_related("hub")
    }
    start_hubs = {hub.code: hub}
    start_hubs.update({c.hub.code: c.hub for c in own_cars.values() if c.hub is not None})

    def _hub_of(d: DayDriver) -> Hub:
        car = own_cars.get(d.user.pk)
        return car.hub if car is not None and car.hub is not None else hub

    def _bags_of(d: DayDriver) -> int:
        car = own_cars.get(d.user.pk)
        return car.bags if car is not None else capacity

    with transaction.atomic():
        DeliveryRun.objects.filter(
            organisation=organisation, day=day, status=DeliveryRun.Status.DRAFT
        ).delete()
        requests = list(plannable_requests(organisation).select_for_update(of=("self",)))
        stops = [s for s in (_stop_for(r) for r in requests) if s is not None]
        cars = [
            rmodel.Driver(
                id=f"driver-{d.user.pk}",
                hub_id=_hub_of(d).code,
                available_start=d.start_s,
                available_end=d.end_s,
                capacity=_bags_of(d),
                languages=d.languages,
            )
            for d in named
        ] + [
            rmodel.Driver(
                id=f"car-{k}",
                hub_id=hub.code,
                available_start=start_s,
                available_end=end_s,
                capacity=capacity,
                languages=ANY_LANGUAGE,
            )
            for k in range(1, drivers + 1)
        ]
        by_user = {f"driver-{d.user.pk}": d.user for d in named}
        by_code = {r.code: r for r in requests}
        windows = {s.id: s.window_end for s in stops}
        result = (
            plan(
                stops,
                cars,
                [rmodel.Hub(h.code, h.lat, h.lon) for h in start_hubs.values()],
                time_limit_s=time_limit_s,
                seed=1,
            )
            if stops
            else rmodel.Plan(runs=[], unassigned={})
        )
        runs, new_stops = [], []
        for planned in result.runs:
            run = DeliveryRun(
                organisation=organisation,
                hub=start_hubs.get(planned.hub_id, hub),
                day=day,
                driver=by_user.get(planned.driver_id),
            )
            new_stops += _fill_run(run, planned, by_code, windows)
            runs.append(run)
        Stop.objects.bulk_create(new_stops)
        changed = []
        for request in requests:
            reason = result.unassigned.get(request.code)
            if request.unassigned_reason != (reason.reason if reason else ""):
                request.unassigned_reason = reason.reason if reason else ""
                changed.append(request)
        AidRequest.objects.bulk_update(changed, ["unassigned_reason"], batch_size=500)
        audit.record(actor, "aid.runs.planned", organisation=organisation)
    return runs, {code: e.reason for code, e in result.unassigned.items()}


# ---- Moving a stop -------------------------------------------------------------------------


def _window_of(run: DeliveryRun) -> tuple[int, int]:
    if run.driver_id is None:
        return 0, DAY_S
    found = [
        d
        for d in drivers_for_day(run.organisation, run.day, 0, DAY_S)
        if d.user.pk == run.driver_id
    ]
    return (found[0].start_s, found[0].end_s) if found else (0, DAY_S)


def do_move_stop(stop: Stop, target: DeliveryRun | None, *, actor) -> DeliveryRun | None:
    """Move a draft stop into `target` (a draft run of the same day and
    organisation), or take it off the runs when `target` is None; the runs
    concerned are re-solved with every stop locked. Returns the target."""
    from porch.routing import model as rmodel
    from porch.routing.plan import plan

    with transaction.atomic():
        stop = (
            Stop.objects.select_for_update(of=("self",))
            .select_related("run", "run__organisation", "run__hub", "request", "request__zone")
            .get(pk=stop.pk)
        )
        source = stop.run
        runs = [source] + ([target] if target is not None else [])
        locked_runs = list(
            DeliveryRun.objects.select_for_update()
            .select_related("hub", "organisation")
            .filter(pk__in=[r.pk for r in runs])
            .order_by("pk")
        )
        if any(r.status != DeliveryRun.Status.DRAFT for r in locked_runs):
            raise ValidationError(_("Only stops of draft runs can be moved."))
        if target is not None:
            if target.pk == source.pk:
                raise ValidationError(_("The stop is already on that run."))
            if target.organisation_id != source.organisation_id or target.day != source.day:
                raise ValidationError(_("Choose a draft run of the same day."))
        fresh = {r.pk: r for r in locked_runs}
        source = fresh[source.pk]
        target = fresh[target.pk] if target is not None else None

        members = {
            r.pk: list(
                Stop.objects.filter(run=r)
                .select_related("request", "request__zone")
                .order_by("position")
            )
            for r in locked_runs
        }
        placement: dict[int, list[AidRequest]] = {
            pk: [s.request for s in rows if s.pk != stop.pk] for pk, rows in members.items()
        }
        if target is not None:
            placement[target.pk].append(stop.request)
            # ---- Never more bags than the driver's car holds (porch.aid.cars) ----
            car = (
                DriverCar.objects.filter(
                    driver_id=target.driver_id, organisation_id=target.organisation_id
                ).first()
                if target.driver_id is not None
                else None
            )
            carried = sum(r.bags for r in placement[target.pk])
            if car is not None and carried > car.bags:
                raise ValidationError(
                    _(
                        "That run's car is too small: it holds %(holds)d, and with this "
                        "stop the run would carry %(carried)d bags. Nothing was moved."
                    )
                    % {"holds": car.bags, "carried": carried}
                )

        by_code: dict[str, AidRequest] = {}
        routing_stops, drivers, hubs, locked = [], [], {}, {}
        for run in locked_runs:
            requests = placement[run.pk]
            if not requests:
                continue
            for request in requests:
                routed = _stop_for(request)
                if routed is None:
                    raise ValidationError(_("A household on this run has no address any more."))
                routing_stops.append(routed)
                by_code[request.code] = request
                locked[request.code] = run.code
            lo, hi = _window_of(run)
            hubs[run.hub.code] = rmodel.Hub(run.hub.code, run.hub.lat, run.hub.lon)
            drivers.append(
                rmodel.Driver(
                    id=run.code,
                    hub_id=run.hub.code,
                    available_start=lo,
                    available_end=hi,
                    capacity=sum(r.bags for r in requests),
                )
            )
        result = (
            plan(
                routing_stops, drivers, list(hubs.values()), time_limit_s=0.5, seed=1, locked=locked
            )
            if routing_stops
            else rmodel.Plan(runs=[], unassigned={})
        )
        if result.unassigned:
            raise ValidationError(
                _("That run cannot reach every household within its window: nothing was moved.")
            )
        windows = {s.id: s.window_end for s in routing_stops}
        planned = {r.driver_id: r for r in result.runs}
        Stop.objects.filter(run__in=locked_runs).delete()
        new_stops = []
        for run in locked_runs:
            if run.code in planned:
                new_stops += _fill_run(run, planned[run.code], by_code, windows)
            else:
                run.delete()
        Stop.objects.bulk_create(new_stops)
        if target is None:
            request = stop.request
            request.unassigned_reason = TAKEN_OFF
            request.save(update_fields=["unassigned_reason"])
        audit.record(actor, "aid.stop.moved", obj=source, organisation=source.organisation)
    return target


# ---- Reads for the plan page (coordinators; 404 for anything else) -------------------------


def get_draft_stop_for_planner(organisation, code: str) -> Stop:
    stop = (
        Stop.objects.filter(
            code=code, run__organisation=organisation, run__status=DeliveryRun.Status.DRAFT
        )
        .select_related("run", "request")
        .first()
    )
    if stop is None:
        raise Http404
    return stop


def draft_runs_of_day(organisation, day):
    return DeliveryRun.objects.filter(
        organisation=organisation, day=day, status=DeliveryRun.Status.DRAFT
    ).order_by("first_stop_at", "pk")


def plan_stops(runs):
    """The stops of the day's runs, for the plan page: household code, zone,
    bags, arrival and window — never an address (R31). One query."""
    stops: dict[int, list[Stop]] = {run.pk: [] for run in runs}
    for stop in (
        Stop.objects.filter(run__in=list(stops))
        .select_related("request", "request__zone")
        .order_by("run_id", "position")
    ):
        stops[stop.run_id].append(stop)
    return stops


def zones_by_id(ids) -> list:
    """The zones drawn on a plan's map (outlines and centroids are public)."""
    from porch.coalition.models import Zone

    return list(Zone.objects.filter(pk__in=list(ids))) if ids else []
