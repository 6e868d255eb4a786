"""The console channel: the default, which prints instead of sending."""

import pytest
from django.test import RequestFactory

from porch.messaging.channels import SENT, BadSignature, MalformedInbound, Outgoing, get_channel
from porch.messaging.channels.console import ConsoleChannel


@pytest.fixture(autouse=True)
def _empty_outbox():
    ConsoleChannel.outbox.clear()
    yield
    ConsoleChannel.outbox.clear()


def test_it_prints_one_masked_line_per_message(capsys):
    results = get_channel("console").send_many(
        [
            Outgoing(
                to="+16122345031", body="Alert: stay inside.\nMore soon.", idempotency_key="a"
            ),
            Outgoing(to="+16122345032", body="Todo despejado.", idempotency_key="b"),
        ]
    )
    assert [r.outcome for r in results] == [SENT, SENT]
    assert results[0].provider_ref.startswith("console-")
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "[porch console] to ••••31 (1 segment(s)): Alert: stay inside. ⏎ More soon.",
        "[porch console] to ••••32 (1 segment(s)): Todo despejado.",
    ]
    assert "6122345031" not in "".join(lines)
    assert [m.idempotency_key for m in ConsoleChannel.outbox] == ["a", "b"]


def test_it_withholds_the_text_in_production(capsys, settings):
    settings.PORCH_ENV = "production"
    get_channel("console").send(
        Outgoing(to="+16122345031", body="secret words", idempotency_key="a")
    )
    out = capsys.readouterr().out
    assert out == "[porch console] to ••••31 (1 segment(s)), text withheld\n"
    assert ConsoleChannel.outbox == []


def test_it_masks_everything_but_two_characters_of_any_address():
    assert repr(Outgoing(to="+16122345031", body="hello", idempotency_key="k")) == (
        "Outgoing(to='••••31', body=<5 characters>, idempotency_key='k')"
    )


def test_it_takes_a_stand_in_text_in_development_only(settings):
    request = RequestFactory().post(
        "/messaging/inbound/console/", {"From": "+16122345031", "Body": "STOP"}
    )
    [inbound] = get_channel("console").parse_inbound(request)
    assert (inbound.channel, inbound.sender, inbound.body) == ("console", "+16122345031", "STOP")
    assert "6122345031" not in repr(inbound)
    with pytest.raises(MalformedInbound):
        get_channel("console").parse_inbound(
            RequestFactory().post("/messaging/inbound/console/", {"Body": "STOP"})
        )
    settings.PORCH_ENV = "production"
    with pytest.raises(BadSignature):
        get_channel("console").parse_inbound(request)


def test_it_paces_nothing():
    channel = get_channel("console")
    assert (channel.segments_per_second, channel.daily_segment_cap) == (0.0, 0)
    assert channel.cost(Outgoing(to="+16122345031", body="a" * 200, idempotency_key="k")) == 2
