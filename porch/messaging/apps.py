from datetime import timedelta

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "porch.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        from porch.core import periodic, worker
        from porch.messaging import actions, keywords, polling, sender
        from porch.vault.erasure import register_policy, register_shredder

        # The channels layer registers its settings checks.
        try:
            from porch.messaging.channels import checks  # noqa: F401
        except ModuleNotFoundError as exc:
            if exc.name != "porch.messaging.channels.checks":
                raise

        register_policy(
            "alert_audience",
            default=timedelta(days=7),
            description="Who an alert reached: until its all-clear + 7 days "
            "(30 days if it is never closed); counts stay.",
        )
        register_policy(
            "routine_audience",
            default=timedelta(days=7),
            description="Who a routine broadcast reached: 7 days; counts stay.",
        )
        register_policy(
            "stopped_subscriber",
            default=timedelta(days=30),
            description="A subscriber who texted STOP: their number, 30 days later.",
        )
        register_policy(
            "notification",
            default=timedelta(days=7),
            description="Sent or failed notifications to volunteers: 7 days.",
            purge=actions.prune_notifications,
        )
        register_shredder("audience", actions.shred_audience)
        keywords.register_built_ins()
        worker.register_hook(sender.worker_hook)
        polling.register()
        periodic.register("messaging.early_receipts", every=timedelta(minutes=1))(
            actions.match_early_receipts
        )
