"""The page a stop's QR code opens (run sheet, W5): one stop, its address and
the two confirmation forms — only while access.address_visible says so (R31),
exactly like the run page; 404 otherwise. The URL carries the stop's random
code, never an address or anything about the household."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from porch.aid import access
from porch.aid.forms import DeliverForm, FailForm


@require_GET
@login_required
@never_cache
def stop_confirm(request, stop):
    found = access.get_addressed_stop(request.user, stop)
    context = {
        "run": found.run,
        "stop": found,
        "address": found.request.address,
        "callback_number": found.request.callback_number,
        "deliver_form": DeliverForm(),
        "fail_form": FailForm(),
    }
    return render(request, "aid/stop.html", context)
