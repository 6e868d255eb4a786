"""Browser journey (W5): intake call → callback confirms the address →
the coordinator plans the day → a driver claims a run and opens the sheet →
delivers by code → the address's ciphertext and vault key are gone."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from porch.accounts import totp
from porch.accounts.models import TOTPDevice
from porch.aid.models import AidRequest
from porch.aid.tests.fixtures import ADDRESSES, hub_for
from porch.core.testing import PASSWORD, pdf_text
from porch.vault.models import Subject

pytestmark = [pytest.mark.browser]


def submit(page, selector="main form#aid-form"):
    with page.expect_navigation():
        page.locator(f"{selector} button[type=submit]").first.click()


def sign_in(page, handle, seed):
    page.goto("/login/")
    page.fill("#id_handle", handle)
    page.fill("#id_password", PASSWORD)
    submit(page, "main form")
    page.fill("#id_code", totp.current_code(seed))
    submit(page, "main form")


def test_it_delivers_a_household_and_then_forgets_its_address(
    page, chromium, live_server, live_cast, screenshot
):
    cast = live_cast
    morning = datetime.datetime.combine(
        timezone.localdate(), datetime.time(9, 30), tzinfo=timezone.get_current_timezone()
    )
    with time_machine.travel(morning, tick=True):
        ana_seed, ben_seed = totp.new_seed(), totp.new_seed()
        TOTPDevice.objects.create(user=cast.ana, seed=ana_seed, confirmed=True)
        TOTPDevice.objects.create(user=cast.ben, seed=ben_seed, confirmed=True)
        call_command("import_addresses", str(ADDRESSES))
        hub = hub_for(cast.org_a, cast.zone)

        # Intake call.
        sign_in(page, "ana", ana_seed)
        page.goto("/aid/")
        page.click(f"#new-request-{cast.org_a.code}")
        page.fill("#id_callback_number", "+1 612 555 0123")
        page.select_option("#id_zone", cast.zone.code)
        page.fill("#id_household_size", "4")
        page.check("input[name=needs][value=staples]")
        page.select_option("#id_language", "so")
        submit(page)
        code = page.locator("#household-code").inner_text().strip()
        screenshot(page, "request")

        # Callback: the exact address goes into the vault.
        page.click("#confirm")
        page.fill("#id_address", "1121 Cedar Ave S")
        submit(page)
        request = AidRequest.objects.get(code=code)
        assert request.status == "confirmed" and request.point == (45.0036, -93.2898)

        # The coordinator plans the day and publishes it.
        page.goto(f"/aid/orgs/{cast.org_a.code}/plan/")
        page.select_option("#id_hub", hub.code)
        page.fill("#id_drivers", "1")
        page.fill("#id_start_hour", "9")
        submit(page, "main form#plan-form")
        assert "1121" not in page.content()
        assert page.locator("#runs tbody tr").count() == 1
        submit(page, "main form#publish-form")
        screenshot(page, "plan")

        # The driver claims the run, sets off and opens the sheet.
        driver = chromium.new_context(base_url=live_server.url)
        ben = driver.new_page()
        sign_in(ben, "ben", ben_seed)
        ben.goto("/aid/")
        with ben.expect_navigation():
            ben.locator("#open-runs button.claim").first.click()
        with ben.expect_navigation():
            ben.click("#dispatch")
        assert "1121 Cedar Ave S" in ben.content()
        sheet = ben.request.get(ben.locator("#run-sheet").get_attribute("href"))
        assert sheet.headers["content-type"] == "application/pdf"
        assert sheet.headers["cache-control"] == "no-store"
        assert "1121 Cedar Ave S" in pdf_text(sheet.body())
        screenshot(ben, "run")

        # Doorstep: confirm with the household's code, then finish the run.
        ben.locator("form.deliver input[name=household_code]").fill(code)
        with ben.expect_navigation():
            ben.locator("form.deliver button[type=submit]").click()
        with ben.expect_navigation():
            ben.click("#complete")
        driver.close()

    request = AidRequest.objects.get(code=code)
    assert request.status == "delivered"
    assert request.address is None and request.point is None
    assert request.__dict__["address"] is None  # no ciphertext left in the row
    assert request.address_subject_id is None
    assert not Subject.objects.filter(kind="aid_address").exists()
