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

from porch.accounts.middleware import VERIFIED_KEY


def is_fresh(request) -> bool:
    stamp = request.session.get(VERIFIED_KEY)
    return bool(stamp) and time.time() - stamp <= settings.PORCH_STEP_UP_SECONDS


def mark_verified(request) -> None:
    request.session[VERIFIED_KEY] = int(time.time())


def require_step_up(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_fresh(request):
            url = reverse("accounts:step-up") + "?" + urlencode({"next": request.get_full_path()})
            return redirect(url)
        return view(request, *args, **kwargs)

    return wrapper
