"""X-Twilio-Signature, as Twilio documents it ("Validating requests").

The signed string is the full URL Twilio requested (scheme, host, any port,
path and query string exactly as configured) followed by every POST
parameter, sorted by name, each as name then value with no delimiters. The
signature is base64(HMAC-SHA1(auth token, that string)).
"""

import base64
import hashlib
import hmac
from urllib.parse import urlsplit, urlunsplit


def signed_string(url: str, params) -> str:
    """params: a dict of str → str, or a QueryDict / dict of lists."""
    pieces = [url]
    for name in sorted(params.keys()):
        values = params.getlist(name) if hasattr(params, "getlist") else params[name]
        if isinstance(values, str):
            values = [values]
        for value in sorted(values):
            pieces.append(name + value)
    return "".join(pieces)


def expected_signature(auth_token: str, url: str, params) -> str:
    digest = hmac.new(
        auth_token.encode("utf-8"), signed_string(url, params).encode("utf-8"), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def _url_variants(url: str) -> list[str]:
    # Twilio's own helpers accept the URL with and without the default port,
    # because proxies add or drop it.
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    variants = [url]
    if parts.hostname and default:
        host = parts.hostname
        if parts.port is None:
            variants.append(urlunsplit(parts._replace(netloc=f"{host}:{default}")))
        elif parts.port == default:
            variants.append(urlunsplit(parts._replace(netloc=host)))
    return variants


def is_valid_signature(auth_token: str, url: str, params, signature: str) -> bool:
    if not auth_token or not signature:
        return False
    given = signature.encode("ascii", "replace")
    return any(
        hmac.compare_digest(expected_signature(auth_token, candidate, params).encode(), given)
        for candidate in _url_variants(url)
    )
