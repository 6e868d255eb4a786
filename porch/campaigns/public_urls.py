"""The public site: no account needed, nothing stored about visitors."""

from django.urls import path

from porch.campaigns import views

app_name = "public"

urlpatterns = [
    path("", views.public_landing, name="landing"),
    path("orgs/<str:code>/", views.public_organisation, name="organisation"),
    path("campaigns/<str:code>/", views.public_campaign, name="campaign"),
    path("campaigns/<str:code>/pledge/", views.public_pledge, name="pledge"),
    path("campaigns/<str:code>/thanks/", views.public_thanks, name="thanks"),
    path(
        "campaigns/<str:code>/poster/<str:language>.pdf",
        views.public_poster_pdf,
        name="poster",
    ),
    path("resources/", views.public_resources, name="resources"),
    path("resources/<str:slug>/<str:language>.pdf", views.public_resource_pdf, name="resource"),
]
