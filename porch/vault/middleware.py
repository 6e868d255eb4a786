"""Without keys, sensitive pages answer 503 and nothing is written (R51).

A view that touches the vault raises KeysUnavailable from inside its
transaction, so the transaction rolls back; this middleware turns the
exception into a plain 503 page instead of a server error.
"""

import logging

from django.shortcuts import render

from porch.vault.crypto import KeysUnavailable

logger = logging.getLogger("porch.vault")


class KeysUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, KeysUnavailable):
            logger.error("vault keys unavailable")
            response = render(request, "vault/keys_unavailable.html", status=503)
            response["Retry-After"] = "300"
            return response
        return None
