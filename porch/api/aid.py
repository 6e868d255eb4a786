"""The mutual-aid part of the v1 API: requests, open runs and claims, day plans.

Thin, like the rest of v1: reads through porch.aid.access (404 for missing
and forbidden alike, R30), writes through porch.aid.actions.
- Requests are for the organisation's intake volunteers and coordinators:
  code, zone, status, size and needs. Never a callback number, never an
  address (those stay on the one-request page and the run page, R31).
- Open runs are for vetted drivers: zone, size and time, no addresses.
  A claim is the action's one conditional UPDATE (R46): of two claimers
  exactly one gets 200, the other 409.
- A day's plan is for coordinators: its runs by zone, size and time.
A body that does not parse or breaks the schema is 422; a well-formed body
the action or the object's state refuses (no zone, a number that is no phone
number, a closed request, a run already claimed) is 409 with the translated
message.
"""

import datetime
import re
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from pydantic import BeforeValidator, StringConstraints

from porch.aid import access, actions
from porch.aid.models import HOUSEHOLD_LANGUAGES, AidRequest, Diet, HomeTimes, Need, Urgency
from porch.api.common import CODE_PATTERN, COMMON, ErrorOut, InvalidOut
from porch.coalition.models import Zone

router = Router(tags=["aid"])

TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"


def _one_of(values) -> str:
    return "^(" + "|".join(values) + ")$"


NeedCode = Annotated[str, StringConstraints(pattern=_one_of(Need.values))]


def _iso_day_only(value):
    # pydantic reads a bare number as a Unix timestamp (schemathesis sent
    # day=1.2e-283 and got 1970's plan): a day is written YYYY-MM-DD.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a day is written YYYY-MM-DD")
    return value


IsoDay = Annotated[datetime.date, BeforeValidator(_iso_day_only)]

WRITES = {400: ErrorOut, 403: ErrorOut, 409: InvalidOut, **COMMON}


class RequestIn(Schema):
    callback_number: str = Field(..., min_length=1, max_length=32, pattern=TEXT_PATTERN)
    zone: str | None = Field(None, pattern=CODE_PATTERN)
    cross_streets: str = Field("", max_length=200, pattern=TEXT_PATTERN)
    household_size: int = Field(1, ge=1, le=actions.MAX_HOUSEHOLD)
    needs: list[NeedCode] = Field(default_factory=list, max_length=20)
    diet: str = Field(Diet.ANY, pattern=_one_of(Diet.values))
    language: str = Field("en", pattern=_one_of(dict(HOUSEHOLD_LANGUAGES)))
    home_times: str = Field(HomeTimes.ANY, pattern=_one_of(HomeTimes.values))
    urgency: str = Field(Urgency.ROUTINE, pattern=_one_of(Urgency.values))


class CloseIn(Schema):
    status: str = Field(..., pattern=_one_of(AidRequest.CLOSED_BY_HAND))


class RequestOut(Schema):
    code: str
    organisation: str
    kind: str
    source: str
    status: str
    zone: str | None
    household_size: int
    bags: int
    needs: list[str]
    diet: str
    language: str
    home_times: str
    urgency: str
    callback_attempts: int
    created_on: datetime.date


class RunOut(Schema):
    code: str
    organisation: str
    hub: str
    day: datetime.date
    status: str
    zones: str
    stops: int
    bags: int
    first_stop_at: datetime.datetime
    last_window_end: datetime.datetime
    mine: bool


def _refused(error: DjangoValidationError):
    return Status(409, {"detail": " ".join(error.messages), "errors": []})


def _invalid(error: DjangoValidationError):
    """A schema-valid body the action refuses (a number that is no phone
    number, no zone): 409 with the fields named, as elsewhere in v1."""
    fields = list(error.error_dict) if hasattr(error, "error_dict") else []
    return Status(
        409,
        {
            "detail": " ".join(error.messages),
            "errors": [{"loc": [f], "type": "invalid"} for f in fields],
        },
    )


def _request_out(found: AidRequest) -> dict:
    return {
        "code": found.code,
        "organisation": found.organisation.code,
        "kind": found.kind,
        "source": found.source,
        "status": found.status,
        "zone": found.zone.code if found.zone else None,
        "household_size": found.household_size,
        "bags": found.bags,
        "needs": list(found.needs),
        "diet": found.diet,
        "language": found.language,
        "home_times": found.home_times,
        "urgency": found.urgency,
        "callback_attempts": found.callback_attempts,
        "created_on": found.created_on,
    }


def _run_out(run, user) -> dict:
    return {
        "code": run.code,
        "organisation": run.organisation.code,
        "hub": run.hub.name,
        "day": run.day,
        "status": run.status,
        "zones": run.zone_names,
        "stops": run.stop_count,
        "bags": run.bags,
        "first_stop_at": run.first_stop_at,
        "last_window_end": run.last_window_end,
        "mine": run.driver_id is not None and run.driver_id == user.pk,
    }


# ---- Requests ----------------------------------------------------------------------------


@router.get(
    "/organisations/{code}/requests",
    url_name="aid-requests",
    response={200: list[RequestOut], **COMMON},
)
def requests(
    request,
    code: str = Path(..., pattern=CODE_PATTERN),
    # One of the statuses or nothing: PostgreSQL refuses a NUL byte in a
    # filter value with a server error (found by schemathesis on PostgreSQL).
    status: Annotated[
        str, StringConstraints(pattern="^(" + "|".join(AidRequest.Status.values) + ")?$")
    ] = "",
):
    org = access.get_intake_organisation_for_user(request.auth, code)
    found = access.requests_visible_to(request.auth).filter(organisation=org)
    if status:
        found = found.filter(status=status)
    return [_request_out(item) for item in found.order_by("-pk")[:500]]


@router.post(
    "/organisations/{code}/requests",
    url_name="aid-request-create",
    response={201: RequestOut, **WRITES},
)
def create_request(request, payload: RequestIn, code: str = Path(..., pattern=CODE_PATTERN)):
    org = access.get_intake_organisation_for_user(request.auth, code)
    zone = None
    if payload.zone:
        zone = Zone.objects.filter(code=payload.zone).first()
        if zone is None:
            return _invalid(
                DjangoValidationError({"zone": [_("There is no zone with that code.")]})
            )
    try:
        created = actions.do_create_request(
            org,
            callback_number=payload.callback_number,
            zone=zone,
            cross_streets=payload.cross_streets,
            household_size=payload.household_size,
            needs=payload.needs,
            diet=payload.diet,
            language=payload.language,
            home_times=payload.home_times,
            urgency=payload.urgency,
            actor=request.auth,
        )
    except DjangoValidationError as error:
        return _invalid(error)
    return Status(201, _request_out(created))


@router.get("/requests/{code}", url_name="aid-request", response={200: RequestOut, **COMMON})
def request_detail(request, code: str = Path(..., pattern=CODE_PATTERN)):
    return _request_out(access.get_request_for_user(request.auth, code))


@router.post(
    "/requests/{code}/no-answer",
    url_name="aid-request-no-answer",
    response={200: RequestOut, **WRITES},
)
def request_no_answer(request, code: str = Path(..., pattern=CODE_PATTERN)):
    found = access.get_request_for_user(request.auth, code)
    try:
        found = actions.do_record_no_answer(found, actor=request.auth)
    except DjangoValidationError as error:
        return _refused(error)
    return _request_out(found)


@router.post(
    "/requests/{code}/close",
    url_name="aid-request-close",
    response={200: RequestOut, **WRITES},
)
def request_close(request, payload: CloseIn, code: str = Path(..., pattern=CODE_PATTERN)):
    found = access.get_request_for_user(request.auth, code)
    try:
        found = actions.do_close_request(found, payload.status, actor=request.auth)
    except DjangoValidationError as error:
        return _refused(error)
    return _request_out(found)


# ---- Runs ----------------------------------------------------------------------------------


@router.get("/runs/open", url_name="aid-open-runs", response={200: list[RunOut], 401: ErrorOut})
def open_runs(request):
    runs = access.open_runs_for(request.auth).select_related("organisation")
    return [_run_out(run, request.auth) for run in runs]


@router.get("/runs/mine", url_name="aid-my-runs", response={200: list[RunOut], 401: ErrorOut})
def my_runs(request):
    runs = access.my_runs(request.auth).select_related("organisation")
    return [_run_out(run, request.auth) for run in runs]


# Run codes are upper case (porch.core.codes), so /runs/mine and /runs/open
# are never read as a run's code.
RUN_CODE_PATTERN = r"^[A-Z0-9]{1,32}$"


@router.get("/runs/{code}", url_name="aid-run", response={200: RunOut, **COMMON})
def run_detail(request, code: str = Path(..., pattern=RUN_CODE_PATTERN)):
    return _run_out(access.get_run_for_user(request.auth, code), request.auth)


@router.post("/runs/{code}/claim", url_name="aid-run-claim", response={200: RunOut, **WRITES})
def run_claim(request, code: str = Path(..., pattern=CODE_PATTERN)):
    run = access.get_run_for_user(request.auth, code)
    if run.organisation not in access.driver_organisations(request.auth):
        # A coordinator sees the run but cannot drive it: as if it were not there.
        raise Http404
    try:
        run = actions.do_claim_run(run, actor=request.auth)
    except DjangoValidationError as error:
        return _refused(error)
    return _run_out(run, request.auth)


# ---- Plans ---------------------------------------------------------------------------------


@router.get(
    "/organisations/{code}/plan",
    url_name="aid-plan",
    response={200: list[RunOut], **COMMON},
)
def plan(
    request,
    code: str = Path(..., pattern=CODE_PATTERN),
    day: IsoDay | None = None,
):
    org = access.get_planner_organisation_for_user(request.auth, code)
    when = day or timezone.localdate()
    runs = access.runs_of_day(org, when).select_related("organisation")
    return [_run_out(run, request.auth) for run in runs]


# ---- Plan: moving a stop (porch.aid.planning; the route-planning slice) --------------------


class MoveStopIn(Schema):
    # A draft run of the same day; null takes the stop off the runs.
    run: str | None = Field(None, pattern=CODE_PATTERN)


@router.post(
    "/organisations/{code}/plan/stops/{stop}/move",
    url_name="aid-plan-move-stop",
    response={200: list[RunOut], **WRITES},
)
def plan_move_stop(
    request,
    payload: MoveStopIn,
    code: str = Path(..., pattern=CODE_PATTERN),
    stop: str = Path(..., pattern=CODE_PATTERN),
):
    """Move a draft stop to another draft run (or off the runs) and re-plan
    the two runs with every stop locked; answers the day's runs."""
    from porch.aid import planning

    org = access.get_planner_organisation_for_user(request.auth, code)
    found = planning.get_draft_stop_for_planner(org, stop)
    day = found.run.day
    target = None
    if payload.run:
        target = planning.draft_runs_of_day(org, day).filter(code=payload.run).first()
        if target is None:
            return Status(409, {"detail": _("Choose a draft run of the same day."), "errors": []})
    try:
        planning.do_move_stop(found, target, actor=request.auth)
    except DjangoValidationError as error:
        return _refused(error)
    runs = access.runs_of_day(org, day).select_related("organisation")
    return [_run_out(run, request.auth) for run in runs]


# ---- Reimbursements (operations slice; porch/aid/reimbursements.py) -------------------------
# Drivers claim an amount for a run they drove, with the receipt photo as
# base64 in the JSON body (read in memory, capped by PORCH_MAX_BODY_BYTES);
# the action re-encodes it without metadata and seals it. Coordinators list
# the organisation's claims with counts per status and decide each once.
# No names, no memos; the receipt itself is only on the page (never in JSON).

import base64 as _base64  # noqa: E402
import binascii as _binascii  # noqa: E402

from porch.aid import reimbursements as _reimbursements  # noqa: E402


class ReimbursementIn(Schema):
    run_code: str = Field(..., min_length=1, max_length=12, pattern=CODE_PATTERN)
    amount_cents: int = Field(..., ge=1, le=_reimbursements.MAX_CENTS)
    receipt_base64: str = Field(
        ..., min_length=4, max_length=4 * (_reimbursements.MAX_UPLOAD // 3 + 1)
    )


class ReimbursementDecisionIn(Schema):
    approve: bool


class ReimbursementOut(Schema):
    code: str
    run_code: str
    amount_cents: int
    status: str
    submitted_on: datetime.date
    decided_on: datetime.date | None


class ReimbursementCountOut(Schema):
    count: int
    cents: int


class ReimbursementListOut(Schema):
    counts: dict[str, ReimbursementCountOut]
    items: list[ReimbursementOut]


def _reimbursement_out(item) -> dict:
    return {
        "code": item.code,
        "run_code": item.run_code,
        "amount_cents": item.amount_cents,
        "status": item.status,
        "submitted_on": item.submitted_on,
        "decided_on": item.decided_on,
    }


@router.get(
    "/organisations/{code}/reimbursements",
    url_name="aid-reimbursements",
    response={200: ReimbursementListOut, **COMMON},
)
def reimbursement_list(request, code: str = Path(..., pattern=CODE_PATTERN)):
    org = _reimbursements.get_organisation_for_user(request.auth, code)
    counts = _reimbursements.counts(org) if access.is_planner(request.auth, org) else {}
    items = _reimbursements.visible_in(request.auth, org).order_by("-pk")[:500]
    return {"counts": counts, "items": [_reimbursement_out(item) for item in items]}


@router.post(
    "/organisations/{code}/reimbursements",
    url_name="aid-reimbursement-create",
    response={201: ReimbursementOut, 413: ErrorOut, **WRITES},
)
def reimbursement_create(
    request, payload: ReimbursementIn, code: str = Path(..., pattern=CODE_PATTERN)
):
    org = _reimbursements.get_organisation_for_user(request.auth, code)
    try:
        photo = _base64.b64decode(payload.receipt_base64, validate=True)
    except (ValueError, _binascii.Error):
        photo = b""
    try:
        item = _reimbursements.do_submit_reimbursement(
            org,
            run_code=payload.run_code,
            amount_cents=payload.amount_cents,
            receipt=photo,
            actor=request.auth,
        )
    except DjangoValidationError as error:
        return _invalid(error)
    return Status(201, _reimbursement_out(item))


@router.post(
    "/reimbursements/{code}/decision",
    url_name="aid-reimbursement-decide",
    response={200: ReimbursementOut, **WRITES},
)
def reimbursement_decide(
    request, payload: ReimbursementDecisionIn, code: str = Path(..., pattern=CODE_PATTERN)
):
    item = _reimbursements.get_reimbursement_for_user(request.auth, code)
    if not access.is_planner(request.auth, item.organisation):
        raise Http404  # the claimant sees it, but deciding is not theirs: as if absent
    try:
        item = _reimbursements.do_decide_reimbursement(item, payload.approve, actor=request.auth)
    except DjangoValidationError as error:
        return _refused(error)
    return _reimbursement_out(item)


# ---- Request sheet import (operations slice; porch/aid/importing.py) ------------------------
# Coordinators send a CSV export's text (in the JSON body, so it is read in
# memory and capped), an optional column mapping (guessed from the headers
# when absent) and dry_run. The answer counts the rows and lists the bad ones
# by row number with translated reasons (never a cell). A real import with
# any bad row, or a sheet with a forbidden column, is 409 and imports nothing.

from porch.aid import importing as _importing  # noqa: E402


class RequestImportMappingIn(Schema):
    """The sheet's column (its header) for each field; absent or null: not in the sheet."""

    callback_number: str | None = Field(None, max_length=200)
    zone: str | None = Field(None, max_length=200)
    cross_streets: str | None = Field(None, max_length=200)
    household_size: str | None = Field(None, max_length=200)
    needs: str | None = Field(None, max_length=200)
    diet: str | None = Field(None, max_length=200)
    language: str | None = Field(None, max_length=200)
    home_times: str | None = Field(None, max_length=200)
    urgency: str | None = Field(None, max_length=200)


class RequestImportIn(Schema):
    # The 1 MB cap is in bytes, checked by importing.read_sheet (a 409 with a
    # translated message), not a schema max_length in characters (see the
    # volunteers import).
    csv: str = Field(..., min_length=1, description="The sheet as CSV text (UTF-8), at most 1 MB.")
    mapping: RequestImportMappingIn | None = None
    dry_run: bool = True


class ImportBadRowOut(Schema):
    row: int
    errors: list[str]


class RequestImportOut(Schema):
    rows: int
    ready: int
    skipped: int
    imported: int
    mapping: dict[str, str]
    bad: list[ImportBadRowOut]


def _import_out(report, mapping) -> dict:
    return {
        "rows": len(report.rows),
        "ready": report.ready,
        "skipped": report.skipped,
        "imported": report.imported,
        "mapping": mapping,
        "bad": [{"row": r.number, "errors": r.errors} for r in report.bad],
    }


@router.post(
    "/organisations/{code}/request-imports",
    url_name="aid-request-import",
    response={200: RequestImportOut, 413: ErrorOut, **WRITES},
)
def request_import(request, payload: RequestImportIn, code: str = Path(..., pattern=CODE_PATTERN)):
    org = access.get_planner_organisation_for_user(request.auth, code)
    try:
        sheet = _importing.read_sheet(payload.csv)
        mapping = (
            {k: v for k, v in payload.mapping.dict().items() if v}
            if payload.mapping is not None
            else _importing.guess_mapping(sheet.headers)
        )
        report = _importing.dry_run(org, sheet, mapping)
        if not payload.dry_run:
            if report.bad:
                return Status(
                    409,
                    {
                        "detail": _(
                            "Nothing was imported: %(count)d rows have problems. "
                            "Fix them and try again."
                        )
                        % {"count": len(report.bad)},
                        "errors": [
                            {"loc": ["row", r.number], "type": "invalid", "msg": " ".join(r.errors)}
                            for r in report.bad
                        ],
                    },
                )
            report = _importing.do_import(org, sheet, mapping, actor=request.auth)
    except DjangoValidationError as error:
        return _refused(error)
    return _import_out(report, mapping)


# ---- A driver's car: size and usual hub (porch/aid/cars.py; issue 6 planning) --------------
# The driver sets their own (no "driver" in the body); a coordinator of the
# organisation names one of its drivers by their user code.

from porch.aid import cars as _cars  # noqa: E402
from porch.aid.models import CAR_BAGS_MAX as _CAR_BAGS_MAX  # noqa: E402
from porch.aid.models import CAR_BAGS_MIN as _CAR_BAGS_MIN  # noqa: E402


class CarIn(Schema):
    driver: str | None = Field(None, pattern=CODE_PATTERN)
    bags: int = Field(..., ge=_CAR_BAGS_MIN, le=_CAR_BAGS_MAX)
    hub: str | None = Field(None, pattern=CODE_PATTERN)


class CarOut(Schema):
    driver: str
    organisation: str
    bags: int
    hub: str | None


@router.post(
    "/organisations/{code}/car",
    url_name="aid-car",
    response={200: CarOut, **WRITES},
)
def set_car(request, payload: CarIn, code: str = Path(..., pattern=CODE_PATTERN)):
    """Set the bags a driver's car holds and their usual hub (null: the plan's hub)."""
    user = request.auth
    org = _cars.get_car_organisation_for_user(user, code)
    driver = user
    if payload.driver is not None and payload.driver != user.code:
        if not access.is_planner(user, org):
            raise Http404
        driver = _cars.drivers_of(org).filter(code=payload.driver).first()
        if driver is None:
            return Status(
                409,
                {
                    "detail": _("Choose one of your organisation's drivers."),
                    "errors": [{"loc": ["driver"], "type": "invalid"}],
                },
            )
    hub = None
    if payload.hub is not None:
        hub = access.hubs_for(org).filter(code=payload.hub).first()
        if hub is None:
            return Status(
                409,
                {
                    "detail": _("Choose one of your organisation's hubs."),
                    "errors": [{"loc": ["hub"], "type": "invalid"}],
                },
            )
    try:
        car = _cars.do_set_driver_car(org, driver, bags=payload.bags, hub=hub, actor=user)
    except DjangoValidationError as error:
        return _invalid(error)
    return {
        "driver": driver.code,
        "organisation": org.code,
        "bags": car.bags,
        "hub": hub.code if hub else None,
    }
