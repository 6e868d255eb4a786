"""Every read on a person's behalf in the aid app (R30, R31, DOMAIN.md roles).

- Intake volunteers and coordinators of an organisation see its requests by
  code, zone and status; a request's callback number is shown only to them,
  one request at a time, and only until it is confirmed.
- Coordinators plan and see runs by zone, size and time, never addresses.
- Vetted drivers (the driver role with the driver trust level) see open runs
  without addresses, and the addresses of the run they hold only while
  `address_visible` says so (R31).
Missing and forbidden are both Http404.
"""

from datetime import timedelta

from django.http import Http404
from django.utils import timezone

from porch.accounts.roles import Role
from porch.aid.models import AidRequest, DeliveryRun, Hub, Stop
from porch.coalition.access import counting_memberships, require_active
from porch.coalition.models import Organisation

INTAKE_ROLES = (Role.INTAKE, Role.COORDINATOR)
PLANNER_ROLES = (Role.COORDINATOR,)
DRIVER_ROLES = (Role.DRIVER,)
# R31: the address opens this long before the first planned stop.
LEAD_TIME = timedelta(hours=1)


def _orgs_with(user, roles) -> list[int]:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return []
    if user.status != user.Status.ACTIVE:
        return []
    return list(
        counting_memberships()
        .filter(user=user, role__in=roles, organisation__erased_on__isnull=True)
        .values_list("organisation_id", flat=True)
    )


def intake_organisations(user):
    return Organisation.objects.filter(pk__in=_orgs_with(user, INTAKE_ROLES))


def planner_organisations(user):
    return Organisation.objects.filter(pk__in=_orgs_with(user, PLANNER_ROLES))


def driver_organisations(user):
    return Organisation.objects.filter(pk__in=_orgs_with(user, DRIVER_ROLES))


def reimbursing_organisations(user):
    """Where a person may claim or approve reimbursements: driver or coordinator."""
    return Organisation.objects.filter(pk__in=_orgs_with(user, DRIVER_ROLES + PLANNER_ROLES))


def is_planner(user, organisation) -> bool:
    return organisation.pk in _orgs_with(user, PLANNER_ROLES)


def can_take_calls(user, organisation) -> bool:
    return organisation.pk in _orgs_with(user, INTAKE_ROLES)


def require_any(user, orgs) -> None:
    require_active(user)
    if not orgs.exists():
        raise Http404


def get_intake_organisation_for_user(user, code: str) -> Organisation:
    org = intake_organisations(user).filter(code=code).first()
    if org is None:
        raise Http404
    return org


def get_planner_organisation_for_user(user, code: str) -> Organisation:
    org = planner_organisations(user).filter(code=code).first()
    if org is None:
        raise Http404
    return org


def requests_visible_to(user):
    """Requests of the organisations where the person takes calls or plans."""
    return AidRequest.objects.filter(organisation__in=intake_organisations(user)).select_related(
        "zone", "organisation"
    )


def get_request_for_user(user, code: str) -> AidRequest:
    found = requests_visible_to(user).filter(code=code).first()
    if found is None:
        raise Http404
    return found


def shows_callback_number(user, request: AidRequest) -> bool:
    """The number is for calling back, so only until confirmation."""
    return request.status in (
        AidRequest.Status.NEEDS_CALLBACK,
        AidRequest.Status.NO_ANSWER,
    ) and can_take_calls(user, request.organisation)


# ---- Hubs ---------------------------------------------------------------------------


def hubs_for(organisation):
    return Hub.objects.filter(organisation=organisation).select_related("zone")


def get_hub_for_planner(user, code: str) -> Hub:
    hub = Hub.objects.filter(organisation__in=planner_organisations(user), code=code).first()
    if hub is None:
        raise Http404
    return hub


# ---- Runs -----------------------------------------------------------------------------


def runs_visible_to(user):
    """Runs a person may see at all: their organisation's as a planner, open
    ones of their organisation as a vetted driver, and the ones they hold."""
    planned = DeliveryRun.objects.filter(organisation__in=planner_organisations(user))
    drivers = driver_organisations(user)
    open_runs = DeliveryRun.objects.filter(organisation__in=drivers, status=DeliveryRun.Status.OPEN)
    held = DeliveryRun.objects.filter(organisation__in=drivers, driver=user).exclude(
        status=DeliveryRun.Status.DRAFT
    )
    return (planned | open_runs | held).distinct()


def get_run_for_user(user, code: str) -> DeliveryRun:
    run = runs_visible_to(user).filter(code=code).select_related("hub", "organisation").first()
    if run is None:
        raise Http404
    return run


def runs_of_day(organisation, day):
    """A planner's view of a day: runs by zone, size and time."""
    return (
        DeliveryRun.objects.filter(organisation=organisation, day=day)
        .exclude(status__in=(DeliveryRun.Status.COMPLETED, DeliveryRun.Status.CANCELLED))
        .select_related("hub", "driver")
    )


def open_runs_for(user):
    return (
        DeliveryRun.objects.filter(
            organisation__in=driver_organisations(user), status=DeliveryRun.Status.OPEN
        )
        .select_related("hub")
        .order_by("day", "first_stop_at", "pk")
    )


def my_runs(user):
    return (
        DeliveryRun.objects.filter(organisation__in=driver_organisations(user), driver=user)
        # A draft planned for them (porch.aid.planning) is theirs only once published.
        .exclude(
            status__in=(
                DeliveryRun.Status.COMPLETED,
                DeliveryRun.Status.CANCELLED,
                DeliveryRun.Status.DRAFT,
            )
        )
        .select_related("hub")
    )


def get_held_run_for_user(user, code: str) -> DeliveryRun:
    """A run the person holds as its (still vetted) driver."""
    run = my_runs(user).filter(code=code).first()
    if run is None:
        raise Http404
    return run


def address_window(run: DeliveryRun) -> tuple:
    return run.first_stop_at - LEAD_TIME, run.last_window_end


def address_visible(user, run: DeliveryRun, now=None) -> bool:
    """R31: assigned ∧ dispatched ∧ inside the window — and still a vetted driver."""
    now = now or timezone.now()
    start, end = address_window(run)
    return (
        run.driver_id is not None
        and run.driver_id == getattr(user, "pk", None)
        and run.status == DeliveryRun.Status.DISPATCHED
        and start <= now <= end
        and run.organisation_id in _orgs_with(user, DRIVER_ROLES)
    )


def get_addressed_run_for_user(user, code: str) -> DeliveryRun:
    """The run whose addresses the person may see now; 404 otherwise (R31)."""
    run = DeliveryRun.objects.filter(code=code).select_related("hub", "organisation").first()
    if run is None or not address_visible(user, run):
        raise Http404
    return run


def stops_of(run: DeliveryRun):
    return (
        Stop.objects.filter(run=run).select_related("request", "request__zone").order_by("position")
    )


def get_stop_on_addressed_run(user, run_code: str, stop_code: str) -> Stop:
    run = get_addressed_run_for_user(user, run_code)
    stop = stops_of(run).filter(code=stop_code).first()
    if stop is None:
        raise Http404
    return stop


def get_addressed_stop(user, stop_code: str) -> Stop:
    """A stop reached from its QR code on the run sheet: the same rule (R31)
    as the run page. The code is random; it says nothing about the household."""
    stop = (
        Stop.objects.filter(code=stop_code)
        .select_related("run", "run__organisation", "request", "request__zone")
        .first()
    )
    if stop is None or not address_visible(user, stop.run):
        raise Http404
    return stop
