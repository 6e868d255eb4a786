"""The one JWT shape httpSMS signs its webhooks with: HS256, checked strictly.

httpSMS sends `Authorization: Bearer <JWT>`, signed with HMAC-SHA256 under
the webhook's signing key, with the claims aud (the webhook URL), iss, sub,
iat, exp (+10 min) and nbf (-10 min). Only HS256 is accepted, so a token
that names "none" or an asymmetric algorithm is refused outright.
"""

import base64
import hashlib
import hmac
import json
import time

LEEWAY_SECONDS = 60


class InvalidToken(Exception):
    pass


def _b64decode(segment: str) -> bytes:
    padded = segment + "=" * (-len(segment) % 4)
    try:
        return base64.urlsafe_b64decode(padded.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise InvalidToken("not base64url") from None


def verify_hs256(token: str, key: str, *, now: float | None = None) -> dict:
    """The token's claims, if it is an unexpired HS256 JWT signed with key."""
    if not key:
        raise InvalidToken("no signing key")
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken("not a JWT")
    try:
        header = json.loads(_b64decode(parts[0]))
        claims = json.loads(_b64decode(parts[1]))
    except ValueError:
        raise InvalidToken("not JSON") from None
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise InvalidToken("only HS256 is accepted")
    expected = hmac.new(
        key.encode("utf-8"), f"{parts[0]}.{parts[1]}".encode("ascii"), hashlib.sha256
    ).digest()
    if not hmac.compare_digest(expected, _b64decode(parts[2])):
        raise InvalidToken("signature does not match")
    if not isinstance(claims, dict):
        raise InvalidToken("claims are not an object")
    moment = time.time() if now is None else now
    if "exp" not in claims:
        raise InvalidToken("a token must expire")
    try:
        if moment > float(claims["exp"]) + LEEWAY_SECONDS:
            raise InvalidToken("expired")
        if "nbf" in claims and moment < float(claims["nbf"]) - LEEWAY_SECONDS:
            raise InvalidToken("not yet valid")
    except (TypeError, ValueError):
        raise InvalidToken("bad time claims") from None
    return claims
