"""A loopback SMTP relay (aiosmtpd) that records what it accepts.

Switches: reject(address) answers RCPT with 550 (no such mailbox), defer(address)
with 451 (try again later), stall_seconds holds the answer to DATA (a hung
relay), down()/up() stop and restart it on the same port.
"""

import asyncio
import email
import email.policy
import logging
import socket

from aiosmtpd.controller import Controller

SENDER = "alerts@porch.test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, fake: "SmtpFake"):
        self.fake = fake

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.fake.rejected:
            return "550 5.1.1 No such mailbox here"
        if address in self.fake.deferred:
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.fake.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        if self.fake.stall_seconds:
            await asyncio.sleep(self.fake.stall_seconds)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        part = message.get_body(preferencelist=("plain",))
        body = part.get_content() if part is not None else ""
        for recipient in envelope.rcpt_tos:
            self.fake.received.append(
                {
                    "to": recipient,
                    "body": body.rstrip("\r\n"),
                    "subject": str(message.get("Subject", "")),
                    "sender": envelope.mail_from,
                    "idempotency_key": str(message.get("X-Porch-Idempotency-Key", "")),
                    "message_id": str(message.get("Message-ID", "")),
                }
            )
        return "250 Message accepted for delivery"


class SmtpFake:
    def __init__(self):
        self.received: list[dict] = []
        self.rejected: set[str] = set()
        self.deferred: set[str] = set()
        self.sessions = 0  # SMTP sessions (EHLO) seen
        self.stall_seconds = 0.0  # wait this long before answering DATA
        # aiosmtpd logs every envelope address at INFO; tests check logs for those.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.port = _free_port()
        self._controller: Controller | None = None
        self.up()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def reject(self, address: str) -> None:
        self.rejected.add(address)

    def defer(self, address: str) -> None:
        self.deferred.add(address)

    def up(self) -> None:
        if self._controller is None:
            self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def down(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    stop = down
