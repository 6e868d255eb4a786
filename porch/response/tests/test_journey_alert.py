"""Browser journey (W1-W2): the desk takes a call, triages it report-now,
sends two verifiers, each confirms on their own, the desk publishes the
alert and then the all-clear; the fake SMS gateway receives both for the
zone's subscriber, in their language."""

import pytest

from porch.accounts import totp
from porch.accounts.models import TOTPDevice
from porch.core.testing import PASSWORD
from porch.messaging import catalogue, sender
from porch.messaging.tests.helpers import active_subscriber, numbers
from porch.response.models import Alert, Dispatch, Report
from porch.response.tests.fixtures import verifiers

pytestmark = [pytest.mark.browser]


def submit(page, selector="main form button[type=submit]"):
    with page.expect_navigation():
        page.locator(selector).first.click()


def sign_in(page, handle, seed):
    page.goto("/login/")
    page.fill("#id_handle", handle)
    page.fill("#id_password", PASSWORD)
    submit(page)
    page.fill("#id_code", totp.current_code(seed))
    submit(page)


def test_a_call_becomes_a_verified_alert_and_then_an_all_clear(
    page, chromium, live_server, live_cast, twilio_fake, settings, screenshot
):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 0
    cast = live_cast
    number = numbers(1)[0]
    subscriber = active_subscriber(None, number, cast.zone, "es")
    dee, vee, _wes = verifiers(cast)
    seeds = {}
    for user in (cast.ana, dee, vee):
        seeds[user.handle] = totp.new_seed()
        TOTPDevice.objects.create(user=user, seed=seeds[user.handle], confirmed=True)

    sign_in(page, "ana", seeds["ana"])
    page.goto("/response/")
    with page.expect_navigation():
        page.click(f"#take-report-{cast.org_a.code}")
    page.select_option("#id_size", "3-5")
    page.select_option("#id_activity", "knocking")
    page.select_option("#id_zone", cast.zone.code)
    page.select_option("#id_uniform", "marked")
    page.select_option("#id_equipment", "vans")
    page.fill("#id_details", "two vans, agents at doors")
    page.select_option("#id_language", "es")
    submit(page, "main form#report-form button[type=submit]")
    report = Report.objects.get()
    screenshot(page, "report")

    page.select_option("#id_status", "report_now")
    page.fill("#id_reason", "agents visible at doors")
    submit(page, "main form#triage-form button[type=submit]")
    submit(page, "#send-verifiers")
    assert Dispatch.objects.filter(report=report).count() == 2
    assert page.locator("#publish").count() == 0

    for user in (dee, vee):
        dispatch = Dispatch.objects.get(report=report, verifier=user)
        # Each verifier on their own phone (browser context), on their own.
        phone = chromium.new_context(base_url=live_server.url).new_page()
        sign_in(phone, user.handle, seeds[user.handle])
        phone.goto(f"/response/dispatch/{dispatch.code}/")
        submit(phone, "#accept")
        phone.select_option("#id_outcome", "confirmed")
        submit(phone, "#report-outcome")
        assert "Confirmed" in phone.locator("#dispatch-state").inner_text()
        phone.context.close()

    page.goto(f"/response/report/{report.code}/")
    assert "2 verifiers have confirmed." in page.locator("#confirmations").inner_text()
    submit(page, "#publish")
    sender.run_pass("journey-worker")
    submit(page, "#all-clear")
    sender.run_pass("journey-worker")
    screenshot(page, "all-clear")
    assert Alert.objects.filter(kind="all_clear").exists()

    bodies = [e["body"] for e in twilio_fake.received if e["to"] == subscriber.address]
    assert len(bodies) == 2
    assert catalogue.advice_text("know_rights", "es") in bodies[0]
    assert bodies[1].split(" ")[0] == catalogue.TEXTS["all_clear"]["es"].split(" ")[0]
