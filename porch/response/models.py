"""Rapid response: hotline reports, verifier dispatches, alerts, daily counts.

Design note (DOMAIN.md W1-W2, THREAT_MODEL R1, R5, R14, R32).
- A report records what was seen (SALUTE) and never anyone's identity or
  status. Its free text is sealed under the report's own vault subject
  (data class "hotline_report", 72 hours): when the purge shreds that
  subject the report row goes with it (shredder in actions).
- The reporter's contact is sealed under a second subject, shredded at
  triage once the acknowledgement is queued.
- A dispatch asks one verifier; the pair is two dispatches. Each verifier
  submits their own outcome; an alert needs two confirmations from two
  distinct verifier accounts, neither of them the dispatcher who took the
  report (R32, `Report.can_publish`).
- DailyCount keeps what outlives the raw reports: counts per organisation,
  zone, day and outcome, and response times in seconds — no personal data.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from porch.core.codes import new_code
from porch.core.sensitivity import CRITICAL, INTERNAL, PUBLIC, SENSITIVE
from porch.vault.fields import EncryptedTextField


class Size(models.TextChoices):
    ONE_TWO = "1-2", _("One or two people")
    THREE_FIVE = "3-5", _("Three to five people")
    SIX_TEN = "6-10", _("Six to ten people")
    MORE = "more", _("More than ten people")
    UNKNOWN = "unknown", _("Not sure")


class Activity(models.TextChoices):
    PARKED = "parked", _("Parked vehicles only")
    PATROLLING = "patrolling", _("Driving or walking around")
    KNOCKING = "knocking", _("Knocking on doors")
    STOPPING = "stopping", _("Stopping people")
    DETAINING = "detaining", _("Detaining someone")
    OTHER = "other", _("Something else")


class Uniform(models.TextChoices):
    MARKED = "marked", _("Marked uniforms")
    PLAIN = "plain", _("Plain clothes")
    MIXED = "mixed", _("Some of each")
    UNKNOWN = "unknown", _("Not sure")


class Equipment(models.TextChoices):
    NONE = "none", _("None seen")
    MARKED_CARS = "marked_cars", _("Marked vehicles")
    UNMARKED_CARS = "unmarked_cars", _("Unmarked vehicles")
    VANS = "vans", _("Vans or buses")
    OTHER = "other", _("Other equipment")


class Outcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    FALSE_ALARM = "false_alarm", _("False alarm")
    COULD_NOT_VERIFY = "could_not_verify", _("Could not verify")
    OTHER_AGENCY = "other_agency", _("Other agency")


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=(Report.Status.MERGED, Report.Status.CLOSED))


class Report(models.Model):
    class Source(models.TextChoices):
        CALL = "call", _("Hotline call")
        SMS = "sms", _("Text message")
        WEB = "web", _("Member web form")

    class Status(models.TextChoices):
        NEW = "new", _("Waiting for triage")
        DO_NOT_SHARE = "do_not_share", _("Do not share")
        UNCONFIRMED = "unconfirmed", _("Shared with verifiers as unconfirmed")
        REPORT_NOW = "report_now", _("Report now")
        MERGED = "merged", _("Merged into another report")
        CLOSED = "closed", _("Closed")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "organisation": INTERNAL,
        "source": INTERNAL,
        "status": INTERNAL,
        "triage_reason": INTERNAL,
        "zone": INTERNAL,
        "intersection": SENSITIVE,
        "size": INTERNAL,
        "activity": INTERNAL,
        "uniform": INTERNAL,
        "equipment": INTERNAL,
        "seen_at": INTERNAL,
        "details": CRITICAL,
        "language": SENSITIVE,
        "reporter_contact": CRITICAL,
        "reporter": INTERNAL,
        "subject": INTERNAL,
        "duplicate_of": INTERNAL,
        "taken_by": INTERNAL,
        "created_at": INTERNAL,
        "triaged_at": INTERNAL,
        "closed_at": INTERNAL,
        "debrief": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="response_reports"
    )
    # The incident's timings and outcome, which outlive this row (the purge
    # deletes the report, never its debrief).
    debrief = models.ForeignKey(
        "response.Debrief", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=8, choices=Source, default=Source.CALL)
    status = models.CharField(max_length=16, choices=Status, default=Status.NEW, db_index=True)
    triage_reason = models.CharField(_("reason"), max_length=200, blank=True)
    zone = models.ForeignKey(
        "coalition.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    intersection = models.CharField(_("intersection"), max_length=120, blank=True)
    size = models.CharField(_("size"), max_length=8, choices=Size, default=Size.UNKNOWN)
    activity = models.CharField(
        _("activity"), max_length=12, choices=Activity, default=Activity.OTHER
    )
    uniform = models.CharField(_("uniform"), max_length=8, choices=Uniform, default=Uniform.UNKNOWN)
    equipment = models.CharField(
        _("equipment"), max_length=16, choices=Equipment, default=Equipment.NONE
    )
    seen_at = models.DateTimeField(_("time seen"), default=timezone.now)
    # What the caller said, sealed with the report's key (72 hours).
    details = EncryptedTextField(_("what was seen"), subject_field="subject")
    language = models.CharField(_("reporter's language"), max_length=8, default="en")
    # How to reach the reporter until triage, sealed under its own subject.
    reporter_contact = EncryptedTextField(_("reporter's contact"), subject_field="reporter")
    reporter = models.ForeignKey(
        "vault.Subject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.ForeignKey(
        "vault.Subject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    triaged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "zone", "created_at"])]

    def __str__(self) -> str:
        return f"report:{self.code}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("response:report", args=[self.code])

    def confirmers(self) -> set[int]:
        """Distinct verifier accounts who submitted a confirmation (R32)."""
        rows = self.dispatches.filter(outcome=Outcome.CONFIRMED).exclude(verifier=self.taken_by_id)
        return set(rows.values_list("verifier_id", flat=True))

    def can_publish(self) -> bool:
        return len(self.confirmers()) >= 2


class Dispatch(models.Model):
    """One verifier asked to look at one report."""

    class State(models.TextChoices):
        ASKED = "asked", _("Asked")
        ACCEPTED = "accepted", _("Heading to the scene")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("No answer")
        DONE = "done", _("Outcome reported")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "report": INTERNAL,
        "verifier": INTERNAL,
        "dispatched_by": INTERNAL,
        "state": INTERNAL,
        "outcome": INTERNAL,
        "asked_at": INTERNAL,
        "answered_at": INTERNAL,
        "reported_at": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="dispatches")
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="response_dispatches"
    )
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State, default=State.ASKED, db_index=True)
    outcome = models.CharField(max_length=16, choices=Outcome, blank=True)
    asked_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "verifier"], name="one_dispatch_per_verifier")
        ]

    def __str__(self) -> str:
        return f"dispatch:{self.code}"


class Alert(models.Model):
    """A published alert, all-clear or correction for one zone.

    It outlives the raw report (the report link is cleared by the purge):
    the public status page reads only zone, time bucket and kind.
    """

    class Kind(models.TextChoices):
        ALERT = "alert", _("Verified activity")
        ALL_CLEAR = "all_clear", _("All clear")
        CORRECTION = "correction", _("Correction")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": PUBLIC,
        "organisation": INTERNAL,
        "zone": PUBLIC,
        "kind": PUBLIC,
        "report": INTERNAL,
        "original": INTERNAL,
        "broadcast": INTERNAL,
        "time_bucket": PUBLIC,
        "published_by": INTERNAL,
        "published_at": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="response_alerts"
    )
    zone = models.ForeignKey("coalition.Zone", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.ALERT)
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    original = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    broadcast = models.ForeignKey(
        "messaging.Broadcast", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A half-hour bucket ("14:30"); the public page shows nothing finer.
    time_bucket = models.CharField(max_length=5)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return f"alert:{self.code}"


class DailyCount(models.Model):
    """Aggregates kept after the raw reports are purged (the debrief reads these).

    One row per organisation, zone, day and outcome ("" for reports that
    ended without a dispatch outcome). Response time: seconds from the
    report to each verifier's accepted answer, summed with their count.
    """

    SENSITIVITY = {
        "id": INTERNAL,
        "organisation": INTERNAL,
        "zone": INTERNAL,
        "day": INTERNAL,
        "outcome": INTERNAL,
        "reports": INTERNAL,
        "dispatches": INTERNAL,
        "responses": INTERNAL,
        "response_seconds": INTERNAL,
        "alerts": INTERNAL,
    }

    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    zone = models.ForeignKey(
        "coalition.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    day = models.DateField()
    outcome = models.CharField(max_length=16, choices=Outcome, blank=True)
    reports = models.PositiveIntegerField(default=0)
    dispatches = models.PositiveIntegerField(default=0)
    responses = models.PositiveIntegerField(default=0)
    response_seconds = models.PositiveBigIntegerField(default=0)
    alerts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "zone", "day", "outcome"], name="one_count_per_zone_day"
            )
        ]

    def __str__(self) -> str:
        return f"count:{self.day}:{self.outcome}"


class Debrief(models.Model):
    """One incident's response times and outcome, without personal data.

    Made at intake and kept after the report is purged (72 hours): zone,
    day, how the report came in, its triage, the seconds from the report to
    the first dispatch, the first accepted answer and the first outcome,
    and what the verifiers found. No free text, no contact, no verifier.
    """

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "organisation": INTERNAL,
        "zone": INTERNAL,
        "day": INTERNAL,
        "source": INTERNAL,
        "triage": INTERNAL,
        "to_dispatch": INTERNAL,
        "to_accept": INTERNAL,
        "to_outcome": INTERNAL,
        "outcome": INTERNAL,
        "dispatches": INTERNAL,
        "confirmations": INTERNAL,
        "false_alarms": INTERNAL,
        "alerted": INTERNAL,
        "cleared": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    zone = models.ForeignKey(
        "coalition.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    day = models.DateField()
    source = models.CharField(max_length=8, choices=Report.Source, default=Report.Source.CALL)
    triage = models.CharField(max_length=16, choices=Report.Status, default=Report.Status.NEW)
    to_dispatch = models.PositiveIntegerField(null=True, blank=True)
    to_accept = models.PositiveIntegerField(null=True, blank=True)
    to_outcome = models.PositiveIntegerField(null=True, blank=True)
    # The first outcome a verifier reported ("" while there is none).
    outcome = models.CharField(max_length=16, choices=Outcome, blank=True)
    dispatches = models.PositiveSmallIntegerField(default=0)
    confirmations = models.PositiveSmallIntegerField(default=0)
    false_alarms = models.PositiveSmallIntegerField(default=0)
    alerted = models.BooleanField(default=False)
    cleared = models.BooleanField(default=False)

    class Meta:
        ordering = ["-day", "-pk"]
        indexes = [models.Index(fields=["organisation", "day"])]

    def __str__(self) -> str:
        return f"debrief:{self.code}"


class ResponseSettings(models.Model):
    """A coalition's rapid-response settings. Without a row the defaults
    apply (PORCH_RESPONSE_ANSWER_MINUTES; SMS reports by the desk rule)."""

    SENSITIVITY = {
        "id": INTERNAL,
        "coalition": INTERNAL,
        "answer_minutes": INTERNAL,
        "sms_organisation": INTERNAL,
    }

    coalition = models.OneToOneField(
        "coalition.Coalition", on_delete=models.CASCADE, related_name="response_settings"
    )
    answer_minutes = models.PositiveSmallIntegerField(
        _("minutes a verifier has to answer before the next one is asked")
    )
    sms_organisation = models.ForeignKey(
        "coalition.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation that receives text-message reports when no desk is staffed"),
    )

    def __str__(self) -> str:
        return f"response-settings:{self.coalition_id}"
