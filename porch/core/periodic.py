"""Periodic jobs, run by `porch worker` under a database lease.

django.tasks has no scheduler. Apps register jobs here in their
AppConfig.ready(); every worker loop offers each due job to the lease and only
the worker that wins the conditional UPDATE runs it.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from porch.core.models import Lease

logger = logging.getLogger("porch.periodic")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[], object]


JOBS: dict[str, PeriodicJob] = {}


def register(name: str, every: timedelta):
    def decorator(func):
        JOBS[name] = PeriodicJob(name=name, every=every, run=func)
        return func

    return decorator


def run_due_jobs(holder: str) -> list[str]:
    """Run every due job this worker can lease. Returns the names it ran."""
    ran = []
    for job in list(JOBS.values()):
        ttl = max(job.every, timedelta(minutes=5))
        if not Lease.try_acquire(job.name, holder, ttl):
            continue
        success = False
        try:
            job.run()
            success = True
        except Exception:
            logger.exception("periodic job %s failed", job.name)
        finally:
            Lease.release(job.name, holder, every=job.every, success=success)
        ran.append(job.name)
    return ran
