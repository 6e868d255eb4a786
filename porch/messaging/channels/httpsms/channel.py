"""httpSMS: an Android phone as the SMS gateway (self-hosted or httpsms.com).

Sending: POST /v1/messages/send with the x-api-key header and JSON
{from, to, content}; we add request_id (httpSMS echoes it in its events)
and an Idempotency-Key header, both our idempotency key. The phone sends at
its own pace and its carrier's limits: a consumer SIM is far slower than a
registered long code, so keep PORCH_SMS_SEGMENTS_PER_SECOND low.

Receiving: httpSMS POSTs CloudEvents JSON with X-Event-Type and, when the
webhook has a signing key, `Authorization: Bearer <HS256 JWT>`. Porch
refuses unsigned webhooks, so the signing key is required for inbound.
Configure two webhooks in httpSMS: message.phone.received to
/messaging/inbound/httpsms/, and message.phone.delivered, message.send.failed
and message.send.expired to /messaging/status/httpsms/.
"""

import json

from django.utils.translation import gettext_lazy as _

from porch.messaging import segments
from porch.messaging.channels.base import (
    DELIVERED,
    UNDELIVERED,
    BadSignature,
    Channel,
    Inbound,
    MalformedInbound,
    Outgoing,
    SendResult,
    failed,
    http_outcome,
    retry,
    sent,
    webhook_url,
)
from porch.messaging.channels.http import Endpoint, TransportError, retry_after_seconds
from porch.messaging.channels.httpsms.jwt import InvalidToken, verify_hs256
from porch.messaging.channels.numbers import e164

DEFAULT_BASE_URL = "https://api.httpsms.com"
RECEIVED = "message.phone.received"
DELIVERED_EVENTS = {"message.phone.delivered"}
UNDELIVERED_EVENTS = {"message.send.failed", "message.send.expired"}


class HttpSmsChannel(Channel):
    kind = "httpsms"
    required = {
        "HTTPSMS_API_KEY": _(
            "PORCH_HTTPSMS_API_KEY is empty. Set it to the API key shown on the "
            "settings page of your httpSMS server (or httpsms.com/settings)."
        ),
        "HTTPSMS_FROM": _(
            "PORCH_HTTPSMS_FROM is empty. Set it to the phone number of the Android "
            "phone running the httpSMS app, in international form such as +16125550123."
        ),
    }

    def __init__(self, config: dict, **kwargs):
        super().__init__(config, **kwargs)
        self.endpoint = Endpoint(
            config.get("HTTPSMS_BASE_URL") or DEFAULT_BASE_URL, timeout=self.timeout
        )

    def cost(self, message: Outgoing) -> int:
        return max(1, segments.segments(message.body))

    # ---- sending ------------------------------------------------------------
    def send(self, message: Outgoing) -> SendResult:
        to = e164(message.to)
        if to is None:
            return self._logged(failed("invalid_number"))
        if not message.body:
            return self._logged(failed("empty_body"))
        payload = {
            "from": self.config["HTTPSMS_FROM"],
            "to": to,
            "content": message.body,
            "request_id": message.idempotency_key,
        }
        headers = {
            "x-api-key": self.config["HTTPSMS_API_KEY"],
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": message.idempotency_key,
        }
        try:
            response = self.endpoint.request(
                "POST",
                "/v1/messages/send",
                body=json.dumps(payload).encode("utf-8"),
                headers=headers,
            )
        except TransportError as error:
            return self._logged(retry(error.reason))
        return self._logged(self._outcome(response))

    def _outcome(self, response) -> SendResult:
        data = response.json()
        data = data if isinstance(data, dict) else {}
        inner = data.get("data")
        details: dict = inner if isinstance(inner, dict) else {}
        if 200 <= response.status < 300:
            return sent(str(details.get("id", "")))
        common = http_outcome(response.status, retry_after_seconds(response.header("Retry-After")))
        if common is not None:
            return common
        if response.status == 402:
            # The account's monthly message allowance is used up.
            return retry("quota_exhausted", retry_after_seconds(response.header("Retry-After")))
        if response.status == 422 and "to" in details:
            return failed("invalid_number")
        if response.status == 422 and "from" in details:
            return retry("sender_not_usable")
        return failed(f"http_{response.status}")

    # ---- webhooks -----------------------------------------------------------
    def _verified_event(self, request) -> dict:
        authorization = request.headers.get("Authorization", "")
        scheme, _space, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise BadSignature("no bearer token")
        claims = None
        for config in self.inbound_configs:
            try:
                claims = verify_hs256(token.strip(), config.get("HTTPSMS_WEBHOOK_SIGNING_KEY", ""))
                break
            except InvalidToken:
                continue
        if claims is None:
            raise BadSignature("the token is not signed with a configured key")
        audience = claims.get("aud")
        if audience and audience != webhook_url(request):
            raise BadSignature("the token was issued for another URL")
        try:
            event = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise MalformedInbound("the body is not JSON") from None
        if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
            raise MalformedInbound("not a CloudEvent with data")
        event_type = event.get("type") or request.headers.get("X-Event-Type", "")
        if not event_type:
            raise MalformedInbound("no event type")
        event["type"] = event_type
        return event

    def parse_inbound(self, request) -> list[Inbound]:
        event = self._verified_event(request)
        if event["type"] != RECEIVED:
            return []
        data = event["data"]
        sender = e164(str(data.get("contact", "")))
        body = data.get("content")
        ref = str(data.get("message_id") or data.get("id") or "")
        if sender is None or not isinstance(body, str) or not ref:
            raise MalformedInbound("contact, content and message_id are required")
        return [Inbound(channel=self.kind, sender=sender, body=body, provider_ref=ref)]

    def parse_status(self, request) -> tuple[str, str] | None:
        event = self._verified_event(request)
        if event["type"] not in DELIVERED_EVENTS | UNDELIVERED_EVENTS:
            return None
        ref = str(event["data"].get("id") or "")
        if not ref:
            raise MalformedInbound("the event names no message id")
        return (ref, DELIVERED if event["type"] in DELIVERED_EVENTS else UNDELIVERED)
