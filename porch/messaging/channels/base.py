"""The seam between the outbox and the outside world (messaging-contract.md).

Design note. A channel turns one `Outgoing` into one `SendResult` and never
raises for a provider's bad day: rate limits, 5xx answers, timeouts and
refused connections are RETRY (the outbox backs off and tries again with the
same idempotency key); a number the provider rejects is FAILED (trying again
cannot help). Credentials that the provider refuses are RETRY too, with the
reason "auth_failed": an operator's typo must hold the queue, not drop every
alert. Webhooks are verified before anything in them is believed.

Bodies and numbers are personal data (THREAT_MODEL R5, R40): they live in
these objects only in memory, their repr masks them, and channels log event
names and machine reasons only.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse, JsonResponse

from porch.messaging.channels.numbers import masked

logger = logging.getLogger("porch.messaging.channels")

SENT = "sent"
RETRY = "retry"
FAILED = "failed"

# Delivery states reported by status callbacks.
DELIVERED = "delivered"
UNDELIVERED = "failed"


@dataclass(frozen=True, repr=False)
class Outgoing:
    to: str  # E.164 number, e-mail address or Signal number; plaintext only in memory
    body: str  # rendered text; never logged, never stored after sending
    idempotency_key: str  # stable per (broadcast or notification, recipient)
    subject: str = ""  # e-mail only

    def __repr__(self) -> str:
        return (
            f"Outgoing(to={masked(self.to)!r}, body=<{len(self.body)} characters>, "
            f"idempotency_key={self.idempotency_key!r})"
        )


@dataclass(frozen=True)
class SendResult:
    outcome: str  # SENT | RETRY | FAILED
    provider_ref: str = ""  # the provider's message id, if any (not personal)
    retry_after: float | None = None  # seconds, from 429 Retry-After etc.
    reason: str = ""  # short machine reason, e.g. "http_429"; no personal data


@dataclass(frozen=True, repr=False)
class Inbound:
    channel: str  # kind, e.g. "twilio"
    sender: str  # E.164 or address, plaintext in memory only
    body: str
    provider_ref: str = ""

    def __repr__(self) -> str:
        return (
            f"Inbound(channel={self.channel!r}, sender={masked(self.sender)!r}, "
            f"body=<{len(self.body)} characters>, provider_ref={self.provider_ref!r})"
        )


class BadSignature(Exception):
    """The webhook is not from our provider: answer 403, store nothing."""


class MalformedInbound(Exception):
    """The webhook is signed but unreadable: answer 400, store nothing."""


def sent(provider_ref: str = "") -> SendResult:
    return SendResult(SENT, provider_ref=provider_ref)


def retry(reason: str, retry_after: float | None = None) -> SendResult:
    return SendResult(RETRY, retry_after=retry_after, reason=reason)


def failed(reason: str) -> SendResult:
    return SendResult(FAILED, reason=reason)


def webhook_url(request) -> str:
    """The URL the provider called, as it signed it.

    Behind a proxy the request's own idea of its URL may differ from the
    public one (scheme, host, port), so PORCH_PUBLIC_URL wins when set.
    """
    public = getattr(settings, "PORCH_PUBLIC_URL", "").rstrip("/")
    if public:
        return public + request.get_full_path()
    return request.build_absolute_uri()


class Channel:
    kind = ""
    # Signal through signal-cli is for responders and small groups (DOMAIN.md).
    mass_broadcast = True
    # True when inbound_reply() carries the reply text back to the sender
    # (TwiML); otherwise the outbox must queue the reply as a new message.
    replies_inline = False
    # Settings (without the PORCH_ prefix) the channel cannot work without,
    # each with a whole sentence telling the operator what to put there.
    required: dict = {}

    def __init__(
        self,
        config: dict,
        *,
        segments_per_second: float = 0.0,
        daily_segment_cap: int = 0,
        timeout: float = 10.0,
        inbound_configs: list[dict] | None = None,
    ):
        self.config = config
        self.segments_per_second = float(segments_per_second)
        self.daily_segment_cap = int(daily_segment_cap)
        self.timeout = float(timeout)
        # Every account that may sign webhooks to us: the instance's own and
        # each organisation's override (webhook URLs carry no organisation).
        self.inbound_configs = inbound_configs if inbound_configs is not None else [config]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} kind={self.kind!r}>"

    @classmethod
    def problems(cls, config: dict) -> list[str]:
        """Plain-word explanations of what is missing from config."""
        return [str(sentence) for name, sentence in cls.required.items() if not config.get(name)]

    # ---- sending ------------------------------------------------------------
    def send(self, message: Outgoing) -> SendResult:
        raise NotImplementedError

    def send_many(self, messages: list[Outgoing]) -> list[SendResult]:
        """One result per message, in order, over one kept-alive connection."""
        return [self.send(message) for message in messages]

    def cost(self, message: Outgoing) -> int:
        """Pacing units this message uses: segments for SMS, 1 otherwise."""
        return 1

    def close(self) -> None:
        """Release connections held for send_many (no-op for most kinds)."""

    # ---- webhooks -----------------------------------------------------------
    def parse_inbound(self, request) -> list[Inbound]:
        raise BadSignature("this channel takes no inbound webhooks")

    def inbound_reply(self, text: str | None) -> HttpResponse:
        return JsonResponse({"status": "ok"})

    def parse_status(self, request) -> tuple[str, str] | None:
        return None

    # ---- logging (event names and machine reasons only, R40) -----------------
    def _logged(self, result: SendResult) -> SendResult:
        logger.info(
            "channel_send kind=%s outcome=%s reason=%s",
            self.kind,
            result.outcome,
            result.reason or "-",
        )
        return result


def http_outcome(status: int, retry_after: float | None) -> SendResult | None:
    """The outcome every REST gateway shares, or None for the channel to decide.

    429 and 5xx are the gateway asking for time; 408 and 425 likewise. 401
    means our credentials were refused (an operator problem: hold the
    queue); 404 usually a wrong base URL or account id (the same).
    """
    if 200 <= status < 300:
        return None
    if status == 429:
        return retry("http_429", retry_after)
    if status >= 500:
        return retry(f"http_{status}", retry_after)
    if status in (408, 425):
        return retry(f"http_{status}", retry_after)
    if status == 401:
        return retry("auth_failed")
    if status == 404:
        return retry("not_found")
    return None
