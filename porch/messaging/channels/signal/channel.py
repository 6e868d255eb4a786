"""Signal through signal-cli-rest-api (github.com/bbernhard/signal-cli-rest-api).

Not a mass-broadcast channel (DOMAIN.md): Signal answers bulk sending from
one registered number with CAPTCHAs and lockouts, so `mass_broadcast` is
False and the outbox keeps it for responders and small groups.

Sending: POST /v2/send with JSON {message, number, recipients}; 201 with
{"timestamp": ...}. Every failure comes back as 400 {"error": "..."} with
signal-cli's own words, which we sort into unregistered recipients (FAILED),
rate limits and CAPTCHA challenges (RETRY) and the rest (FAILED).

Receiving, either way signal-cli-rest-api offers:
- normal/native mode: poll GET /v1/receive/{number} (`receive()` below);
- json-rpc mode with RECEIVE_WEBHOOK_URL: it POSTs each envelope to us. It
  cannot sign requests, so the URL carries a shared secret,
  .../messaging/inbound/signal/?token=<PORCH_SIGNAL_WEBHOOK_TOKEN>, compared
  in constant time. Without a token configured every webhook is refused.
"""

import hmac
import json
from urllib.parse import quote

from django.utils.translation import gettext_lazy as _

from porch.messaging.channels.base import (
    BadSignature,
    Channel,
    Inbound,
    MalformedInbound,
    Outgoing,
    SendResult,
    failed,
    http_outcome,
    logger,
    retry,
    sent,
)
from porch.messaging.channels.http import Endpoint, TransportError, retry_after_seconds
from porch.messaging.channels.numbers import e164

RECEIVE_WAIT_SECONDS = 1
# Signal asks a number that sends too much to prove it is human; sending
# again later (after someone solves the challenge) is the only way on.
RATE_LIMIT_WORDS = ("rate limit", "ratelimit", "[429]", "captcha", "proof required")
UNREGISTERED_WORDS = ("unregistered user", "not a signal user", "invalid number")
RATE_LIMIT_PAUSE_SECONDS = 300.0


def _envelopes(payload) -> list[dict]:
    """Envelopes from a receive answer or a webhook: lists, JSON-RPC or bare."""
    items = payload if isinstance(payload, list) else [payload]
    envelopes = []
    for item in items:
        if not isinstance(item, dict):
            raise MalformedInbound("not an envelope")
        if "params" in item and isinstance(item["params"], dict):
            item = item["params"]
        envelope = item.get("envelope")
        if not isinstance(envelope, dict):
            raise MalformedInbound("no envelope")
        envelopes.append(envelope)
    return envelopes


def _inbound(envelope: dict) -> Inbound | None:
    data = envelope.get("dataMessage")
    if not isinstance(data, dict):
        return None  # typing indicators, receipts, sync messages
    text = data.get("message")
    if not isinstance(text, str) or not text or data.get("groupInfo"):
        return None  # attachments only, or a group conversation
    raw = envelope.get("sourceNumber") or envelope.get("source") or ""
    sender = e164(str(raw))
    if sender is None:
        return None  # a sender who hides their number cannot be a subscriber
    ref = str(envelope.get("timestamp") or data.get("timestamp") or "")
    return Inbound(channel="signal", sender=sender, body=text, provider_ref=ref)


class SignalChannel(Channel):
    kind = "signal"
    mass_broadcast = False
    required = {
        "SIGNAL_URL": _(
            "PORCH_SIGNAL_URL is empty. Set it to the address of your "
            "signal-cli-rest-api service, such as http://127.0.0.1:8080."
        ),
        "SIGNAL_NUMBER": _(
            "PORCH_SIGNAL_NUMBER is empty. Set it to the phone number registered or "
            "linked in signal-cli-rest-api, in international form such as +16125550123."
        ),
    }

    def __init__(self, config: dict, **kwargs):
        super().__init__(config, **kwargs)
        self.endpoint = Endpoint(config["SIGNAL_URL"], timeout=self.timeout)

    # ---- sending ------------------------------------------------------------
    def send(self, message: Outgoing) -> SendResult:
        to = e164(message.to)
        if to is None:
            return self._logged(failed("invalid_number"))
        if not message.body:
            return self._logged(failed("empty_body"))
        payload = {
            "message": message.body,
            "number": self.config["SIGNAL_NUMBER"],
            "recipients": [to],
        }
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": message.idempotency_key,
        }
        try:
            response = self.endpoint.request(
                "POST", "/v2/send", body=json.dumps(payload).encode("utf-8"), headers=headers
            )
        except TransportError as error:
            return self._logged(retry(error.reason))
        return self._logged(self._outcome(response))

    def _outcome(self, response) -> SendResult:
        data = response.json()
        data = data if isinstance(data, dict) else {}
        if 200 <= response.status < 300:
            return sent(str(data.get("timestamp", "")))
        common = http_outcome(response.status, retry_after_seconds(response.header("Retry-After")))
        if common is not None:
            return common
        words = str(data.get("error", "")).lower()
        if any(word in words for word in RATE_LIMIT_WORDS):
            return retry("rate_limited", RATE_LIMIT_PAUSE_SECONDS)
        if any(word in words for word in UNREGISTERED_WORDS):
            return failed("invalid_number")
        if "is not registered" in words or "no such account" in words:
            return retry("account_not_registered")  # our own number: configuration
        return failed(f"http_{response.status}")

    # ---- receiving ------------------------------------------------------------
    def receive(self) -> list[Inbound]:
        """Poll GET /v1/receive/{number} (normal and native modes)."""
        number = quote(self.config["SIGNAL_NUMBER"], safe="")
        try:
            response = self.endpoint.request(
                "GET",
                f"/v1/receive/{number}?timeout={RECEIVE_WAIT_SECONDS}",
                headers={"Accept": "application/json"},
                timeout=self.timeout + RECEIVE_WAIT_SECONDS,
            )
        except TransportError as error:
            logger.info("channel_receive kind=signal outcome=error reason=%s", error.reason)
            return []
        payload = response.json()
        if response.status != 200 or payload is None:
            logger.info("channel_receive kind=signal outcome=error reason=http_%s", response.status)
            return []
        try:
            found = [_inbound(envelope) for envelope in _envelopes(payload)]
        except MalformedInbound:
            logger.info("channel_receive kind=signal outcome=error reason=malformed")
            return []
        return [item for item in found if item is not None]

    def parse_inbound(self, request) -> list[Inbound]:
        given = request.GET.get("token", "")
        scheme, _space, bearer = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            given = given or bearer.strip()
        tokens = [c.get("SIGNAL_WEBHOOK_TOKEN", "") for c in self.inbound_configs]
        if not given or not any(
            token and hmac.compare_digest(token.encode(), given.encode()) for token in tokens
        ):
            raise BadSignature("the webhook token does not match")
        try:
            payload = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise MalformedInbound("the body is not JSON") from None
        found = [_inbound(envelope) for envelope in _envelopes(payload)]
        return [item for item in found if item is not None]
