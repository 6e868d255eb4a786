"""The debrief: what the rapid-response loop did, without personal data.

Design note. It reads only `Debrief` rows (one per incident, made at intake,
kept after the 72-hour purge deletes the report): zone, day, source, triage,
seconds from the report to the first dispatch, the first accepted answer and
the first outcome, and what the verifiers found. No free text, no contact,
no verifier. The dashboard counts reports by zone, day and outcome; a count
from 1 to 4 is shown as "<5" (SMALL), totals too, like the campaigns
dashboard, so a quiet zone's single report cannot be picked out and tied to
whoever called. Response times are shown per incident (to the desk that
handled them) and as medians.
"""

import datetime
from statistics import median

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from porch.response.models import Debrief, Outcome

SMALL = "<5"
THRESHOLD = 5
WINDOWS = (7, 28, 90)
DEFAULT_WINDOW = 28
INCIDENT_LIMIT = 200
NO_OUTCOME = ""


def suppress(count: int) -> str:
    """A count as it may be shown: 0, "<5" for 1 to 4, else the number."""
    if 0 < count < THRESHOLD:
        return SMALL
    return str(count)


def outcome_columns() -> list[tuple[str, str]]:
    return [(NO_OUTCOME, _("No outcome")), *Outcome.choices]


def window(days) -> int:
    try:
        days = int(days)
    except (TypeError, ValueError):
        return DEFAULT_WINDOW
    return days if days in WINDOWS else DEFAULT_WINDOW


def rows_for(organisations, *, days: int, today=None):
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=days - 1)
    return Debrief.objects.filter(organisation__in=organisations, day__gte=since, day__lte=today)


def incidents(organisations, *, days: int, today=None) -> list[dict]:
    """Per incident: when, where, how it came in, response times, outcome."""
    rows = rows_for(organisations, days=days, today=today).select_related("zone")
    out = []
    for row in rows.order_by("-day", "-pk")[:INCIDENT_LIMIT]:
        out.append(
            {
                "code": row.code,
                "day": row.day,
                "zone": row.zone.name if row.zone else "",
                "zone_code": row.zone.code if row.zone else None,
                "source": row.source,
                "source_label": row.get_source_display(),
                "triage": row.triage,
                "triage_label": row.get_triage_display(),
                "to_dispatch": row.to_dispatch,
                "to_accept": row.to_accept,
                "to_outcome": row.to_outcome,
                "outcome": row.outcome,
                "outcome_label": row.get_outcome_display() if row.outcome else "",
                "dispatches": row.dispatches,
                "confirmations": row.confirmations,
                "false_alarms": row.false_alarms,
                "alerted": row.alerted,
                "cleared": row.cleared,
            }
        )
    return out


def medians(organisations, *, days: int, today=None) -> dict[str, int | None]:
    rows = rows_for(organisations, days=days, today=today)
    found = {}
    for field in ("to_dispatch", "to_accept", "to_outcome"):
        values = [
            v for v in rows.filter(**{f"{field}__isnull": False}).values_list(field, flat=True)
        ]
        found[field] = int(median(values)) if values else None
    return found


def counts(organisations, *, days: int, today=None) -> list[dict]:
    """Reports per zone, day and outcome, suppressed; one row per zone and day."""
    grouped = (
        rows_for(organisations, days=days, today=today)
        .values("day", "zone__name", "zone__code", "outcome")
        .annotate(n=Count("pk"))
        .order_by("-day", "zone__name")
    )
    table: dict[tuple, dict[str, int]] = {}
    for row in grouped:
        key = (row["day"], row["zone__name"] or "", row["zone__code"])
        table.setdefault(key, {})[row["outcome"]] = row["n"]
    columns = [value for value, _label in outcome_columns()]
    out = []
    for (day, zone, zone_code), by_outcome in table.items():
        out.append(
            {
                "day": day,
                "zone": zone,
                "zone_code": zone_code,
                "cells": [suppress(by_outcome.get(c, 0)) for c in columns],
                "by_outcome": {c or "none": suppress(by_outcome.get(c, 0)) for c in columns},
                "total": suppress(sum(by_outcome.values())),
            }
        )
    return out


def minutes_seconds(seconds) -> str:
    """ "m:ss" for a number of seconds, "—" for none."""
    if seconds is None:
        return "—"
    return f"{seconds // 60}:{seconds % 60:02d}"
