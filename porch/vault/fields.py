"""Encrypted model fields bound to a vault subject (R1, R10).

    class Household(models.Model):
        subject = models.OneToOneField("vault.Subject", on_delete=models.CASCADE)
        address = EncryptedTextField(subject_field="subject")
        point = EncryptedCoordinatesField(subject_field="subject")

The column holds only ciphertext (see porch.vault.crypto). Plaintext exists
in memory only: it is decrypted on first attribute access and encrypted in
`pre_save`. The AAD binds model, field, record (the row's random `code`, or
`record_field`), subject and key version. When the subject has been
shredded, the attribute reads as None (ERASED) rather than raising.
Encrypted fields cannot be filtered on: a lookup would need plaintext.

A model whose subject is made only when there is something to seal (a
person's profile: most volunteers give no name, phone or e-mail) names a
method in `subject_factory`; it is called once, when a value must be sealed
and the row has no subject yet, and must attach and persist the new subject.
On insert Django reads the subject's foreign key after this field, so declare
that foreign key *after* the encrypted fields that rely on the factory.
"""

import base64
import json
import math
import struct

from django.core.exceptions import FieldError, ObjectDoesNotExist
from django.db import models

from porch.vault import crypto

ERASED = None


class Sealed(bytes):
    """Ciphertext as loaded from or written to the database."""


class _Descriptor:
    def __init__(self, field):
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname)
        if not isinstance(value, Sealed):
            return value
        cache = instance.__dict__.setdefault("_vault_plain", {})
        hit = cache.get(self.field.attname)
        if hit is not None and hit[0] is value:
            return hit[1]
        plain = self.field.decrypt(instance, value)
        cache[self.field.attname] = (value, plain)
        return plain

    def __set__(self, instance, value):
        if isinstance(value, (bytes, memoryview)) and not isinstance(value, Sealed):
            value = self.field.from_db_value(value, None, None)
        instance.__dict__[self.field.attname] = value


class EncryptedField(models.BinaryField):
    """Base of the family: subclasses say how a Python value becomes bytes."""

    def __init__(
        self,
        *args,
        subject_field: str = "subject",
        record_field: str = "",
        subject_factory: str = "",
        **kwargs,
    ):
        self.subject_field = subject_field
        self.record_field = record_field
        # Behaviour of the live model only (historical models have no methods),
        # so it is left out of deconstruct() and of migrations.
        self.subject_factory = subject_factory
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["subject_field"] = self.subject_field
        if self.record_field:
            kwargs["record_field"] = self.record_field
        kwargs.pop("null", None)
        kwargs.pop("blank", None)
        if not self.null:
            kwargs["null"] = False
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        setattr(cls, self.attname, _Descriptor(self))

    # ---- encoding (subclasses) ----------------------------------------
    def encode(self, value) -> bytes:
        raise NotImplementedError

    def decode(self, data: bytes):
        raise NotImplementedError

    # ---- binding -------------------------------------------------------
    def _subject(self, instance):
        try:
            return getattr(instance, self.subject_field)
        except ObjectDoesNotExist:
            return None

    def _aad(self, instance, subject) -> bytes:
        record_name = self.record_field or ("code" if hasattr(instance, "code") else "")
        record = str(getattr(instance, record_name)) if record_name else "-"
        return crypto.value_aad(
            instance._meta.label_lower, self.name, record, subject.code, subject.key_version
        )

    def encrypt(self, instance, value) -> Sealed:
        subject = self._subject(instance)
        if (subject is None or not subject.is_live()) and self.subject_factory:
            subject = getattr(instance, self.subject_factory)()
        if subject is None:
            raise crypto.VaultError(f"{self.name}: no vault subject to seal with")
        key = subject.data_key()
        return Sealed(crypto.seal(key, self.encode(value), self._aad(instance, subject)))

    def decrypt(self, instance, sealed: Sealed):
        subject = self._subject(instance)
        if subject is None or not subject.is_live():
            return ERASED
        key = subject.data_key()
        return self.decode(crypto.open_sealed(key, sealed, self._aad(instance, subject)))

    # ---- Django plumbing ---------------------------------------------
    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return Sealed(bytes(value))

    def to_python(self, value):
        return value

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Sealed):
            return value
        sealed = self.encrypt(model_instance, value)
        model_instance.__dict__[self.attname] = sealed
        model_instance.__dict__.setdefault("_vault_plain", {})[self.attname] = (sealed, value)
        return sealed

    def get_prep_value(self, value):
        if value is None or isinstance(value, Sealed):
            return value
        raise FieldError(f"{self.name} is encrypted and cannot be compared or queried")

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def value_to_string(self, obj):
        # Serialisers (dumpdata) get ciphertext, never plaintext.
        value = obj.__dict__.get(self.attname)
        return "" if value is None else base64.b64encode(value).decode("ascii")

    def formfield(self, **kwargs):
        return None


class EncryptedTextField(EncryptedField):
    description = "Text sealed with its subject's data key"

    def encode(self, value) -> bytes:
        if not isinstance(value, str):
            raise TypeError(f"{self.name} takes text")
        return value.encode("utf-8")

    def decode(self, data: bytes):
        return data.decode("utf-8")


class EncryptedJSONField(EncryptedField):
    description = "JSON sealed with its subject's data key"

    def encode(self, value) -> bytes:
        return json.dumps(value, separators=(",", ":"), sort_keys=True).encode("utf-8")

    def decode(self, data: bytes):
        return json.loads(data)


_POINT = struct.Struct(">dd")


class EncryptedCoordinatesField(EncryptedField):
    """A (latitude, longitude) pair, exact doubles, sealed."""

    description = "Coordinates sealed with their subject's data key"

    def encode(self, value) -> bytes:
        try:
            lat, lon = (float(v) for v in value)
        except (TypeError, ValueError):
            raise TypeError(f"{self.name} takes a (latitude, longitude) pair") from None
        if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
            raise ValueError(f"{self.name}: coordinates out of range")
        return _POINT.pack(lat, lon)

    def decode(self, data: bytes):
        return _POINT.unpack(data)


ENCRYPTED_FIELDS = (EncryptedTextField, EncryptedJSONField, EncryptedCoordinatesField)
