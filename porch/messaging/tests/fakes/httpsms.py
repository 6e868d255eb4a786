"""A loopback httpSMS API, and the CloudEvents webhooks httpSMS would send us.

Speaks POST /v1/messages/send with the x-api-key header (401 otherwise) and
JSON {from, to, content, request_id?}; answers 200 {"status": "success",
"message": "message added to queue", "data": {message}} or 422 with
per-field validation errors, as httpSMS's handlers do. Webhooks carry
X-Event-Type and an HS256 JWT (aud = webhook URL, iss api.httpsms.com,
exp +10 min, nbf -10 min) signed with the webhook's signing key, built here
independently of Porch's verifier.
"""

import base64
import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime

import phonenumbers

from porch.messaging.tests.fakes.base import FakeGateway, Reply, Request

API_KEY = "fake-httpsms-api-key-77ab"
OWNER = "+16125550111"
SIGNING_KEY = "fake-httpsms-signing-key-9e0f"
USER_ID = "XtABz6zdeFMoBLoltz6SREDvRSh2"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt_hs256(claims: dict, key: str, *, alg: str = "HS256") -> str:
    header = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims).encode())
    signature = hmac.new(key.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def _valid(number: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return False


class HttpSmsFake(FakeGateway):
    def __init__(self, *, api_key=API_KEY, owner=OWNER, signing_key=SIGNING_KEY):
        self.api_key = api_key
        self.owner = owner
        self.signing_key = signing_key
        self.invalid_numbers: set[str] = set()
        super().__init__()

    def error_body(self, status: int):
        return {
            "status": "error",
            "message": "We ran into an internal error while handling the request.",
        }

    def handle(self, request: Request) -> Reply:
        if request.path != "/v1/messages/send" or request.method != "POST":
            return Reply.json(404, {"status": "error", "message": "Cannot find route"})
        if not hmac.compare_digest(request.headers.get("x-api-key", ""), self.api_key):
            return Reply.json(
                401,
                {
                    "status": "error",
                    "message": "You are not authorized to carry out this request.",
                    "data": (
                        "Make sure your API key is set in the [X-API-Key] header in the request"
                    ),
                },
            )
        try:
            payload = request.json()
        except ValueError:
            return Reply.json(
                400, {"status": "error", "message": "The request isn't properly formed"}
            )
        errors: dict[str, list[str]] = {}
        to = str(payload.get("to", ""))
        if not _valid(to) or to in self.invalid_numbers:
            errors["to"] = ["The to field must be a valid E.164 phone number."]
        if payload.get("from") != self.owner:
            errors["from"] = ["The from field must be a phone number registered on your account."]
        if not payload.get("content"):
            errors["content"] = ["The content field is required."]
        if errors:
            return Reply.json(
                422,
                {
                    "status": "error",
                    "message": "validation errors while sending message",
                    "data": errors,
                },
            )
        message_id = str(uuid.uuid4())
        self.record(
            to=to,
            body=payload["content"],
            idempotency_key=request.headers.get("idempotency-key", ""),
            request_id=payload.get("request_id"),
            sender=payload["from"],
            id=message_id,
        )
        now = datetime.now(UTC).isoformat()
        return Reply.json(
            200,
            {
                "status": "success",
                "message": "message added to queue",
                "data": {
                    "id": message_id,
                    "owner": payload["from"],
                    "contact": to,
                    "content": payload["content"],
                    "request_id": payload.get("request_id"),
                    "status": "pending",
                    "type": "mobile-terminated",
                    "sim": "SIM1",
                    "user_id": USER_ID,
                    "created_at": now,
                    "updated_at": now,
                },
            },
        )

    # ---- webhooks httpSMS sends to Porch --------------------------------------
    def token(self, url: str, *, key: str | None = None, now: float | None = None, **claims) -> str:
        moment = int(time.time() if now is None else now)
        base = {
            "aud": url,
            "exp": moment + 600,
            "iat": moment,
            "iss": "api.httpsms.com",
            "nbf": moment - 600,
            "sub": USER_ID,
        }
        base.update(claims)
        return jwt_hs256(base, self.signing_key if key is None else key)

    def event(self, event_type: str, data: dict) -> dict:
        return {
            "data": data,
            "datacontenttype": "application/json",
            "id": str(uuid.uuid4()),
            "source": "/v1/messages/receive",
            "specversion": "1.0",
            "time": datetime.now(UTC).isoformat(),
            "type": event_type,
        }

    def received_event(self, sender: str, content: str) -> dict:
        return self.event(
            "message.phone.received",
            {
                "contact": sender,
                "content": content,
                "message_id": str(uuid.uuid4()),
                "owner": self.owner,
                "sim": "SIM1",
                "timestamp": datetime.now(UTC).isoformat(),
                "user_id": USER_ID,
            },
        )

    def status_event(self, event_type: str, message_id: str, *, contact="+16125550123") -> dict:
        data = {
            "id": message_id,
            "owner": self.owner,
            "contact": contact,
            "timestamp": datetime.now(UTC).isoformat(),
            "content": "",
        }
        if event_type == "message.send.failed":
            data["error_message"] = "RESULT_ERROR_GENERIC_FAILURE"
        return self.event(event_type, data)

    def headers(self, url: str, event: dict, **token_claims) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "X-Event-Type": event["type"],
            "Authorization": f"Bearer {self.token(url, **token_claims)}",
        }
