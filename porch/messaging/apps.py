from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "porch.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        # The channels layer registers its settings checks; it is built
        # alongside the outbox and may not exist yet in every checkout.
        try:
            from porch.messaging.channels import checks  # noqa: F401
        except ImportError:
            pass
