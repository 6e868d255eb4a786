"""Subscribers, broadcasts, all-clears and notifications through the actions."""

import pytest
from django.core.exceptions import ValidationError

from porch.core.models import AuditEntry
from porch.messaging import actions, catalogue, sender
from porch.messaging.channels.console import ConsoleChannel
from porch.messaging.models import Broadcast, OutboxMessage, OutboxOutcome, Subscriber
from porch.messaging.tests.helpers import active_subscriber, numbers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _console():
    ConsoleChannel.outbox.clear()
    yield
    ConsoleChannel.outbox.clear()


@pytest.fixture
def own_vault(tmp_path, settings):
    """A key directory of this test's own: the purge rotates and destroys epochs."""
    from porch.vault import keys

    settings.PORCH_VAULT_KEY_DIR = tmp_path / "keys"
    settings.PORCH_BACKUP_DIR = tmp_path / "backups"
    keys.set_source(None)
    yield
    keys.set_source(None)


def deliver():
    result = sender.run_pass("test-worker")
    return result


def test_it_subscribes_by_organiser_with_consent_and_asks_for_yes(cast):
    subscriber = actions.do_subscribe(
        organisation=cast.org_a,
        address="(612) 234-5678",
        zones=[cast.zone],
        language="es",
        source=Subscriber.Source.ORGANISER,
        consent_noted=Subscriber.Consent.PAPER_FORM,
        actor=cast.ana,
    )
    assert subscriber.state == Subscriber.State.PENDING
    assert subscriber.address == "+16122345678"
    assert subscriber.added_by == cast.ana
    question = OutboxMessage.objects.get(subscriber=subscriber)
    assert (question.template_key, question.language) == (catalogue.CONFIRMATION, "es")
    deliver()
    [sent] = ConsoleChannel.outbox
    assert sent.to == "+16122345678"
    assert "responda SI" in sent.body and "Cedar Flats" in sent.body
    assert AuditEntry.objects.filter(action="subscriber.added").count() == 1


def test_it_refuses_an_organiser_addition_without_consent(cast):
    with pytest.raises(ValidationError) as error:
        actions.do_subscribe(
            organisation=cast.org_a,
            address="+16122345678",
            zones=[cast.zone],
            language="en",
            source=Subscriber.Source.ORGANISER,
            actor=cast.ana,
        )
    assert "consent_noted" in error.value.error_dict
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("address", ["", "12", "+1 000 000 0000", "not a number"])
def test_it_refuses_an_invalid_number(cast, address):
    with pytest.raises(ValidationError) as error:
        actions.do_subscribe(
            organisation=None,
            address=address,
            zones=[cast.zone],
            language="en",
            source=Subscriber.Source.WEB_FORM,
        )
    assert "address" in error.value.error_dict
    assert not Subscriber.objects.exists()


def test_it_asks_only_once_a_day_however_often_a_form_names_a_number(cast):
    for _ in range(3):
        actions.do_subscribe(
            organisation=None,
            address="+16122345678",
            zones=[cast.zone],
            language="en",
            source=Subscriber.Source.WEB_FORM,
        )
    assert Subscriber.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


def test_it_broadcasts_to_the_zone_in_each_language_and_clears_to_the_same_audience(cast):
    people = [
        active_subscriber(cast.org_a, number, cast.zone, language)
        for number, language in zip(numbers(4), ["en", "es", "so", "hmn"], strict=True)
    ]
    elsewhere = active_subscriber(cast.org_a, numbers(5)[4], cast.zone_b, "en")
    other_list = active_subscriber(cast.org_b, numbers(6)[5], cast.zone, "en")
    alert = actions.do_broadcast(
        [cast.zone], catalogue.ALERT, advice="stay_inside", organisation=cast.org_a, actor=cast.ana
    )
    assert alert.audience_size == 4
    assert sorted(alert.audience) == sorted(p.pk for p in people)
    assert alert.counts()["queued"] == 4
    deliver()
    assert alert.counts()["sent"] == 4
    bodies = {m.to: m.body for m in ConsoleChannel.outbox}
    assert elsewhere.address not in bodies and other_list.address not in bodies
    assert "Stay inside" in bodies[people[0].address]
    assert "No abra la puerta" in bodies[people[1].address]
    assert "Guriga joog" in bodies[people[2].address]
    assert "Nyob hauv tsev" in bodies[people[3].address]
    # A newcomer after the alert is not part of its audience.
    active_subscriber(cast.org_a, numbers(7)[6], cast.zone, "en")
    ConsoleChannel.outbox.clear()
    clear = actions.do_send_all_clear(alert, actor=cast.ana)
    deliver()
    assert clear.original == alert
    assert sorted(m.to for m in ConsoleChannel.outbox) == sorted(p.address for p in people)
    assert all(
        "ALL CLEAR" in m.body or "FIN" in m.body or "NABAD" in m.body or "TSIS" in m.body
        for m in ConsoleChannel.outbox
    )
    alert.refresh_from_db()
    assert alert.closed_on is not None
    with pytest.raises(ValidationError):
        actions.do_send_all_clear(alert, actor=cast.ana)


def test_it_leaves_out_of_the_all_clear_anyone_who_stopped(cast):
    people = [active_subscriber(cast.org_a, n, cast.zone, "en") for n in numbers(3)]
    alert = actions.do_broadcast(
        [cast.zone], catalogue.ALERT, organisation=cast.org_a, actor=cast.ana
    )
    actions.do_stop_subscriber(people[0])
    correction = actions.do_send_correction(alert, actor=cast.ana)
    assert correction.audience_size == 2
    assert correction.kind == Broadcast.Kind.CORRECTION


def test_it_refuses_a_broadcast_without_zones_or_with_an_unknown_template(cast):
    with pytest.raises(ValidationError):
        actions.do_broadcast([], catalogue.ALERT, organisation=cast.org_a, actor=cast.ana)
    with pytest.raises(ValidationError):
        actions.do_broadcast([cast.zone], catalogue.HELP, organisation=cast.org_a, actor=cast.ana)
    assert not Broadcast.objects.exists()


def test_it_notifies_a_volunteer_without_content_on_the_console_by_default(cast):
    cast.ben.phone = "+16122345678"
    cast.ben.save()
    actions.do_notify_user(cast.ben, catalogue.ASSIGNMENT, actor=None, key="run-ABC")
    actions.do_notify_user(cast.ben, catalogue.ASSIGNMENT, actor=None, key="run-ABC")
    deliver()
    [sent] = ConsoleChannel.outbox
    assert sent.to == "ben"
    assert sent.body == "You have a new assignment. Open Porch to see it."


def test_it_notifies_on_the_chosen_channel_in_the_volunteer_language(cast, settings):
    cast.ben.email = "ben@example.org"
    cast.ben.language = "es"
    cast.ben.save()
    actions.do_set_notification_medium(cast.ben, "email", actor=cast.ben)
    message = actions.do_notify_user(cast.ben, catalogue.DISPATCH, actor=None)
    # No SMTP configured here: the console carries it, and says so.
    assert message.channel == "console"
    deliver()
    assert ConsoleChannel.outbox[0].body == "Tiene un nuevo despacho. Abra Porch ahora."


def test_it_shreds_an_alert_audience_a_week_after_the_all_clear_and_keeps_counts(cast, own_vault):
    import time_machine
    from django.utils import timezone

    from porch.vault.erasure import purge

    people = [active_subscriber(cast.org_a, n, cast.zone) for n in numbers(3)]
    alert = actions.do_broadcast([cast.zone], catalogue.ALERT, organisation=cast.org_a, actor=None)
    deliver()
    clear = actions.do_send_all_clear(alert, actor=None)
    deliver()
    with time_machine.travel(timezone.now() + timezone.timedelta(days=6)):
        purge()
        # Sent rows have left the outbox; what is left of them is still there.
        assert OutboxOutcome.objects.filter(broadcast=alert).count() == 3
    with time_machine.travel(timezone.now() + timezone.timedelta(days=8)):
        purge()
    alert.refresh_from_db()
    clear.refresh_from_db()
    assert alert.audience_subject is None and alert.audience is None
    assert OutboxMessage.objects.filter(broadcast__in=[alert, clear]).count() == 0
    assert OutboxOutcome.objects.filter(broadcast__in=[alert, clear]).count() == 0
    assert alert.counts()["sent"] == 3 and clear.counts()["sent"] == 3
    assert alert.erased_on is not None
    assert Subscriber.objects.filter(pk__in=[p.pk for p in people]).count() == 3


def test_it_shreds_a_stopped_number_after_its_retention(cast, own_vault):
    import time_machine
    from django.utils import timezone

    from porch.vault.erasure import purge

    subscriber = active_subscriber(None, numbers(1)[0], cast.zone)
    actions.do_stop_subscriber(subscriber)
    with time_machine.travel(timezone.now() + timezone.timedelta(days=31)):
        purge()
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()
