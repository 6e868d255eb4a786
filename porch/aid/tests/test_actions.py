"""Requests from intake to close: codes, sealing, duplicates, retention (W5, R10, R14)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from porch.aid import actions
from porch.aid.models import AidRequest
from porch.aid.tests.fixtures import CANARY_ADDRESS, NUMBER, confirmed_request, new_request
from porch.core.codes import ALPHABET
from porch.vault.erasure import purge
from porch.vault.models import Subject

pytestmark = pytest.mark.django_db


def raw_row(request) -> bytes:
    """Every column of the request's row as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM aid_aidrequest WHERE id = %s", [request.pk])
        row = cursor.fetchone()
    return b"|".join(
        bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode() for v in row
    )


def test_it_gives_each_household_a_short_code_of_the_unambiguous_alphabet(cast):
    request = new_request(cast.org_a, cast.zone, actor=cast.ana)
    assert len(request.code) == 6 and set(request.code) <= set(ALPHABET)
    assert request.status == AidRequest.Status.NEEDS_CALLBACK
    assert request.bags == 2  # three people


def test_it_seals_the_callback_number_under_the_households_own_subject(cast):
    request = new_request(
        cast.org_a, cast.zone, number="612 555 0123", cross_streets="Cedar & 12th"
    )
    assert request.household.kind == actions.HOUSEHOLD_KIND
    assert request.household.organisation == cast.org_a
    fresh = AidRequest.objects.get(pk=request.pk)
    assert fresh.callback_number == NUMBER
    assert fresh.cross_streets == "Cedar & 12th"
    row = raw_row(request)
    assert b"5550123" not in row and b"Cedar" not in row


def test_it_hints_at_a_duplicate_by_keyed_hash_within_the_organisation(cast):
    first = new_request(cast.org_a, cast.zone)
    second = new_request(cast.org_a, cast.zone, number="(612) 555-0123")
    elsewhere = new_request(cast.org_b, cast.zone_b)
    assert actions.duplicates_of(second) == [first.code]
    assert actions.duplicates_of(elsewhere) == []
    assert NUMBER not in second.callback_hash


@pytest.mark.parametrize(
    "field, change",
    [
        ("callback_number", {"callback_number": "not a number"}),
        ("needs", {"needs": ["caviar"]}),
        ("household_size", {"household_size": 0}),
        ("zone", {"zone": None}),
        ("language", {"language": "xx"}),
    ],
)
def test_it_refuses_bad_input_and_changes_nothing(cast, field, change):
    values = {"callback_number": NUMBER, "zone": cast.zone, "household_size": 2, **change}
    with pytest.raises(ValidationError) as caught:
        actions.do_create_request(cast.org_a, actor=cast.ana, **values)
    assert field in caught.value.message_dict
    assert not AidRequest.objects.exists() and not Subject.objects.exists()


def test_it_takes_an_intermediarys_bags_without_any_household_data(cast):
    request = actions.do_create_intermediary_request(
        cast.org_a, partner="Lincoln Elementary", zone=cast.zone, bags=40, actor=cast.ana
    )
    assert request.bags == 40 and request.household is None
    assert request.callback_number is None and request.household_size == 0
    assert request.status == AidRequest.Status.CONFIRMED


def test_it_counts_callback_attempts(cast):
    request = new_request(cast.org_a, cast.zone)
    actions.do_record_no_answer(request, actor=cast.ana)
    request = actions.do_record_no_answer(request, actor=cast.ana)
    assert (request.status, request.callback_attempts) == (AidRequest.Status.NO_ANSWER, 2)


def test_it_seals_the_address_under_a_second_subject_at_confirmation(cast):
    request = confirmed_request(cast.org_a, cast.zone)
    fresh = AidRequest.objects.get(pk=request.pk)
    assert fresh.status == AidRequest.Status.CONFIRMED
    assert fresh.address == CANARY_ADDRESS and fresh.point == (45.002, -93.2898)
    assert fresh.address_subject.data_class == "address"
    assert fresh.address_subject != fresh.household
    assert b"Cedar Ave" not in raw_row(request)


def test_it_refuses_an_address_not_in_the_table_without_a_map_pick(cast):
    request = new_request(cast.org_a, cast.zone)
    with pytest.raises(ValidationError) as caught:
        actions.do_confirm_request(request, address="9 Nowhere Rd", actor=cast.ana)
    assert "address" in caught.value.message_dict
    request.refresh_from_db()
    assert request.status == AidRequest.Status.NEEDS_CALLBACK and request.address_subject is None


def test_it_shreds_an_undelivered_address_after_seven_days_and_asks_for_a_new_callback(cast):
    with time_machine.travel(
        datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC), tick=False
    ) as clock:
        request = confirmed_request(cast.org_a, cast.zone)
        subject_pk = request.address_subject_id
        clock.shift(datetime.timedelta(days=6, hours=23))
        purge()
        assert AidRequest.objects.get(pk=request.pk).address == CANARY_ADDRESS
        clock.shift(datetime.timedelta(hours=2))
        purge()
    request.refresh_from_db()
    assert not Subject.objects.filter(pk=subject_pk).exists()
    assert request.status == AidRequest.Status.NEEDS_CALLBACK
    assert request.address is None and request.point is None
    # The number outlives the address by a week, for the new callback (R14).
    assert request.callback_number == NUMBER


def test_it_closes_a_duplicate_and_shreds_its_number(cast):
    request = new_request(cast.org_a, cast.zone)
    actions.do_close_request(request, "duplicate", actor=cast.ana)
    request = AidRequest.objects.get(pk=request.pk)
    assert request.status == "duplicate" and request.household is None
    assert request.callback_number is None
    with pytest.raises(ValidationError):
        actions.do_close_request(request, "delivered", actor=cast.ana)
