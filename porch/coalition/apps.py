from django.apps import AppConfig


class CoalitionConfig(AppConfig):
    name = "porch.coalition"
    label = "coalition"
    verbose_name = "Coalition"

    def ready(self) -> None:
        from porch.accounts import approvals
        from porch.coalition import actions
        from porch.coalition.home import manager_panel, pages_panel
        from porch.core import home

        approvals.register(
            actions.GRANT_ROLE, run=actions.run_grant, approvers=actions.grant_approvers
        )
        for panel in (pages_panel, manager_panel):
            if panel not in home.PANELS:
                home.register(panel)
