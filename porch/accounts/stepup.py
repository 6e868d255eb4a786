"""Step-up authentication (R28): a fresh TOTP code, at most 5 minutes old,
before bulk reveal, export, role change or panic.

    @require_step_up
    def grant_role(request, code): ...

A view so wrapped redirects to `accounts:step-up?next=<path>` until the
person has entered a code within PORCH_STEP_UP_SECONDS; the step-up page
stamps the session (VERIFIED_KEY) and sends them back.
"""

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from porch.accounts.middleware import VERIFIED_KEY


def is_fresh(request) -> bool:
    stamp = request.session.get(VERIFIED_KEY)
    return bool(stamp) and time.time() - stamp <= settings.PORCH_STEP_UP_SECONDS


def mark_verified(request) -> None:
    request.session[VERIFIED_KEY] = int(time.time())


def return_path(request) -> str:
    """Where to go after stepping up. A POST cannot be replayed by a redirect,
    so a form may name a safe page to come back to in its `next` field."""
    if request.method not in ("GET", "HEAD"):
        candidate = request.POST.get("next", "")
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return request.get_full_path()


def require_step_up(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_fresh(request):
            url = reverse("accounts:step-up") + "?" + urlencode({"next": return_path(request)})
            return redirect(url)
        return view(request, *args, **kwargs)

    return wrapper
