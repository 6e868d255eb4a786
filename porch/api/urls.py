from django.urls import path

from porch.api.v1 import api

urlpatterns = [path("", api.urls)]
