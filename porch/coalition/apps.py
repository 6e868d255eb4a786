from django.apps import AppConfig


class CoalitionConfig(AppConfig):
    name = "porch.coalition"
    label = "coalition"
    verbose_name = "Coalition"
