from porch.messaging.channels.httpsms.channel import HttpSmsChannel

__all__ = ["HttpSmsChannel"]
