"""`porch worker`: django.tasks via django-tasks-db, plus periodic jobs.

One plain loop (healthchecks-style): heartbeat, due periodic jobs under a
lease, then ready tasks. A finished task's row is deleted at once, so its
arguments and return value never linger (R14). Several workers may run on one
database: tasks are claimed inside an exclusive transaction with SKIP LOCKED
on PostgreSQL, and periodic jobs by lease.
"""

import logging
import signal
import time
import uuid

from django.db import OperationalError, close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as DBWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from porch.core.models import WorkerHeartbeat
from porch.core.periodic import run_due_jobs

logger = logging.getLogger("porch.worker")

# Work every worker does on every pass, outside the leases (the outbox
# sender: N workers share one broadcast). Each hook takes the worker id and
# returns how much it did; apps register them in AppConfig.ready().
HOOKS: list = []


def register_hook(hook) -> None:
    if hook not in HOOKS:
        HOOKS.append(hook)


def run_hooks(worker_id: str) -> int:
    done = 0
    for hook in list(HOOKS):
        try:
            done += hook(worker_id) or 0
        except Exception:
            logger.exception("worker hook %s failed", getattr(hook, "__name__", hook))
    return done


class Worker:
    def __init__(self, *, interval: float = 1.0, worker_id: str | None = None):
        self.interval = interval
        self.worker_id = worker_id or f"worker-{uuid.uuid4().hex[:12]}"
        self.running = True
        self._runner = DBWorker(
            queue_names=["*"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )

    def stop(self, *_args) -> None:
        self.running = False

    def heartbeat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id, defaults={"seen_at": timezone.now()}
        )

    def claim_task(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name="default")
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
                return task_result
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None
            raise

    def run_task(self, task_result: DBTaskResult) -> None:
        self._runner.run_task(task_result)
        task_result.refresh_from_db()
        if task_result.status == "SUCCESSFUL":
            task_result.delete()
        else:
            # Keep that it failed, not what it carried or printed.
            DBTaskResult.objects.filter(pk=task_result.pk).update(
                args_kwargs={}, traceback="", return_value=None
            )
            logger.warning("task %s failed", task_result.task_name)

    def tick(self) -> int:
        """One pass of the loop; returns the number of tasks run."""
        close_old_connections()
        self.heartbeat()
        run_due_jobs(self.worker_id)
        done = run_hooks(self.worker_id)
        while self.running and (task_result := self.claim_task()) is not None:
            self.run_task(task_result)
            done += 1
            if done >= 100:
                break
        close_old_connections()
        return done

    def run(self, *, once: bool = False) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        logger.info("worker %s started", self.worker_id)
        while self.running:
            done = self.tick()
            if once:
                break
            if not done:
                time.sleep(self.interval)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        logger.info("worker %s stopped", self.worker_id)
