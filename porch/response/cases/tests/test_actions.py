"""Legal handoffs: sealing, the legal partner's queue only, purge (W4, R1, R11)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404

from porch.accounts.roles import Role
from porch.core.models import AuditEntry
from porch.core.testing import make_member
from porch.response.cases import access, actions
from porch.response.cases.models import LegalHandoff, TimeBucket
from porch.vault.models import Subject

pytestmark = pytest.mark.django_db

CANARY = "call aunt on 612-555-0199 canary"


def raw_row(handoff) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM response_cases_legalhandoff WHERE id = %s", [handoff.pk])
        row = cursor.fetchone()
    return b"|".join(
        bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode() for v in row
    )


def new_handoff(cast, **kw):
    fields = dict(
        zone=cast.zone,
        time_bucket=TimeBucket.LAST_HOUR,
        what_happened="Taken from the bus stop by two officers canary",
        contact_route=CANARY,
        actor=cast.dee,
    )
    fields.update(kw)
    return actions.do_create_handoff(cast.org_a, **fields)


def test_it_seals_what_happened_and_the_contact_route_under_the_handoffs_subject(cast):
    handoff = new_handoff(cast)
    assert b"canary" not in raw_row(handoff)
    again = LegalHandoff.objects.get(pk=handoff.pk)
    assert again.contact_route == CANARY
    assert again.subject.kind == actions.HANDOFF_KIND


def test_it_shows_the_handoff_only_to_the_legal_partner_of_the_organisation(cast):
    handoff = new_handoff(cast)
    lia = make_member("lia", cast.org_a, Role.LEGAL)
    leo = make_member("leo", cast.org_b, Role.LEGAL)
    assert access.get_handoff_for_user(lia, handoff.code) == handoff
    for user in (leo, cast.ana, cast.dee, cast.eve, cast.gus):
        with pytest.raises(Http404):
            access.get_handoff_for_user(user, handoff.code)


def test_it_refuses_a_handoff_without_a_contact_route_and_changes_nothing(cast):
    with pytest.raises(ValidationError) as error:
        new_handoff(cast, contact_route="  ", time_bucket="noon")
    assert set(error.value.message_dict) == {"contact_route", "time_bucket"}
    assert not LegalHandoff.objects.exists()
    assert not Subject.objects.filter(kind=actions.HANDOFF_KIND).exists()


def test_it_purges_the_personal_data_and_keeps_zone_and_bucket(cast):
    handoff = new_handoff(cast)
    subject_pk = handoff.subject_id
    lia = make_member("lia", cast.org_a, Role.LEGAL)
    actions.do_accept_handoff(handoff, actor=lia)
    handoff = actions.do_purge_handoff(handoff, actor=lia)
    assert handoff.status == LegalHandoff.Status.PURGED
    assert handoff.contact_route is None and handoff.what_happened is None
    assert handoff.zone == cast.zone and handoff.time_bucket == TimeBucket.LAST_HOUR
    assert not Subject.objects.filter(pk=subject_pk).exists()


def test_it_audits_without_content(cast):
    handoff = new_handoff(cast)
    entries = AuditEntry.objects.filter(action__startswith="response_cases.")
    assert [e.action for e in entries] == ["response_cases.handoff.created"]
    row = " ".join(str(v) for v in entries.values_list().first())
    assert "canary" not in row and "bus stop" not in row
    assert handoff.code in row
