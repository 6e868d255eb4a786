"""Every state change in messaging: atomic, validated, audited.

Fan-out is one transaction per broadcast: the audience is selected, the
snapshot sealed and every outbox row inserted with bulk_create (DOMAIN.md:
one commit per message is twenty times slower). Nothing here sends: the
sender (porch.messaging.sender) claims queued rows from `porch worker`.
"""

from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from porch.accounts.models import hash_secret
from porch.coalition.models import Zone
from porch.core import audit
from porch.core.codes import new_code
from porch.messaging import catalogue
from porch.messaging.models import (
    Broadcast,
    Contact,
    EarlyReceipt,
    Mailing,
    Medium,
    MessageTemplate,
    NotificationPreference,
    OutboxMessage,
    OutboxOutcome,
    Subscriber,
)
from porch.messaging.segments import segments
from porch.messaging.texts import Texts, broadcast_context, hotline, time_bucket, zone_names
from porch.vault.epochs import new_subject
from porch.vault.erasure import expiry_for

# An alert's audience lives until its all-clear + 7 days (R14); one never
# closed is shredded after this long all the same.
OPEN_ALERT_LIMIT = timedelta(days=30)
FOLLOW_UP_KINDS = {
    Broadcast.Kind.ALL_CLEAR: catalogue.ALL_CLEAR,
    Broadcast.Kind.CORRECTION: catalogue.CORRECTION,
}
LANE = {
    Broadcast.Kind.ALERT: OutboxMessage.Lane.ALERT,
    Broadcast.Kind.CORRECTION: OutboxMessage.Lane.ALERT,
    Broadcast.Kind.ALL_CLEAR: OutboxMessage.Lane.ALERT,
    Broadcast.Kind.ROUTINE: OutboxMessage.Lane.ROUTINE,
}


# ---- Addresses and channels ------------------------------------------------------


def normalise_address(medium: str, raw: str) -> str:
    """E.164 for a number (phonenumbers), or a checked e-mail address."""
    text = (raw or "").strip()
    if medium == Medium.EMAIL:
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError(
                {"address": [_("Enter an e-mail address such as name@example.org.")]}
            ) from None
        return text.lower()
    region = getattr(settings, "PORCH_PHONE_REGION", "US")
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            {"address": [_("Enter a mobile number, such as +1 612 555 0123.")]}, code="invalid"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def address_hash(address: str) -> str:
    return hash_secret(address)


def kind_for(medium: str, *, organisation=None) -> str:
    """The channel kind that carries a medium here (console when none is set up)."""
    from porch.messaging import channels

    if medium == Medium.SMS:
        kind = channels.default_sms_kind(organisation=organisation)
    elif medium == Medium.EMAIL:
        kind = channels.default_email_kind(organisation=organisation)
    elif medium == NotificationPreference.Medium.SIGNAL:
        kind = "signal"
    else:
        kind = "console"
    if kind not in channels.configured_kinds(organisation=organisation):
        return "console"
    # An organisation with its own account for the kind paces on its own.
    return channels.account_key(kind, organisation)


def _segments_for(medium: str, body: str) -> int:
    # Pacing units, as the channels count them: SMS segments for numbers,
    # one per message for e-mail and Signal.
    if medium == Medium.SMS:
        return max(1, segments(body))
    return 1


# ---- Subscribers -------------------------------------------------------------------


def _clean_zones(zones) -> list[Zone]:
    zones = list(zones)
    if not zones:
        raise ValidationError({"zones": [_("Choose at least one zone.")]})
    return zones


def _clean_language(language: str) -> str:
    if language not in catalogue.LANGUAGES:
        raise ValidationError({"language": [_("Choose one of the languages offered.")]})
    return language


def do_subscribe(
    *,
    organisation,
    address: str,
    medium: str = Medium.SMS,
    zones,
    language: str,
    source: str,
    consent_noted: str = "",
    ask: bool = True,
    actor=None,
) -> Subscriber:
    """Add a person to a list, waiting for their YES (double opt-in).

    Someone already on the list gets their zones and language updated and
    (unless they are receiving already) the question again; the answer looks
    the same either way, so the public form tells nobody who is subscribed.
    """
    if medium not in Medium.values:
        raise ValidationError({"medium": [_("Choose text message or e-mail.")]})
    if source == Subscriber.Source.ORGANISER and consent_noted not in Subscriber.Consent.values:
        raise ValidationError(
            {"consent_noted": [_("Note how the person agreed to receive messages.")]}
        )
    zones = _clean_zones(zones)
    language = _clean_language(language)
    address = normalise_address(medium, address)
    digest = address_hash(address)
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.for_owner(organisation)
            .select_for_update()
            .filter(address_hash=digest)
            .first()
        )
        if subscriber is None:
            subject = new_subject("subscriber", organisation=organisation)
            subscriber = Subscriber(
                subject=subject,
                organisation=organisation,
                address=address,
                address_hash=digest,
                medium=medium,
                language=language,
                source=source,
                consent_noted=consent_noted if source == Subscriber.Source.ORGANISER else "",
                added_by=actor if source == Subscriber.Source.ORGANISER else None,
            )
            subscriber.save()
            created = True
        else:
            subscriber.language = language
            if subscriber.state == Subscriber.State.STOPPED:
                # Coming back by form or organiser means a new YES.
                subscriber.state = Subscriber.State.PENDING
                subscriber.stopped_on = None
                _keep_subject(subscriber)
            subscriber.save(update_fields=["language", "state", "stopped_on"])
            created = False
        subscriber.zones.add(*zones)
        if ask and subscriber.state == Subscriber.State.PENDING and not _asked_today(subscriber):
            _queue_to_subscriber(subscriber, catalogue.CONFIRMATION, lane=OutboxMessage.Lane.ALERT)
        audit.record(
            actor,
            "subscriber.added" if created else "subscriber.updated",
            obj=subscriber,
            organisation=organisation,
        )
    return subscriber


def _asked_today(subscriber: Subscriber) -> bool:
    # One question a day, however often a form names the same number.
    return OutboxMessage.objects.filter(
        subscriber=subscriber,
        template_key=catalogue.CONFIRMATION,
        created_on=timezone.localdate(),
    ).exists()


def _keep_subject(subscriber: Subscriber) -> None:
    subject = subscriber.subject
    if subject.expires_at is not None:
        subject.expires_at = None
        subject.save(update_fields=["expires_at"])


def do_confirm_subscriber(subscriber: Subscriber, *, actor=None) -> Subscriber:
    with transaction.atomic():
        subscriber.state = Subscriber.State.ACTIVE
        subscriber.confirmed_on = timezone.localdate()
        subscriber.stopped_on = None
        subscriber.save(update_fields=["state", "confirmed_on", "stopped_on"])
        _keep_subject(subscriber)
        audit.record(
            actor, "subscriber.confirmed", obj=subscriber, organisation=subscriber.organisation
        )
    return subscriber


def do_stop_subscriber(subscriber: Subscriber, *, actor=None) -> Subscriber:
    """STOP: nothing more is sent; the number is shredded when its retention ends."""
    with transaction.atomic():
        subscriber.state = Subscriber.State.STOPPED
        subscriber.stopped_on = timezone.localdate()
        subscriber.save(update_fields=["state", "stopped_on"])
        subject = subscriber.subject
        subject.expires_at = expiry_for("stopped_subscriber")
        subject.save(update_fields=["expires_at"])
        # Whatever was still queued for them stays unsent.
        OutboxMessage.objects.filter(
            subscriber=subscriber, state=OutboxMessage.State.QUEUED
        ).update(state=OutboxMessage.State.FAILED, reason="stopped")
        audit.record(
            actor, "subscriber.stopped", obj=subscriber, organisation=subscriber.organisation
        )
    return subscriber


def do_start_subscriber(subscriber: Subscriber, *, actor=None) -> Subscriber:
    """START after STOP: the person texted us themselves, so no second question."""
    with transaction.atomic():
        subscriber.state = Subscriber.State.ACTIVE
        subscriber.stopped_on = None
        subscriber.confirmed_on = subscriber.confirmed_on or timezone.localdate()
        subscriber.save(update_fields=["state", "stopped_on", "confirmed_on"])
        _keep_subject(subscriber)
        audit.record(
            actor, "subscriber.started", obj=subscriber, organisation=subscriber.organisation
        )
    return subscriber


def _queue_to_subscriber(subscriber: Subscriber, key: str, *, lane) -> OutboxMessage:
    kind = kind_for(subscriber.medium, organisation=subscriber.organisation)
    texts = Texts()
    context = catalogue.Context(
        zone=zone_names(subscriber.zones.all()), hotline=hotline(), time=time_bucket()
    )
    body = texts.render(key, subscriber.language, context)
    return OutboxMessage.objects.create(
        subscriber=subscriber,
        channel=kind,
        template_key=key,
        language=subscriber.language,
        idempotency_key=f"s-{new_code(20)}",
        priority=lane,
        segments=_segments_for(subscriber.medium, body),
    )


def do_queue_reply(subscriber: Subscriber, key: str) -> OutboxMessage:
    """A keyword reply for channels that cannot answer inline (Signal, e-mail)."""
    with transaction.atomic():
        return _queue_to_subscriber(subscriber, key, lane=OutboxMessage.Lane.ALERT)


# ---- Broadcasts -----------------------------------------------------------------------


def _audience_ids(organisation, zones) -> list[tuple[int, str, str, str]]:
    through = Subscriber.zones.through
    in_zones = through.objects.filter(zone__in=zones).values("subscriber_id")
    return list(
        Subscriber.objects.receiving()
        .for_owner(organisation)
        .filter(pk__in=in_zones)
        .order_by("pk")
        .values_list("pk", "code", "language", "medium")
    )


_FAN_OUT_FIELDS = (
    "broadcast",
    "subscriber",
    "channel",
    "template_key",
    "language",
    "idempotency_key",
    "priority",
    "state",
    "attempts",
    "next_try_at",
    "claimed_by",
    "segments",
    "provider_ref",
    "reason",
    "delivered",
    "created_on",
)


def _insert_queued(rows: list[tuple]) -> None:
    """Insert queued rows with executemany: at 100,000 rows the ORM's
    per-object work (model init, per-field prep) costs ten times the insert."""
    meta = OutboxMessage._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in _FAN_OUT_FIELDS)
    marks = ", ".join(["%s"] * len(_FAN_OUT_FIELDS))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start : start + 10_000])


def _fan_out(broadcast: Broadcast, recipients, *, key: str) -> int:
    """Queue one row per recipient: segments counted once per language."""
    texts = Texts()
    number = hotline()
    kinds: dict[str, str] = {}
    sizes: dict[tuple[str, str], int] = {}
    organisation = broadcast.organisation
    lane = int(LANE[broadcast.kind])
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    queued = str(OutboxMessage.State.QUEUED)
    prefix = f"{broadcast.code}-"
    rows = []
    for pk, code, language, medium in recipients:
        kind = kinds.get(medium)
        if kind is None:
            kind = kinds[medium] = kind_for(medium, organisation=organisation)
        size = sizes.get((medium, language))
        if size is None:
            context = broadcast_context(broadcast, language, hotline_number=number)
            size = sizes[(medium, language)] = _segments_for(
                medium, texts.render(key, language, context)
            )
        rows.append(
            (
                broadcast.pk,
                pk,
                kind,
                key,
                language,
                prefix + code,
                lane,
                queued,
                0,
                now,
                "",
                size,
                "",
                "",
                False,
                today,
            )
        )
    _insert_queued(rows)
    return len(rows)


def do_broadcast(
    zones,
    template: str,
    *,
    actor,
    organisation=None,
    advice: str = "",
) -> Broadcast:
    """Snapshot the audience of `zones` on the list and queue one message each."""
    zones = _clean_zones(zones)
    if template not in catalogue.BROADCAST_KEYS:
        raise ValidationError({"template": [_("Choose an alert or a routine reminder.")]})
    if advice and advice not in catalogue.ADVICE_KEYS:
        raise ValidationError({"advice": [_("Choose one of the advice lines offered.")]})
    kind = Broadcast.Kind.ALERT if template == catalogue.ALERT else Broadcast.Kind.ROUTINE
    with transaction.atomic():
        recipients = _audience_ids(organisation, zones)
        if kind == Broadcast.Kind.ALERT:
            data_class, expires = "alert_audience", timezone.now() + OPEN_ALERT_LIMIT
        else:
            data_class, expires = "routine_audience", expiry_for("routine_audience")
        subject = new_subject(
            "audience", organisation=organisation, data_class=data_class, expires_at=expires
        )
        broadcast = Broadcast(
            organisation=organisation,
            kind=kind,
            template_key=template,
            advice=advice,
            time_bucket=time_bucket(),
            audience_subject=subject,
            audience_size=len(recipients),
            created_by=actor,
        )
        broadcast.audience = [pk for pk, *_rest in recipients]
        broadcast.full_clean(exclude=["audience", "audience_subject"])
        broadcast.save()
        broadcast.zones.set(zones)
        _fan_out(broadcast, recipients, key=template)
        audit.record(actor, "broadcast.sent", obj=broadcast, organisation=organisation)
    return broadcast


def _follow_up(original: Broadcast, kind: str, *, actor) -> Broadcast:
    if original.kind != Broadcast.Kind.ALERT:
        raise ValidationError(_("Only an alert can have an all-clear or a correction."))
    if original.erased_on is not None or original.audience_subject_id is None:
        raise ValidationError(_("This alert's audience has been erased; it cannot be reached."))
    key = FOLLOW_UP_KINDS[kind]
    with transaction.atomic():
        original = Broadcast.objects.select_for_update().get(pk=original.pk)
        if kind == Broadcast.Kind.ALL_CLEAR and original.closed_on is not None:
            raise ValidationError(_("The all-clear for this alert has been sent already."))
        ids = original.audience or []
        # Exactly the same people, less anyone who has since texted STOP.
        recipients = list(
            Subscriber.objects.filter(pk__in=ids, state=Subscriber.State.ACTIVE)
            .order_by("pk")
            .values_list("pk", "code", "language", "medium")
        )
        follow_up = Broadcast(
            organisation=original.organisation,
            kind=kind,
            template_key=key,
            time_bucket=original.time_bucket,
            original=original,
            audience_size=len(recipients),
            created_by=actor,
        )
        follow_up.save()
        follow_up.zones.set(original.zones.all())
        _fan_out(follow_up, recipients, key=key)
        if kind == Broadcast.Kind.ALL_CLEAR:
            original.closed_on = timezone.localdate()
            original.save(update_fields=["closed_on"])
            subject = original.audience_subject
            subject.expires_at = expiry_for("alert_audience")
            subject.save(update_fields=["expires_at"])
        audit.record(actor, f"broadcast.{kind}", obj=follow_up, organisation=original.organisation)
    return follow_up


def do_send_all_clear(original: Broadcast, *, actor) -> Broadcast:
    return _follow_up(original, Broadcast.Kind.ALL_CLEAR, actor=actor)


def do_send_correction(original: Broadcast, *, actor) -> Broadcast:
    return _follow_up(original, Broadcast.Kind.CORRECTION, actor=actor)


def shred_audience(subject) -> None:
    """Vault callback: keep the counts, drop the snapshot's outbox rows (R14)."""
    roots = list(Broadcast.objects.filter(audience_subject=subject))
    family = Broadcast.objects.filter(pk__in=[b.pk for b in roots]) | Broadcast.objects.filter(
        original__in=roots
    )
    today = timezone.localdate()
    for broadcast in family:
        counts = broadcast.counts()
        broadcast.sent_count = counts["sent"]
        broadcast.failed_count = counts["failed"]
        broadcast.erased_on = today
        broadcast.save(update_fields=["sent_count", "failed_count", "erased_on"])
        broadcast.messages.all().delete()
        broadcast.outcomes.all().delete()


def prune_notifications() -> int:
    """Finished notification rows go after a week: who was told, and when, is metadata."""
    from porch.vault.erasure import POLICIES

    cutoff = timezone.localdate() - timedelta(days=POLICIES["notification"].limit.days)
    deleted, _rows = OutboxMessage.objects.filter(
        broadcast__isnull=True,
        # A mailing's rows live as long as their contacts (forget_contacts).
        mailing__isnull=True,
        state__in=[OutboxMessage.State.SENT, OutboxMessage.State.FAILED],
        created_on__lt=cutoff,
    ).delete()
    # What is left of sent and failed rows: a week, like a notification
    # (delivery reports come within hours; the counts stay on the broadcast).
    outcomes, _rows = OutboxOutcome.objects.filter(created_on__lt=cutoff).delete()
    return deleted + outcomes


# ---- Notifications to volunteers ------------------------------------------------------


def do_set_notification_medium(user, medium: str, *, actor) -> NotificationPreference:
    if medium not in NotificationPreference.Medium.values:
        raise ValidationError({"medium": [_("Choose one of the ways offered.")]})
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.get_or_create(user=user)
        preference.medium = medium
        preference.updated_on = timezone.localdate()
        preference.save(update_fields=["medium", "updated_on"])
        audit.record(actor, "notification.medium_set", obj=user)
    return preference


def notification_medium(user) -> str:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.medium if preference else NotificationPreference.Medium.CONSOLE


def do_notify_user(user, kind: str, *, actor, key: str = "") -> OutboxMessage | None:
    """A content-free nudge ("You have a new assignment — open Porch").

    `key`, when given (e.g. "assignment-<code>"), makes repeats harmless:
    the same key for the same person queues nothing new (None once the
    first has left the outbox).
    """
    if kind not in catalogue.NOTIFICATION_KEYS:
        raise ValidationError({"kind": [_("Unknown kind of notification.")]})
    medium = notification_medium(user)
    channel = kind_for(medium)
    language = user.language if user.language in catalogue.LANGUAGES else catalogue.FALLBACK
    idempotency_key = f"u-{user.code}-{key}" if key else f"u-{new_code(20)}"
    with transaction.atomic():
        existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        if OutboxOutcome.objects.filter(idempotency_key=idempotency_key).exists():
            return None  # already sent (or failed for good): nothing new
        message = OutboxMessage.objects.create(
            user=user,
            channel=channel,
            template_key=kind,
            language=language,
            idempotency_key=idempotency_key,
            priority=OutboxMessage.Lane.NOTIFICATION,
            segments=1,
        )
        audit.record(actor, "notification.queued", code=user.code)
    return message


# ---- Templates and delivery reports -----------------------------------------------------


def do_save_template(key: str, language: str, text: str, *, actor) -> MessageTemplate:
    if key not in catalogue.KEYS:
        raise ValidationError({"key": [_("Unknown template.")]})
    language = _clean_language(language)
    text = (text or "").strip()
    problems = catalogue.problems_in(text)
    if problems:
        raise ValidationError(
            {
                "text": [
                    _(
                        "Use only the placeholders {zone}, {time}, {advice} and {hotline}, "
                        "each in curly braces, and no other braces."
                    )
                ]
            }
        )
    budget = catalogue.SEGMENT_BUDGET.get(key)
    if budget is not None:
        body = catalogue.render(text, catalogue.sample_context(language))
        if segments(body) > budget:
            raise ValidationError(
                {
                    "text": [
                        _(
                            "With the longest zone name and advice this text takes "
                            "%(count)d SMS segments; keep it to %(budget)d."
                        )
                        % {"count": segments(body), "budget": budget}
                    ]
                }
            )
    with transaction.atomic():
        row, _created = MessageTemplate.objects.update_or_create(
            key=key,
            language=language,
            defaults={"text": text, "updated_by": actor, "updated_on": timezone.localdate()},
        )
        audit.record(actor, "template.saved", code=f"{key}-{language}")
    return row


# An early delivery report waits this long for its outcome; the table holds
# at most EARLY_RECEIPT_MAX (status webhooks are signed: only the provider
# posts them, but a bound costs nothing).
EARLY_RECEIPT_HOURS = 1
EARLY_RECEIPT_MAX = 50_000


def do_record_status(provider_ref: str, status: str) -> int:
    """A provider's delivery report: a delivered flag, or a failure after the fact.

    A report for a message whose outcome is not written yet (the provider's
    callback beat the worker's commit) is kept as an EarlyReceipt and
    applied by match_early_receipts."""
    from porch.messaging.channels.base import DELIVERED, UNDELIVERED

    if not provider_ref:
        return 0
    if status not in (DELIVERED, UNDELIVERED):
        return 0
    provider_ref = provider_ref[:64]
    sent = OutboxOutcome.objects.filter(provider_ref=provider_ref, state=OutboxMessage.State.SENT)
    with transaction.atomic():
        if status == DELIVERED:
            rows = list(sent.filter(delivered=False).select_for_update())
            OutboxOutcome.objects.filter(pk__in=[r.pk for r in rows]).update(delivered=True)
            changes = {"delivered_count": F("delivered_count") + 1}
        else:
            # Sent, then refused by the network: it counts as failed now.
            rows = list(sent.select_for_update())
            OutboxOutcome.objects.filter(pk__in=[r.pk for r in rows]).update(
                state=OutboxMessage.State.FAILED, reason="undelivered"
            )
            changes = {
                "sent_count": Greatest(Coalesce(F("sent_count"), 0) - 1, 0),
                "failed_count": Coalesce(F("failed_count"), 0) + 1,
            }
        for row in rows:
            if row.broadcast_id is not None:
                Broadcast.objects.filter(pk=row.broadcast_id).update(**changes)
            if row.mailing_id is not None:
                Mailing.objects.filter(pk=row.mailing_id).update(**changes)
        if (
            not rows
            and not OutboxOutcome.objects.filter(provider_ref=provider_ref).exists()
            and EarlyReceipt.objects.count() < EARLY_RECEIPT_MAX
        ):
            EarlyReceipt.objects.create(provider_ref=provider_ref, status=status)
    return len(rows)


def match_early_receipts(*, now=None) -> int:
    """Apply the delivery reports that came before their outcome; drop those
    that waited EARLY_RECEIPT_HOURS (a message another instance sent, or one
    whose outcome is already gone). Returns the number applied."""
    now = now or timezone.now()
    applied = 0
    waiting = list(EarlyReceipt.objects.order_by("pk")[:5000])
    refs = {receipt.provider_ref for receipt in waiting}
    known = set(
        OutboxOutcome.objects.filter(provider_ref__in=refs).values_list("provider_ref", flat=True)
    )
    done = []
    for receipt in waiting:
        if receipt.provider_ref in known:
            applied += do_record_status(receipt.provider_ref, receipt.status)
            done.append(receipt.pk)
    EarlyReceipt.objects.filter(pk__in=done).delete()
    cutoff = now - timedelta(hours=EARLY_RECEIPT_HOURS)
    EarlyReceipt.objects.filter(received_at__lt=cutoff).delete()
    return applied


# ---- Contacts other apps hold (a campaign's pledgers) -----------------------------------
#
# The app owns the vault subject and calls these; messaging never imports it.


def do_register_contact(
    *, subject, organisation, medium: str, address: str, language: str
) -> Contact:
    """Seal an address under the app's own `subject` so the outbox can reach it.

    One contact per subject; calling again updates it. The address is
    normalised here (E.164 or a checked e-mail address)."""
    if medium not in Medium.values:
        raise ValidationError({"medium": [_("Choose text message or e-mail.")]})
    language = language if language in catalogue.LANGUAGES else catalogue.FALLBACK
    address = normalise_address(medium, address)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().filter(subject=subject).first()
        contact = contact or Contact(subject=subject)
        contact.organisation = organisation
        contact.address = address
        contact.address_hash = address_hash(address)
        contact.medium = medium
        contact.language = language
        contact.save()
    # No audit row of its own: the app's action that holds the subject records it.
    return contact


def _freeze(mailings) -> None:
    today = timezone.localdate()
    for mailing in mailings:
        counts = mailing.counts()
        mailing.sent_count = counts["sent"]
        # Whatever was still waiting will never go: it counts as not sent.
        mailing.failed_count = counts["failed"] + counts["queued"] + counts["sending"]
        mailing.erased_on = today
        mailing.save(update_fields=["sent_count", "failed_count", "erased_on"])


def forget_contacts(subjects) -> int:
    """Call from the app's shredder, before its subjects go: the contacts'
    mailings keep their counts (frozen at once, while every row is still
    there), then the contacts and their outbox rows are deleted."""
    contacts = Contact.objects.filter(subject__in=list(subjects))
    mailings = Mailing.objects.filter(
        erased_on__isnull=True,
        pk__in=OutboxMessage.objects.filter(contact__in=contacts).values("mailing_id"),
    )
    _freeze(list(mailings))
    deleted, _rows = contacts.delete()
    return deleted


def contacts_of_sender(sender: str):
    """Contacts whose sealed address is this inbound sender's (keyed hash)."""
    digests = {address_hash(sender.strip()), address_hash(sender.strip().lower())}
    return Contact.objects.filter(address_hash__in=digests).order_by("pk")


def do_stop_contacts(sender: str, *, actor=None) -> int:
    """STOP from a contact: nothing more goes to them, queued rows stay unsent.

    There is no START for a contact: its address goes when the app's subject
    expires (a campaign's end); the person may leave it again with the app."""
    with transaction.atomic():
        contacts = list(contacts_of_sender(sender).filter(state=Contact.State.ACTIVE))
        if not contacts:
            return 0
        Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(
            state=Contact.State.STOPPED, stopped_on=timezone.localdate()
        )
        OutboxMessage.objects.filter(contact__in=contacts, state=OutboxMessage.State.QUEUED).update(
            state=OutboxMessage.State.FAILED, reason="stopped"
        )
        for contact in contacts:
            audit.record(actor, "contact.stopped", obj=contact, organisation=contact.organisation)
    return len(contacts)


def clean_update_values(values: dict) -> dict[str, str]:
    """Only the update placeholders an app may fill ({title}, {date}), short strings."""
    allowed = set(catalogue.UPDATE_PLACEHOLDERS) - {"hotline"}
    if set(values) - allowed or any(
        not isinstance(v, str) or len(v) > 120 for v in values.values()
    ):
        raise ValidationError(_("An update may only say a title and a date."))
    return dict(values)


def update_context(values: dict, *, hotline_number: str) -> catalogue.Context:
    return catalogue.Context(
        title=values.get("title", ""), date=values.get("date", ""), hotline=hotline_number
    )


_MAILING_FIELDS = (
    "mailing",
    "contact",
    "channel",
    "template_key",
    "language",
    "idempotency_key",
    "priority",
    "state",
    "attempts",
    "next_try_at",
    "claimed_by",
    "segments",
    "provider_ref",
    "reason",
    "delivered",
    "created_on",
)


def _insert_mailing_rows(rows: list[tuple]) -> None:
    """Like _insert_queued: executemany, 10,000 rows a statement."""
    meta = OutboxMessage._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in _MAILING_FIELDS)
    marks = ", ".join(["%s"] * len(_MAILING_FIELDS))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start : start + 10_000])


def do_send_mailing(contacts, key: str, *, values: dict, organisation=None, actor) -> Mailing:
    """Snapshot the receiving `contacts` and queue one routine message each,
    in each contact's language, with batched inserts (one statement per
    10,000 rows). Call inside the app's own transaction if it writes too."""
    if key not in catalogue.UPDATE_KEYS:
        raise ValidationError({"template": [_("Choose one of the updates offered.")]})
    values = clean_update_values(values)
    with transaction.atomic():
        recipients = list(
            contacts.filter(state=Contact.State.ACTIVE)
            .order_by("pk")
            .values_list("pk", "code", "language", "medium")
        )
        mailing = Mailing.objects.create(
            organisation=organisation,
            template_key=key,
            values=values,
            audience_size=len(recipients),
            created_by=actor,
        )
        texts = Texts()
        number = hotline()
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        today = connection.ops.adapt_datefield_value(timezone.localdate())
        kinds: dict[str, str] = {}
        sizes: dict[tuple[str, str], int] = {}
        rows = []
        for pk, code, language, medium in recipients:
            if medium not in kinds:
                kinds[medium] = kind_for(medium, organisation=organisation)
            if (medium, language) not in sizes:
                body = texts.render(key, language, update_context(values, hotline_number=number))
                sizes[(medium, language)] = _segments_for(medium, body)
            rows.append(
                (
                    mailing.pk,
                    pk,
                    kinds[medium],
                    key,
                    language,
                    f"m-{mailing.code}-{code}",
                    int(OutboxMessage.Lane.ROUTINE),
                    str(OutboxMessage.State.QUEUED),
                    0,
                    now,
                    "",
                    sizes[(medium, language)],
                    "",
                    "",
                    False,
                    today,
                )
            )
        _insert_mailing_rows(rows)
        audit.record(actor, "mailing.sent", obj=mailing, organisation=organisation)
    return mailing
