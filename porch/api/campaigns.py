"""The campaigns part of the v1 API: dashboard aggregates, campaign counters
and updates to pledgers.

Thin, like the rest of v1: reads through porch.campaigns.access, counts
through the dashboard module. Every count is a string, suppressed exactly as
on the dashboard and in the CSV ("<5" for 1 to 4). Public counters need no
authentication, like the public pages. Updates are chosen from the
catalogue (a key, never a text) and answer with counts only: no contact,
no language breakdown.
"""

from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Path, Query, Router, Schema, Status

from porch.api.common import CODE_PATTERN, ErrorOut, InvalidOut
from porch.campaigns import access, actions, dashboard
from porch.campaigns.metrics import iso_week, suppress
from porch.campaigns.models import Pledge
from porch.messaging import catalogue

router = Router(tags=["campaigns"])


class AggregateOut(Schema):
    series: str
    iso_week: str
    zone: str
    count: str


class MetricOut(Schema):
    key: str
    label: str
    total: str
    rows: list[AggregateOut]


class DashboardOut(Schema):
    whole_coalition: bool
    first_week: str
    last_week: str
    metrics: list[MetricOut]


class CounterOut(Schema):
    kind: str
    count: str


class CampaignOut(Schema):
    code: str
    title: str
    slogan: str
    state: str
    starts_on: str
    ends_on: str
    counters: list[CounterOut]


def _counters(counts: dict[str, int]) -> list[dict]:
    return [{"kind": kind, "count": suppress(counts.get(kind, 0))} for kind in Pledge.Kind.values]


def _campaign_out(campaign, counts) -> dict:
    return {
        "code": campaign.code,
        "title": campaign.title,
        "slogan": campaign.slogan,
        "state": campaign.state,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "counters": _counters(counts.get(campaign.pk, {})),
    }


class WeeksIn(Schema):
    weeks: Literal["4", "12", "26", "52"] = "12"


@router.get(
    "/dashboard",
    response={200: DashboardOut, 401: ErrorOut, 404: ErrorOut, 422: InvalidOut},
)
def dashboard_aggregates(request, filters: Query[WeeksIn]):
    organisations, whole = access.dashboard_organisations(request.auth)
    weeks = int(filters.weeks)
    scope = dashboard.scope_for(organisations, weeks=weeks, whole_coalition=whole)
    panels = dashboard.build(scope)
    metrics = []
    for panel in panels:
        rows = [
            {"series": row[1], "iso_week": row[2], "zone": row[3], "count": row[4]}
            for row in dashboard.csv_rows([panel])
        ][1:]
        metrics.append(
            {"key": panel["key"], "label": panel["label"], "total": panel["total"], "rows": rows}
        )
    return {
        "whole_coalition": whole,
        "first_week": iso_week(scope.first_week),
        "last_week": iso_week(scope.last_week),
        "metrics": metrics,
    }


@router.get("", response={200: list[CampaignOut], 401: ErrorOut})
def campaigns(request):
    rows = list(access.managed_campaigns(request.auth))
    counts = access.pledge_counts(rows)
    return [_campaign_out(c, counts) for c in rows]


@router.get("/{code}", response={200: CampaignOut, 401: ErrorOut, 404: ErrorOut, 422: InvalidOut})
def campaign(request, code: str = Path(..., pattern=CODE_PATTERN)):
    row = access.get_managed_campaign(request.auth, code)
    return _campaign_out(row, access.pledge_counts([row]))


@router.get(
    "/{code}/counters",
    auth=None,
    response={200: list[CounterOut], 404: ErrorOut, 422: InvalidOut},
)
def public_counters(request, code: str = Path(..., pattern=CODE_PATTERN)):
    row = access.get_public_campaign(code)
    return _counters(access.pledge_counts([row]).get(row.pk, {}))


# ---- Updates to pledgers -------------------------------------------------------------

UPDATE_PATTERN = "^(" + "|".join(catalogue.UPDATE_KEYS) + ")$"


class UpdateIn(Schema):
    template: str = Field(..., pattern=UPDATE_PATTERN)


class UpdateCountsOut(Schema):
    queued: int
    sending: int
    sent: int
    delivered: int
    failed: int


class UpdateOut(Schema):
    code: str
    template: str
    audience_size: int
    created_on: str
    counts: UpdateCountsOut


def _update_out(update) -> dict:
    mailing = update.mailing
    return {
        "code": mailing.code,
        "template": mailing.template_key,
        "audience_size": mailing.audience_size,
        "created_on": update.created_on.isoformat(),
        "counts": mailing.counts(),
    }


@router.get(
    "/{code}/updates",
    response={200: list[UpdateOut], 401: ErrorOut, 404: ErrorOut, 422: InvalidOut},
)
def campaign_updates(request, code: str = Path(..., pattern=CODE_PATTERN)):
    row = access.get_managed_campaign(request.auth, code)
    return [_update_out(update) for update in access.updates_of(row)]


@router.post(
    "/{code}/updates",
    response={
        201: UpdateOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: InvalidOut,
        422: InvalidOut,
    },
)
def send_campaign_update(request, payload: UpdateIn, code: str = Path(..., pattern=CODE_PATTERN)):
    """Queue an update to every pledger who left a contact (409 once the campaign has ended
    or while it is a draft)."""
    row = access.get_managed_campaign(request.auth, code)
    try:
        update = actions.do_send_campaign_update(row, payload.template, actor=request.auth)
    except DjangoValidationError as error:
        return Status(409, {"detail": " ".join(error.messages), "errors": []})
    return Status(201, _update_out(update))
