"""Updates to pledgers who left a contact: chosen by organisers, queued in the
outbox (batched), paced and sent by the worker in each pledger's language;
STOP stops them; nothing reaches anyone once the campaign has ended."""

import datetime
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from porch.campaigns import actions
from porch.campaigns.models import Campaign, CampaignUpdate, Pledge
from porch.core.sensitivity import PUBLIC
from porch.messaging import catalogue, sender
from porch.messaging.models import Contact, Mailing, OutboxMessage
from porch.messaging.segments import encoding, segments
from porch.vault import erasure

pytestmark = pytest.mark.django_db

# Fictional numbers (+1 612 234 xxxx), one pledger per language.
NUMBERS = {
    "en": "+16122346001",
    "es": "+16122346002",
    "so": "+16122346003",
    "hmn": "+16122346004",
}
# Words of each language's reminder, so a test sees which text went where.
REMINDER_WORDS = {
    "en": "the day is",
    "es": "el dia es el",
    "so": "maalinta waa",
    "hmn": "hnub ntawd yog",
}
INBOUND = "/messaging/inbound/twilio/"


@pytest.fixture
def fast_sms(twilio_fake, settings):
    """The loopback Twilio at a pace that lets one pass send everything."""
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 100
    return twilio_fake


def _pledge_by_page(campaign, language, number, *, kind="worker"):
    """A pledge through the public form, on the page in `language`."""
    visitor = Client()
    visitor.cookies["django_language"] = language
    response = visitor.post(
        f"/public/campaigns/{campaign.code}/pledge/",
        {"kind": kind, "website": "", "contact_kind": "sms", "contact": number},
    )
    assert response.status_code == 302, response.content[:500]


@pytest.fixture
def pledgers(strike):
    """One pledger per language who left a number, and two anonymous pledges."""
    for language, number in NUMBERS.items():
        _pledge_by_page(strike, language, number)
    actions.do_make_pledge(strike, kind="family", actor=None)
    actions.do_make_pledge(strike, kind="business", actor=None)
    return strike


def _send(manager, campaign, template="pledge_reminder"):
    return manager.post(
        f"/campaigns/{campaign.code}/updates/new/", {"template": template, "send": "1"}
    )


def _signed_post(fake, path, params):
    return {
        "path": path,
        "data": urlencode(params),
        "content_type": "application/x-www-form-urlencoded",
        "headers": {"X-Twilio-Signature": fake.sign("http://testserver" + path, params)},
    }


# ---- the contact, registered with messaging at pledge time ---------------------------------


def test_a_pledge_with_a_contact_gives_messaging_a_contact_under_the_same_subject(pledgers):
    pledges = Pledge.objects.filter(subject__isnull=False)
    assert pledges.count() == 4
    for pledge in pledges:
        contact = Contact.objects.get(subject=pledge.subject)
        assert contact.language == pledge.language
        assert (contact.medium, contact.state) == ("sms", Contact.State.ACTIVE)
        assert contact.address == NUMBERS[pledge.language]
        assert contact.organisation == pledgers.organisation
    # Sealed: the number is not in the table.
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM messaging_contact")
        raw = b"".join(bytes(row[0]) for row in cursor.fetchall())
    assert all(number.encode() not in raw for number in NUMBERS.values())


# ---- the organiser's page ---------------------------------------------------------------------


def test_the_organiser_previews_every_language_with_its_segments(cast, signed_in, pledgers):
    manager = signed_in(cast.ana)
    page = manager.get(f"/campaigns/{pledgers.code}/updates/new/")
    assert page.status_code == 200
    assert b"4 people left a contact for updates" in page.content
    response = manager.post(
        f"/campaigns/{pledgers.code}/updates/new/", {"template": "pledge_reminder", "preview": "1"}
    )
    assert response.status_code == 200
    previews = response.context["previews"]
    assert [row["language"] for row in previews] == list(catalogue.LANGUAGES)
    day = pledgers.starts_on.isoformat()
    for row in previews:
        assert row["body"].startswith("General strike: ")
        assert day in row["body"]
        assert REMINDER_WORDS[row["language"]] in row["body"]
        assert (row["encoding"], row["segments"], row["over_budget"]) == ("GSM-7", 1, False)
    # A preview queues nothing.
    assert not OutboxMessage.objects.exists() and not Mailing.objects.exists()


def test_a_form_without_a_choice_is_refused_and_queues_nothing(cast, signed_in, pledgers):
    manager = signed_in(cast.ana)
    response = manager.post(f"/campaigns/{pledgers.code}/updates/new/", {"send": "1"})
    assert response.status_code == 400
    response = _send(manager, pledgers, template="alert")
    assert response.status_code == 400
    assert not OutboxMessage.objects.exists() and not CampaignUpdate.objects.exists()


def test_sending_queues_one_row_per_contact_in_their_language_in_one_insert(
    cast, signed_in, pledgers, audit_actions
):
    manager = signed_in(cast.ana)
    with CaptureQueriesContext(connection) as queries:
        response = _send(manager, pledgers)
    assert response.status_code == 302
    assert response["Location"] == f"/campaigns/{pledgers.code}/"
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    assert len([sql for sql in inserts if '"messaging_outboxmessage"' in sql]) == 1
    update = CampaignUpdate.objects.get()
    assert update.campaign == pledgers
    assert update.mailing.values == {
        "title": "General strike",
        "date": pledgers.starts_on.isoformat(),
    }
    assert update.mailing.audience_size == 4
    rows = OutboxMessage.objects.select_related("contact").order_by("pk")
    assert rows.count() == 4
    for row in rows:
        assert row.contact is not None and row.mailing_id == update.mailing_id
        assert (row.subscriber_id, row.user_id, row.broadcast_id) == (None, None, None)
        assert row.language == row.contact.language
        assert (row.template_key, row.state, row.priority) == (
            "pledge_reminder",
            "queued",
            OutboxMessage.Lane.ROUTINE,
        )
        assert row.channel == "console"  # no SMS provider set up in this test
    assert sorted(rows.values_list("language", flat=True)) == sorted(NUMBERS)
    assert "campaign.update_sent" in audit_actions()
    page = manager.get(f"/campaigns/{pledgers.code}/")
    assert page.context["updates"][0].counts["queued"] == 4
    assert b"Reminder: the day is coming" in page.content


def test_a_contact_left_before_updates_were_wired_is_reached_too(cast, strike):
    # Such a pledge holds the sealed contact alone, with a blank language.
    pledge = actions.do_make_pledge(
        strike, kind="worker", contact_kind="sms", contact=NUMBERS["so"], language="so", actor=None
    )
    Contact.objects.all().delete()
    Pledge.objects.filter(pk=pledge.pk).update(language="")
    update = actions.do_send_campaign_update(strike, "pledge_thanks", actor=cast.ana)
    assert update.mailing.audience_size == 1
    contact = Contact.objects.get(subject=pledge.subject)
    assert (contact.language, contact.address) == ("en", NUMBERS["so"])


def test_updates_go_only_while_the_campaign_is_open(cast, strike):
    strike.state = Campaign.State.DRAFT
    strike.save()
    with pytest.raises(actions.ValidationError):
        actions.do_send_campaign_update(strike, "pledge_reminder", actor=cast.ana)
    with pytest.raises(actions.ValidationError):
        actions.do_send_campaign_update(strike, "not-a-template", actor=cast.ana)
    assert not Mailing.objects.exists()


def test_another_organisations_manager_gets_404(cast, signed_in, pledgers):
    other = signed_in(cast.cal)
    assert other.get(f"/campaigns/{pledgers.code}/updates/new/").status_code == 404
    assert _send(other, pledgers).status_code == 404
    assert not OutboxMessage.objects.exists()


# ---- the worker, through the loopback Twilio -----------------------------------------------


def test_the_worker_delivers_each_pledger_the_update_in_their_language(
    cast, signed_in, pledgers, twilio_fake, settings
):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 1
    manager = signed_in(cast.ana)
    assert _send(manager, pledgers).status_code == 302
    assert set(OutboxMessage.objects.values_list("channel", flat=True)) == {"twilio"}
    with time_machine.travel(timezone.now(), tick=False) as clock:
        # Paced like every other message: a full bucket holds two seconds' worth.
        assert sender.run_pass("w").sent == 2
        assert sender.run_pass("w").sent == 0
        clock.shift(datetime.timedelta(seconds=2))
        assert sender.run_pass("w").sent == 2
    received = {entry["to"]: entry["body"] for entry in twilio_fake.received}
    assert set(received) == set(NUMBERS.values())
    day = pledgers.starts_on.isoformat()
    for language, number in NUMBERS.items():
        body = received[number]
        assert body == catalogue.render(
            catalogue.default_text("pledge_reminder", language),
            catalogue.Context(title="General strike", date=day, hotline=cast.coalition.hotline),
        )
        assert REMINDER_WORDS[language] in body
    page = manager.get(f"/campaigns/{pledgers.code}/")
    counts = page.context["updates"][0].counts
    assert (counts["queued"], counts["sent"], counts["failed"]) == (0, 4, 0)


def test_a_pledger_who_left_an_e_mail_address_gets_the_update_by_e_mail(cast, strike, smtp_fake):
    visitor = Client()
    visitor.cookies["django_language"] = "hmn"
    visitor.post(
        f"/public/campaigns/{strike.code}/pledge/",
        {"kind": "family", "contact_kind": "email", "contact": "Pledger@Example.org"},
    )
    actions.do_send_campaign_update(strike, "pledge_thanks", actor=cast.ana)
    assert OutboxMessage.objects.get().channel == "smtp"
    assert sender.run_pass("w").sent == 1
    [mail] = smtp_fake.received
    assert mail["to"] == "pledger@example.org"
    assert mail["body"].startswith("General strike: ua tsaug koj tuaj koom.")


def test_stop_from_a_pledger_stops_their_updates(cast, signed_in, pledgers, fast_sms):
    twilio_fake = fast_sms
    manager = signed_in(cast.ana)
    assert _send(manager, pledgers).status_code == 302
    # The Spanish pledger texts STOP before the worker gets to them.
    params = twilio_fake.inbound_params(NUMBERS["es"], "STOP")
    reply = Client().post(**_signed_post(twilio_fake, INBOUND, params))
    assert reply.status_code == 200
    # The answer comes in the language of the page they pledged on.
    assert b"no le enviaremos mas mensajes" in reply.content
    contact = Contact.objects.get(language="es")
    assert contact.state == Contact.State.STOPPED
    stopped = OutboxMessage.objects.get(contact=contact)
    assert (stopped.state, stopped.reason) == ("failed", "stopped")
    sender.run_pass("w")
    assert NUMBERS["es"] not in {entry["to"] for entry in twilio_fake.received}
    assert len(twilio_fake.received) == 3
    # The next update leaves them out altogether.
    assert _send(manager, pledgers, "pledge_changed").status_code == 302
    latest = Mailing.objects.latest("pk")
    assert latest.audience_size == 3
    assert not OutboxMessage.objects.filter(mailing=latest, contact=contact).exists()


# ---- the end of the campaign -------------------------------------------------------------


def test_ending_the_campaign_erases_contacts_keeps_counts_and_refuses_updates(
    cast, signed_in, pledgers, fast_sms
):
    manager = signed_in(cast.ana)
    assert _send(manager, pledgers).status_code == 302
    sender.run_pass("w")
    assert manager.post(f"/campaigns/{pledgers.code}/end/").status_code == 302
    assert not Contact.objects.exists() and not OutboxMessage.objects.exists()
    page = manager.get(f"/campaigns/{pledgers.code}/")
    counts = page.context["updates"][0].counts
    assert (counts["sent"], counts["failed"]) == (4, 0)
    # An ended campaign offers no update, and refuses one sent anyway.
    assert b"/updates/new/" not in page.content
    response = _send(manager, pledgers)
    assert response.status_code == 400
    assert b"an update reaches nobody" in response.content
    assert Mailing.objects.count() == 1


def test_after_the_last_day_queued_updates_reach_nobody(cast, pledgers, fast_sms):
    actions.do_send_campaign_update(pledgers, "pledge_thanks", actor=cast.ana)
    after = timezone.make_aware(
        datetime.datetime.combine(pledgers.ends_on + datetime.timedelta(days=1), datetime.time(9))
    )
    with time_machine.travel(after, tick=False):
        # Before the purge has run: the sender already refuses expired contacts.
        result = sender.run_pass("w")
        assert (result.sent, result.failed) == (0, 4)
        assert fast_sms.received == []
        assert Mailing.objects.get().counts()["failed"] == 4
        # The purge then erases them; the counts stay.
        erasure.purge()
        assert not Contact.objects.exists() and not OutboxMessage.objects.exists()
        assert Pledge.objects.filter(subject__isnull=False).count() == 0
        counts = Mailing.objects.get().counts()
        assert (counts["sent"], counts["failed"]) == (0, 4)
        with pytest.raises(actions.ValidationError):
            actions.do_send_campaign_update(pledgers, "pledge_thanks", actor=cast.ana)


def test_queued_rows_still_waiting_at_the_end_count_as_not_sent(cast, pledgers):
    actions.do_send_campaign_update(pledgers, "pledge_reminder", actor=cast.ana)
    actions.do_end_campaign(pledgers, actor=cast.ana)
    counts = Mailing.objects.get().counts()
    assert (counts["queued"], counts["sent"], counts["failed"]) == (0, 0, 4)


# ---- the texts (R5, segments) ---------------------------------------------------------------


def test_updates_say_only_public_values():
    assert set(
        actions.update_values(Campaign(title="T", starts_on=datetime.date(2026, 12, 18)))
    ) == {
        "title",
        "date",
    }
    assert Campaign.SENSITIVITY["title"] == PUBLIC
    assert Campaign.SENSITIVITY["starts_on"] == PUBLIC


@pytest.mark.parametrize("key", catalogue.UPDATE_KEYS)
@pytest.mark.parametrize("language", catalogue.LANGUAGES)
def test_every_update_text_is_closed_gsm7_and_within_its_budget(key, language):
    text = catalogue.default_text(key, language)
    assert text, (key, language)
    assert catalogue.update_problems_in(text) == []
    assert catalogue.placeholders_in(text) <= set(catalogue.UPDATE_PLACEHOLDERS)
    body = catalogue.render(text, catalogue.update_sample_context(language))
    assert encoding(body) == "GSM-7", (key, language)
    assert segments(body) <= catalogue.UPDATE_SEGMENT_BUDGET[key], (key, language, len(body))


@pytest.mark.parametrize("text", ["{zone}", "{name}", "{title.owner}", "{contact}", "Hi {"])
def test_an_update_text_refuses_any_other_placeholder(text):
    assert catalogue.update_problems_in(text) != []


def test_messaging_refuses_values_beyond_title_and_date(cast, strike):
    from porch.messaging.actions import do_send_mailing

    with pytest.raises(actions.ValidationError):
        do_send_mailing(
            Contact.objects.none(),
            "pledge_reminder",
            values={"title": "T", "name": "Someone"},
            actor=cast.ana,
        )
    assert not Mailing.objects.exists()
