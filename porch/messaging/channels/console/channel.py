"""The default channel: prints one line per message to standard output.

It lets `porch demo` show the whole outbox working with no provider account.
The recipient is masked to its last two characters. The text is printed in
development and tests only: in production standard output usually ends up in
a journal, which is a log file, and logs never hold bodies (R40).

In tests the messages are also kept in memory in `ConsoleChannel.outbox`
(like Django's mail.outbox) so a test can look at what would have gone out.
"""

import hashlib
import sys

from django.conf import settings
from django.http import JsonResponse

from porch.messaging import segments
from porch.messaging.channels.base import (
    BadSignature,
    Channel,
    Inbound,
    MalformedInbound,
    Outgoing,
    SendResult,
    sent,
)
from porch.messaging.channels.numbers import e164, masked


def _shows_bodies() -> bool:
    return settings.PORCH_ENV in {"development", "test"}


class ConsoleChannel(Channel):
    kind = "console"
    outbox: list[Outgoing] = []

    def send(self, message: Outgoing) -> SendResult:
        ref = "console-" + hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:16]
        parts = segments.segments(message.body) if "@" not in message.to else 1
        if _shows_bodies():
            text = message.body.replace("\n", " ⏎ ")
            line = f"[porch console] to {masked(message.to)} ({parts} segment(s)): {text}"
        else:
            line = f"[porch console] to {masked(message.to)} ({parts} segment(s)), text withheld"
        print(line, file=sys.stdout, flush=True)
        if settings.PORCH_ENV == "test":
            ConsoleChannel.outbox.append(message)
        return self._logged(sent(ref))

    def cost(self, message: Outgoing) -> int:
        return 1 if "@" in message.to else max(1, segments.segments(message.body))

    def parse_inbound(self, request) -> list[Inbound]:
        """Development only: a form POST with From and Body stands in for a text.

        Never in production, where anyone could post a forged STOP or JOIN.
        """
        if not _shows_bodies():
            raise BadSignature("the console channel takes no inbound messages in production")
        sender = e164(request.POST.get("From", ""))
        body = request.POST.get("Body")
        if sender is None or body is None:
            raise MalformedInbound("From (an E.164 number) and Body are required")
        return [Inbound(channel=self.kind, sender=sender, body=body)]

    def inbound_reply(self, text: str | None) -> JsonResponse:
        return JsonResponse({"status": "ok"})
