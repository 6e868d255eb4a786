"""Encrypted fields: ciphertext in the column, plaintext only in memory (R1, R10)."""

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.db import connection

from porch.core.sensitivity import CRITICAL, missing_classes
from porch.vault import crypto
from porch.vault.epochs import new_subject
from porch.vault.erasure import shred
from porch.vault.fields import ENCRYPTED_FIELDS
from porch.vault.models import SealedRecord

CANARY = "CANARY-7f3a-Elm-Street"


def make_record(**values):
    subject = new_subject("incident")
    defaults = {"text": CANARY, "data": {"phone": "CANARY-612-555"}, "point": (45.0101, -93.2901)}
    defaults.update(values)
    return SealedRecord.objects.create(subject=subject, label="notes", **defaults)


def raw_row(record):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT text, data, point FROM vault_sealedrecord WHERE id = %s", [record.pk]
        )
        return [bytes(v) for v in cursor.fetchone()]


@pytest.mark.django_db
def test_it_stores_only_ciphertext_and_reads_plaintext_back():
    record = make_record()
    for value in raw_row(record):
        assert value[0] == crypto.VERSION
        assert b"CANARY" not in value
    fresh = SealedRecord.objects.get(pk=record.pk)
    assert fresh.text == CANARY
    assert fresh.data == {"phone": "CANARY-612-555"}
    assert fresh.point == (45.0101, -93.2901)


@pytest.mark.django_db
def test_it_reencrypts_an_edited_value():
    record = make_record()
    before = raw_row(record)[0]
    record.text = "CANARY-new"
    record.save()
    after = raw_row(record)[0]
    assert before != after
    assert SealedRecord.objects.get(pk=record.pk).text == "CANARY-new"


@pytest.mark.django_db
def test_it_refuses_a_value_copied_from_another_record():
    one, two = make_record(), make_record(text="CANARY-other")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE vault_sealedrecord SET text = %s WHERE id = %s", [raw_row(one)[0], two.pk]
        )
    with pytest.raises(crypto.DecryptionFailed):
        SealedRecord.objects.get(pk=two.pk).text  # noqa: B018


@pytest.mark.django_db
def test_it_reads_a_shredded_subjects_fields_as_erased():
    record = make_record()
    loaded = SealedRecord.objects.get(pk=record.pk)  # loaded, not yet read
    shred(record.subject)
    assert not SealedRecord.objects.filter(pk=record.pk).exists()
    assert not record.subject.is_live()
    assert (loaded.text, loaded.data, loaded.point) == (None, None, None)


@pytest.mark.django_db
def test_it_refuses_to_query_an_encrypted_field():
    make_record()
    with pytest.raises(FieldError):
        list(SealedRecord.objects.filter(text=CANARY))
    assert SealedRecord.objects.filter(text__isnull=False).count() == 1


@pytest.mark.django_db
def test_it_keeps_null_as_null_and_rejects_bad_coordinates():
    record = make_record(text=None, data=None, point=None)
    fresh = SealedRecord.objects.get(pk=record.pk)
    assert (fresh.text, fresh.data, fresh.point) == (None, None, None)
    with pytest.raises(ValueError):
        make_record(point=(123.0, 0.0))


@pytest.mark.django_db
def test_it_serialises_ciphertext_never_plaintext():
    from django.core import serializers

    make_record()
    dumped = serializers.serialize("json", SealedRecord.objects.all())
    assert "CANARY" not in dumped


def porch_models():
    return [m for m in apps.get_models() if m.__module__.startswith("porch.")]


def test_every_porch_model_classifies_every_field():
    problems = {m._meta.label: missing_classes(m) for m in porch_models()}
    assert {label: p for label, p in problems.items() if p} == {}


def critical_plaintext_fields():
    plaintext = []
    for model in porch_models():
        for name, klass in getattr(model, "SENSITIVITY", {}).items():
            if klass != CRITICAL:
                continue
            field = model._meta.get_field(name)
            if not isinstance(field, ENCRYPTED_FIELDS):
                plaintext.append(f"{model._meta.label}.{name}")
    return plaintext


def test_every_critical_field_is_a_vault_encrypted_field():
    """R1. Walks every installed Porch model; skips nothing."""
    assert critical_plaintext_fields() == []


def test_the_walk_sees_the_accounts_critical_fields():
    """A guard on the guard: the models the foundation converted are walked."""
    walked = {
        f"{m._meta.label}.{name}"
        for m in porch_models()
        for name, klass in getattr(m, "SENSITIVITY", {}).items()
        if klass == CRITICAL
    }
    assert {
        "accounts.User.legal_name",
        "accounts.User.email",
        "accounts.User.phone",
        "accounts.TOTPDevice.seed",
    } <= walked
