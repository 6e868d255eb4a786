"""E-mail through an SMTP relay, with Django's own SMTP e-mail backend.

One backend connection serves a whole `send_many` batch. SMTP has no
idempotency header; the key becomes a deterministic Message-ID (receiving
systems drop a repeated Message-ID) and travels as X-Porch-Idempotency-Key.
A 4xx reply is the relay asking for time (RETRY); a 5xx refusal of the
recipient is permanent (FAILED).
"""

import contextlib
import hashlib
import smtplib
import ssl

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from porch.messaging.channels.base import (
    Channel,
    Outgoing,
    SendResult,
    failed,
    retry,
    sent,
)

SECURITY = {"none", "starttls", "tls"}


def message_id(idempotency_key: str, sender: str) -> str:
    domain = sender.rpartition("@")[2] or "porch.invalid"
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:40]
    return f"<porch.{digest}@{domain}>"


def _smtp_outcome(error: Exception) -> SendResult:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        if codes and all(400 <= code < 500 for code in codes):
            return retry("smtp_4xx")
        return failed("invalid_address")
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return retry("auth_failed")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return retry("connection_error")
    if isinstance(error, smtplib.SMTPResponseException):
        if 400 <= error.smtp_code < 500:
            return retry("smtp_4xx")
        return failed(f"smtp_{error.smtp_code}")
    if isinstance(error, smtplib.SMTPException):
        return retry("smtp_error")
    if isinstance(error, TimeoutError):
        return retry("timeout")
    if isinstance(error, ConnectionRefusedError):
        return retry("connection_refused")
    if isinstance(error, ssl.SSLError):
        return retry("tls_error")
    return retry("connection_error")


class SmtpChannel(Channel):
    kind = "smtp"
    required = {
        "SMTP_HOST": _(
            "PORCH_SMTP_HOST is empty. Set it to the name of the mail server that "
            "relays Porch's e-mail, such as smtp.example.org."
        ),
        "EMAIL_FROM": _(
            "PORCH_EMAIL_FROM is empty. Set it to the address Porch's e-mail comes "
            "from, such as alerts@example.org; the mail server must accept it."
        ),
    }

    def __init__(self, config: dict, **kwargs):
        super().__init__(config, **kwargs)
        self._backend: EmailBackend | None = None

    def _new_backend(self) -> EmailBackend:
        security = self.config.get("SMTP_SECURITY") or "starttls"
        # An alias makes this a "mailer" in Django 6.1's sense: configured
        # here from Porch's settings, not from EMAIL_* or MAILERS.
        return EmailBackend(
            alias="porch-smtp",
            host=self.config["SMTP_HOST"],
            port=int(self.config.get("SMTP_PORT") or (465 if security == "tls" else 587)),
            username=self.config.get("SMTP_USER") or "",
            password=self.config.get("SMTP_PASSWORD") or "",
            use_tls=security == "starttls",
            use_ssl=security == "tls",
            timeout=self.timeout,
        )

    def _email(self, message: Outgoing) -> EmailMessage:
        sender = self.config["EMAIL_FROM"]
        subject = " ".join(
            (message.subject or getattr(settings, "PORCH_EMAIL_SUBJECT", "")).split()
        )
        return EmailMessage(
            subject=subject or "Porch",
            body=message.body,
            from_email=sender,
            to=[message.to],
            headers={
                "Message-ID": message_id(message.idempotency_key, sender),
                "X-Porch-Idempotency-Key": message.idempotency_key,
                "Auto-Submitted": "auto-generated",
            },
        )

    def _deliver(self, message: Outgoing) -> SendResult:
        try:
            validate_email(message.to)
        except ValidationError:
            return failed("invalid_address")
        if self._backend is None:
            self._backend = self._new_backend()
        try:
            if self._backend.connection is None:
                self._backend.open()
            self._backend.send_messages([self._email(message)])
        except (smtplib.SMTPException, OSError) as error:
            outcome = _smtp_outcome(error)
            if not isinstance(error, smtplib.SMTPRecipientsRefused):
                self.close()  # the session may be broken; start clean next time
            return outcome
        return sent(message_id(message.idempotency_key, self.config["EMAIL_FROM"]))

    def send(self, message: Outgoing) -> SendResult:
        try:
            return self._logged(self._deliver(message))
        finally:
            self.close()

    def send_many(self, messages: list[Outgoing]) -> list[SendResult]:
        try:
            return [self._logged(self._deliver(message)) for message in messages]
        finally:
            self.close()

    def close(self) -> None:
        if self._backend is not None:
            # Closing a dead session must not mask the result of the send.
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._backend.close()
            self._backend = None
