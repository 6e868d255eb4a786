from django.apps import AppConfig


class ResponseConfig(AppConfig):
    name = "porch.response"
    label = "response"
    verbose_name = "Rapid response"

    def ready(self) -> None:
        from porch.response import wiring

        wiring.connect()
