import sys

from django.shortcuts import render

from porch.core.unavailable import outage_kind, unavailable_response


def not_found(request, exception=None):
    return render(request, "core/error.html", {"status": 404}, status=404)


def forbidden(request, exception=None):
    return render(request, "core/error.html", {"status": 403}, status=403)


def bad_request(request, exception=None):
    # A session that could not be saved (SessionInterrupted) because the
    # database is down or full is an outage, not a bad request.
    kind = outage_kind(exception)
    if kind is not None:
        return unavailable_response(request, kind)
    return render(request, "core/error.html", {"status": 400}, status=400)


def server_error(request):
    # Django calls this inside its `except`: the error is still in flight.
    kind = outage_kind(sys.exc_info()[1])
    if kind is not None:
        return unavailable_response(request, kind)
    return render(request, "core/error.html", {"status": 500}, status=500)
