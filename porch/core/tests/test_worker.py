"""The worker: heartbeat, leased periodic jobs, tasks pruned on completion."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connections
from django.tasks import task
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from porch.core import periodic
from porch.core.models import Lease
from porch.core.tasks import NotOpaque, enqueue
from porch.core.worker import Worker

CALLS: list[int] = []


@task()
def remember(value: int) -> int:
    CALLS.append(value)
    return value * 2


@pytest.fixture(autouse=True)
def _clear():
    CALLS.clear()
    yield
    CALLS.clear()


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_task_and_deletes_its_row():
    enqueue(remember, 21)
    assert DBTaskResult.objects.count() == 1
    Worker(worker_id="w1").tick()
    assert CALLS == [21]
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_task_arguments_that_are_not_opaque_ids():
    with pytest.raises(NotOpaque):
        enqueue(remember, "call +1 612 555 0100 at 12 Elm St")
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_it_reports_the_worker_heartbeat_on_healthz():
    assert Client().get("/healthz").json()["worker"]["status"] == "missing"
    Worker(worker_id="w2").tick()
    assert Client().get("/healthz").json()["worker"]["status"] == "ok"
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert Client().get("/healthz").json()["worker"]["status"] == "missing"


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_periodic_job_once_across_concurrent_workers(monkeypatch):
    runs = []
    lock = threading.Lock()

    def job():
        with lock:
            runs.append(1)

    monkeypatch.setitem(
        periodic.JOBS, "test.job", periodic.PeriodicJob("test.job", timedelta(hours=1), job)
    )
    barrier = threading.Barrier(6)

    def contender(n):
        try:
            barrier.wait()
            periodic.run_due_jobs(f"holder-{n}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=contender, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert runs == [1]
    lease = Lease.objects.get(name="test.job")
    assert lease.runs == 1 and lease.last_success_at is not None
    # Not due again until its period has passed.
    periodic.run_due_jobs("late")
    assert runs == [1]
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        periodic.run_due_jobs("later")
    assert runs == [1, 1]
