from datetime import timedelta

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "porch.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        from porch.campaigns import actions, metrics
        from porch.vault import erasure

        metrics.register_builtin()
        # Contacts for updates go when the campaign ends (its last day), at once
        # when an organiser ends it early; configurable downward only (to zero).
        erasure.register_policy(
            actions.CONTACT_KIND,
            default=timedelta(0),
            description="Pledge contacts for campaign updates: at the end of the campaign.",
            purge=actions.purge_ended_contacts,
        )
        erasure.register_shredder(actions.CONTACT_KIND, actions.forget_contact)
