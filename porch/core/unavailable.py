"""A database that cannot be reached or written is an outage, not a bug.

PostgreSQL stopped or restarting, SQLite's disk full or its file locked past
the busy timeout: the request answers 503 with a translated page and
Retry-After, never a 500 traceback page. Nothing on that page touches the
database (no user, no session, no messages), so it renders while the
database is down. One log line names the kind of outage, never the request,
the person or the error text (which may quote SQL values).
"""

import logging
import sqlite3
import time

from django.conf import settings
from django.db import utils as db_utils
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger("porch.core")

RETRY_AFTER_SECONDS = 30
LOG_EVERY_SECONDS = 10  # an outage answers many requests: one line per kind per 10 s
_last_logged: dict[str, float] = {}

# SQLite's messages for conditions that pass once an operator acts (or by
# themselves); anything else from SQLite (a missing table, bad SQL) is a bug.
_SQLITE_OUTAGES = {
    "database or disk is full": "disk-full",
    "disk i/o error": "disk-io",
    "database is locked": "locked",
    "database table is locked": "locked",
    "unable to open database file": "cannot-open",
    "attempt to write a readonly database": "read-only",
}


def outage_kind(error: BaseException | None) -> str | None:
    """'disk-full', 'connection', … when `error` means the database is
    unavailable for now; None for every other error."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, sqlite3.OperationalError):
            text = str(error).lower()
            for needle, kind in _SQLITE_OUTAGES.items():
                if needle in text:
                    return kind
            return None
        if type(error).__module__.split(".")[0] == "psycopg":
            import psycopg

            if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
                return "connection"
            return None
        if isinstance(error, db_utils.InterfaceError):
            return "connection"  # Django's own "connection already closed"
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def unavailable_response(request, kind: str) -> HttpResponse:
    now = time.monotonic()
    if now - _last_logged.get(kind, -LOG_EVERY_SECONDS) >= LOG_EVERY_SECONDS:
        _last_logged[kind] = now
        logger.warning("database unavailable kind=%s", kind)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("Porch cannot reach its database right now. Please try again shortly.")},
            status=503,
        )
    else:
        # No request in the context: context processors would read the
        # session and the user from the database that is down.
        html = render_to_string(
            "core/unavailable.html",
            {"PORCH_LANGUAGES": settings.LANGUAGES, "PORCH_DEMO": settings.PORCH_DEMO},
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
