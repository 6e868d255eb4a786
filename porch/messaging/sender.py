"""The outbox sender: claim, pace, render, send, record — in batches.

Design note. Every `porch worker` pass calls `run_pass()`. For each channel
kind with due rows it:

1. claims a batch in one short transaction: the channel's pacing row is
   locked, its token bucket refilled (segments per second, a daily cap,
   and a pause after the provider said "later"), and as many rows as the
   bucket allows are moved queued → sending, alerts first (lane, then age).
   PostgreSQL picks rows with SELECT … FOR UPDATE SKIP LOCKED, SQLite with a
   conditional UPDATE inside its IMMEDIATE transaction; both repeat the
   "still due" condition in the UPDATE, so two workers never claim one row.
2. sends outside any transaction, in chunks over one kept-alive connection;
   bodies are rendered and numbers opened in memory only, here.
3. records each chunk's outcomes in one transaction (bulk updates): sent,
   retry with exponential backoff (at least the provider's Retry-After; the
   whole channel pauses too, so a gateway that is down costs one attempt per
   backoff step, not one per message), or failed for good.

A worker killed between 1 and 3 leaves rows in `sending` with a lease; once
the lease ends any worker claims them again and resends with the same
idempotency key, which the provider (and the loopback fakes) use to
deliver once.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from porch.coalition.models import Organisation
from porch.messaging import catalogue
from porch.messaging.models import Broadcast, ChannelPace, OutboxMessage
from porch.messaging.texts import Texts, broadcast_context, hotline, time_bucket, zone_names

logger = logging.getLogger("porch.messaging.sender")

BACKOFF_BASE = 5.0  # seconds before the first retry
BACKOFF_CAP = 600.0  # never wait longer than ten minutes between tries
MAX_ATTEMPTS = 12  # ≈ 1 h 20 min of trying before a message is failed for good
CHUNK = 500  # messages per kept-alive send_many and per write


def lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "PORCH_OUTBOX_LEASE_SECONDS", 120))


def backoff(attempts: int, retry_after: float | None = None) -> float:
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    if retry_after:
        delay = max(delay, min(float(retry_after), 3600.0))
    return delay


def due(now) -> Q:
    return Q(state=OutboxMessage.State.QUEUED, next_try_at__lte=now) | Q(
        state=OutboxMessage.State.SENDING, lease_until__lt=now
    )


@dataclass
class PassResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0


# ---- 1. claiming ----------------------------------------------------------------------


def _candidates(kind: str, now, limit: int) -> list[tuple[int, int]]:
    rows = OutboxMessage.objects.filter(due(now), channel=kind).order_by("priority", "pk")
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    return list(rows.values_list("pk", "segments")[:limit])


def _pick(candidates, allowance: float | None, capacity: float | None) -> list[tuple[int, int]]:
    if allowance is None:
        return list(candidates)
    picked, used = [], 0
    for pk, size in candidates:
        if used + size <= allowance:
            picked.append((pk, size))
            used += size
        elif not picked and capacity is not None and allowance >= capacity:
            # A message longer than the whole bucket goes when the bucket is full.
            picked.append((pk, size))
            break
        else:
            break
    return picked


CLAIMED_FIELDS = (
    "broadcast_id",
    "subscriber_id",
    "user_id",
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
    "subscriber__state",
    "subscriber__code",
    "subscriber__address",
    "subscriber__subject__code",
    "subscriber__subject__epoch",
    "subscriber__subject__key_version",
    "subscriber__subject__wrapped_key",
    "user__code",
    "user__handle",
    "user__status",
    "user__email",
    "user__phone",
)


def claim(kind: str, channel, worker_id: str, *, now=None, batch: int = 200):
    """Claim up to `batch` due rows of one kind within its pace. Returns the rows."""
    now = now or timezone.now()
    token = f"{worker_id[:40]}-{uuid.uuid4().hex[:16]}"
    rate = float(getattr(channel, "segments_per_second", 0) or 0)
    cap = int(getattr(channel, "daily_segment_cap", 0) or 0)
    with transaction.atomic():
        pace = ChannelPace.locked(kind)
        allowance = pace.allowance(now, rate=rate, daily_cap=cap)
        if allowance is not None and allowance < 1:
            pace.save()
            return []
        candidates = _candidates(kind, now, batch)
        picked = _pick(candidates, allowance, ChannelPace.capacity(rate) if rate else None)
        if not picked:
            pace.save()
            return []
        claimed = (
            OutboxMessage.objects.filter(pk__in=[pk for pk, _size in picked])
            .filter(due(now))
            .update(
                state=OutboxMessage.State.SENDING,
                claimed_by=token,
                lease_until=now + lease(),
            )
        )
        rows = list(
            OutboxMessage.objects.filter(claimed_by=token, state=OutboxMessage.State.SENDING)
            # Three objects a row, no more: at 10,000 messages a second the
            # model instances cost more than the database.
            .select_related("subscriber__subject", "user")
            .only(*CLAIMED_FIELDS)
            .annotate(
                list_owner=Coalesce(
                    F("broadcast__organisation_id"), F("subscriber__organisation_id")
                )
            )
            .order_by("priority", "pk")
        )
        if claimed:
            pace.spend(sum(row.segments for row in rows))
        pace.save()
    return rows


# ---- 2. rendering and sending ---------------------------------------------------------


class Renderer:
    """Bodies for one pass: texts and contexts loaded once, kept in memory only."""

    def __init__(self) -> None:
        self.texts = Texts()
        self.hotline = hotline()
        self.contexts: dict[tuple[int, str], catalogue.Context] = {}
        self.roots: dict[int, Broadcast] = {}

    def context(self, message: OutboxMessage) -> catalogue.Context:
        if message.broadcast_id is not None:
            cache_key = (message.broadcast_id, message.language)
            found = self.contexts.get(cache_key)
            if found is None:
                broadcast = self.roots.get(message.broadcast_id)
                if broadcast is None:
                    broadcast = (
                        Broadcast.objects.select_related("original")
                        .defer("audience", "original__audience")
                        .get(pk=message.broadcast_id)
                    )
                    self.roots[message.broadcast_id] = broadcast
                found = broadcast_context(broadcast, message.language, hotline_number=self.hotline)
                self.contexts[cache_key] = found
            return found
        if message.subscriber_id is not None:
            return catalogue.Context(
                zone=zone_names(message.subscriber.zones.all()),
                hotline=self.hotline,
                time=time_bucket(),
            )
        return catalogue.Context(hotline=self.hotline)

    def body(self, message: OutboxMessage) -> str:
        return self.texts.render(message.template_key, message.language, self.context(message))


SMS_KINDS = ("twilio", "httpsms", "signal")


def address_of(message: OutboxMessage) -> tuple[str | None, str]:
    """(address, reason when there is none). Opened from the vault in memory."""
    from porch.messaging.models import Subscriber

    if message.subscriber_id is not None:
        subscriber = message.subscriber
        # Once stopped, only the confirmation that they are stopped goes out.
        if subscriber.state == Subscriber.State.STOPPED and message.template_key != catalogue.STOP:
            return None, "stopped"
        address = subscriber.address
        return (address, "") if address else (None, "erased")
    user = message.user
    if user is None or not user.is_active:
        return None, "no_recipient"
    if message.channel == "console":
        return user.handle, ""
    if message.channel == "smtp":
        return (user.email, "") if user.email else (None, "no_address")
    return (user.phone, "") if user.phone else (None, "no_address")


def _outgoing(message: OutboxMessage, renderer: Renderer):
    from porch.messaging.channels.base import Outgoing

    address, reason = address_of(message)
    if address is None:
        return None, reason
    body = renderer.body(message)
    subject = "Porch" if message.channel == "smtp" else ""
    outgoing = Outgoing(
        to=address, body=body, idempotency_key=message.idempotency_key, subject=subject
    )
    return outgoing, ""


# ---- 3. recording -----------------------------------------------------------------------


def _write_outcomes(messages: list[OutboxMessage]) -> None:
    """One executemany UPDATE for a chunk's outcomes (bulk_update builds a
    CASE per field and row, which costs more than the sending)."""
    quote = connection.ops.quote_name
    meta = OutboxMessage._meta
    columns = ("state", "provider_ref", "reason", "attempts", "next_try_at")
    assignments = ", ".join(f"{quote(meta.get_field(c).column)} = %s" for c in columns)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments}, "  # noqa: S608
        f"{quote('lease_until')} = NULL WHERE {quote('id')} = %s"
    )
    adapt = connection.ops.adapt_datetimefield_value
    params = [
        (m.state, m.provider_ref, m.reason, m.attempts, adapt(m.next_try_at), m.pk)
        for m in messages
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _record(done: list, release: list, *, now, pause_until, kind: str, result: PassResult):
    from porch.messaging.channels.base import FAILED, RETRY, SENT

    sent, retried, failed = [], [], []
    for message, outcome in done:
        message.attempts += 1
        message.lease_until = None
        if outcome.outcome == SENT:
            message.state = OutboxMessage.State.SENT
            message.provider_ref = (outcome.provider_ref or "")[:64]
            message.reason = ""
            sent.append(message)
        elif outcome.outcome == RETRY and message.attempts < MAX_ATTEMPTS:
            message.state = OutboxMessage.State.QUEUED
            delay = backoff(message.attempts, outcome.retry_after)
            message.next_try_at = now + timedelta(seconds=delay)
            message.reason = (outcome.reason or "retry")[:40]
            retried.append(message)
        else:
            message.state = OutboxMessage.State.FAILED
            fallback = "gave_up" if outcome.outcome != FAILED else "failed"
            message.reason = (outcome.reason or fallback)[:40]
            failed.append(message)
    changed = sent + retried + failed
    with transaction.atomic():
        if changed:
            _write_outcomes(changed)
        if release:
            # Claimed but not tried: back in the queue without an attempt.
            OutboxMessage.objects.filter(pk__in=[m.pk for m in release]).update(
                state=OutboxMessage.State.QUEUED,
                lease_until=None,
                next_try_at=pause_until or now,
            )
        if release or pause_until is not None:
            pace = ChannelPace.locked(kind)
            pace.tokens += sum(m.segments for m in release)
            pace.day_segments = max(0, pace.day_segments - sum(m.segments for m in release))
            if pause_until is not None:
                pace.pause(pause_until)
            pace.save(update_fields=["tokens", "day_segments", "paused_until"])
    result.sent += len(sent)
    result.retried += len(retried)
    result.failed += len(failed)


def _send_chunk(channel, chunk, renderer):
    """Send one chunk; stop at the first "later" from the provider.

    Returns (outcomes for the tried messages, the untried ones, pause until)."""
    from porch.messaging.channels.base import RETRY, SendResult

    now = timezone.now()
    done, ready = [], []
    for message in chunk:
        outgoing, reason = _outgoing(message, renderer)
        if outgoing is None:
            done.append((message, SendResult("failed", reason=reason)))
        else:
            ready.append((message, outgoing))
    outcomes = channel.send_many([outgoing for _message, outgoing in ready]) if ready else []
    for index, ((message, _sent), outcome) in enumerate(zip(ready, outcomes, strict=True)):
        done.append((message, outcome))
        if outcome.outcome == RETRY:
            delay = backoff(message.attempts + 1, outcome.retry_after)
            untried = [m for m, _o in ready[index + 1 :]]
            return done, untried, now + timedelta(seconds=delay), now
    return done, [], None, now


def _still_held(chunk: list[OutboxMessage]) -> list[OutboxMessage]:
    """Renew the lease on a chunk about to be sent; drop rows no longer ours.

    A slow provider can outlast a lease: another worker may then have taken
    some rows over, and they are its to send now.
    """
    token = chunk[0].claimed_by
    pks = [m.pk for m in chunk]
    with transaction.atomic():
        held = set(
            OutboxMessage.objects.filter(
                pk__in=pks, claimed_by=token, state=OutboxMessage.State.SENDING
            ).values_list("pk", flat=True)
        )
        if held:
            OutboxMessage.objects.filter(pk__in=held).update(lease_until=timezone.now() + lease())
    return [m for m in chunk if m.pk in held]


def _deliver(kind: str, rows, result: PassResult) -> None:
    from porch.messaging.channels import get_channel

    renderer = Renderer()
    # Per-organisation accounts (contract: get_channel(kind, organisation=...)).
    owners = {
        org.pk: org
        for org in Organisation.objects.filter(
            pk__in={row.list_owner for row in rows if row.list_owner}
        ).only("code")
    }
    groups: dict[object, list[OutboxMessage]] = {}
    for row in rows:
        groups.setdefault(owners.get(row.list_owner), []).append(row)
    chunks = [
        (organisation, group[start : start + CHUNK])
        for organisation, group in groups.items()
        for start in range(0, len(group), CHUNK)
    ]
    channels: dict[object, object] = {}
    try:
        for index, (organisation, chunk) in enumerate(chunks):
            chunk = _still_held(chunk)
            if not chunk:
                continue
            channel = channels.get(organisation)
            if channel is None:
                channel = channels[organisation] = get_channel(kind, organisation=organisation)
            done, untried, pause_until, now = _send_chunk(channel, chunk, renderer)
            if pause_until is not None:
                # The provider asked for time: the rest of the claim waits too.
                untried += [m for _org, later in chunks[index + 1 :] for m in later]
            _record(done, untried, now=now, pause_until=pause_until, kind=kind, result=result)
            if pause_until is not None:
                return
    finally:
        for channel in channels.values():
            channel.close()


def due_kinds(now) -> list[str]:
    return sorted(
        set(OutboxMessage.objects.filter(due(now)).values_list("channel", flat=True).distinct())
    )


def run_pass(worker_id: str, *, batch: int = 200, now=None) -> PassResult:
    """One sender pass over every channel kind with due messages."""
    from porch.messaging.channels import ChannelNotConfigured, get_channel

    result = PassResult()
    now = now or timezone.now()
    for kind in due_kinds(now):
        try:
            channel = get_channel(kind)
        except ChannelNotConfigured:
            _hold_unconfigured(kind, now)
            continue
        rows = claim(kind, channel, worker_id, now=now, batch=batch)
        channel.close()
        if not rows:
            continue
        result.claimed += len(rows)
        _deliver(kind, rows, result)
    return result


def _hold_unconfigured(kind: str, now) -> None:
    # An operator's missing credential holds the queue (and says so in the log);
    # it must not drop an alert.
    logger.warning("outbox_hold kind=%s reason=not_configured", kind)
    OutboxMessage.objects.filter(due(now), channel=kind).update(
        state=OutboxMessage.State.QUEUED,
        lease_until=None,
        next_try_at=now + timedelta(seconds=60),
        reason="not_configured",
    )


def worker_hook(worker_id: str) -> int:
    """Called by porch.core.worker on every pass: the number of messages handled."""
    result = run_pass(worker_id)
    return result.sent + result.retried + result.failed
