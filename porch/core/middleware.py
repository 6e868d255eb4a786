"""Request-level hardening: body size cap (R39) and privacy headers (R37).

Nothing about the client (address, user agent) is read or kept here.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.PORCH_MAX_BODY_BYTES:
            return HttpResponse(
                _("That request is too large."),
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class PrivacyHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if not request.path.startswith(settings.STATIC_URL) and (
            content_type.startswith(
                ("text/html", "application/json", "application/pdf", "text/csv")
            )
            or response.status_code >= 300
        ):
            response["Cache-Control"] = "no-store"
        response.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
