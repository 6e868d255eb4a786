from django.urls import path

from porch.core import health

app_name = "core"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
]
