"""The registry, per-organisation accounts and the settings checks."""

import pytest

from porch.messaging.channels import (
    CHANNELS,
    ChannelNotConfigured,
    config_for,
    configured_kinds,
    default_kind_for,
    default_sms_kind,
    get_channel,
)
from porch.messaging.channels.checks import check_channel_settings


def ids(settings_messages):
    return sorted(message.id for message in settings_messages)


def test_it_knows_every_kind():
    assert set(CHANNELS) == {"console", "smtp", "twilio", "httpsms", "signal"}
    for kind, channel in CHANNELS.items():
        assert channel.kind == kind


def test_it_runs_with_no_configuration_at_all():
    assert default_sms_kind() == "console"
    assert default_kind_for("+16122345041") == "console"
    assert default_kind_for("dee@example.org") == "console"
    assert configured_kinds() == ["console"]
    assert get_channel("console").kind == "console"


def test_it_refuses_an_unknown_kind():
    with pytest.raises(ChannelNotConfigured) as raised:
        get_channel("carrier-pigeon")
    assert "carrier-pigeon" in raised.value.message


def test_it_explains_each_missing_credential(settings):
    settings.PORCH_TWILIO_ACCOUNT_SID = "AC" + "1" * 32
    with pytest.raises(ChannelNotConfigured) as raised:
        get_channel("twilio")
    assert "PORCH_TWILIO_AUTH_TOKEN is empty" in raised.value.message
    assert "PORCH_TWILIO_FROM is empty" in raised.value.message
    assert "PORCH_TWILIO_ACCOUNT_SID" not in raised.value.message


def test_it_reads_the_settings_at_every_call(settings, twilio_fake):
    assert get_channel("twilio").config["TWILIO_FROM"] == twilio_fake.from_number
    settings.PORCH_TWILIO_FROM = "+16125550155"
    assert get_channel("twilio").config["TWILIO_FROM"] == "+16125550155"
    assert default_sms_kind() == "twilio"
    assert "twilio" in configured_kinds()
    settings.PORCH_EMAIL_CHANNEL = "smtp"
    assert default_kind_for("dee@example.org") == "smtp"


def test_it_lets_an_organisation_choose_its_own_sms_channel(settings):
    settings.PORCH_ORG_CHANNELS = {
        "ORGB234567": {
            "SMS_CHANNEL": "httpsms",
            "HTTPSMS_API_KEY": "k",
            "HTTPSMS_FROM": "+16125550166",
        }
    }

    class Organisation:
        code = "orgb234567"

    assert default_sms_kind(organisation=Organisation()) == "httpsms"
    assert default_sms_kind() == "console"
    assert "httpsms" in configured_kinds(organisation=Organisation())
    assert "httpsms" not in configured_kinds()
    assert config_for(Organisation())["HTTPSMS_FROM"] == "+16125550166"
    with pytest.raises(ChannelNotConfigured):
        get_channel("httpsms")
    assert get_channel("httpsms", organisation=Organisation()).config["HTTPSMS_API_KEY"] == "k"


def test_it_reports_an_unusable_gateway_address(settings):
    settings.PORCH_SIGNAL_URL = "signal-api:8080"
    settings.PORCH_SIGNAL_NUMBER = "+16125550122"
    with pytest.raises(ChannelNotConfigured):
        get_channel("signal")


def test_it_collects_organisation_variables_from_the_environment(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from porch import settings as porch_settings

    monkeypatch.setenv("PORCH_ORG_7KQ2M9XHTR_TWILIO_FROM", "+16125550188")
    monkeypatch.setenv("PORCH_ORG_7KQ2M9XHTR_SMS_DAILY_CAP", "2000")
    monkeypatch.setenv("PORCH_ORG_7KQ2M9XHTR_UNRELATED", "ignored")
    assert porch_settings._org_channels() == {
        "7KQ2M9XHTR": {"TWILIO_FROM": "+16125550188", "SMS_DAILY_CAP": 2000}
    }
    monkeypatch.setenv("PORCH_ORG_7KQ2M9XHTR_SMS_CHANNEL", "fax")
    with pytest.raises(ImproperlyConfigured):
        porch_settings._org_channels()


# ---- system checks ------------------------------------------------------------
def test_it_is_quiet_when_nothing_is_chosen():
    assert check_channel_settings(None) == []


def test_it_explains_what_a_chosen_channel_lacks(settings):
    settings.PORCH_SMS_CHANNEL = "twilio"
    settings.PORCH_EMAIL_CHANNEL = "smtp"
    found = check_channel_settings(None)
    assert ids(found) == sorted(["porch.messaging.E001"] * 5 + ["porch.messaging.W003"])
    texts = " ".join(message.msg for message in found)
    for variable in (
        "PORCH_TWILIO_ACCOUNT_SID",
        "PORCH_TWILIO_AUTH_TOKEN",
        "PORCH_TWILIO_FROM",
        "PORCH_SMTP_HOST",
        "PORCH_EMAIL_FROM",
    ):
        assert variable in texts


def test_it_checks_numbers_and_addresses(settings):
    settings.PORCH_SMS_CHANNEL = "httpsms"
    settings.PORCH_HTTPSMS_API_KEY = "k"
    settings.PORCH_HTTPSMS_FROM = "612-555-0166"
    settings.PORCH_HTTPSMS_BASE_URL = "gateway.local"
    settings.PORCH_PUBLIC_URL = "https://porch.example.org"
    found = check_channel_settings(None)
    assert ids(found) == ["porch.messaging.E002", "porch.messaging.E003", "porch.messaging.W002"]


def test_it_warns_about_plain_http_to_another_machine_in_production(settings):
    settings.PRODUCTION = True
    settings.PORCH_SIGNAL_URL = "http://10.0.0.5:8080"
    settings.PORCH_SIGNAL_NUMBER = "+16125550122"
    found = check_channel_settings(None)
    assert "porch.messaging.W001" in ids(found)
    assert "porch.messaging.W004" in ids(found)  # and texts would only be printed
    settings.PORCH_SIGNAL_URL = "http://127.0.0.1:8080"
    assert "porch.messaging.W001" not in ids(check_channel_settings(None))


def test_it_names_the_organisation_whose_account_is_incomplete(settings, twilio_fake):
    settings.PORCH_ORG_CHANNELS = {"ORGA234567": {"TWILIO_FROM": "+1 612"}}
    [message] = check_channel_settings(None)
    assert message.id == "porch.messaging.E004"
    assert "ORGA234567" in message.msg


def test_it_is_registered_as_a_django_system_check():
    from django.core.checks.registry import registry

    assert check_channel_settings in registry.get_checks()
