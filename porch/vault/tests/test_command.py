"""`porch purge`: retention, the ledger, crash convergence, /healthz (R11, R14, R15, R47)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from porch.core.models import AuditEntry
from porch.core.worker import Worker
from porch.vault import erasure, keys
from porch.vault.epochs import CrashForTesting, new_subject
from porch.vault.erasure import expiry_for, ledger_entries, purge, shred
from porch.vault.models import SealedRecord, Subject, VaultState


def report(hours_from_now=None):
    subject = new_subject(
        "report",
        data_class="hotline_report",
        expires_at=expiry_for("hotline_report")
        if hours_from_now is None
        else timezone.now() + timedelta(hours=hours_from_now),
    )
    SealedRecord.objects.create(subject=subject, label="raw", text="CANARY-report")
    return subject


@pytest.mark.django_db
def test_it_shreds_a_raw_hotline_report_after_72_hours():
    subject = report()
    call_command("purge", stdout=__import__("io").StringIO())
    assert Subject.objects.filter(pk=subject.pk).exists()
    with time_machine.travel(timezone.now() + timedelta(hours=72, minutes=1)):
        call_command("purge", stdout=__import__("io").StringIO())
    assert not Subject.objects.filter(pk=subject.pk).exists()
    assert not SealedRecord.objects.exists()
    assert subject.code in ledger_entries()


@pytest.mark.django_db
def test_it_starts_a_new_epoch_after_a_batch_that_shredded_something():
    report(hours_from_now=-1)
    live = report(hours_from_now=10)
    assert keys.source().epochs().keys() == {1}
    result = purge()
    assert result.expired == 1
    assert keys.source().epochs().keys() == {2}
    assert Subject.objects.get().epoch == 2
    assert SealedRecord.objects.get(subject=live).text == "CANARY-report"


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["ledger", "expired", "create", "adopt", "rewrap"])
def test_it_converges_after_a_crash_at_any_purge_step(step):
    due = [report(hours_from_now=-1) for _ in range(3)]
    live = [report(hours_from_now=10) for _ in range(3)]
    with pytest.raises(CrashForTesting):
        purge(batch=1, crash_after=step)
    purge()
    assert set(Subject.objects.values_list("code", flat=True)) == {s.code for s in live}
    current = VaultState.objects.get().current_epoch
    assert list(keys.source().epochs()) == [current]
    assert {s.code for s in due} <= set(ledger_entries())
    assert [r.text for r in SealedRecord.objects.all()] == ["CANARY-report"] * 3


@pytest.mark.django_db
def test_it_finishes_a_shred_the_ledger_lists_but_the_database_still_has():
    subject = report(hours_from_now=10)
    erasure.ledger_append([subject.code])  # a crash right after the ledger write
    assert purge().from_ledger == 1
    assert not Subject.objects.filter(pk=subject.pk).exists()


@pytest.mark.django_db
def test_it_runs_registered_shredders_in_the_same_transaction():
    seen = []
    erasure.register_shredder("test-kind", lambda s: seen.append(s.code))
    try:
        subject = new_subject("test-kind")
        shred(subject)
    finally:
        erasure.SHREDDERS.pop("test-kind")
    assert seen == [subject.code]


@pytest.mark.django_db
def test_it_prunes_the_audit_log_after_90_days():
    AuditEntry.objects.create(action="x", on_date=timezone.localdate() - timedelta(days=91))
    AuditEntry.objects.create(action="y", on_date=timezone.localdate() - timedelta(days=89))
    assert purge().other == 1
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["y"]


def test_it_lets_settings_shorten_retention_but_never_lengthen(settings):
    settings.PORCH_RETENTION_HOURS = {"hotline_report": 24}
    assert erasure.POLICIES["hotline_report"].limit == timedelta(hours=24)
    settings.PORCH_RETENTION_HOURS = {"hotline_report": 100}
    with pytest.raises(ImproperlyConfigured, match="only shorten"):
        _ = erasure.POLICIES["hotline_report"].limit
    from porch.vault.checks import check_retention_settings

    assert [e.id for e in check_retention_settings(None)] == ["porch.vault.E002"]


def test_it_refuses_a_retention_env_value_that_is_not_hours(monkeypatch):
    from porch import settings as porch_settings

    monkeypatch.setenv("PORCH_RETENTION_HOURS", "hotline_report=soon")
    with pytest.raises(ImproperlyConfigured):
        porch_settings._retention_hours("PORCH_RETENTION_HOURS")
    monkeypatch.setenv("PORCH_RETENTION_HOURS", "hotline_report=24, closed_case=240")
    assert porch_settings._retention_hours("PORCH_RETENTION_HOURS") == {
        "hotline_report": 24,
        "closed_case": 240,
    }


@pytest.mark.django_db(transaction=True)
def test_it_reports_the_last_purge_on_healthz_and_fails_when_it_is_overdue():
    body = Client().get("/healthz").json()
    assert body["purge"]["status"] == "overdue"
    # Two passes: core's Lease.try_acquire cannot claim a row it has just
    # created (its default held_until is later than the `now` it compares
    # with), reported to the lead.
    Worker(worker_id="vault-w").tick()
    Worker(worker_id="vault-w").tick()
    response = Client().get("/healthz")
    assert response.json()["purge"]["status"] == "ok"
    assert response.json()["purge"]["last_success"] is not None
    with time_machine.travel(timezone.now() + timedelta(minutes=1, seconds=50)):
        assert Client().get("/healthz").json()["purge"]["status"] == "ok"
    with time_machine.travel(timezone.now() + timedelta(minutes=2, seconds=10)):
        response = Client().get("/healthz")
        assert response.status_code == 503
        assert response.json()["purge"]["status"] == "overdue"


@pytest.mark.django_db
def test_it_shreds_by_primary_key_following_every_relation_django_would(cast):
    from porch.accounts.models import TOTPDevice, User

    cast.ben.phone = "CANARY-612-555-0100"
    cast.ben.save()
    TOTPDevice.objects.create(user=cast.ben, seed="JBSWY3DPEHPK3PXP", confirmed=True)
    profile = User.objects.get(pk=cast.ben.pk).profile
    record = SealedRecord.objects.create(subject=profile, label="x", text="CANARY")
    shred(profile)
    ben = User.objects.get(pk=cast.ben.pk)
    assert ben.profile_id is None and ben.phone is None  # SET_NULL, and the shredder
    assert not TOTPDevice.objects.filter(user=ben).exists()  # CASCADE
    assert not SealedRecord.objects.filter(pk=record.pk).exists()  # CASCADE
    assert User.objects.filter(pk=ben.pk).exists()
