"""A loopback signal-cli-rest-api (normal mode), and its webhook envelopes.

Speaks POST /v2/send with JSON {message, number, recipients} (201
{"timestamp": "..."}; 400 {"error": "..."} in signal-cli's words for an
unknown sender account or an unregistered recipient) and GET
/v1/receive/{number}, which drains the envelopes queued with incoming().
"""

import threading
import time
import uuid
from urllib.parse import unquote, urlsplit

import phonenumbers

from porch.messaging.tests.fakes.base import FakeGateway, Reply, Request

NUMBER = "+16125550122"
WEBHOOK_TOKEN = "fake-signal-webhook-token-31c4"


def _valid(number: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return False


class SignalFake(FakeGateway):
    def __init__(self, *, number=NUMBER, webhook_token=WEBHOOK_TOKEN):
        self.number = number
        self.webhook_token = webhook_token
        self.unregistered: set[str] = set()  # numbers with no Signal account
        self._inbox: list[dict] = []
        self._inbox_lock = threading.Lock()
        super().__init__()

    def error_body(self, status: int):
        return {"error": "fake failure"}

    def handle(self, request: Request) -> Reply:
        path = urlsplit(request.path).path
        if request.method == "POST" and path == "/v2/send":
            return self._send(request)
        if request.method == "GET" and path.startswith("/v1/receive/"):
            number = unquote(path.removeprefix("/v1/receive/"))
            if number != self.number:
                return Reply.json(400, {"error": f"User {number} is not registered."})
            with self._inbox_lock:
                items, self._inbox = self._inbox, []
            return Reply.json(200, items)
        return Reply.json(404, {"error": "not found"})

    def _send(self, request: Request) -> Reply:
        try:
            payload = request.json()
        except ValueError:
            return Reply.json(400, {"error": "Couldn't process request - invalid request"})
        recipients = payload.get("recipients") or []
        if not recipients:
            return Reply.json(
                400, {"error": "Couldn't process request - please provide at least one recipient"}
            )
        if payload.get("number") != self.number:
            return Reply.json(400, {"error": f"User {payload.get('number')} is not registered."})
        for recipient in recipients:
            if not _valid(recipient):
                return Reply.json(
                    400, {"error": f"Failed to send message: Invalid number: {recipient}"}
                )
            if recipient in self.unregistered:
                return Reply.json(
                    400,
                    {"error": f"Failed to send message: {recipient}: Unregistered user"},
                )
        timestamp = str(int(time.time() * 1000))
        for recipient in recipients:
            self.record(
                to=recipient,
                body=payload.get("message", ""),
                idempotency_key=request.headers.get("idempotency-key", ""),
                timestamp=timestamp,
            )
        return Reply.json(201, {"timestamp": timestamp})

    # ---- messages arriving for Porch -------------------------------------------
    def envelope(self, sender: str, text: str, **data) -> dict:
        stamp = int(time.time() * 1000)
        return {
            "envelope": {
                "source": sender,
                "sourceNumber": sender,
                "sourceUuid": str(uuid.uuid4()),
                "sourceName": "",
                "sourceDevice": 1,
                "timestamp": stamp,
                "dataMessage": {
                    "timestamp": stamp,
                    "message": text,
                    "expiresInSeconds": 0,
                    "viewOnce": False,
                    **data,
                },
            },
            "account": self.number,
        }

    def incoming(self, sender: str, text: str, **data) -> dict:
        """Queue a text for the next GET /v1/receive."""
        return self.queue(self.envelope(sender, text, **data))

    def queue(self, item: dict) -> dict:
        """Queue any envelope (typing, receipt...) for the next GET /v1/receive."""
        with self._inbox_lock:
            self._inbox.append(item)
        return item

    def typing(self, sender: str) -> dict:
        stamp = int(time.time() * 1000)
        return {
            "envelope": {
                "source": sender,
                "sourceNumber": sender,
                "sourceDevice": 1,
                "timestamp": stamp,
                "typingMessage": {"action": "STARTED", "timestamp": stamp},
            },
            "account": self.number,
        }

    def json_rpc(self, item: dict) -> dict:
        """What json-rpc mode POSTs to RECEIVE_WEBHOOK_URL."""
        return {"jsonrpc": "2.0", "method": "receive", "params": item}
