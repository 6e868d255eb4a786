"""The outbox sender: claim, pace, render, send, record — in batches.

Design note. Every `porch worker` pass calls `run_pass()`. For each channel
key with rows in the outbox (a kind, or a kind and an organisation's own
account, "twilio@ORGCODE": each with its own pace) it:

1. claims a batch in one short transaction: the channel's pacing row is
   locked, its token bucket refilled (segments per second, a daily cap,
   and a pause after the provider said "later"), and as many rows as the
   bucket allows are moved queued → sending, alerts first (lane, then age).
   Claims of one channel are serialized by its pacing row's lock; the
   candidates are read along the claim-order index and moved by one
   conditional UPDATE that repeats the "still due" condition, so two
   workers never claim one row.
2. sends outside any transaction, in chunks over one kept-alive connection;
   bodies are rendered and numbers opened in memory only, here.
3. records each chunk's outcomes in one transaction: sent and failed-for-
   good rows leave the outbox (one DELETE; what is left of them goes to
   OutboxOutcome and the broadcast's counters), retries go back in the
   queue with exponential backoff (at least the provider's Retry-After; the
   whole channel pauses too, so a gateway that is down costs one attempt per
   backoff step, not one per message).

A worker killed between 1 and 3 leaves rows in `sending` with a lease; once
the lease ends any worker claims them again and resends with the same
idempotency key, which the provider (and the loopback fakes) use to
deliver once.
"""

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from porch.messaging import catalogue
from porch.messaging.models import (
    Broadcast,
    ChannelPace,
    Mailing,
    OutboxMessage,
    OutboxOutcome,
)
from porch.messaging.texts import Texts, broadcast_context, hotline, time_bucket

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


def _table() -> str:
    return connection.ops.quote_name(OutboxMessage._meta.db_table)


def _pg_array(pks) -> str:
    """An array of ids as PostgreSQL's text form, "{1,2,3}": psycopg's list
    dumper costs more per element than the server's cast of the string."""
    return "{" + ",".join(str(int(pk)) for pk in pks) + "}"


def _ids(column: str, pks: list[int]) -> tuple[str, list]:
    """`column` is one of `pks`: one array parameter on PostgreSQL (a query
    with 2,000 placeholders costs psycopg more to parse than the server
    takes to run it), a plain IN list on SQLite."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [_pg_array(pks)]
    return f"{column} IN ({', '.join(['%s'] * len(pks))})", list(pks)


# Candidates are read along the claim-order index (channel, priority, id, …)
# in claim order, stopping after `limit`: queued rows that are due and rows
# whose lease ran out (a worker died) alike, so the priority lane goes first
# and nothing is sorted. The outbox holds only live rows; rows in flight or
# backing off are skipped by the filter. The states are literals.
def _due_sql(columns: str) -> str:
    q = connection.ops.quote_name
    where = (
        f"{q('channel')} = %s AND (({q('state')} = 'queued' AND {q('next_try_at')} <= %s) "
        f"OR ({q('state')} = 'sending' AND {q('lease_until')} < %s))"
    )
    # No FOR UPDATE: claims of one channel key are serialized by its
    # ChannelPace row lock, and the claiming UPDATE repeats the condition
    # (on PostgreSQL it re-reads a row another transaction changed), so
    # locking every candidate first would only write each row once more.
    return (
        f"SELECT {columns} FROM {_table()} WHERE {where} "  # noqa: S608
        f"ORDER BY {q('priority')}, {q('id')} LIMIT %s"
    )


def _candidates(kind: str, now, limit: int) -> list[tuple[int, int]]:
    q = connection.ops.quote_name
    when = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(_due_sql(f"{q('id')}, {q('segments')}"), [kind, when, when, limit])
        return [(pk, size) for pk, size in cursor.fetchall()]


def _mark_claimed(pks: list[int], token: str, now) -> list[int]:
    """queued/expired → sending in one UPDATE that repeats the "still due"
    condition, so two workers never claim one row; RETURNING says which.
    It changes only columns no index covers: a HOT update on PostgreSQL."""
    q = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    among, params = _ids(q("id"), pks)
    sql = (
        f"UPDATE {_table()} SET {q('state')} = 'sending', {q('claimed_by')} = %s, "  # noqa: S608
        f"{q('lease_until')} = %s WHERE {among} AND "
        f"(({q('state')} = 'queued' AND {q('next_try_at')} <= %s) OR "
        f"({q('state')} = 'sending' AND {q('lease_until')} < %s)) RETURNING {q('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [token, adapt(now + lease()), *params, adapt(now), adapt(now)])
        return [pk for (pk,) in cursor.fetchall()]


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


# The claim reads plain tuples: at 10,000 messages a second, three model
# instances a row cost more than the database does.
CLAIMED_COLUMNS = (
    "pk",
    "broadcast_id",
    "mailing_id",
    "subscriber_id",
    "user_id",
    "channel",
    "template_key",
    "language",
    "idempotency_key",
    "attempts",
    "claimed_by",
    "segments",
    "subscriber__state",
    "subscriber__code",
    "subscriber__address",
    "subscriber__subject__code",
    "subscriber__subject__epoch",
    "subscriber__subject__key_version",
    "subscriber__subject__wrapped_key",
    "list_owner",  # an annotation: Django selects it after the columns
)


class Claimed:
    """One claimed outbox row: what sending and recording need, nothing more.

    The subscriber's number is still sealed here (`sealed`, with its
    subject's wrapped key); it is opened in memory at send time."""

    __slots__ = (
        "pk",
        "broadcast_id",
        "mailing_id",
        "subscriber_id",
        "user_id",
        "channel",
        "template_key",
        "language",
        "idempotency_key",
        "attempts",
        "claimed_by",
        "segments",
        "list_owner",
        "subscriber_state",
        "subscriber_code",
        "sealed",
        "subject_code",
        "epoch",
        "key_version",
        "wrapped_key",
        "state",
        "provider_ref",
        "reason",
        "next_try_at",
        "user",
        "zones",
        "lease_until",
        "contact",
        "values",
    )

    def __init__(self, row: tuple) -> None:
        (
            self.pk,
            self.broadcast_id,
            self.mailing_id,
            self.subscriber_id,
            self.user_id,
            self.channel,
            self.template_key,
            self.language,
            self.idempotency_key,
            self.attempts,
            self.claimed_by,
            self.segments,
            self.subscriber_state,
            self.subscriber_code,
            self.sealed,
            self.subject_code,
            self.epoch,
            self.key_version,
            self.wrapped_key,
            self.list_owner,
        ) = row
        self.state = OutboxMessage.State.SENDING
        self.provider_ref = ""
        self.reason = ""
        self.next_try_at = None
        self.user = None
        self.zones = None
        self.lease_until = None
        self.contact = None  # another app's contact, with its mailing's values
        self.values = None

    def __repr__(self) -> str:
        return f"<Claimed {self.pk}>"


def _claimed_rows(pks: list[int], lease_until) -> list[Claimed]:
    if connection.vendor == "postgresql":
        # One array parameter instead of 2,000 placeholders (see _ids).
        among = RawSQL("SELECT unnest(%s::bigint[])", [_pg_array(pks)])
    else:
        among = pks
    rows = (
        OutboxMessage.objects.filter(pk__in=among)
        .annotate(
            list_owner=Coalesce(F("broadcast__organisation_id"), F("subscriber__organisation_id"))
        )
        .order_by("priority", "pk")
        .values_list(*CLAIMED_COLUMNS)
    )
    # The ORM writes the query; the rows come straight from the cursor (the
    # converters would cost more than the read). Only the two sealed columns
    # need turning into bytes, and that happens when they are opened.
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        claimed = [Claimed(row) for row in cursor.fetchall()]
    for row in claimed:
        row.lease_until = lease_until
    _attach_recipients(claimed)
    return claimed


def _attach_recipients(claimed: list[Claimed]) -> None:
    """Users for notifications, zones for a subscriber's own replies: one
    query each for the whole claim (broadcast rows need neither)."""
    from django.contrib.auth import get_user_model

    from porch.messaging.models import Subscriber

    by_user: dict[int, list[Claimed]] = {}
    by_subscriber: dict[int, list[Claimed]] = {}
    for row in claimed:
        if row.user_id is not None:
            by_user.setdefault(row.user_id, []).append(row)
        elif row.broadcast_id is None:
            by_subscriber.setdefault(row.subscriber_id, []).append(row)
    _attach_contacts([row for row in claimed if row.subscriber_id is None and row.user_id is None])
    if by_user:
        for user in get_user_model().objects.filter(pk__in=by_user):
            for row in by_user[user.pk]:
                row.user = user
    if by_subscriber:
        names: dict[int, list[str]] = {pk: [] for pk in by_subscriber}
        through = Subscriber.zones.through
        for subscriber_id, name in through.objects.filter(
            subscriber_id__in=by_subscriber
        ).values_list("subscriber_id", "zone__name"):
            names[subscriber_id].append(name)
        for subscriber_id, rows in by_subscriber.items():
            for row in rows:
                row.zones = names[subscriber_id]


def _attach_contacts(rows: list[Claimed]) -> None:
    """Rows to other apps' contacts: the contact (its subject for opening the
    address) and its mailing's public values, two queries for the claim."""
    if not rows:
        return
    from porch.messaging.models import Contact, Mailing

    links = {
        pk: (contact_id, mailing_id)
        for pk, contact_id, mailing_id in OutboxMessage.objects.filter(
            pk__in=[row.pk for row in rows]
        ).values_list("pk", "contact_id", "mailing_id")
    }
    contacts = Contact.objects.select_related("subject").in_bulk(
        {contact_id for contact_id, _m in links.values() if contact_id}
    )
    values = dict(
        Mailing.objects.filter(
            pk__in={mailing_id for _c, mailing_id in links.values() if mailing_id}
        ).values_list("pk", "values")
    )
    for row in rows:
        contact_id, mailing_id = links.get(row.pk, (None, None))
        row.contact = contacts.get(contact_id)
        row.values = values.get(mailing_id) or {}
        if row.contact is not None:
            row.list_owner = row.contact.organisation_id


def claim(kind: str, channel, worker_id: str, *, now=None, batch: int = 200) -> list[Claimed]:
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
        claimed = _mark_claimed([pk for pk, _size in picked], token, now)
        rows = _claimed_rows(claimed, now + lease()) if claimed else []
        if claimed:
            pace.spend(sum(row.segments for row in rows))
        pace.save()
    return rows


# ---- 2. rendering and sending ---------------------------------------------------------


class Renderer:
    """Bodies for one pass: texts and contexts loaded once, kept in memory only.

    A broadcast's body depends only on its template and language, so it is
    rendered once per (broadcast, template, language)."""

    def __init__(self) -> None:
        self.texts = Texts()
        self.hotline = hotline()
        self.contexts: dict[tuple[int, str], catalogue.Context] = {}
        self.roots: dict[int, Broadcast] = {}
        self.bodies: dict[tuple[int, str, str], str] = {}

    def context(self, message: Claimed) -> catalogue.Context:
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
        if message.contact is not None:
            from porch.messaging.actions import update_context

            return update_context(message.values or {}, hotline_number=self.hotline)
        if message.subscriber_id is not None:
            return catalogue.Context(
                zone=", ".join(sorted(message.zones or ())),
                hotline=self.hotline,
                time=time_bucket(),
            )
        return catalogue.Context(hotline=self.hotline)

    def body(self, message: Claimed) -> str:
        if message.broadcast_id is None:
            return self.texts.render(message.template_key, message.language, self.context(message))
        cache_key = (message.broadcast_id, message.template_key, message.language)
        found = self.bodies.get(cache_key)
        if found is None:
            found = self.bodies[cache_key] = self.texts.render(
                message.template_key, message.language, self.context(message)
            )
        return found


class Addresses:
    """Opens subscribers' sealed numbers for a batch, in memory only.

    The same envelope as porch.vault.fields.EncryptedTextField (the AAD binds
    model, field, record code, subject and key version), read from plain
    tuples: the subject's data key is unwrapped once per subject, and the
    epoch key is asked of the key source each time (a destroyed epoch or a
    panic stops the sending at once, as with the model field)."""

    def __init__(self) -> None:
        from porch.messaging.models import Subscriber

        self.field = Subscriber._meta.get_field("address")
        self.model = Subscriber._meta.label_lower
        self.keys: dict[str, bytes] = {}
        self.epochs: dict[int, bytes] = {}

    def refresh(self) -> None:
        """Before each chunk: forget the data keys and ask the key source
        again, so a destroyed epoch or a panic stops the very next chunk."""
        self.keys.clear()
        self.epochs.clear()

    def epoch_key(self, epoch: int) -> bytes:
        from porch.vault.keys import source

        key = self.epochs.get(epoch)
        if key is None:
            key = self.epochs[epoch] = source().key(epoch)
        return key

    def open(self, message: Claimed) -> str | None:
        from porch.vault import crypto

        if message.sealed is None:
            return None
        wrapped = message.wrapped_key
        if message.subject_code is None or not wrapped:
            return None  # shredded: reads as erased
        key = self.keys.get(message.subject_code)
        if key is None:
            key = self.keys[message.subject_code] = crypto.unwrap_key(
                self.epoch_key(message.epoch),
                bytes(wrapped),
                subject=message.subject_code,
                epoch=message.epoch,
            )
        aad = crypto.value_aad(
            self.model,
            self.field.name,
            message.subscriber_code,
            message.subject_code,
            message.key_version,
        )
        return self.field.decode(crypto.open_sealed(key, bytes(message.sealed), aad))


SMS_KINDS = ("twilio", "httpsms", "signal")


def address_of(message: Claimed, addresses: Addresses) -> tuple[str | None, str]:
    """(address, reason when there is none). Opened from the vault in memory."""
    from porch.messaging.models import Subscriber

    if message.subscriber_id is not None:
        # Once stopped, only the confirmation that they are stopped goes out.
        if (
            message.subscriber_state == Subscriber.State.STOPPED
            and message.template_key != catalogue.STOP
        ):
            return None, "stopped"
        address = addresses.open(message)
        return (address, "") if address else (None, "erased")
    if message.contact is not None:
        return _contact_address(message.contact)
    user = message.user
    if user is None or not user.is_active:
        return None, "no_recipient"
    kind = message.channel.partition("@")[0]
    if kind == "console":
        return user.handle, ""
    if kind == "smtp":
        return (user.email, "") if user.email else (None, "no_address")
    return (user.phone, "") if user.phone else (None, "no_address")


def _contact_address(contact) -> tuple[str | None, str]:
    """Another app's contact: not after STOP, nor once its subject expired
    (a campaign's end: the purge shreds it within the minute)."""
    from porch.messaging.models import Contact

    if contact.state == Contact.State.STOPPED:
        return None, "stopped"
    subject = contact.subject
    if subject is None or (subject.expires_at is not None and subject.expires_at <= timezone.now()):
        return None, "expired"
    address = contact.address  # opened from the vault, in memory only
    return (address, "") if address else (None, "erased")


def _outgoing(message: Claimed, renderer: Renderer, addresses: Addresses):
    from porch.messaging.channels.base import Outgoing

    address, reason = address_of(message, addresses)
    if address is None:
        return None, reason
    body = renderer.body(message)
    subject = "Porch" if message.channel.partition("@")[0] == "smtp" else ""
    outgoing = Outgoing(
        to=address, body=body, idempotency_key=message.idempotency_key, subject=subject
    )
    return outgoing, ""


# ---- 3. recording -----------------------------------------------------------------------


def _update_sql(columns: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    meta = OutboxMessage._meta
    assignments = ", ".join(f"{quote(meta.get_field(c).column)} = %s" for c in columns)
    return (
        f"UPDATE {quote(meta.db_table)} SET {assignments}, "  # noqa: S608
        f"{quote('lease_until')} = NULL WHERE {quote('id')} = %s"
    )


def _insert_outcomes(cursor, rows: list, today) -> None:
    """What is left of finished rows: no recipient, the provider's id, and
    a notification's or reply's idempotency key (broadcast and mailing keys
    are unique by construction and stay out)."""
    q = connection.ops.quote_name
    table = q(OutboxOutcome._meta.db_table)
    columns = (
        "id",
        "broadcast_id",
        "mailing_id",
        "idempotency_key",
        "state",
        "reason",
        "provider_ref",
    )
    names = ", ".join(q(c) for c in (*columns, "delivered", "created_on"))
    values = [
        (
            m.pk,
            m.broadcast_id,
            m.mailing_id,
            m.idempotency_key if m.broadcast_id is None and m.mailing_id is None else "",
            str(m.state),
            m.reason,
            m.provider_ref,
        )
        for m in rows
    ]
    day = connection.ops.adapt_datefield_value(today)
    # Ids are the outbox's own, deleted once; a notification's key could in
    # principle meet an older outcome's (and must not fail the chunk), so
    # only then is the costlier ON CONFLICT check asked for.
    on_conflict = " ON CONFLICT DO NOTHING" if any(row[3] for row in values) else ""
    if connection.vendor == "postgresql":
        # One statement, the rows as one JSON parameter (json.dumps is C;
        # psycopg's per-element dumping of arrays was the slower part).
        types = ("bigint", "bigint", "bigint", "text", "text", "text", "text")
        picks = ", ".join(f"(r->>{i})::{t}" for i, t in enumerate(types))
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {picks}, false, %s "  # noqa: S608
            f"FROM json_array_elements(%s::json) AS r{on_conflict}",
            [day, json.dumps(values)],
        )
    else:
        marks = ", ".join(["%s"] * (len(columns) + 2))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks}){on_conflict}",  # noqa: S608
            [(*row, False, day) for row in values],
        )


def _count(cursor, rows: list) -> None:
    """Move the broadcasts' and mailings' sent and failed counters on, one
    UPDATE per broadcast or mailing in the chunk, in id order (no deadlock
    between workers finishing chunks of the same broadcasts)."""
    q = connection.ops.quote_name
    for model, attribute in ((Broadcast, "broadcast_id"), (Mailing, "mailing_id")):
        totals: dict[int, list[int]] = {}
        for m in rows:
            owner = getattr(m, attribute)
            if owner is not None:
                pair = totals.setdefault(owner, [0, 0])
                pair[0 if m.state == OutboxMessage.State.SENT else 1] += 1
        if not totals:
            continue
        cursor.executemany(
            f"UPDATE {q(model._meta.db_table)} SET "  # noqa: S608
            f"{q('sent_count')} = COALESCE({q('sent_count')}, 0) + %s, "
            f"{q('failed_count')} = COALESCE({q('failed_count')}, 0) + %s WHERE {q('id')} = %s",
            [(sent, failed, pk) for pk, (sent, failed) in sorted(totals.items())],
        )


def _finish(finished: list) -> None:
    """Sent and failed-for-good rows leave the outbox (the outbox holds only
    live rows; on PostgreSQL a delete writes no index entry): one DELETE …
    RETURNING, their outcome into OutboxOutcome, the counters moved on.
    Only rows this DELETE removed are recorded and counted, so a row whose
    lease ran out and which another worker took over counts once."""
    q = connection.ops.quote_name
    among, params = _ids(q("id"), [m.pk for m in finished])
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_table()} WHERE {among} RETURNING {q('id')}",  # noqa: S608
            params,
        )
        gone = {pk for (pk,) in cursor.fetchall()}
        rows = [m for m in finished if m.pk in gone]
        # Kept: what a status callback, a repeated notification key or an
        # operator looking at a failure needs; a broadcast's plain "sent"
        # with no provider id is only a count.
        kept = [
            m
            for m in rows
            if m.provider_ref
            or m.state == OutboxMessage.State.FAILED
            or (m.broadcast_id is None and m.mailing_id is None)
        ]
        if kept:
            _insert_outcomes(cursor, kept, timezone.localdate())
        _count(cursor, rows)


def _write_outcomes(sent: list, retried: list, failed: list) -> None:
    """Finished rows leave the outbox; retries go back in the queue, one
    executemany UPDATE writing only the columns a retry changes."""
    adapt = connection.ops.adapt_datetimefield_value
    if sent or failed:
        _finish(sent + failed)
    if retried:
        with connection.cursor() as cursor:
            cursor.executemany(
                _update_sql(("state", "reason", "attempts", "next_try_at")),
                [(m.state, m.reason, m.attempts, adapt(m.next_try_at), m.pk) for m in retried],
            )


def _record(done: list, release: list, *, now, pause_until, kind: str, result: PassResult):
    from porch.messaging.channels.base import FAILED, RETRY, SENT

    sent, retried, failed = [], [], []
    for message, outcome in done:
        message.attempts += 1
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
    with transaction.atomic():
        _write_outcomes(sent, retried, failed)
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


def _send_chunk(channel, chunk, renderer, addresses):
    """Send one chunk; stop at the first "later" from the provider.

    Returns (outcomes for the tried messages, the untried ones, pause until)."""
    from porch.messaging.channels.base import RETRY, SendResult

    now = timezone.now()
    addresses.refresh()
    done, ready = [], []
    for message in chunk:
        outgoing, reason = _outgoing(message, renderer, addresses)
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


def _still_held(chunk: list[Claimed]) -> list[Claimed]:
    """Renew the lease on a chunk about to be sent; drop rows no longer ours.

    A slow provider can outlast a lease: another worker may then have taken
    some rows over, and they are its to send now; a shredded subscriber's
    row is gone altogether. The renewal is conditional (still ours, still
    sending) and comes first, so a row read back as ours is one whose lease
    was just renewed. While more than half the lease is left (claimed or
    renewed moments ago) no other worker can hold the rows yet, so the
    chunk is only read back, not rewritten.
    """
    token = chunk[0].claimed_by
    now = timezone.now()
    quote = connection.ops.quote_name
    table = quote(OutboxMessage._meta.db_table)
    among, pks = _ids(quote("id"), [m.pk for m in chunk])
    where = f"{among} AND {quote('claimed_by')} = %s AND {quote('state')} = %s"
    sending = str(OutboxMessage.State.SENDING)
    select = f"SELECT {quote('id')} FROM {table} WHERE {where}"  # noqa: S608
    held_until = min((m.lease_until for m in chunk if m.lease_until), default=None)
    if held_until is not None and held_until - now > lease() / 2:
        with connection.cursor() as cursor:
            cursor.execute(select, [*pks, token, sending])
            held = {pk for (pk,) in cursor.fetchall()}
        return [m for m in chunk if m.pk in held]
    renewed = now + lease()
    until = connection.ops.adapt_datetimefield_value(renewed)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {quote('lease_until')} = %s WHERE {where}",  # noqa: S608
            [until, *pks, token, sending],
        )
        if cursor.rowcount == len(chunk):
            held = {m.pk for m in chunk}
        else:
            cursor.execute(select, [*pks, token, sending])
            held = {pk for (pk,) in cursor.fetchall()}
    kept = [m for m in chunk if m.pk in held]
    for m in kept:
        m.lease_until = renewed
    return kept


def _deliver(key: str, rows, result: PassResult) -> None:
    """Send a claim in chunks through the account its channel key names:
    an organisation's own ("twilio@ORGCODE") or the instance's ("twilio")."""
    from porch.messaging.channels import get_channel, split_account

    kind, code = split_account(key)
    renderer = Renderer()
    addresses = Addresses()
    chunks = [rows[start : start + CHUNK] for start in range(0, len(rows), CHUNK)]
    channel = None
    try:
        for index, chunk in enumerate(chunks):
            chunk = _still_held(chunk)
            if not chunk:
                continue
            if channel is None:
                channel = get_channel(kind, organisation=code or None)
            done, untried, pause_until, now = _send_chunk(channel, chunk, renderer, addresses)
            if pause_until is not None:
                # The provider asked for time: the rest of the claim waits too.
                untried += [m for later in chunks[index + 1 :] for m in later]
            _record(done, untried, now=now, pause_until=pause_until, kind=key, result=result)
            if pause_until is not None:
                return
    finally:
        if channel is not None:
            channel.close()


def live_keys() -> list[str]:
    """The channel keys (a kind, or a kind and an organisation's own
    account) with rows in the outbox: a skip scan along the claim-order
    index, one short query per key, instead of a DISTINCT over the queue.
    It walks the index from its far end: sent rows leave dead index entries
    behind until vacuum, at the near end of each key's range (the oldest),
    and the live rows are the newest. Whether any of them is due is the
    claim's own question (one query either way)."""
    keys: list[str] = []
    before = None
    while True:
        rows = OutboxMessage.objects.all()
        if before is not None:
            rows = rows.filter(channel__lt=before)
        before = (
            rows.order_by("-channel", "-priority", "-id").values_list("channel", flat=True).first()
        )
        if before is None:
            break
        keys.append(before)
    return sorted(keys)


def run_pass(worker_id: str, *, batch: int = 200, now=None) -> PassResult:
    """One sender pass over every channel key with due messages."""
    from porch.messaging.channels import ChannelNotConfigured, get_channel, split_account

    result = PassResult()
    now = now or timezone.now()
    for key in live_keys():
        kind, code = split_account(key)
        try:
            channel = get_channel(kind, organisation=code or None)
        except ChannelNotConfigured:
            _hold_unconfigured(key, now)
            continue
        rows = claim(key, channel, worker_id, now=now, batch=batch)
        channel.close()
        if not rows:
            continue
        result.claimed += len(rows)
        _deliver(key, rows, result)
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
