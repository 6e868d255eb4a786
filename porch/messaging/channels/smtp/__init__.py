from porch.messaging.channels.smtp.channel import SmtpChannel

__all__ = ["SmtpChannel"]
