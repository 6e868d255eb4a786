from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "porch.volunteers"
    label = "volunteers"
    verbose_name = "Volunteers"

    def ready(self) -> None:
        from porch.accounts.hooks import register_on_lock
        from porch.volunteers import actions, tasks  # noqa: F401  (registers periodic jobs)

        register_on_lock(actions.release_on_lock)
