"""`GET /healthz`: database, worker heartbeat and the last successful purge.

The purge slot is filled by the vault (R15): it reports the lease named
`vault.purge` and turns unhealthy when that is older than twice its period.
"""

from datetime import timedelta

from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from porch.core.models import Lease, WorkerHeartbeat
from porch.core.periodic import JOBS

WORKER_STALE = timedelta(minutes=2)
PURGE_JOB = "vault.purge"


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:
        return False


@require_GET
def healthz(request):
    now = timezone.now()
    database = _database_ok()
    body: dict = {"status": "ok", "database": "ok" if database else "unavailable"}
    status = 200
    if not database:
        body["status"] = "unhealthy"
        return JsonResponse(body, status=503)

    beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    worker_ok = beat is not None and now - beat.seen_at < WORKER_STALE
    body["worker"] = {
        "status": "ok" if worker_ok else "missing",
        "last_seen": beat.seen_at.isoformat() if beat else None,
    }
    if not worker_ok:
        body["status"] = "degraded"

    purge = JOBS.get(PURGE_JOB)
    lease = Lease.objects.filter(name=PURGE_JOB).first()
    last = lease.last_success_at if lease else None
    body["purge"] = {"last_success": last.isoformat() if last else None}
    if purge is not None:
        fresh = last is not None and now - last <= 2 * purge.every
        body["purge"]["status"] = "ok" if fresh else "overdue"
        if not fresh:
            body["status"] = "unhealthy"
            status = 503
    else:
        body["purge"]["status"] = "not configured"
    return JsonResponse(body, status=status)
