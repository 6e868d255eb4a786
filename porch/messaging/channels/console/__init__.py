from porch.messaging.channels.console.channel import ConsoleChannel

__all__ = ["ConsoleChannel"]
