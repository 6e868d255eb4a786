"""The SMTP channel against a loopback SMTP relay (aiosmtpd)."""

import pytest

from porch.messaging.channels import (
    FAILED,
    RETRY,
    SENT,
    ChannelNotConfigured,
    Outgoing,
    get_channel,
)
from porch.messaging.channels.smtp.channel import message_id


def message(to="dee@example.org", body="A report needs verifying. Open Porch.", key="n1:u4", **kw):
    return Outgoing(to=to, body=body, idempotency_key=key, **kw)


def test_it_sends_with_a_stable_message_id(smtp_fake):
    result = get_channel("smtp").send(message(subject="Porch: verification"))
    assert result.outcome == SENT
    [entry] = smtp_fake.received
    assert entry["to"] == "dee@example.org"
    assert entry["body"] == "A report needs verifying. Open Porch."
    assert entry["subject"] == "Porch: verification"
    assert entry["sender"] == "alerts@porch.test"
    assert entry["idempotency_key"] == "n1:u4"
    assert entry["message_id"] == message_id("n1:u4", "alerts@porch.test") == result.provider_ref


def test_it_uses_the_default_subject(smtp_fake, settings):
    settings.PORCH_EMAIL_SUBJECT = "Riverbend Mutual Aid"
    get_channel("smtp").send(message())
    assert smtp_fake.received[0]["subject"] == "Riverbend Mutual Aid"


def test_it_sends_a_batch_in_one_session(smtp_fake):
    batch = [message(to=f"v{n}@example.org", key=f"n{n}") for n in range(5)]
    assert [r.outcome for r in get_channel("smtp").send_many(batch)] == [SENT] * 5
    assert smtp_fake.sessions == 1
    assert [e["to"] for e in smtp_fake.received] == [f"v{n}@example.org" for n in range(5)]


def test_it_fails_a_refused_mailbox_and_carries_on(smtp_fake):
    smtp_fake.reject("gone@example.org")
    results = get_channel("smtp").send_many(
        [message(to="gone@example.org", key="a"), message(to="dee@example.org", key="b")]
    )
    assert [(r.outcome, r.reason) for r in results] == [(FAILED, "invalid_address"), (SENT, "")]
    assert smtp_fake.sessions == 1


def test_it_retries_a_deferred_mailbox(smtp_fake):
    smtp_fake.defer("busy@example.org")
    result = get_channel("smtp").send(message(to="busy@example.org"))
    assert (result.outcome, result.reason) == (RETRY, "smtp_4xx")


def test_it_fails_a_malformed_address_without_connecting(smtp_fake):
    result = get_channel("smtp").send(message(to="not an address"))
    assert (result.outcome, result.reason) == (FAILED, "invalid_address")
    assert smtp_fake.sessions == 0


def test_it_retries_when_the_relay_is_down(smtp_fake):
    smtp_fake.down()
    result = get_channel("smtp").send(message())
    assert (result.outcome, result.reason) == (RETRY, "connection_refused")
    smtp_fake.up()
    assert get_channel("smtp").send(message()).outcome == SENT


def test_it_retries_when_the_relay_stalls(smtp_fake, settings):
    settings.PORCH_CHANNEL_TIMEOUT_SECONDS = 0.3
    smtp_fake.stall_seconds = 2
    result = get_channel("smtp").send(message())
    assert result.outcome == RETRY
    assert result.reason in {"timeout", "connection_error"}


def test_it_needs_a_host_and_a_sender(settings):
    settings.PORCH_SMTP_HOST = ""
    settings.PORCH_EMAIL_FROM = ""
    with pytest.raises(ChannelNotConfigured) as raised:
        get_channel("smtp")
    assert "PORCH_SMTP_HOST" in raised.value.message
    assert "PORCH_EMAIL_FROM" in raised.value.message
