from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "porch.api"
    label = "api"
    verbose_name = "API"
