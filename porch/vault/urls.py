from django.urls import path

from porch.vault import views

app_name = "vault"

urlpatterns = [
    path("panic/", views.panic, name="panic"),
    path("panic/request/", views.panic_request, name="panic-request"),
    path("panic/<str:code>/decide/", views.panic_decide, name="panic-decide"),
]
