"""Loopback provider fakes, each wired into the settings (messaging-contract.md).

Each fixture starts a real server on 127.0.0.1, points the matching
PORCH_* settings at it (so `get_channel(kind)` talks to it), yields the fake
(`.url`, `.received` — dicts with at least to, body, idempotency_key — and
its switches) and stops it afterwards. PORCH_PUBLIC_URL becomes
http://testserver, the host of Django's test client, so webhook signatures
computed by a fake match what the channel checks.
"""

import pytest

from porch.messaging.channels import http
from porch.messaging.tests.fakes import HttpSmsFake, SignalFake, SmtpFake, TwilioFake

PUBLIC_URL = "http://testserver"
TIMEOUT_SECONDS = 2.0


@pytest.fixture
def twilio_fake(settings):
    fake = TwilioFake()
    settings.PORCH_SMS_CHANNEL = "twilio"
    settings.PORCH_TWILIO_ACCOUNT_SID = fake.account_sid
    settings.PORCH_TWILIO_AUTH_TOKEN = fake.auth_token
    settings.PORCH_TWILIO_FROM = fake.from_number
    settings.PORCH_TWILIO_BASE_URL = fake.url
    settings.PORCH_PUBLIC_URL = PUBLIC_URL
    settings.PORCH_CHANNEL_TIMEOUT_SECONDS = TIMEOUT_SECONDS
    yield fake
    fake.stop()
    http.close_all()


@pytest.fixture
def httpsms_fake(settings):
    fake = HttpSmsFake()
    settings.PORCH_SMS_CHANNEL = "httpsms"
    settings.PORCH_HTTPSMS_API_KEY = fake.api_key
    settings.PORCH_HTTPSMS_FROM = fake.owner
    settings.PORCH_HTTPSMS_BASE_URL = fake.url
    settings.PORCH_HTTPSMS_WEBHOOK_SIGNING_KEY = fake.signing_key
    settings.PORCH_PUBLIC_URL = PUBLIC_URL
    settings.PORCH_CHANNEL_TIMEOUT_SECONDS = TIMEOUT_SECONDS
    yield fake
    fake.stop()
    http.close_all()


@pytest.fixture
def signal_fake(settings):
    fake = SignalFake()
    settings.PORCH_SIGNAL_URL = fake.url
    settings.PORCH_SIGNAL_NUMBER = fake.number
    settings.PORCH_SIGNAL_WEBHOOK_TOKEN = fake.webhook_token
    settings.PORCH_PUBLIC_URL = PUBLIC_URL
    settings.PORCH_CHANNEL_TIMEOUT_SECONDS = TIMEOUT_SECONDS
    yield fake
    fake.stop()
    http.close_all()


@pytest.fixture
def smtp_fake(settings):
    fake = SmtpFake()
    settings.PORCH_EMAIL_CHANNEL = "smtp"
    settings.PORCH_SMTP_HOST = "127.0.0.1"
    settings.PORCH_SMTP_PORT = fake.port
    settings.PORCH_SMTP_SECURITY = "none"
    settings.PORCH_SMTP_USER = ""
    settings.PORCH_SMTP_PASSWORD = ""
    settings.PORCH_EMAIL_FROM = "alerts@porch.test"
    settings.PORCH_CHANNEL_TIMEOUT_SECONDS = TIMEOUT_SECONDS
    yield fake
    fake.stop()
