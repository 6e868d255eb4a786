"""Messaging pages: works / other organisation 404 / wrong role 404 / wrong method 405."""

import pytest

from porch.messaging import actions, catalogue, sender
from porch.messaging.channels.console import ConsoleChannel
from porch.messaging.models import Broadcast, MessageTemplate, OutboxMessage, Subscriber
from porch.messaging.tests.helpers import active_subscriber, numbers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _console():
    ConsoleChannel.outbox.clear()
    yield
    ConsoleChannel.outbox.clear()


# ---- Public subscribe form ------------------------------------------------------------


def test_it_lets_anyone_subscribe_on_the_public_form(cast, client):
    response = client.get("/messaging/subscribe/")
    assert response.status_code == 200
    assert "Cedar Flats" in response.content.decode()
    response = client.post(
        "/messaging/subscribe/",
        {
            "medium": "sms",
            "address": "+1 612 234 5678",
            "zones": [cast.zone.code],
            "language": "so",
        },
    )
    assert response.status_code == 200
    assert "Reply YES" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert (subscriber.organisation, subscriber.language) == (None, "so")
    assert subscriber.source == Subscriber.Source.WEB_FORM
    assert "+16122345678" not in response.content.decode()


def test_it_refuses_a_bad_number_on_the_public_form_with_400(cast, client):
    response = client.post(
        "/messaging/subscribe/",
        {"medium": "sms", "address": "555", "zones": [cast.zone.code], "language": "en"},
    )
    assert response.status_code == 400
    assert "Enter a mobile number" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_it_offers_only_public_organisations_on_the_form(cast, client):
    cast.org_b.is_public = True
    cast.org_b.save()
    page = client.get("/messaging/subscribe/").content.decode()
    assert cast.org_b.name in page and cast.org_a.name not in page


def test_it_refuses_other_methods_on_the_public_form(cast, client):
    assert client.put("/messaging/subscribe/").status_code == 405


# ---- Subscribers --------------------------------------------------------------------------


def test_it_lets_a_coordinator_add_a_subscriber_with_consent_noted(cast, signed_in):
    url = f"/messaging/lists/{cast.org_a.code}/subscribers/new/"
    client = signed_in(cast.ana)
    assert client.get(url).status_code == 200
    data = {
        "medium": "sms",
        "address": "+16122345678",
        "zones": [cast.zone.code],
        "language": "hmn",
        "consent_noted": "in_person",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.organisation == cast.org_a
    assert subscriber.consent_noted == "in_person"
    listing = client.get(f"/messaging/lists/{cast.org_a.code}/subscribers/").content.decode()
    assert subscriber.code in listing and "+16122345678" not in listing


def test_it_refuses_an_organiser_addition_without_consent_with_400(cast, signed_in):
    url = f"/messaging/lists/{cast.org_a.code}/subscribers/new/"
    data = {"medium": "sms", "address": "+16122345678", "zones": [cast.zone.code], "language": "en"}
    assert signed_in(cast.ana).post(url, data).status_code == 400
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("who", ["ben", "dee", "cal", "pia"])
def test_it_hides_organisation_a_lists_from_other_roles_and_organisations(cast, signed_in, who):
    client = signed_in(getattr(cast, who))
    for url in (
        f"/messaging/lists/{cast.org_a.code}/subscribers/",
        f"/messaging/lists/{cast.org_a.code}/subscribers/new/",
        f"/messaging/lists/{cast.org_a.code}/broadcasts/new/",
    ):
        assert client.get(url).status_code in (404, 302), url


def test_it_keeps_the_coalition_list_for_coalition_admins(cast, signed_in):
    url = f"/messaging/lists/{cast.coalition.code}/subscribers/"
    assert signed_in(cast.gus).get(url).status_code == 200
    assert signed_in(cast.ana).get(url).status_code == 404


def test_it_lets_an_organiser_stop_a_subscriber(cast, signed_in):
    subscriber = active_subscriber(cast.org_a, numbers(1)[0], cast.zone)
    url = f"/messaging/subscribers/{subscriber.code}/stop/"
    assert signed_in(cast.ana).get(url).status_code == 405
    assert signed_in(cast.cal).post(url).status_code == 404
    response = signed_in(cast.ana).post(url)
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.STOPPED


def test_it_pins_the_query_count_of_the_subscriber_list(
    cast, signed_in, django_assert_max_num_queries
):
    for number in numbers(30):
        active_subscriber(cast.org_a, number, [cast.zone, cast.zone_b])
    client = signed_in(cast.ana)
    url = f"/messaging/lists/{cast.org_a.code}/subscribers/"
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


# ---- Broadcasts ---------------------------------------------------------------------------


def test_it_previews_a_broadcast_with_segments_per_language_and_writes_nothing(cast, signed_in):
    url = f"/messaging/lists/{cast.org_a.code}/broadcasts/new/"
    client = signed_in(cast.ana)
    assert client.get(url).status_code == 200
    data = {"zones": [cast.zone.code], "template": "alert", "advice": "know_rights", "preview": "1"}
    page = client.post(url, data).content.decode()
    assert "Cedar Flats" in page and "GSM-7" in page
    assert "Tiene derecho a guardar silencio" in page
    assert not Broadcast.objects.exists() and not OutboxMessage.objects.exists()


def test_it_sends_a_broadcast_reports_it_and_sends_the_all_clear(cast, signed_in):
    people = [
        active_subscriber(cast.org_a, n, cast.zone, lang)
        for n, lang in zip(numbers(2), ["en", "es"], strict=True)
    ]
    client = signed_in(cast.ana)
    data = {"zones": [cast.zone.code], "template": "alert", "advice": "stay_inside", "send": "1"}
    response = client.post(f"/messaging/lists/{cast.org_a.code}/broadcasts/new/", data)
    alert = Broadcast.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/messaging/broadcasts/{alert.code}/"
    page = client.get(response["Location"]).content.decode()
    assert 'data-count="queued">2<' in page
    sender.run_pass("w")
    page = client.get(response["Location"]).content.decode()
    assert 'data-count="sent">2<' in page
    assert client.get(f"/messaging/broadcasts/{alert.code}/all-clear/").status_code == 405
    response = client.post(f"/messaging/broadcasts/{alert.code}/all-clear/")
    clear = Broadcast.objects.get(kind="all_clear")
    assert response["Location"] == f"/messaging/broadcasts/{clear.code}/"
    assert clear.audience_size == len(people)


@pytest.mark.parametrize("who", ["ben", "dee", "cal"])
def test_it_hides_a_broadcast_from_other_roles_and_organisations(cast, signed_in, who):
    alert = actions.do_broadcast([cast.zone], "alert", organisation=cast.org_a, actor=cast.ana)
    client = signed_in(getattr(cast, who))
    assert client.get(f"/messaging/broadcasts/{alert.code}/").status_code == 404
    assert client.post(f"/messaging/broadcasts/{alert.code}/all-clear/").status_code == 404
    assert not Broadcast.objects.filter(kind="all_clear").exists()


def test_it_refuses_a_broadcast_without_a_zone_with_400(cast, signed_in):
    data = {"zones": [], "template": "alert", "advice": "stay_inside", "send": "1"}
    url = f"/messaging/lists/{cast.org_a.code}/broadcasts/new/"
    assert signed_in(cast.ana).post(url, data).status_code == 400
    assert signed_in(cast.ana).put(url).status_code == 405
    assert not Broadcast.objects.exists()


def test_it_lists_the_lists_and_their_broadcasts(cast, signed_in):
    actions.do_broadcast([cast.zone], "alert", organisation=cast.org_a, actor=cast.ana)
    page = signed_in(cast.ana).get("/messaging/").content.decode()
    assert cast.org_a.name in page and cast.org_b.name not in page
    assert signed_in(cast.ben).get("/messaging/").status_code == 404


# ---- Templates -----------------------------------------------------------------------------


def test_it_shows_coalition_admins_every_template_with_its_segments(cast, signed_in):
    page = signed_in(cast.gus).get("/messaging/templates/").content.decode()
    assert "GSM-7" in page and "Missing translation" not in page
    assert signed_in(cast.ana).get("/messaging/templates/").status_code == 404


def test_it_saves_a_template_and_refuses_one_past_its_budget(cast, signed_in):
    url = "/messaging/templates/alert/es/"
    client = signed_in(cast.gus)
    assert client.get(url).status_code == 200
    too_long = "Alertá en {zone} " + "x" * 80
    assert client.post(url, {"text": too_long}).status_code == 400
    assert client.post(url, {"text": "Alerta {zone} {name}"}).status_code == 400
    assert client.post(url, {"text": "ALERTA en {zone}, {time}. {advice}"}).status_code == 302
    assert MessageTemplate.objects.get().text == "ALERTA en {zone}, {time}. {advice}"
    assert signed_in(cast.ana).post(url, {"text": "x"}).status_code == 404
    assert client.get("/messaging/templates/alert/xx/").status_code == 404


# ---- Notifications preference ----------------------------------------------------------------


def test_it_lets_a_volunteer_choose_how_to_be_notified(cast, signed_in):
    client = signed_in(cast.ben)
    assert client.get("/messaging/notifications/").status_code == 200
    assert client.post("/messaging/notifications/", {"medium": "pigeon"}).status_code == 400
    assert client.post("/messaging/notifications/", {"medium": "sms"}).status_code == 302
    assert actions.notification_medium(cast.ben) == "sms"


# ---- Webhooks ---------------------------------------------------------------------------------


def test_it_routes_an_inbound_console_text_to_the_keywords(cast, client):
    response = client.post(
        "/messaging/inbound/console/", {"From": "+16122345678", "Body": "JOIN Cedar Flats es"}
    )
    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.language == "es" and subscriber.state == Subscriber.State.PENDING
    # The console cannot answer inline: the question is queued, by reference.
    question = OutboxMessage.objects.get()
    assert question.template_key == catalogue.CONFIRMATION


def test_it_answers_400_to_a_malformed_inbound_and_stores_nothing(cast, client):
    response = client.post("/messaging/inbound/console/", {"Body": "JOIN Cedar Flats"})
    assert response.status_code == 400
    assert not Subscriber.objects.exists()


def test_it_answers_404_for_an_unknown_or_unconfigured_channel(cast, client):
    assert client.post("/messaging/inbound/pigeon/", {}).status_code == 404
    assert client.post("/messaging/inbound/twilio/", {}).status_code == 404
    assert client.get("/messaging/inbound/console/").status_code == 405
