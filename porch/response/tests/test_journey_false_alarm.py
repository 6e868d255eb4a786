"""Browser journey (W1-W2, issue 7): a call comes in, the desk triages it
unconfirmed and sends two verifiers; each, on their own phone, reports a
false alarm; the desk announces the all-clear. The zone's public status says
all clear, no alert was published and the loopback SMS server received
nothing for the zone's subscriber."""

import pytest

from porch.accounts import totp
from porch.accounts.models import TOTPDevice
from porch.messaging import sender
from porch.messaging.tests.helpers import active_subscriber, numbers
from porch.response.models import Alert, Debrief, Dispatch, Report
from porch.response.tests.fixtures import verifiers
from porch.response.tests.test_journey_alert import sign_in, submit

pytestmark = [pytest.mark.browser]


def test_a_false_alarm_ends_in_an_all_clear_and_no_alert(
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
    page.select_option("#id_size", "1-2")
    page.select_option("#id_activity", "parked")
    page.select_option("#id_zone", cast.zone.code)
    page.fill("#id_details", "one car parked near the school, not sure")
    submit(page, "main form#report-form button[type=submit]")
    report = Report.objects.get()

    page.select_option("#id_status", "unconfirmed")
    page.fill("#id_reason", "one caller, parked car only")
    submit(page, "main form#triage-form button[type=submit]")
    submit(page, "#send-verifiers")
    assert Dispatch.objects.filter(report=report).count() == 2
    assert page.locator("#false-alarm-clear").count() == 0

    for user in (dee, vee):
        dispatch = Dispatch.objects.get(report=report, verifier=user)
        phone = chromium.new_context(base_url=live_server.url).new_page()
        sign_in(phone, user.handle, seeds[user.handle])
        phone.goto(f"/response/dispatch/{dispatch.code}/")
        submit(phone, "#accept")
        phone.select_option("#id_outcome", "false_alarm")
        submit(phone, "#report-outcome")
        assert "False alarm" in phone.locator("#dispatch-state").inner_text()
        phone.context.close()

    page.goto(f"/response/report/{report.code}/")
    assert (
        "2 verifiers have reported a false alarm."
        in page.locator("#false-alarm-count").inner_text()
    )
    assert page.locator("#publish").count() == 0
    screenshot(page, "false-alarm")
    submit(page, "#false-alarm-clear")
    sender.run_pass("journey-worker")
    assert "Closed" in page.locator("#report-status").inner_text()

    assert not Alert.objects.filter(kind=Alert.Kind.ALERT).exists()
    clear = Alert.objects.get(kind=Alert.Kind.ALL_CLEAR)
    assert clear.zone == cast.zone and clear.broadcast is None
    assert [e for e in twilio_fake.received if e["to"] == subscriber.address] == []
    page.goto(f"/response/status/{cast.coalition.code}/")
    assert "All clear" in page.locator("#zone-status").inner_text()
    screenshot(page, "status-all-clear")
    debrief = Debrief.objects.get()
    assert debrief.cleared and not debrief.alerted and debrief.false_alarms == 2
