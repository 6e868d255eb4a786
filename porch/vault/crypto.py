"""Envelope encryption: AES-256-GCM on `cryptography`, nothing else.

Design note. Every critical value is sealed with the data key of its
*subject* (a household, a report, a volunteer profile ...). A data key is
random, lives in the database only wrapped by the current *epoch key*, and
dies with its subject. Epoch keys live outside the database (porch.vault.keys).

Formats (version byte first, then a fresh random 96-bit nonce, then the
AES-GCM ciphertext and its tag). No timestamp or other metadata in clear:

    sealed value:     0x01 | nonce(12) | ct+tag   AAD = "v1|model|field|record|subject|key version"
    wrapped data key: 0x01 | nonce(12) | ct+tag   AAD = "v1|wrap|subject|epoch"

The AAD binds each ciphertext to its place, so a value swapped between
records, fields or subjects, or tampered with, fails to open.
"""

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = 1
_V = bytes([VERSION])
NONCE_BYTES = 12
KEY_BYTES = 32
OVERHEAD = 1 + NONCE_BYTES + 16


class VaultError(Exception):
    """Base class for vault failures."""


class DecryptionFailed(VaultError):
    """The ciphertext is not for this place, was altered, or the key is wrong."""


class KeysUnavailable(VaultError):
    """The key source cannot be read: sensitive work stops (R51)."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def value_aad(model: str, field: str, record: str, subject: str, key_version: int) -> bytes:
    return f"v{VERSION}|{model}|{field}|{record}|{subject}|{key_version}".encode()


def wrap_aad(subject: str, epoch: int) -> bytes:
    return f"v{VERSION}|wrap|{subject}|{epoch}".encode()


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return _V + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    sealed = bytes(sealed)
    if len(sealed) < OVERHEAD or sealed[:1] != _V:
        raise DecryptionFailed("unknown ciphertext format")
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, aad)
    except InvalidTag:
        raise DecryptionFailed("ciphertext does not open here") from None


def wrap_key(epoch_key: bytes, data_key: bytes, *, subject: str, epoch: int) -> bytes:
    return seal(epoch_key, data_key, wrap_aad(subject, epoch))


def unwrap_key(epoch_key: bytes, wrapped: bytes, *, subject: str, epoch: int) -> bytes:
    return open_sealed(epoch_key, wrapped, wrap_aad(subject, epoch))
