"""Subscribers, templates, broadcasts and the outbox.

Design note. A subscriber's number (or e-mail address) is a critical field:
sealed under the subscriber's own vault subject, and found again only by a
keyed hash. An outbox row names its recipient by reference (a subscriber,
a user or another app's contact), a template key and a language — never a
body and never an address: the sender renders the text and opens the number in memory at
send time. A broadcast's audience snapshot (the subscriber ids it reached)
is sealed under a subject of its own and shredded, with the broadcast's
outbox rows, when its retention ends (R14: an alert's audience lives until
its all-clear + 7 days); the broadcast keeps only counts.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from porch.core.codes import new_code
from porch.core.sensitivity import CRITICAL, INTERNAL, PUBLIC, SENSITIVE
from porch.messaging import catalogue
from porch.vault.fields import EncryptedJSONField, EncryptedTextField

LANGUAGE_CHOICES = [
    ("en", "English"),
    ("es", "Español"),
    ("so", "Soomaali"),
    ("hmn", "Hmoob"),
]


class Medium(models.TextChoices):
    SMS = "sms", _("Text message (SMS)")
    EMAIL = "email", _("E-mail")


class SubscriberQuerySet(models.QuerySet):
    def receiving(self):
        return self.filter(state=Subscriber.State.ACTIVE)

    def for_owner(self, organisation):
        """One list per organisation, and the coalition's own list (organisation None)."""
        if organisation is None:
            return self.filter(organisation__isnull=True)
        return self.filter(organisation=organisation)


class Subscriber(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the reply YES")
        ACTIVE = "active", _("Receiving")
        STOPPED = "stopped", _("Stopped")

    class Source(models.TextChoices):
        KEYWORD = "keyword", _("Text message keyword")
        WEB_FORM = "web_form", _("Public web form")
        ORGANISER = "organiser", _("Added by an organiser")

    class Consent(models.TextChoices):
        IN_PERSON = "in_person", _("Asked in person")
        PAPER_FORM = "paper_form", _("Signed a paper form")
        PHONE_CALL = "phone_call", _("Asked on the phone")

    SENSITIVITY = {
        # The zones someone chose say roughly where they live.
        "zones": SENSITIVE,
        "id": INTERNAL,
        "code": INTERNAL,
        "subject": INTERNAL,
        "organisation": INTERNAL,
        "address": CRITICAL,
        "address_hash": SENSITIVE,
        "medium": INTERNAL,
        "language": INTERNAL,
        "source": INTERNAL,
        "consent_noted": INTERNAL,
        "added_by": INTERNAL,
        "state": INTERNAL,
        "created_on": INTERNAL,
        "confirmed_on": INTERNAL,
        "stopped_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    subject = models.OneToOneField("vault.Subject", on_delete=models.CASCADE, related_name="+")
    # The list this person is on: an organisation's, or the coalition's (None).
    organisation = models.ForeignKey(
        "coalition.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscribers",
    )
    address = EncryptedTextField(subject_field="subject")
    address_hash = models.CharField(max_length=64, db_index=True)
    medium = models.CharField(max_length=8, choices=Medium, default=Medium.SMS)
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, default="en")
    zones = models.ManyToManyField("coalition.Zone", related_name="subscribers")
    source = models.CharField(max_length=12, choices=Source)
    consent_noted = models.CharField(max_length=12, choices=Consent, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=8, choices=State, default=State.PENDING)
    # Dates, not times (R3).
    created_on = models.DateField(default=timezone.localdate)
    confirmed_on = models.DateField(null=True, blank=True)
    stopped_on = models.DateField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "address_hash"], name="one_subscriber_per_list"
            ),
            models.UniqueConstraint(
                fields=["address_hash"],
                condition=Q(organisation__isnull=True),
                name="one_subscriber_on_the_coalition_list",
            ),
            models.CheckConstraint(
                condition=~Q(source="organiser") | ~Q(consent_noted=""),
                name="organiser_notes_consent",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "state"])]

    def __str__(self) -> str:
        return self.code


class MessageTemplate(models.Model):
    """An operator's text for one key in one language, replacing the catalogue's."""

    SENSITIVITY = {
        "id": INTERNAL,
        "key": PUBLIC,
        "language": PUBLIC,
        "text": PUBLIC,
        "updated_by": INTERNAL,
        "updated_on": INTERNAL,
    }

    key = models.CharField(max_length=20, choices=list(catalogue.KEY_LABELS.items()))
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    text = models.TextField(max_length=1000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="one_template_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.key}:{self.language}"


class Broadcast(models.Model):
    class Kind(models.TextChoices):
        ALERT = "alert", _("Alert")
        ROUTINE = "routine", _("Routine")
        CORRECTION = "correction", _("Correction")
        ALL_CLEAR = "all_clear", _("All-clear")

    SENSITIVITY = {
        "zones": INTERNAL,
        "delivered_count": INTERNAL,
        "id": INTERNAL,
        "code": INTERNAL,
        "organisation": INTERNAL,
        "kind": INTERNAL,
        "template_key": INTERNAL,
        "advice": INTERNAL,
        "time_bucket": INTERNAL,
        "original": INTERNAL,
        "audience_subject": INTERNAL,
        "audience": CRITICAL,
        "audience_size": INTERNAL,
        "sent_count": INTERNAL,
        "failed_count": INTERNAL,
        "created_by": INTERNAL,
        "created_on": INTERNAL,
        "closed_on": INTERNAL,
        "erased_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    organisation = models.ForeignKey(
        "coalition.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="broadcasts",
    )
    kind = models.CharField(max_length=12, choices=Kind)
    template_key = models.CharField(max_length=20)
    zones = models.ManyToManyField("coalition.Zone", related_name="broadcasts")
    advice = models.CharField(max_length=20, blank=True)
    # A half-hour bucket ("14:30"), what the message says; no precise time.
    time_bucket = models.CharField(max_length=5)
    original = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    # Corrections and all-clears reuse their original's snapshot.
    audience_subject = models.ForeignKey(
        "vault.Subject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    audience = EncryptedJSONField(subject_field="audience_subject")
    audience_size = models.PositiveIntegerField(default=0)
    # Messages that have left the outbox (sent, or failed for good), counted
    # by the sender in the transaction that records them; frozen with the
    # rest when the snapshot and its outbox rows are shredded.
    sent_count = models.PositiveIntegerField(null=True, blank=True)
    failed_count = models.PositiveIntegerField(null=True, blank=True)
    delivered_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_on = models.DateField(default=timezone.localdate)
    closed_on = models.DateField(null=True, blank=True)
    erased_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["alert", "routine"], original__isnull=True)
                | Q(kind__in=["correction", "all_clear"], original__isnull=False),
                name="follow_ups_link_their_original",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def root(self) -> "Broadcast":
        return self.original or self

    def counts(self) -> dict[str, int]:
        """Queued, sending, sent, delivered and failed messages."""
        return outbox_counts(self)


class Contact(models.Model):
    """An address another app holds for someone who asked for its updates
    (e.g. a campaign's pledger), so that the outbox can reach them.

    The app owns the vault subject (for a pledge, the pledge's own subject):
    the address is sealed under it, so shredding that subject erases the
    contact together with the app's row, and its outbox rows go with it
    (CASCADE). The app calls actions.forget_contacts(subject) from its
    shredder first, which freezes its mailings' counts. STOP stops a
    contact like a subscriber (found by the same keyed hash)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Receiving")
        STOPPED = "stopped", _("Stopped")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "subject": INTERNAL,
        "organisation": INTERNAL,
        "address": CRITICAL,
        "address_hash": SENSITIVE,
        "medium": INTERNAL,
        "language": INTERNAL,
        "state": INTERNAL,
        "created_on": INTERNAL,
        "stopped_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    subject = models.OneToOneField(
        "vault.Subject", on_delete=models.CASCADE, related_name="messaging_contact"
    )
    # Whose channel account carries its messages (None: the coalition's).
    organisation = models.ForeignKey(
        "coalition.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    address = EncryptedTextField(subject_field="subject")
    address_hash = models.CharField(max_length=64, db_index=True)
    medium = models.CharField(max_length=8, choices=Medium, default=Medium.SMS)
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, default="en")
    state = models.CharField(max_length=8, choices=State, default=State.ACTIVE)
    created_on = models.DateField(default=timezone.localdate)
    stopped_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.code


class Mailing(models.Model):
    """One update an app sent to a snapshot of its contacts (a campaign update).

    It names a catalogue key (catalogue.UPDATE_KEYS) and the public values of
    its placeholders ({title}, {date}); the audience is its outbox rows, one
    per contact that was receiving when it was sent. The counts are frozen
    when the contacts are erased (their rows go with them)."""

    SENSITIVITY = {
        "delivered_count": INTERNAL,
        "id": INTERNAL,
        "code": INTERNAL,
        "organisation": INTERNAL,
        "template_key": INTERNAL,
        "values": PUBLIC,
        "audience_size": INTERNAL,
        "sent_count": INTERNAL,
        "failed_count": INTERNAL,
        "created_by": INTERNAL,
        "created_on": INTERNAL,
        "erased_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    organisation = models.ForeignKey(
        "coalition.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    template_key = models.CharField(max_length=20)
    values = models.JSONField(default=dict, blank=True)
    audience_size = models.PositiveIntegerField(default=0)
    # Live counts of the rows that left the outbox (see Broadcast).
    sent_count = models.PositiveIntegerField(null=True, blank=True)
    failed_count = models.PositiveIntegerField(null=True, blank=True)
    delivered_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_on = models.DateField(default=timezone.localdate)
    erased_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.code

    def counts(self) -> dict[str, int]:
        """Queued, sending, sent, delivered and failed (frozen once erased)."""
        return outbox_counts(self)


def outbox_counts(owner) -> dict[str, int]:
    """A broadcast's or mailing's counts: the sender's counters of the rows
    that have left the outbox, plus the rows still in it (queued, sending,
    and any marked failed in place, e.g. by STOP). One query, which reads
    the counters as they are now (the sender moves them on meanwhile)."""
    State = OutboxMessage.State
    row = (
        type(owner)
        .objects.filter(pk=owner.pk)
        .values("sent_count", "failed_count", "delivered_count", "erased_on")
        .annotate(
            queued=Count("messages", filter=Q(messages__state=State.QUEUED)),
            sending=Count("messages", filter=Q(messages__state=State.SENDING)),
            sent=Count("messages", filter=Q(messages__state=State.SENT)),
            failed=Count("messages", filter=Q(messages__state=State.FAILED)),
        )
        .order_by()
    )
    row = next(iter(row), None)
    if row is None:
        return {"queued": 0, "sending": 0, "sent": 0, "failed": 0, "delivered": 0}
    erased = row["erased_on"] is not None  # frozen: the rows are gone
    return {
        "queued": 0 if erased else row["queued"],
        "sending": 0 if erased else row["sending"],
        "sent": (row["sent_count"] or 0) + (0 if erased else row["sent"]),
        "failed": (row["failed_count"] or 0) + (0 if erased else row["failed"]),
        "delivered": row["delivered_count"] or 0,
    }


class OutboxMessage(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Lane(models.IntegerChoices):
        ALERT = 0, _("Verified alerts")
        NOTIFICATION = 5, _("Notifications")
        ROUTINE = 9, _("Routine")

    SENSITIVITY = {
        "id": INTERNAL,
        "broadcast": INTERNAL,
        "subscriber": INTERNAL,
        "user": INTERNAL,
        "contact": INTERNAL,
        "mailing": INTERNAL,
        "channel": INTERNAL,
        "template_key": INTERNAL,
        "language": INTERNAL,
        "idempotency_key": INTERNAL,
        "priority": INTERNAL,
        "state": INTERNAL,
        "attempts": INTERNAL,
        "next_try_at": INTERNAL,
        "claimed_by": INTERNAL,
        "lease_until": INTERNAL,
        "segments": INTERNAL,
        "provider_ref": INTERNAL,
        "reason": INTERNAL,
        "delivered": INTERNAL,
        "created_on": INTERNAL,
    }

    broadcast = models.ForeignKey(
        Broadcast, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox_messages",
    )
    # A contact another app holds (a campaign's pledger), with its mailing.
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    mailing = models.ForeignKey(
        Mailing, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    # The channel kind, and the organisation whose own account carries it
    # ("twilio@ORGCODE"; see channels.account_key): each paces on its own.
    channel = models.CharField(max_length=32)
    template_key = models.CharField(max_length=20)
    language = models.CharField(max_length=8)
    idempotency_key = models.CharField(max_length=64, unique=True)
    priority = models.PositiveSmallIntegerField(choices=Lane, default=Lane.ROUTINE)
    state = models.CharField(max_length=8, choices=State, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    segments = models.PositiveSmallIntegerField(default=1)
    provider_ref = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=40, blank=True)
    delivered = models.BooleanField(default=False)
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(subscriber__isnull=False, user__isnull=True, contact__isnull=True)
                | Q(subscriber__isnull=True, user__isnull=False, contact__isnull=True)
                | Q(subscriber__isnull=True, user__isnull=True, contact__isnull=False),
                name="outbox_one_recipient",
            )
        ]
        indexes = [
            # Claims walk one channel's rows in the order they are claimed
            # (lane, then age) and stop after a batch: no sort. The outbox
            # holds only live rows (the sender deletes a row once it is sent
            # or has failed for good, into OutboxOutcome), so the index needs
            # no condition on state: claiming changes only state, claimed_by
            # and lease_until, which no index covers, so on PostgreSQL the
            # claim is a HOT update (the table's fillfactor leaves room).
            models.Index(
                fields=["channel", "priority", "id", "next_try_at"],
                name="outbox_claim_order",
            ),
        ]

    def __str__(self) -> str:
        return self.idempotency_key


class OutboxOutcome(models.Model):
    """What is left of an outbox row once it is sent or has failed for good.

    Append-only, small and without the recipient: the outbox row's id, its
    broadcast or mailing (for the delivery report's counts), the provider's
    message id (so a status callback finds it), the idempotency key of a
    notification or reply (so the same key never queues twice) and the
    outcome. Kept for a week (prune_notifications), like a notification.
    """

    SENSITIVITY = {
        "id": INTERNAL,
        "broadcast": INTERNAL,
        "mailing": INTERNAL,
        "idempotency_key": INTERNAL,
        "state": INTERNAL,
        "reason": INTERNAL,
        "provider_ref": INTERNAL,
        "delivered": INTERNAL,
        "created_on": INTERNAL,
    }

    # The outbox row's own id: one outcome per message, written once.
    id = models.BigIntegerField(primary_key=True)
    # No index and no database constraint on these two (a constraint costs
    # a lookup per inserted row): the counts live on the broadcast and
    # mailing; only Django's cascade and the retention sweeps look rows up
    # by them, and a row is written only for a broadcast or mailing that
    # exists (its outbox row referenced it).
    broadcast = models.ForeignKey(
        Broadcast,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outcomes",
        db_index=False,
        db_constraint=False,
    )
    mailing = models.ForeignKey(
        Mailing,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # Only for rows outside a broadcast or mailing (their keys are unique by
    # construction): a notification's key, blank otherwise.
    idempotency_key = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=8, choices=OutboxMessage.State)
    reason = models.CharField(max_length=40, blank=True)
    provider_ref = models.CharField(max_length=64, blank=True)
    delivered = models.BooleanField(default=False)
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        indexes = [
            models.Index(
                fields=["provider_ref"], condition=~Q(provider_ref=""), name="outcome_provider_ref"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="outcome_one_per_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return str(self.pk)


class EarlyReceipt(models.Model):
    """A delivery report that came before its message's outcome was written.

    A provider may post "delivered" (or a failure) within milliseconds of
    answering the send, before the worker has committed the outcome that
    names its message id. The report waits here and the worker matches it
    every minute (actions.match_early_receipts); unmatched, it goes after
    EARLY_RECEIPT_HOURS. Only the provider's id and the status: no number."""

    SENSITIVITY = {
        "id": INTERNAL,
        "provider_ref": INTERNAL,
        "status": INTERNAL,
        "received_at": INTERNAL,
    }

    provider_ref = models.CharField(max_length=64)
    status = models.CharField(max_length=12)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["received_at"], name="early_receipt_received_at")]

    def __str__(self) -> str:
        return f"early-receipt:{self.pk}"


class ChannelPace(models.Model):
    """Token bucket and daily count per channel account, shared by every worker.

    `kind` is the outbox's channel value: a kind ("twilio"), or a kind and
    the organisation whose own account it is ("twilio@ORGCODE")."""

    SENSITIVITY = {
        "id": INTERNAL,
        "kind": INTERNAL,
        "tokens": INTERNAL,
        "refilled_at": INTERNAL,
        "day": INTERNAL,
        "day_segments": INTERNAL,
        "paused_until": INTERNAL,
    }

    kind = models.CharField(max_length=32, unique=True)
    tokens = models.FloatField(default=0.0)
    refilled_at = models.DateTimeField(null=True, blank=True)
    day = models.DateField(null=True, blank=True)
    day_segments = models.PositiveIntegerField(default=0)
    paused_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.kind

    @classmethod
    def locked(cls, kind: str) -> "ChannelPace":
        assert transaction.get_connection().in_atomic_block
        cls.objects.get_or_create(kind=kind)
        return cls.objects.select_for_update().get(kind=kind)

    def allowance(self, now, *, rate: float, daily_cap: int) -> float | None:
        """Segments that may go now (None: no limit). Refills the bucket first."""
        if self.paused_until is not None and self.paused_until > now:
            return 0
        today = timezone.localdate(now)
        if self.day != today:
            self.day, self.day_segments = today, 0
        left_today = None if not daily_cap else max(0, daily_cap - self.day_segments)
        if not rate:
            return left_today
        capacity = self.capacity(rate)
        if self.refilled_at is None:
            self.tokens = capacity
        else:
            elapsed = max(0.0, (now - self.refilled_at).total_seconds())
            self.tokens = min(capacity, self.tokens + elapsed * rate)
        self.refilled_at = now
        tokens = max(0.0, self.tokens)
        return tokens if left_today is None else min(tokens, left_today)

    @staticmethod
    def capacity(rate: float) -> float:
        # Two seconds of burst, and always room for one whole message.
        return max(1.0, rate * 2)

    def spend(self, segments: int) -> None:
        self.tokens -= segments
        self.day_segments += segments

    def pause(self, until) -> None:
        if self.paused_until is None or self.paused_until < until:
            self.paused_until = until


class NotificationPreference(models.Model):
    """How a volunteer wants content-free notifications: console until they choose."""

    class Medium(models.TextChoices):
        CONSOLE = "console", _("Only inside Porch")
        SMS = "sms", _("Text message (SMS)")
        EMAIL = "email", _("E-mail")
        SIGNAL = "signal", _("Signal")

    SENSITIVITY = {"id": INTERNAL, "user": INTERNAL, "medium": INTERNAL, "updated_on": INTERNAL}

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    medium = models.CharField(max_length=8, choices=Medium, default=Medium.CONSOLE)
    updated_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return f"{self.user_id}:{self.medium}"
