"""Request-level hardening: body size cap (R39) and privacy headers (R37).

Nothing about the client (address, user agent) is read or kept here.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _


def accepts_uploads(view):
    """Mark a view that streams a file upload through its own handler (never
    to disk in plaintext): its requests may carry up to PORCH_MAX_UPLOAD_BYTES
    instead of PORCH_MAX_BODY_BYTES. Its form fields stay capped by
    DATA_UPLOAD_MAX_MEMORY_SIZE, and the view caps each file itself."""
    view.porch_accepts_uploads = True
    return view


def _too_large(request):
    message = _("That request is too large.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class RequestBodyLimitMiddleware:
    """R39: a body over PORCH_MAX_BODY_BYTES is refused before anything reads
    it — for a view marked with accepts_uploads, one over
    PORCH_MAX_UPLOAD_BYTES. process_view runs before CSRF's (this middleware
    comes first), so the body is still unread when the view is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max(settings.PORCH_MAX_BODY_BYTES, settings.PORCH_MAX_UPLOAD_BYTES):
            return _too_large(request)
        request.porch_body_length = length
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "porch_accepts_uploads", False):
            cap = settings.PORCH_MAX_UPLOAD_BYTES
        else:
            cap = settings.PORCH_MAX_BODY_BYTES
        return _too_large(request) if getattr(request, "porch_body_length", 0) > cap else None


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
