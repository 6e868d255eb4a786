"""porch.urls plus the vault at "vault/" (the lead includes it in porch/urls.py)."""

from django.urls import include, path

from porch.urls import handler400, handler403, handler404, handler500
from porch.urls import urlpatterns as base

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

urlpatterns = [*base, path("vault/", include("porch.vault.urls"))]
