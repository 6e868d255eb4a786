"""The coalition dashboard's tables, charts and CSV, built from the metrics registry.

Only aggregates leave this module, and every count is passed through
metrics.suppress() before it is shown or exported. Totals are suppressed
too. Known limit: a reader who sees both a total and all but one of its parts
can sometimes work out a suppressed part by subtraction (no secondary
suppression yet); keep zones and weeks coarse enough that this matters little.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from porch.campaigns import charts
from porch.campaigns.metrics import Scope, iso_week, registered, suppress, week_start

# More series than this and empty columns are left out of the tables.
WIDE = 6


def scope_for(organisations, *, weeks: int, whole_coalition: bool, today: date | None = None):
    last = week_start(today or timezone.localdate())
    first = last - timedelta(weeks=weeks - 1)
    return Scope(organisations, first, last, whole_coalition)


def _panel(metric, scope: Scope) -> dict:
    rows = list(metric.rows(scope))
    present = {r.series for r in rows}
    series = list(metric.series)
    if len(series) > WIDE:
        # Many series (roles): keep the columns that have something to show.
        series = [key for key in series if key in present]
    series += sorted(present - set(series))
    labels = {key: str(metric.series.get(key, key)) for key in series}
    by_week: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_zone: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        by_week[row.week][row.series] += row.count
        if metric.zoned:
            by_zone[row.zone or ""][row.series] += row.count
    weeks = []
    for monday in scope.weeks:
        counts = by_week.get(monday, {})
        total = sum(counts.values())
        weeks.append(
            {
                "week": iso_week(monday),
                "cells": [suppress(counts.get(key, 0)) for key in series],
                "total": suppress(total),
                "raw_total": total,
            }
        )
    zones = []
    for zone in sorted(by_zone, key=lambda z: (z == "", z)):
        counts = by_zone[zone]
        zones.append(
            {
                "zone": zone or _("No zone given"),
                "cells": [suppress(counts.get(key, 0)) for key in series],
                "total": suppress(sum(counts.values())),
            }
        )
    total = sum(row.count for row in rows)
    chart = charts.bar_chart([(w["week"][-3:], w["raw_total"]) for w in weeks])
    for week in weeks:
        del week["raw_total"]
    return {
        "key": metric.key,
        "label": str(metric.label),
        "help": str(metric.help),
        "series": [labels[key] for key in series],
        "weeks": weeks,
        "zones": zones,
        "zoned": metric.zoned,
        "total": suppress(total),
        "chart": chart,
        "rows": rows,
        "series_keys": series,
        "labels": labels,
    }


def build(scope: Scope) -> list[dict]:
    return [_panel(metric, scope) for metric in registered()]


CSV_HEADER = ["metric", "series", "iso_week", "zone", "count"]


def csv_rows(panels: list[dict]):
    """Week × zone × series aggregates, suppressed: never a row per person."""
    yield CSV_HEADER
    for panel in panels:
        cells: dict[tuple, int] = defaultdict(int)
        for row in panel["rows"]:
            cells[(row.series, row.week, row.zone or "")] += row.count
        for (series, week, zone), count in sorted(cells.items()):
            yield [panel["key"], series, iso_week(week), zone, suppress(count)]
