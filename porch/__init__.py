"""Porch: coordination for community mutual-aid and rapid-response networks."""

__version__ = "0.1.0"
