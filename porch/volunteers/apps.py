from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "porch.volunteers"
    label = "volunteers"
    verbose_name = "Volunteers"

    def ready(self) -> None:
        from porch.accounts.hooks import register_on_lock
        from porch.coalition import role_checks
        from porch.core import home
        from porch.volunteers import actions, recruitment, tasks  # noqa: F401  (periodic jobs)

        register_on_lock(actions.release_on_lock)
        register_on_lock(recruitment.forget_on_leave)
        home.register(recruitment.home_panel)
        # Coalition's grant refuses a role without its training or that the
        # person's risk answers withhold (coalition may not import volunteers).
        role_checks.register(recruitment.grant_refusals)
