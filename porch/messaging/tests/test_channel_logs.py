"""No channel writes a message's text or a phone number to the logs (R40)."""

import logging
import re
from urllib.parse import urlencode

import pytest
from django.test import RequestFactory

from porch.messaging.channels import Outgoing, get_channel

BODY = "CANARY-7731 Ana Delgado, 4412 Cedar Ave"
NUMBER = "+16122345099"
EMAIL = "canary.person@example.org"


def _assert_clean(caplog, capsys=None):
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    for needle in (
        BODY,
        "CANARY",
        "Cedar",
        NUMBER,
        "6122345099",
        "2345099",
        EMAIL,
        "canary.person",
    ):
        assert needle not in text, f"{needle!r} reached the logs"
    assert not re.search(r"\d{7,}", caplog.text.replace("2026", "")), caplog.text


@pytest.fixture
def everything(caplog):
    # Another test may have re-run the logging configuration, whose
    # disable_existing_loggers switches off loggers that already existed.
    channel_logger = logging.getLogger("porch.messaging.channels")
    was = channel_logger.disabled, channel_logger.propagate
    channel_logger.disabled, channel_logger.propagate = False, True
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="porch.messaging.channels")
    yield caplog
    channel_logger.disabled, channel_logger.propagate = was


def test_it_logs_no_text_or_number_from_twilio(everything, twilio_fake, settings):
    channel = get_channel("twilio")
    channel.send(Outgoing(NUMBER, BODY, "k1"))
    twilio_fake.invalid_numbers.add(NUMBER)  # Twilio's error quotes the number back
    channel.send(Outgoing(NUMBER, BODY, "k2"))
    twilio_fake.fail(429, retry_after=3, times=1)
    channel.send(Outgoing(NUMBER, BODY, "k3"))
    settings.PORCH_CHANNEL_TIMEOUT_SECONDS = 0.2
    twilio_fake.hang(times=1)
    get_channel("twilio").send(Outgoing(NUMBER, BODY, "k4"))
    params = twilio_fake.inbound_params(NUMBER, BODY)
    request = RequestFactory().post(
        "/messaging/inbound/twilio/",
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": "forged"},
    )
    with pytest.raises(Exception):
        channel.parse_inbound(request)
    assert any("channel_send kind=twilio" in r.getMessage() for r in everything.records)
    _assert_clean(everything)


def test_it_logs_no_text_or_number_from_httpsms(everything, httpsms_fake):
    channel = get_channel("httpsms")
    channel.send(Outgoing(NUMBER, BODY, "k1"))
    httpsms_fake.invalid_numbers.add(NUMBER)
    channel.send(Outgoing(NUMBER, BODY, "k2"))
    httpsms_fake.down()
    channel.send(Outgoing(NUMBER, BODY, "k3"))
    _assert_clean(everything)


def test_it_logs_no_text_or_number_from_signal(everything, signal_fake):
    channel = get_channel("signal")
    channel.send(Outgoing(NUMBER, BODY, "k1"))
    signal_fake.unregistered.add(NUMBER)  # signal-cli's error quotes the number
    channel.send(Outgoing(NUMBER, BODY, "k2"))
    signal_fake.incoming(NUMBER, BODY)
    assert channel.receive()[0].body == BODY
    signal_fake.down()
    channel.receive()
    _assert_clean(everything)


def test_it_logs_no_text_or_address_from_smtp(everything, smtp_fake):
    channel = get_channel("smtp")
    channel.send(Outgoing(EMAIL, BODY, "k1"))
    smtp_fake.reject(EMAIL)
    channel.send(Outgoing(EMAIL, BODY, "k2"))
    smtp_fake.down()
    channel.send(Outgoing(EMAIL, BODY, "k3"))
    assert len(smtp_fake.received) == 1
    _assert_clean(everything)


def test_it_logs_nothing_personal_from_the_console(everything, capsys):
    get_channel("console").send(Outgoing(NUMBER, BODY, "k1"))
    assert BODY in capsys.readouterr().out  # printed (development), not logged
    _assert_clean(everything)
