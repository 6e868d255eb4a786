from django.urls import include, path

urlpatterns = [
    path("", include("porch.core.urls")),
    path("", include("porch.accounts.urls")),
    path("coalition/", include("porch.coalition.urls")),
    path("vault/", include("porch.vault.urls")),
    path("messaging/", include("porch.messaging.urls")),
    path("volunteers/", include("porch.volunteers.urls")),
    path("campaigns/", include("porch.campaigns.urls")),
    path("aid/", include("porch.aid.urls")),
    path("response/", include("porch.response.urls")),
    path("public/", include("porch.campaigns.public_urls")),
    path("api/v1/", include("porch.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler404 = "porch.core.views.not_found"
handler500 = "porch.core.views.server_error"
handler403 = "porch.core.views.forbidden"
handler400 = "porch.core.views.bad_request"
