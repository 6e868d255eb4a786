"""Real loopback servers that speak each provider's documented wire format."""

from porch.messaging.tests.fakes.httpsms import HttpSmsFake
from porch.messaging.tests.fakes.signal import SignalFake
from porch.messaging.tests.fakes.smtp import SmtpFake
from porch.messaging.tests.fakes.twilio import TwilioFake

__all__ = ["HttpSmsFake", "SignalFake", "SmtpFake", "TwilioFake"]
