from porch.messaging.channels.signal.channel import SignalChannel

__all__ = ["SignalChannel"]
