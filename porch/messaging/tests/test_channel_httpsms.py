"""The httpSMS channel against a loopback httpSMS API."""

import json
import time

import pytest
import time_machine
from django.test import RequestFactory

from porch.messaging.channels import (
    FAILED,
    RETRY,
    SENT,
    BadSignature,
    MalformedInbound,
    Outgoing,
    get_channel,
)
from porch.messaging.tests.fakes.httpsms import jwt_hs256

NUMBER = "+16122345011"
INBOUND = "/messaging/inbound/httpsms/"
STATUS = "/messaging/status/httpsms/"


def message(to=NUMBER, body="Reminder: shift at the hub tomorrow.", key="n7:u3"):
    return Outgoing(to=to, body=body, idempotency_key=key)


def webhook(fake, path, event, *, headers=None, **token_claims):
    url = "http://testserver" + path
    return RequestFactory().post(
        path,
        data=json.dumps(event),
        content_type="application/json",
        headers=headers if headers is not None else fake.headers(url, event, **token_claims),
    )


# ---- sending ----------------------------------------------------------------
def test_it_sends_the_documented_json_with_the_api_key(httpsms_fake):
    result = get_channel("httpsms").send(message())
    assert result.outcome == SENT
    [entry] = httpsms_fake.received
    assert entry["id"] == result.provider_ref
    assert (entry["to"], entry["body"]) == (NUMBER, "Reminder: shift at the hub tomorrow.")
    assert entry["idempotency_key"] == "n7:u3"
    assert entry["request_id"] == "n7:u3"
    request = httpsms_fake.requests[-1]
    assert (request.method, request.path) == ("POST", "/v1/messages/send")
    assert request.headers["x-api-key"] == httpsms_fake.api_key
    assert set(request.json()) == {"from", "to", "content", "request_id"}
    assert request.json()["from"] == httpsms_fake.owner


def test_it_keeps_one_connection_open_for_a_batch(httpsms_fake):
    batch = [message(to=f"+161223450{n:02d}", key=f"n{n}") for n in range(6)]
    assert [r.outcome for r in get_channel("httpsms").send_many(batch)] == [SENT] * 6
    assert httpsms_fake.connections == 1


def test_it_retries_after_a_429(httpsms_fake):
    httpsms_fake.fail(429, retry_after=30, times=1)
    result = get_channel("httpsms").send(message())
    assert (result.outcome, result.reason, result.retry_after) == (RETRY, "http_429", 30.0)


def test_it_retries_on_a_server_error(httpsms_fake):
    httpsms_fake.fail(500, times=2)
    assert get_channel("httpsms").send(message()).reason == "http_500"
    assert get_channel("httpsms").send(message()).reason == "http_500"
    assert get_channel("httpsms").send(message()).outcome == SENT


def test_it_retries_when_the_gateway_hangs(httpsms_fake, settings):
    settings.PORCH_CHANNEL_TIMEOUT_SECONDS = 0.3
    httpsms_fake.hang()
    result = get_channel("httpsms").send(message())
    assert (result.outcome, result.reason) == (RETRY, "timeout")


def test_it_retries_when_the_gateway_is_down(httpsms_fake):
    httpsms_fake.down()
    result = get_channel("httpsms").send(message())
    assert (result.outcome, result.reason) == (RETRY, "connection_refused")
    httpsms_fake.up()
    assert get_channel("httpsms").send(message()).outcome == SENT


def test_it_fails_a_number_httpsms_rejects(httpsms_fake):
    httpsms_fake.invalid_numbers.add(NUMBER)
    result = get_channel("httpsms").send(message())
    assert (result.outcome, result.reason) == (FAILED, "invalid_number")
    assert httpsms_fake.received == []


def test_it_fails_a_malformed_number_without_asking(httpsms_fake):
    assert get_channel("httpsms").send(message(to="+1 000")).reason == "invalid_number"
    assert httpsms_fake.requests == []


def test_it_holds_the_queue_when_the_key_or_phone_is_wrong(httpsms_fake, settings):
    settings.PORCH_HTTPSMS_API_KEY = "stale-key"
    assert get_channel("httpsms").send(message()).reason == "auth_failed"
    settings.PORCH_HTTPSMS_API_KEY = httpsms_fake.api_key
    settings.PORCH_HTTPSMS_FROM = "+16125550999"  # not the phone on the account
    result = get_channel("httpsms").send(message())
    assert (result.outcome, result.reason) == (RETRY, "sender_not_usable")


def test_it_retries_when_the_monthly_allowance_is_used_up(httpsms_fake):
    httpsms_fake.fail(402, body={"status": "error", "message": "You have exceeded your limit"})
    result = get_channel("httpsms").send(message())
    assert (result.outcome, result.reason) == (RETRY, "quota_exhausted")


# ---- webhooks -----------------------------------------------------------------
def test_it_reads_a_signed_received_event(httpsms_fake):
    event = httpsms_fake.received_event("+16122345012", "AYUDA")
    [inbound] = get_channel("httpsms").parse_inbound(webhook(httpsms_fake, INBOUND, event))
    assert (inbound.channel, inbound.sender, inbound.body) == ("httpsms", "+16122345012", "AYUDA")
    assert inbound.provider_ref == event["data"]["message_id"]
    response = get_channel("httpsms").inbound_reply("ignored")
    assert response.status_code == 200
    assert get_channel("httpsms").replies_inline is False


def test_it_reads_the_older_payload_with_id(httpsms_fake):
    event = httpsms_fake.received_event("+16122345012", "STOP")
    event["data"]["id"] = event["data"].pop("message_id")
    [inbound] = get_channel("httpsms").parse_inbound(webhook(httpsms_fake, INBOUND, event))
    assert inbound.provider_ref == event["data"]["id"]


def test_it_ignores_events_that_are_not_texts(httpsms_fake):
    event = httpsms_fake.event("phone.heartbeat.offline", {"owner": httpsms_fake.owner})
    assert get_channel("httpsms").parse_inbound(webhook(httpsms_fake, INBOUND, event)) == []


def test_it_refuses_unsigned_or_forged_events(httpsms_fake):
    channel = get_channel("httpsms")
    event = httpsms_fake.received_event("+16122345012", "STOP")
    url = "http://testserver" + INBOUND
    with pytest.raises(BadSignature):
        channel.parse_inbound(webhook(httpsms_fake, INBOUND, event, headers={}))
    with pytest.raises(BadSignature):
        channel.parse_inbound(webhook(httpsms_fake, INBOUND, event, key="someone-elses-key"))
    with pytest.raises(BadSignature):  # issued for the status endpoint
        channel.parse_inbound(
            webhook(httpsms_fake, INBOUND, event, aud="http://testserver" + STATUS)
        )
    unsigned = (
        jwt_hs256({"aud": url, "exp": time.time() + 60}, "", alg="none").rsplit(".", 1)[0] + "."
    )
    with pytest.raises(BadSignature):
        channel.parse_inbound(
            webhook(httpsms_fake, INBOUND, event, headers={"Authorization": f"Bearer {unsigned}"})
        )
    no_expiry = jwt_hs256({"aud": url}, httpsms_fake.signing_key)
    with pytest.raises(BadSignature):
        channel.parse_inbound(
            webhook(httpsms_fake, INBOUND, event, headers={"Authorization": f"Bearer {no_expiry}"})
        )


def test_it_refuses_an_expired_token(httpsms_fake):
    event = httpsms_fake.received_event("+16122345012", "STOP")
    request = webhook(httpsms_fake, INBOUND, event)
    with time_machine.travel(time.time() + 15 * 60, tick=False):
        with pytest.raises(BadSignature):
            get_channel("httpsms").parse_inbound(request)


def test_it_refuses_every_event_without_a_signing_key(httpsms_fake, settings):
    settings.PORCH_HTTPSMS_WEBHOOK_SIGNING_KEY = ""
    event = httpsms_fake.received_event("+16122345012", "STOP")
    with pytest.raises(BadSignature):
        get_channel("httpsms").parse_inbound(webhook(httpsms_fake, INBOUND, event))


def test_it_rejects_signed_events_it_cannot_read(httpsms_fake):
    channel = get_channel("httpsms")
    url = "http://testserver" + INBOUND
    garbage = RequestFactory().post(
        INBOUND,
        data=b"{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {httpsms_fake.token(url)}"},
    )
    with pytest.raises(MalformedInbound):
        channel.parse_inbound(garbage)
    event = httpsms_fake.received_event("+16122345012", "STOP")
    del event["data"]["contact"]
    with pytest.raises(MalformedInbound):
        channel.parse_inbound(webhook(httpsms_fake, INBOUND, event))


@pytest.mark.parametrize(
    ("event_type", "expected"),
    [
        ("message.phone.delivered", "delivered"),
        ("message.send.failed", "failed"),
        ("message.send.expired", "failed"),
        ("message.phone.sent", None),
    ],
)
def test_it_reads_status_events(httpsms_fake, event_type, expected):
    sent = get_channel("httpsms").send(message())
    event = httpsms_fake.status_event(event_type, sent.provider_ref)
    got = get_channel("httpsms").parse_status(webhook(httpsms_fake, STATUS, event))
    assert got == (None if expected is None else (sent.provider_ref, expected))


def test_it_refuses_a_forged_status_event(httpsms_fake):
    event = httpsms_fake.status_event("message.phone.delivered", "0b0123bb")
    with pytest.raises(BadSignature):
        get_channel("httpsms").parse_status(webhook(httpsms_fake, STATUS, event, key="wrong"))
