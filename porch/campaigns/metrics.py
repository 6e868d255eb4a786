"""The coalition dashboard's registry of counts (issue 8).

Design note. The dashboard lives on the top floor and may read every domain,
but it must not know them: each app registers a Metric that answers with
aggregate rows only — (ISO week, zone, series, count) — never objects.
Later apps (aid, response, volunteers, messaging) call `register()` from
their AppConfig.ready(), exactly as campaigns registers pledge counts:

    from porch.campaigns.metrics import Metric, register

    register(Metric(
        key="deliveries",
        label=_("Deliveries"),
        series={"delivered": _("Delivered"), "failed": _("Could not deliver")},
        rows=deliveries_by_week,      # rows(scope) -> iterable of Row
        zoned=True,
    ))

`rows(scope)` should run one GROUP BY query (the dashboard's query count is
pinned in a test) over `scope.organisations` and the weeks from
`scope.first_week` to `scope.last_week`. Counts from 1 to 4 are shown and
exported as "<5" (SMALL) everywhere, so no figure can single out a family;
totals are suppressed the same way.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext_lazy as _

SMALL = "<5"
THRESHOLD = 5


def suppress(count: int) -> str:
    """A count as it may be shown: 0, "<5" for 1 to 4, else the number."""
    if 0 < count < THRESHOLD:
        return SMALL
    return str(count)


def week_start(day: date) -> date:
    """The Monday that starts `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def iso_week(monday: date) -> str:
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Scope:
    """What one dashboard may count: these organisations, these weeks."""

    organisations: QuerySet  # of coalition.Organisation (ids are read in subqueries)
    first_week: date
    last_week: date
    whole_coalition: bool = False

    @property
    def weeks(self) -> list[date]:
        out, day = [], self.first_week
        while day <= self.last_week:
            out.append(day)
            day += timedelta(days=7)
        return out

    @property
    def until(self) -> date:
        return self.last_week + timedelta(days=6)


@dataclass(frozen=True)
class Row:
    week: date  # the Monday of the ISO week
    zone: str | None  # the zone's name, or None when the count has no zone
    series: str
    count: int


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    series: dict[str, str]
    rows: Callable[[Scope], Iterable[Row]]
    zoned: bool = False
    help: str = ""
    order: int = 100
    extra: dict = field(default_factory=dict)


METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    """Add (or replace, by key) a metric on the coalition dashboard."""
    METRICS[metric.key] = metric
    return metric


def registered() -> list[Metric]:
    return sorted(METRICS.values(), key=lambda m: (m.order, m.key))


def grouped(queryset, *, date_field: str, series_field: str, zone_field: str = "") -> list[Row]:
    """Rows from one GROUP BY over `queryset`: week × (zone) × series → count."""
    fields = ["week", series_field] + ([zone_field] if zone_field else [])
    rows = (
        queryset.annotate(week=TruncWeek(date_field))
        .values(*fields)
        .annotate(n=Count("pk"))
        .order_by()
    )
    out = []
    for item in rows:
        week = item["week"]
        if hasattr(week, "date"):
            week = week.date()
        zone = item.get(zone_field) if zone_field else None
        out.append(Row(week=week, zone=zone, series=str(item[series_field]), count=item["n"]))
    return out


# ---- The counts that exist today --------------------------------------------------


def _membership_rows(scope: Scope) -> list[Row]:
    from porch.coalition.access import counting_memberships

    memberships = counting_memberships().filter(
        organisation__in=scope.organisations.values("pk"),
        created_on__gte=scope.first_week,
        created_on__lte=scope.until,
    )
    return grouped(memberships, date_field="created_on", series_field="role")


def _organisation_rows(scope: Scope) -> list[Row]:
    organisations = scope.organisations.filter(
        created_on__gte=scope.first_week, created_on__lte=scope.until
    )
    return grouped(organisations, date_field="created_on", series_field="is_public")


def _referral_rows(scope: Scope) -> list[Row]:
    from django.db.models import Q

    from porch.coalition.models import Referral

    ids = scope.organisations.values("pk")
    referrals = Referral.objects.filter(
        Q(from_organisation__in=ids) | Q(to_organisation__in=ids),
        created_on__gte=scope.first_week,
        created_on__lte=scope.until,
    )
    return grouped(referrals, date_field="created_on", series_field="state")


def _pledge_rows(scope: Scope) -> list[Row]:
    from porch.campaigns.models import Pledge

    pledges = Pledge.objects.filter(created_on__gte=scope.first_week, created_on__lte=scope.until)
    if not scope.whole_coalition:
        pledges = pledges.filter(campaign__organisation__in=scope.organisations.values("pk"))
    return grouped(pledges, date_field="created_on", series_field="kind", zone_field="zone__name")


def register_builtin() -> None:
    """The metrics of what exists today; called from CampaignsConfig.ready()."""
    from porch.accounts.roles import Role
    from porch.campaigns.models import Pledge
    from porch.coalition.models import Referral

    register(
        Metric(
            key="pledges",
            label=_("Pledges"),
            series=dict(Pledge.Kind.choices),
            rows=_pledge_rows,
            zoned=True,
            help=_("Pledges made to campaigns, by the week they were made."),
            order=10,
        )
    )
    register(
        Metric(
            key="volunteers",
            label=_("Active volunteers"),
            series=dict(Role.choices),
            rows=_membership_rows,
            help=_("Active memberships, by the week they were granted."),
            order=20,
        )
    )
    register(
        Metric(
            key="organisations",
            label=_("Organisations"),
            series={"False": _("Private"), "True": _("Listed publicly")},
            rows=_organisation_rows,
            help=_("Organisations, by the week they joined."),
            order=30,
        )
    )
    register(
        Metric(
            key="referrals",
            label=_("Referrals"),
            series=dict(Referral.State.choices),
            rows=_referral_rows,
            help=_("Referrals sent or received, by the week they were sent."),
            order=40,
        )
    )
