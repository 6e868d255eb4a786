"""A volunteer's own shifts as an iCalendar feed (RFC 5545).

Each event carries the site's name, the slot's purpose and the times, and
nothing else: no roster, no walking groups, no meeting point, nothing about
families (issue 5 item 7). Times are written in UTC.
"""

import datetime

from django.utils import translation

PRODID = "-//Porch//Volunteer shifts//EN"


def _escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r", "")
        .replace("\n", "\\n")
    )


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets, continuations starting with a space."""
    out, current = [], ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0]] + [" " + rest for rest in out[1:]]


def render_feed(signups, *, language: str, now: datetime.datetime) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    with translation.override(language):
        for signup in signups:
            shift = signup.shift
            slot = shift.slot
            summary = f"{slot.site.name} · {slot.get_purpose_display()}"
            lines += [
                "BEGIN:VEVENT",
                f"UID:{signup.code}@porch",
                f"DTSTAMP:{_utc(now)}",
                f"DTSTART:{_utc(shift.starts_at)}",
                f"DTEND:{_utc(shift.ends_at)}",
                f"SUMMARY:{_escape(summary)}",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    folded = [part for line in lines for part in _fold(line)]
    return "\r\n".join(folded) + "\r\n"
