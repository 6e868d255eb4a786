"""Browser journey: a worker pledges on the Somali page and leaves a number; the
organiser previews an update in every language and sends it; the worker
delivers it in Somali through the loopback Twilio."""

import datetime

import pytest
from django.utils import timezone

from porch.accounts import totp
from porch.accounts.models import TOTPDevice
from porch.campaigns.models import Campaign, Pledge
from porch.core.testing import PASSWORD
from porch.messaging import sender

pytestmark = pytest.mark.browser

NUMBER = "+16122346010"


def submit(page, selector, button="button[type=submit]"):
    with page.expect_navigation():
        page.locator(f"{selector} {button}").first.click()


def test_a_pledger_gets_the_organisers_update_in_somali(
    page, live_cast, twilio_fake, settings, screenshot
):
    settings.PORCH_SMS_SEGMENTS_PER_SECOND = 100
    today = timezone.localdate()
    strike = Campaign.objects.create(
        coalition=live_cast.coalition,
        organisation=live_cast.org_a,
        title="General strike",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
        state=Campaign.State.OPEN,
    )
    page.goto(f"/public/campaigns/{strike.code}/")
    page.select_option("#lang-picker", "so")
    submit(page, "form.lang")
    page.select_option("#worker_contact_kind", "sms")
    page.fill("#worker_contact", NUMBER)
    submit(page, "#pledge-worker")
    assert page.url.endswith(f"/public/campaigns/{strike.code}/thanks/")
    assert Pledge.objects.get().language == "so"

    page.context.clear_cookies()
    seed = totp.new_seed()
    TOTPDevice.objects.create(user=live_cast.ana, seed=seed, confirmed=True)
    page.goto("/login/")
    page.fill("#id_handle", "ana")
    page.fill("#id_password", PASSWORD)
    submit(page, "main form")
    page.fill("#id_code", totp.current_code(seed))
    submit(page, "main form")

    page.goto(f"/campaigns/{strike.code}/")
    with page.expect_navigation():
        page.locator(f"a[href='/campaigns/{strike.code}/updates/new/']").click()
    page.locator("input[name=template][value=pledge_reminder]").check()
    submit(page, "main form", "button[name=preview]")
    preview = page.locator("table").inner_text()
    assert "maalinta waa" in preview and today.isoformat() in preview
    screenshot(page, "update-preview")
    submit(page, "main form", "button[name=send]")
    assert page.url.endswith(f"/campaigns/{strike.code}/")

    assert sender.run_pass("journey").sent == 1
    [received] = twilio_fake.received
    assert received["to"] == NUMBER
    assert received["body"].startswith(f"General strike: maalinta waa {today.isoformat()}.")
    page.reload()
    screenshot(page, "update-counts")
    cells = page.locator("#updates tbody tr td").all_inner_texts()
    # Update, people, queued, sent, failed.
    assert cells[1:] == ["Reminder: the day is coming", "1", "0", "1", "0"]
