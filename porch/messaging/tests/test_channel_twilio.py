"""The Twilio channel against a loopback Twilio Messages API."""

from urllib.parse import parse_qs, urlencode

import pytest
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
from porch.messaging.channels.twilio import expected_signature, is_valid_signature
from porch.messaging.tests.fakes.twilio import TwilioFake

NUMBER = "+16122345001"
INBOUND = "/messaging/inbound/twilio/"
STATUS = "/messaging/status/twilio/"


def message(to=NUMBER, body="Alert: stay inside. Reply STOP to end.", key="b1:s1"):
    return Outgoing(to=to, body=body, idempotency_key=key)


def signed_post(fake, path, params, *, signature=None):
    url = "http://testserver" + path
    return RequestFactory().post(
        path,
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": fake.sign(url, params) if signature is None else signature},
    )


# ---- the signature algorithm, checked against Twilio's published examples ----
# Twilio's "Validating requests" documentation: auth token 12345, this URL
# and these POST parameters give the signature quoted below.
DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"


@pytest.mark.parametrize(
    ("caller", "signature"),
    [
        # twilio.com/docs/usage/security (current worked example)
        ("+12349013030", "0/KCTR6DLpKmkAf8muzZqo1nDgQ="),
        # twilio-php docs/usage/validation.rst (the helper library's example)
        ("+14158675309", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
    ],
)
def test_it_matches_twilios_documented_signature_examples(caller, signature):
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": caller,
        "Digits": "1234",
        "From": caller,
        "To": "+18005551212",
    }
    assert expected_signature("12345", DOC_URL, params) == signature
    assert is_valid_signature("12345", DOC_URL, params, signature)
    assert not is_valid_signature("12346", DOC_URL, params, signature)
    assert not is_valid_signature("12345", DOC_URL, {**params, "Digits": "1235"}, signature)
    assert not is_valid_signature("12345", DOC_URL.replace("foo=1", "foo=2"), params, signature)


def test_it_accepts_the_url_with_or_without_the_default_port():
    params = {"Body": "hi"}
    with_port = "https://porch.example.org:443/messaging/inbound/twilio/"
    signature = expected_signature("tok", with_port, params)
    assert is_valid_signature(
        "tok", "https://porch.example.org/messaging/inbound/twilio/", params, signature
    )


# ---- sending ----------------------------------------------------------------
def test_it_sends_the_documented_form_with_basic_auth(twilio_fake):
    result = get_channel("twilio").send(message())
    assert result.outcome == SENT
    assert result.provider_ref.startswith("SM")
    [entry] = twilio_fake.received
    assert entry["to"] == NUMBER
    assert entry["body"] == "Alert: stay inside. Reply STOP to end."
    assert entry["idempotency_key"] == "b1:s1"
    assert entry["sid"] == result.provider_ref
    request = twilio_fake.requests[-1]
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{twilio_fake.account_sid}/Messages.json"
    assert request.headers["authorization"].startswith("Basic ")
    form = parse_qs(request.body.decode())
    assert form["From"] == [twilio_fake.from_number]
    assert form["StatusCallback"] == ["http://testserver/messaging/status/twilio/"]


def test_it_sends_from_a_messaging_service(twilio_fake, settings):
    settings.PORCH_TWILIO_FROM = "MG" + "a" * 32
    assert get_channel("twilio").send(message()).outcome == SENT
    form = parse_qs(twilio_fake.requests[-1].body.decode())
    assert form["MessagingServiceSid"] == ["MG" + "a" * 32]
    assert "From" not in form


def test_it_asks_for_no_delivery_reports_without_a_public_url(twilio_fake, settings):
    settings.PORCH_PUBLIC_URL = ""
    assert get_channel("twilio").send(message()).outcome == SENT
    assert twilio_fake.received[0]["status_callback"] == ""


def test_it_keeps_one_connection_open_for_a_batch(twilio_fake):
    channel = get_channel("twilio")
    batch = [message(to=f"+161223450{n:02d}", key=f"b1:s{n}") for n in range(10)]
    results = channel.send_many(batch)
    assert [r.outcome for r in results] == [SENT] * 10
    assert [e["idempotency_key"] for e in twilio_fake.received] == [f"b1:s{n}" for n in range(10)]
    assert twilio_fake.connections == 1
    # A channel built later on the same thread reuses the same connection.
    assert get_channel("twilio").send(message(key="b2:s1")).outcome == SENT
    assert twilio_fake.connections == 1


def test_it_reconnects_when_the_gateway_dropped_the_kept_connection(twilio_fake):
    channel = get_channel("twilio")
    assert channel.send(message(key="k1")).outcome == SENT
    twilio_fake.down()
    twilio_fake.up()
    assert channel.send(message(key="k2")).outcome == SENT
    assert [e["idempotency_key"] for e in twilio_fake.received] == ["k1", "k2"]
    assert twilio_fake.connections == 2


def test_it_retries_after_a_429_when_twilio_says(twilio_fake):
    twilio_fake.fail(429, retry_after=7, times=1)
    result = get_channel("twilio").send(message())
    assert (result.outcome, result.reason, result.retry_after) == (RETRY, "http_429", 7.0)
    assert twilio_fake.received == []
    assert get_channel("twilio").send(message()).outcome == SENT


def test_it_reads_a_retry_after_date(twilio_fake):
    twilio_fake.fail(429, retry_after="Wed, 21 Oct 2015 07:28:00 GMT", times=1)
    result = get_channel("twilio").send(message())
    assert result.outcome == RETRY
    assert result.retry_after == 0.0  # a date in the past: try again now


@pytest.mark.parametrize("status", [500, 502, 503])
def test_it_retries_when_twilio_has_a_server_error(twilio_fake, status):
    twilio_fake.fail(status)
    result = get_channel("twilio").send(message())
    assert (result.outcome, result.reason) == (RETRY, f"http_{status}")


def test_it_retries_when_twilio_hangs(twilio_fake, settings):
    settings.PORCH_CHANNEL_TIMEOUT_SECONDS = 0.3
    twilio_fake.hang(times=1)
    result = get_channel("twilio").send(message())
    assert (result.outcome, result.reason) == (RETRY, "timeout")
    assert get_channel("twilio").send(message()).outcome == SENT


def test_it_retries_when_twilio_is_down(twilio_fake):
    twilio_fake.down()
    result = get_channel("twilio").send(message())
    assert (result.outcome, result.reason) == (RETRY, "connection_refused")


def test_it_fails_a_number_twilio_rejects(twilio_fake):
    twilio_fake.invalid_numbers.add(NUMBER)
    result = get_channel("twilio").send(message())
    assert (result.outcome, result.reason) == (FAILED, "invalid_number")


def test_it_fails_a_malformed_number_without_asking_twilio(twilio_fake):
    result = get_channel("twilio").send(message(to="612-234-5001"))
    assert (result.outcome, result.reason) == (FAILED, "invalid_number")
    assert twilio_fake.requests == []


def test_it_fails_a_recipient_who_texted_stop(twilio_fake):
    twilio_fake.unsubscribed.add(NUMBER)
    result = get_channel("twilio").send(message())
    assert (result.outcome, result.reason) == (FAILED, "unsubscribed")


def test_it_holds_the_queue_when_twilio_refuses_the_credentials(twilio_fake, settings):
    settings.PORCH_TWILIO_AUTH_TOKEN = "a-typo"
    result = get_channel("twilio").send(message())
    assert (result.outcome, result.reason) == (RETRY, "auth_failed")
    assert twilio_fake.received == []


def test_it_sends_through_an_organisations_own_account(twilio_fake, settings):
    other = TwilioFake(
        account_sid="AC" + "e" * 32, auth_token="org-token", from_number="+16125550177"
    )
    try:
        settings.PORCH_ORG_CHANNELS = {
            "ORGA234567": {
                "TWILIO_ACCOUNT_SID": other.account_sid,
                "TWILIO_AUTH_TOKEN": other.auth_token,
                "TWILIO_FROM": other.from_number,
                "SMS_SEGMENTS_PER_SECOND": 100,
            }
        }
        settings.PORCH_TWILIO_BASE_URL = other.url  # one gateway URL, two accounts
        channel = get_channel("twilio", organisation="orga234567")
        assert channel.segments_per_second == 100.0
        assert channel.send(message()).outcome == SENT
        assert other.received[0]["sender"] == "+16125550177"
        assert twilio_fake.received == []
    finally:
        other.stop()


# ---- webhooks -----------------------------------------------------------------
def test_it_reads_a_signed_inbound_text(twilio_fake):
    params = twilio_fake.inbound_params("+16122345002", "STOP")
    [inbound] = get_channel("twilio").parse_inbound(signed_post(twilio_fake, INBOUND, params))
    assert inbound.channel == "twilio"
    assert inbound.sender == "+16122345002"
    assert inbound.body == "STOP"
    assert inbound.provider_ref == params["MessageSid"]


def test_it_checks_the_signature_against_the_public_url(twilio_fake, settings):
    settings.PORCH_PUBLIC_URL = "https://porch.example.org"
    params = twilio_fake.inbound_params("+16122345002", "JOIN")
    request = RequestFactory().post(
        INBOUND,
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers={
            "X-Twilio-Signature": twilio_fake.sign("https://porch.example.org" + INBOUND, params)
        },
    )
    assert get_channel("twilio").parse_inbound(request)[0].body == "JOIN"
    with pytest.raises(BadSignature):
        get_channel("twilio").parse_inbound(signed_post(twilio_fake, INBOUND, params))


def test_it_refuses_an_unsigned_or_forged_inbound_text(twilio_fake):
    channel = get_channel("twilio")
    params = twilio_fake.inbound_params("+16122345002", "STOP")
    good = twilio_fake.sign("http://testserver" + INBOUND, params)
    with pytest.raises(BadSignature):
        channel.parse_inbound(signed_post(twilio_fake, INBOUND, params, signature=""))
    with pytest.raises(BadSignature):  # the body was changed after signing
        channel.parse_inbound(
            signed_post(twilio_fake, INBOUND, {**params, "Body": "JOIN"}, signature=good)
        )
    with pytest.raises(BadSignature):  # signed for another endpoint
        channel.parse_inbound(signed_post(twilio_fake, STATUS, params, signature=good))
    forger = TwilioFake(auth_token="not-our-token")
    try:
        with pytest.raises(BadSignature):
            channel.parse_inbound(signed_post(forger, INBOUND, params))
    finally:
        forger.stop()


def test_it_refuses_a_text_for_an_account_it_does_not_know(twilio_fake):
    params = {**twilio_fake.inbound_params("+16122345002", "STOP"), "AccountSid": "AC" + "1" * 32}
    with pytest.raises(BadSignature):
        get_channel("twilio").parse_inbound(signed_post(twilio_fake, INBOUND, params))


def test_it_verifies_texts_to_an_organisations_own_account(twilio_fake, settings):
    org = TwilioFake(account_sid="AC" + "e" * 32, auth_token="org-token")
    try:
        settings.PORCH_ORG_CHANNELS = {
            "ORGA234567": {
                "TWILIO_ACCOUNT_SID": org.account_sid,
                "TWILIO_AUTH_TOKEN": org.auth_token,
            }
        }
        params = org.inbound_params("+16122345002", "HELP")
        assert (
            get_channel("twilio").parse_inbound(signed_post(org, INBOUND, params))[0].body == "HELP"
        )
    finally:
        org.stop()


def test_it_reads_webhooks_when_only_an_organisation_has_an_account(twilio_fake, settings):
    settings.PORCH_TWILIO_AUTH_TOKEN = ""
    settings.PORCH_ORG_CHANNELS = {"ORGA234567": {"TWILIO_AUTH_TOKEN": twilio_fake.auth_token}}
    params = twilio_fake.inbound_params("+16122345002", "HELP")
    channel = get_channel("twilio", for_webhooks=True)
    assert channel.parse_inbound(signed_post(twilio_fake, INBOUND, params))[0].body == "HELP"


def test_it_rejects_a_signed_text_without_its_fields(twilio_fake):
    params = twilio_fake.inbound_params("+16122345002", "STOP")
    del params["Body"]
    with pytest.raises(MalformedInbound):
        get_channel("twilio").parse_inbound(signed_post(twilio_fake, INBOUND, params))
    params = twilio_fake.inbound_params("not a number", "STOP")
    with pytest.raises(MalformedInbound):
        get_channel("twilio").parse_inbound(signed_post(twilio_fake, INBOUND, params))


def test_it_replies_inline_with_escaped_twiml(twilio_fake):
    channel = get_channel("twilio")
    assert channel.replies_inline is True
    response = channel.inbound_reply("You are unsubscribed. Text JOIN <again> & stay safe.")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.decode() == (
        '<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
        "You are unsubscribed. Text JOIN &lt;again&gt; &amp; stay safe."
        "</Message></Response>"
    )
    assert channel.inbound_reply(None).content.decode().endswith("<Response/>")


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("delivered", "delivered"),
        ("read", "delivered"),
        ("undelivered", "failed"),
        ("failed", "failed"),
        ("sent", None),
        ("queued", None),
    ],
)
def test_it_reads_status_callbacks(twilio_fake, state, expected):
    params = twilio_fake.status_params("SM" + "1" * 32, state)
    got = get_channel("twilio").parse_status(signed_post(twilio_fake, STATUS, params))
    assert got == (None if expected is None else ("SM" + "1" * 32, expected))


def test_it_refuses_forged_or_empty_status_callbacks(twilio_fake):
    params = twilio_fake.status_params("SM" + "1" * 32, "delivered")
    with pytest.raises(BadSignature):
        get_channel("twilio").parse_status(signed_post(twilio_fake, STATUS, params, signature="x"))
    del params["MessageStatus"], params["SmsStatus"]
    with pytest.raises(MalformedInbound):
        get_channel("twilio").parse_status(signed_post(twilio_fake, STATUS, params))


def test_it_counts_pacing_in_segments(twilio_fake, settings):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 3
    settings.PORCH_SMS_DAILY_CAP = 2000
    channel = get_channel("twilio")
    assert (channel.segments_per_second, channel.daily_segment_cap) == (3.0, 2000)
    assert channel.mass_broadcast is True
    assert channel.cost(message(body="a" * 161)) == 2
    assert channel.cost(message(body="á" * 71)) == 2
