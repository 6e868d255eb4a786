"""The Signal channel against a loopback signal-cli-rest-api."""

import json

import pytest
from django.test import RequestFactory

from porch.messaging.channels import (
    FAILED,
    RETRY,
    SENT,
    BadSignature,
    ChannelNotConfigured,
    MalformedInbound,
    Outgoing,
    configured_kinds,
    get_channel,
)

NUMBER = "+16122345021"
INBOUND = "/messaging/inbound/signal/"


def message(to=NUMBER, body="Verifier needed at the north school, reply YES.", key="d4:v2"):
    return Outgoing(to=to, body=body, idempotency_key=key)


def webhook(payload, *, query="", headers=None):
    return RequestFactory().post(
        INBOUND + query,
        data=json.dumps(payload),
        content_type="application/json",
        headers=headers or {},
    )


def test_it_is_not_a_mass_broadcast_channel(signal_fake):
    channel = get_channel("signal")
    assert channel.mass_broadcast is False
    assert channel.cost(message(body="a" * 500)) == 1


def test_it_needs_a_url_and_a_number(settings):
    settings.PORCH_SIGNAL_URL = ""
    settings.PORCH_SIGNAL_NUMBER = ""
    with pytest.raises(ChannelNotConfigured) as raised:
        get_channel("signal")
    assert "PORCH_SIGNAL_URL" in raised.value.message
    assert "PORCH_SIGNAL_NUMBER" in raised.value.message
    assert "signal" not in configured_kinds()


def test_it_sends_the_documented_json(signal_fake):
    result = get_channel("signal").send(message())
    assert result.outcome == SENT
    [entry] = signal_fake.received
    assert (entry["to"], entry["idempotency_key"]) == (NUMBER, "d4:v2")
    assert entry["body"] == "Verifier needed at the north school, reply YES."
    assert result.provider_ref == entry["timestamp"]
    request = signal_fake.requests[-1]
    assert (request.method, request.path) == ("POST", "/v2/send")
    assert request.json() == {
        "message": "Verifier needed at the north school, reply YES.",
        "number": signal_fake.number,
        "recipients": [NUMBER],
    }


def test_it_fails_a_recipient_without_signal(signal_fake):
    signal_fake.unregistered.add(NUMBER)
    result = get_channel("signal").send(message())
    assert (result.outcome, result.reason) == (FAILED, "invalid_number")


def test_it_waits_out_signals_rate_limit_and_captcha(signal_fake):
    signal_fake.fail(
        400,
        times=1,
        body={"error": "Failed to send message: [429] Rate limit exceeded: Proof required"},
    )
    result = get_channel("signal").send(message())
    assert (result.outcome, result.reason) == (RETRY, "rate_limited")
    assert result.retry_after == 300.0


def test_it_holds_the_queue_when_its_own_number_is_not_registered(signal_fake, settings):
    settings.PORCH_SIGNAL_NUMBER = "+16125550998"
    result = get_channel("signal").send(message())
    assert (result.outcome, result.reason) == (RETRY, "account_not_registered")


@pytest.mark.parametrize(
    ("status", "reason"), [(429, "http_429"), (500, "http_500"), (503, "http_503")]
)
def test_it_retries_when_the_service_is_busy(signal_fake, status, reason):
    signal_fake.fail(status, retry_after=5)
    result = get_channel("signal").send(message())
    assert (result.outcome, result.reason) == (RETRY, reason)


def test_it_retries_when_the_service_hangs_or_is_down(signal_fake, settings):
    settings.PORCH_CHANNEL_TIMEOUT_SECONDS = 0.3
    signal_fake.hang(times=1)
    assert get_channel("signal").send(message()).reason == "timeout"
    signal_fake.down()
    assert get_channel("signal").send(message()).reason == "connection_refused"


def test_it_polls_received_texts_and_skips_the_rest(signal_fake):
    signal_fake.incoming("+16122345022", "YES")
    signal_fake.incoming("+16122345023", "in the group", groupInfo={"groupId": "abc"})
    signal_fake.queue(signal_fake.typing("+16122345022"))
    [inbound] = get_channel("signal").receive()
    assert (inbound.channel, inbound.sender, inbound.body) == ("signal", "+16122345022", "YES")
    assert signal_fake.requests[-1].path == "/v1/receive/%2B16125550122?timeout=1"
    assert get_channel("signal").receive() == []  # drained


def test_it_polls_nothing_when_the_service_is_down(signal_fake):
    signal_fake.down()
    assert get_channel("signal").receive() == []


def test_it_reads_webhook_envelopes_with_the_token(signal_fake):
    channel = get_channel("signal")
    item = signal_fake.envelope("+16122345022", "NO")
    [bare] = channel.parse_inbound(webhook(item, query=f"?token={signal_fake.webhook_token}"))
    assert bare.body == "NO"
    [wrapped] = channel.parse_inbound(
        webhook(
            signal_fake.json_rpc(item),
            headers={"Authorization": f"Bearer {signal_fake.webhook_token}"},
        )
    )
    assert wrapped.sender == "+16122345022"
    assert (
        channel.parse_inbound(
            webhook(signal_fake.typing("+16122345022"), query=f"?token={signal_fake.webhook_token}")
        )
        == []
    )


def test_it_refuses_webhooks_without_the_token(signal_fake, settings):
    item = signal_fake.envelope("+16122345022", "STOP")
    with pytest.raises(BadSignature):
        get_channel("signal").parse_inbound(webhook(item))
    with pytest.raises(BadSignature):
        get_channel("signal").parse_inbound(webhook(item, query="?token=guess"))
    settings.PORCH_SIGNAL_WEBHOOK_TOKEN = ""
    with pytest.raises(BadSignature):
        get_channel("signal").parse_inbound(webhook(item, query="?token="))


def test_it_rejects_webhooks_it_cannot_read(signal_fake):
    query = f"?token={signal_fake.webhook_token}"
    garbage = RequestFactory().post(INBOUND + query, data=b"]", content_type="application/json")
    with pytest.raises(MalformedInbound):
        get_channel("signal").parse_inbound(garbage)
    with pytest.raises(MalformedInbound):
        get_channel("signal").parse_inbound(webhook({"account": "+16122345021"}, query=query))
