"""A loopback Twilio Messages API, and the webhooks Twilio would send us.

Speaks POST /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP basic
auth (401 with Twilio's error 20003 otherwise), form fields To, From or
MessagingServiceSid, Body and StatusCallback, and answers 201 with a Message
resource, or 400 with Twilio's error codes (21211 invalid To, 21610
unsubscribed, 21602 no body...). Its webhook signatures are computed here,
independently of Porch's validator, with Twilio's documented algorithm.
"""

import base64
import hashlib
import hmac
import http.client
import secrets
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import parse_qs, urlencode, urlsplit

import phonenumbers

from porch.messaging.tests.fakes.base import FakeGateway, Reply, Request

ACCOUNT_SID = "AC" + "f" * 32
AUTH_TOKEN = "fake-twilio-auth-token-5c1d"
FROM_NUMBER = "+16125550100"


def twilio_signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    data = url + "".join(name + params[name] for name in sorted(params))
    mac = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


def _valid(number: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return False


class TwilioFake(FakeGateway):
    def __init__(self, *, account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, from_number=FROM_NUMBER):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number
        self.invalid_numbers: set[str] = set()  # valid-looking, but Twilio says 21211
        self.unsubscribed: set[str] = set()  # recipients who texted STOP (21610)
        # The ids the next accepted messages get (a test that posts a status
        # callback before the send is recorded); random when empty, as Twilio's.
        self.next_sids: list[str] = []
        super().__init__()

    def error_body(self, status: int):
        if status == 429:
            return {
                "code": 20429,
                "message": "Too Many Requests",
                "more_info": "https://www.twilio.com/docs/errors/20429",
                "status": 429,
            }
        return {"code": 20500, "message": "Internal Server Error", "status": status}

    @staticmethod
    def _error(status: int, code: int, message: str) -> Reply:
        return Reply.json(
            status,
            {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
        )

    def _authorised(self, request: Request) -> bool:
        scheme, _space, token = request.headers.get("authorization", "").partition(" ")
        if scheme != "Basic":
            return False
        try:
            user, _colon, password = base64.b64decode(token).decode().partition(":")
        except ValueError:
            return False
        return hmac.compare_digest(user, self.account_sid) and hmac.compare_digest(
            password, self.auth_token
        )

    def handle(self, request: Request) -> Reply:
        prefix = f"/2010-04-01/Accounts/{self.account_sid}/"
        if not request.path.startswith("/2010-04-01/Accounts/"):
            return self._error(404, 20404, "The requested resource was not found")
        if not self._authorised(request) or not request.path.startswith(prefix):
            return self._error(401, 20003, "Authenticate")
        if request.method != "POST" or request.path != prefix + "Messages.json":
            return self._error(404, 20404, "The requested resource was not found")
        form = {
            k: v[-1] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()
        }
        to = form.get("To", "")
        if not to:
            return self._error(400, 21604, "A 'To' phone number is required.")
        if not _valid(to) or to in self.invalid_numbers:
            return self._error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if to in self.unsubscribed:
            return self._error(400, 21610, "Attempt to send to unsubscribed recipient")
        sender = form.get("From") or form.get("MessagingServiceSid")
        if not sender:
            return self._error(400, 21603, "A 'From' phone number is required.")
        if not form.get("Body"):
            return self._error(400, 21602, "Message body is required.")
        sid = self.next_sids.pop(0) if self.next_sids else "SM" + secrets.token_hex(16)
        self.record(
            to=to,
            body=form["Body"],
            idempotency_key=request.headers.get("i-twilio-idempotency-token", ""),
            sender=sender,
            status_callback=form.get("StatusCallback", ""),
            sid=sid,
        )
        now = format_datetime(datetime.now(UTC), usegmt=True)
        return Reply.json(
            201,
            {
                "account_sid": self.account_sid,
                "api_version": "2010-04-01",
                "body": form["Body"],
                "date_created": now,
                "date_sent": None,
                "date_updated": now,
                "direction": "outbound-api",
                "error_code": None,
                "error_message": None,
                "from": form.get("From"),
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "num_media": "0",
                "num_segments": "1",
                "price": None,
                "price_unit": "USD",
                "sid": sid,
                "status": "queued",
                "to": to,
                "uri": f"{prefix}Messages/{sid}.json",
            },
        )

    # ---- webhooks Twilio sends to Porch ---------------------------------------
    def sign(self, url: str, params: dict[str, str]) -> str:
        return twilio_signature(self.auth_token, url, params)

    def inbound_params(self, sender: str, body: str, *, to: str | None = None) -> dict[str, str]:
        sid = "SM" + secrets.token_hex(16)
        return {
            "ToCountry": "US",
            "ToState": "MN",
            "SmsMessageSid": sid,
            "NumMedia": "0",
            "ToCity": "MINNEAPOLIS",
            "FromZip": "",
            "SmsSid": sid,
            "FromState": "MN",
            "SmsStatus": "received",
            "FromCity": "",
            "Body": body,
            "FromCountry": "US",
            "To": to or self.from_number,
            "ToZip": "",
            "NumSegments": "1",
            "MessageSid": sid,
            "AccountSid": self.account_sid,
            "From": sender,
            "ApiVersion": "2010-04-01",
        }

    def status_params(self, sid: str, status: str, *, to: str = "+16125550123") -> dict[str, str]:
        params = {
            "SmsSid": sid,
            "SmsStatus": status,
            "MessageStatus": status,
            "To": to,
            "MessageSid": sid,
            "AccountSid": self.account_sid,
            "From": self.from_number,
            "ApiVersion": "2010-04-01",
        }
        if status in {"failed", "undelivered"}:
            params["ErrorCode"] = "30003"
        return params

    def post_webhook(self, url: str, params: dict[str, str]) -> tuple[int, bytes]:
        """POST a signed webhook to a live server (e.g. pytest-django's live_server)."""
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            connection.request(
                "POST",
                parts.path + (f"?{parts.query}" if parts.query else ""),
                body=urlencode(params),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": self.sign(url, params),
                    "I-Twilio-Idempotency-Token": secrets.token_hex(16),
                },
            )
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()
