from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "porch.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from porch.core import checks, pdf, tasks  # noqa: F401  (registers checks and periodic jobs)
