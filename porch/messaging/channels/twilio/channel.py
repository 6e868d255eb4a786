"""Twilio, or any Twilio-compatible Messages REST API (SignalWire's LaML API, for one).

Sending: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP basic
auth (Account SID, Auth Token), form fields To, From (or
MessagingServiceSid), Body and StatusCallback. The Messages API has no
idempotency header of its own; ours travels as I-Twilio-Idempotency-Token,
the header Twilio documents on its webhooks, so a compatible gateway or a
proxy can deduplicate on it.

Receiving: Twilio POSTs form-encoded webhooks signed with X-Twilio-Signature
(see signature.py); a reply to an inbound text goes back inline as TwiML.
"""

from urllib.parse import quote, urlencode
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse
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
from porch.messaging.channels.http import Endpoint, TransportError, basic_auth, retry_after_seconds
from porch.messaging.channels.numbers import e164
from porch.messaging.channels.twilio.signature import is_valid_signature

DEFAULT_BASE_URL = "https://api.twilio.com"
STATUS_PATH = "/messaging/status/twilio/"

# Twilio error codes (twilio.com/docs/api/errors) that say something precise.
INVALID_NUMBER_CODES = {21211, 21214, 21217, 21401, 21407, 21612, 21614}
UNSUBSCRIBED_CODES = {21610}  # the recipient texted STOP to this sender
REGION_CODES = {21408}  # sending to that country is not enabled on the account
QUEUE_FULL_CODES = {21611}  # too many messages queued for this sender
SENDER_CODES = {21212, 21606, 21659, 21660}  # the From number is not usable: config

DELIVERED_STATES = {"delivered", "read"}
UNDELIVERED_STATES = {"failed", "undelivered", "canceled"}


def twiml(text: str | None) -> str:
    if not text:
        return '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<Response><Message>{escape(text)}</Message></Response>"
    )


class TwilioChannel(Channel):
    kind = "twilio"
    replies_inline = True
    required = {
        "TWILIO_ACCOUNT_SID": _(
            "PORCH_TWILIO_ACCOUNT_SID is empty. Set it to the Account SID (it starts "
            "with AC) shown on the dashboard of the Twilio console."
        ),
        "TWILIO_AUTH_TOKEN": _(
            "PORCH_TWILIO_AUTH_TOKEN is empty. Set it to the Auth Token shown next to "
            "the Account SID on the Twilio console; Porch also needs it to check that "
            "incoming texts really come from Twilio."
        ),
        "TWILIO_FROM": _(
            "PORCH_TWILIO_FROM is empty. Set it to the Twilio number Porch sends from, "
            "in international form such as +16125550123, or to a Messaging Service SID "
            "(it starts with MG)."
        ),
    }

    def __init__(self, config: dict, **kwargs):
        super().__init__(config, **kwargs)
        self.endpoint = Endpoint(
            config.get("TWILIO_BASE_URL") or DEFAULT_BASE_URL, timeout=self.timeout
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
        sid = self.config["TWILIO_ACCOUNT_SID"]
        form = {"To": to, "Body": message.body}
        sender = self.config["TWILIO_FROM"]
        form["MessagingServiceSid" if sender.startswith("MG") else "From"] = sender
        public = getattr(settings, "PORCH_PUBLIC_URL", "").rstrip("/")
        if public:
            form["StatusCallback"] = public + STATUS_PATH
        headers = {
            "Authorization": basic_auth(sid, self.config["TWILIO_AUTH_TOKEN"]),
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Accept": "application/json",
            "I-Twilio-Idempotency-Token": message.idempotency_key,
        }
        try:
            response = self.endpoint.request(
                "POST",
                f"/2010-04-01/Accounts/{quote(sid, safe='')}/Messages.json",
                body=urlencode(form).encode("utf-8"),
                headers=headers,
            )
        except TransportError as error:
            return self._logged(retry(error.reason))
        return self._logged(self._outcome(response))

    def _outcome(self, response) -> SendResult:
        data = response.json()
        data = data if isinstance(data, dict) else {}
        if 200 <= response.status < 300:
            return sent(str(data.get("sid", "")))
        code = data.get("code")
        if code in QUEUE_FULL_CODES:
            return retry("queue_full", retry_after_seconds(response.header("Retry-After")))
        common = http_outcome(response.status, retry_after_seconds(response.header("Retry-After")))
        if common is not None:
            return common
        if code in INVALID_NUMBER_CODES:
            return failed("invalid_number")
        if code in UNSUBSCRIBED_CODES:
            return failed("unsubscribed")
        if code in REGION_CODES:
            return failed("region_not_enabled")
        if code in SENDER_CODES:
            return retry("sender_not_usable")
        return failed(f"twilio_{code}" if isinstance(code, int) else f"http_{response.status}")

    # ---- webhooks -----------------------------------------------------------
    def _verified_params(self, request):
        try:
            params = request.POST
        except Exception:  # an unparseable body cannot carry a valid signature
            raise BadSignature("unreadable form body") from None
        account = params.get("AccountSid", "")
        signature = request.headers.get("X-Twilio-Signature", "")
        url = webhook_url(request)
        for config in self.inbound_configs:
            if config.get("TWILIO_ACCOUNT_SID") and config["TWILIO_ACCOUNT_SID"] == account:
                token = config.get("TWILIO_AUTH_TOKEN", "")
                if is_valid_signature(token, url, params, signature):
                    return params
        raise BadSignature("X-Twilio-Signature does not match")

    def parse_inbound(self, request) -> list[Inbound]:
        params = self._verified_params(request)
        sender = e164(params.get("From", ""))
        body = params.get("Body")
        ref = params.get("MessageSid") or params.get("SmsSid") or ""
        if sender is None or body is None or not ref:
            raise MalformedInbound("From, Body and MessageSid are required")
        return [Inbound(channel=self.kind, sender=sender, body=body, provider_ref=ref)]

    def inbound_reply(self, text: str | None) -> HttpResponse:
        return HttpResponse(twiml(text), content_type="text/xml; charset=utf-8")

    def parse_status(self, request) -> tuple[str, str] | None:
        params = self._verified_params(request)
        ref = params.get("MessageSid") or params.get("SmsSid") or ""
        state = params.get("MessageStatus") or params.get("SmsStatus") or ""
        if not ref or not state:
            raise MalformedInbound("MessageSid and MessageStatus are required")
        if state in DELIVERED_STATES:
            return (ref, DELIVERED)
        if state in UNDELIVERED_STATES:
            return (ref, UNDELIVERED)
        return None  # queued, sending, sent...: not final yet
