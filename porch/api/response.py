"""The rapid-response part of the v1 API: reports, dispatches, outcomes, alerts.

Thin: reads through porch.response.access (404 for missing and forbidden
alike), writes through porch.response.actions. Reports are listed with
their SALUTE fields only — never the free text or the reporter's contact.
The debrief (per organisation) gives response times per incident and
reports by zone, day and outcome, counts from 1 to 4 as "<5"; it reads
only the Debrief rows that outlive the purged reports.
A well-formed request the state refuses (an alert before two distinct
confirmations, R32; an outcome before accepting) is 409.
"""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Path, Query, Router, Schema, Status

from porch.api.common import CODE_PATTERN, COMMON, ErrorOut, InvalidOut
from porch.response import access, actions, debrief
from porch.response.models import Outcome

router = Router(tags=["response"])


class ReportOut(Schema):
    code: str
    organisation: str
    status: str
    zone: str | None
    size: str
    activity: str
    uniform: str
    equipment: str
    seen_at: datetime.datetime
    confirmations: int
    heading: int


class DispatchOut(Schema):
    code: str
    report: str
    zone: str | None
    state: str
    outcome: str


class OutcomeIn(Schema):
    outcome: str = Field(..., pattern="^(" + "|".join(Outcome.values) + ")$")


class AlertOut(Schema):
    code: str
    kind: str
    zone: str
    time_bucket: str
    original: str | None


class AlertIn(Schema):
    advice: str = Field("know_rights", pattern="^(stay_inside|know_rights|avoid_area)$")


def _refused(error: DjangoValidationError):
    return Status(409, {"detail": " ".join(error.messages), "errors": []})


def _report_out(report, heading: int = 0) -> dict:
    return {
        "code": report.code,
        "organisation": report.organisation.code,
        "status": report.status,
        "zone": report.zone.code if report.zone else None,
        "size": report.size,
        "activity": report.activity,
        "uniform": report.uniform,
        "equipment": report.equipment,
        "seen_at": report.seen_at,
        "confirmations": len(report.confirmers()),
        "heading": heading,
    }


def _dispatch_out(dispatch) -> dict:
    return {
        "code": dispatch.code,
        "report": dispatch.report.code,
        "zone": dispatch.report.zone.code if dispatch.report.zone else None,
        "state": dispatch.state,
        "outcome": dispatch.outcome,
    }


def _alert_out(alert) -> dict:
    return {
        "code": alert.code,
        "kind": alert.kind,
        "zone": alert.zone.code,
        "time_bucket": alert.time_bucket,
        "original": alert.original.code if alert.original else None,
    }


@router.get("/reports", url_name="response-reports", response={200: list[ReportOut], 401: ErrorOut})
def reports(request):
    rows = list(
        access.reports_for(request.auth).open().select_related("zone", "organisation")[:200]
    )
    heading = actions.heading_counts(rows)
    return [_report_out(report, heading.get(report.pk, 0)) for report in rows]


@router.get("/reports/{code}", url_name="response-report", response={200: ReportOut, **COMMON})
def report(request, code: str = Path(..., pattern=CODE_PATTERN)):
    found = access.get_report_for_user(request.auth, code)
    return _report_out(found, actions.heading_counts([found]).get(found.pk, 0))


@router.post(
    "/reports/{code}/dispatches",
    url_name="response-report-dispatch",
    response={201: list[DispatchOut], 409: InvalidOut, **COMMON},
)
def dispatch_report(request, code: str = Path(..., pattern=CODE_PATTERN)):
    found = access.get_report_for_user(request.auth, code)
    try:
        made = actions.do_dispatch_verifiers(found, actor=request.auth)
    except DjangoValidationError as error:
        return _refused(error)
    return Status(201, [_dispatch_out(d) for d in made])


@router.post(
    "/reports/{code}/alert",
    url_name="response-report-alert",
    response={201: AlertOut, 400: ErrorOut, 409: InvalidOut, **COMMON},
)
def publish_alert(request, payload: AlertIn, code: str = Path(..., pattern=CODE_PATTERN)):
    found = access.get_report_for_user(request.auth, code)
    try:
        alert = actions.do_publish_alert(found, actor=request.auth, advice=payload.advice)
    except DjangoValidationError as error:
        return _refused(error)
    return Status(201, _alert_out(alert))


@router.get(
    "/dispatches", url_name="response-dispatches", response={200: list[DispatchOut], 401: ErrorOut}
)
def dispatches(request):
    rows = access.dispatches_for(request.auth).select_related("report__zone").order_by("-pk")
    return [_dispatch_out(d) for d in rows[:200]]


@router.post(
    "/dispatches/{code}/outcome",
    url_name="response-dispatch-outcome",
    response={200: DispatchOut, 400: ErrorOut, 409: InvalidOut, **COMMON},
)
def report_outcome(request, payload: OutcomeIn, code: str = Path(..., pattern=CODE_PATTERN)):
    found = access.get_dispatch_for_verifier(request.auth, code)
    try:
        done = actions.do_report_outcome(found, outcome=payload.outcome, actor=request.auth)
    except DjangoValidationError as error:
        return _refused(error)
    return _dispatch_out(done)


@router.get("/alerts", url_name="response-alerts", response={200: list[AlertOut], 401: ErrorOut})
def alerts(request):
    rows = access.alerts_for(request.auth).select_related("zone", "original").order_by("-pk")
    return [_alert_out(a) for a in rows[:200]]


class IncidentOut(Schema):
    code: str
    day: datetime.date
    zone: str | None
    source: str
    triage: str
    seconds_to_dispatch: int | None
    seconds_to_accept: int | None
    seconds_to_outcome: int | None
    outcome: str
    dispatches: int
    confirmations: int
    false_alarms: int
    alerted: bool
    cleared: bool


class CountOut(Schema):
    day: datetime.date
    zone: str | None
    reports: dict[str, str] = Field(
        ..., description='Reports per first outcome ("none" for none yet); 1 to 4 as "<5".'
    )
    total: str


class MediansOut(Schema):
    seconds_to_dispatch: int | None
    seconds_to_accept: int | None
    seconds_to_outcome: int | None


class DebriefOut(Schema):
    organisation: str
    days: int
    medians: MediansOut
    counts: list[CountOut]
    incidents: list[IncidentOut]


@router.get(
    "/organisations/{code}/debrief",
    url_name="response-debrief",
    response={200: DebriefOut, **COMMON},
)
def debrief_view(
    request,
    code: str = Path(..., pattern=CODE_PATTERN),
    days: int = Query(debrief.DEFAULT_WINDOW, description="7, 28 or 90"),
):
    organisation = access.get_desk_organisation(request.auth, code)
    days = debrief.window(days)
    scope = [organisation]
    medians = debrief.medians(scope, days=days)
    return {
        "organisation": organisation.code,
        "days": days,
        "medians": {
            "seconds_to_dispatch": medians["to_dispatch"],
            "seconds_to_accept": medians["to_accept"],
            "seconds_to_outcome": medians["to_outcome"],
        },
        "counts": [
            {
                "day": row["day"],
                "zone": row["zone_code"],
                "reports": row["by_outcome"],
                "total": row["total"],
            }
            for row in debrief.counts(scope, days=days)
        ],
        "incidents": [
            {
                "code": row["code"],
                "day": row["day"],
                "zone": row["zone_code"],
                "source": row["source"],
                "triage": row["triage"],
                "seconds_to_dispatch": row["to_dispatch"],
                "seconds_to_accept": row["to_accept"],
                "seconds_to_outcome": row["to_outcome"],
                "outcome": row["outcome"],
                "dispatches": row["dispatches"],
                "confirmations": row["confirmations"],
                "false_alarms": row["false_alarms"],
                "alerted": row["alerted"],
                "cleared": row["cleared"],
            }
            for row in debrief.incidents(scope, days=days)
        ],
    }
