from porch.messaging.channels.twilio.channel import TwilioChannel
from porch.messaging.channels.twilio.signature import expected_signature, is_valid_signature

__all__ = ["TwilioChannel", "expected_signature", "is_valid_signature"]
