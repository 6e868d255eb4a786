"""Session policy (R27): kill sessions on generation bump, idle timeout
(30 min or less for privileged roles), last-activity date overwritten (R3),
and 2FA enrolment/verification before anything else for roles that need it.

The session holds only Django's auth keys and small integers — nothing
personal (THREAT_MODEL fact 6, R7).
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

GENERATION_KEY = "porch_gen"
SEEN_KEY = "porch_seen"
VERIFIED_KEY = "porch_2fa_at"

# The last-seen time is rewritten at most once a minute: rewriting it on every
# request made every page view a database write (and, on SQLite, an fsync
# under the one write lock), the largest cost of a page under load. A timeout
# therefore falls between `idle - 1 min` and `idle` after the last request:
# never later than the limit.
SEEN_STEP_SECONDS = 60

# Paths a signed-in person may reach before finishing 2FA.
_OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/")
_API_PREFIX = "/api/"


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._enforce(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _enforce(self, request, user):
        session = request.session
        now = int(time.time())
        if session.get(GENERATION_KEY) != user.session_generation:
            logout(request)
            return redirect(reverse(settings.LOGIN_URL))
        privileged = user.needs_two_factor()
        idle = settings.PORCH_PRIVILEGED_IDLE_MINUTES if privileged else settings.PORCH_IDLE_MINUTES
        seen = session.get(SEEN_KEY, now)
        if now - seen > idle * 60:
            logout(request)
            return redirect(reverse(settings.LOGIN_URL) + "?timeout=1")
        if SEEN_KEY not in session or now - seen >= SEEN_STEP_SECONDS:
            session[SEEN_KEY] = now
        today = timezone.localdate()
        if user.last_active_on != today:
            get_user_model().objects.filter(pk=user.pk).update(last_active_on=today)
            user.last_active_on = today
        if (
            not session.get(VERIFIED_KEY)
            and not request.path.startswith(_OPEN_PREFIXES)
            # Volunteers who chose to enrol a phone are asked for it as well.
            and (privileged or user.has_two_factor())
        ):
            allowed = {
                reverse("accounts:two-factor"),
                reverse("accounts:two-factor-setup"),
                reverse("accounts:logout"),
            }
            if request.path.startswith(_API_PREFIX):
                # A password alone must not open the API through the session.
                return JsonResponse({"detail": _("Finish two-factor sign-in first.")}, status=401)
            if request.path not in allowed:
                name = (
                    "accounts:two-factor" if user.has_two_factor() else "accounts:two-factor-setup"
                )
                url = reverse(name)
                if request.method == "GET":
                    url += "?" + urlencode({"next": request.get_full_path()})
                return redirect(url)
        return None
