"""Browser journey: an organiser broadcasts an alert to a zone, reads the
report, sends the all-clear; the fake SMS gateway receives each
subscriber's language. Selectors use ids, names and data attributes."""

import pytest

from porch.accounts import totp
from porch.accounts.models import TOTPDevice
from porch.core.testing import PASSWORD
from porch.messaging import catalogue, sender
from porch.messaging.models import Broadcast
from porch.messaging.tests.helpers import active_subscriber, numbers

pytestmark = [pytest.mark.browser]

LANGUAGES = ["en", "es", "so", "hmn"]


def submit(page, selector="main form button[type=submit]"):
    with page.expect_navigation():
        page.locator(selector).first.click()


def test_an_organiser_broadcasts_reads_the_report_and_sends_the_all_clear(
    page, live_cast, twilio_fake, settings, screenshot
):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    cast = live_cast
    people = {
        language: active_subscriber(cast.org_a, number, cast.zone, language)
        for number, language in zip(numbers(4), LANGUAGES, strict=True)
    }
    outsider = active_subscriber(cast.org_a, numbers(5)[4], cast.zone_b, "en")
    seed = totp.new_seed()
    TOTPDevice.objects.create(user=cast.ana, seed=seed, confirmed=True)

    page.goto("/login/")
    page.fill("#id_handle", "ana")
    page.fill("#id_password", PASSWORD)
    submit(page)
    page.fill("#id_code", totp.current_code(seed))
    submit(page)

    page.goto("/messaging/")
    with page.expect_navigation():
        page.locator(f"a[href='/messaging/lists/{cast.org_a.code}/broadcasts/new/']").click()
    page.check(f"input[name=zones][value='{cast.zone.code}']")
    page.select_option("#id_template", "alert")
    page.select_option("#id_advice", "know_rights")
    submit(page, "button[name=preview]")
    assert page.locator("td", has_text="GSM-7").count() == len(LANGUAGES)
    screenshot(page, "preview")
    submit(page, "button[name=send]")
    alert = Broadcast.objects.get(kind="alert")
    assert page.url.endswith(f"/messaging/broadcasts/{alert.code}/")
    assert page.locator("[data-count=queued]").inner_text() == "4"

    sender.run_pass("journey-worker")
    page.reload()
    assert page.locator("[data-count=sent]").inner_text() == "4"
    assert page.locator("[data-count=failed]").inner_text() == "0"
    screenshot(page, "report")

    submit(page, f"form[action='/messaging/broadcasts/{alert.code}/all-clear/'] button")
    clear = Broadcast.objects.get(kind="all_clear")
    assert page.url.endswith(f"/messaging/broadcasts/{clear.code}/")
    sender.run_pass("journey-worker")
    page.reload()
    assert page.locator("[data-count=sent]").inner_text() == "4"
    screenshot(page, "all-clear")

    by_number: dict[str, list[str]] = {}
    for entry in twilio_fake.received:
        by_number.setdefault(entry["to"], []).append(entry["body"])
    assert outsider.address not in by_number
    for language, person in people.items():
        alert_text, clear_text = by_number[person.address]
        assert catalogue.advice_text("know_rights", language) in alert_text
        assert clear_text.split(" ")[0] == catalogue.TEXTS["all_clear"][language].split(" ")[0]
