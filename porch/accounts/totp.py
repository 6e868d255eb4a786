"""TOTP (RFC 6238) for 2FA (R23): seeds, verification, enrolment QR codes.

django_otp.oath does the arithmetic; our own TOTPDevice holds the seed (the
vault encrypts it). A code is accepted once: the matched time step must be
greater than the device's `last_step`, and the step is claimed with a
conditional UPDATE so two requests racing with one code cannot both win.
"""

import base64
import os
import time
from urllib.parse import quote, urlencode

import segno
from django_otp.oath import TOTP

STEP_SECONDS = 30
DIGITS = 6
TOLERANCE = 1  # one step either side: clocks on phones drift


def new_seed() -> str:
    """A 160-bit secret in base32 (RFC 4648), without padding."""
    return base64.b32encode(os.urandom(20)).decode("ascii").rstrip("=")


def _key(seed: str) -> bytes:
    seed = seed.strip().replace(" ", "").upper()
    return base64.b32decode(seed + "=" * (-len(seed) % 8))


def current_code(seed: str, *, at: float | None = None) -> str:
    """The code an authenticator shows now (tests and the demo use this)."""
    totp = TOTP(_key(seed), step=STEP_SECONDS, digits=DIGITS)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{DIGITS}d}"


def matching_step(seed: str, code: str, *, after: int) -> int | None:
    """The time step `code` belongs to, if it is within the window and newer
    than `after`; otherwise None."""
    code = (code or "").strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = TOTP(_key(seed), step=STEP_SECONDS, digits=DIGITS)
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=TOLERANCE, min_t=after + 1):
        return None
    return totp.t()


def otpauth_uri(seed: str, handle: str, issuer: str = "Porch") -> str:
    label = quote(f"{issuer}:{handle}")
    query = urlencode({"secret": seed, "issuer": issuer, "digits": DIGITS, "period": STEP_SECONDS})
    return f"otpauth://totp/{label}?{query}"


def qr_data_uri(uri: str) -> str:
    """An SVG QR code as a data: URI (CSP allows img-src data:)."""
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)


def grouped(seed: str) -> str:
    """The secret in groups of four, easier to type by hand."""
    return " ".join(seed[i : i + 4] for i in range(0, len(seed), 4))
