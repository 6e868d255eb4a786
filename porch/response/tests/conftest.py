from porch.messaging.tests.conftest import twilio_fake  # noqa: F401 - the loopback SMS gateway
