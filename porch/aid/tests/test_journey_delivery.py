"""Browser journey (W5): intake call → callback confirms the address →
the coordinator plans the day → a driver claims a run and prints the sheet →
delivers by code (from the stop page the sheet's QR code opens) → the
address's ciphertext and vault key are gone. In English and in Somali: the
coordinator and the driver use Porch in the language of their account and
browser, and the printed sheet is in that language too."""

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

# Per language: the browser's locale and a sentence the printed sheet must carry.
LANGUAGES = {
    "en": ("en-US", "Destroy this sheet after the run: tear it up or burn it."),
    "so": ("so", "Burburi warqaddan safarka kadib: jeex ama gub."),
}


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


def browser_page(chromium, live_server, locale):
    context = chromium.new_context(base_url=live_server.url, locale=locale)
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_it_delivers_a_household_and_then_forgets_its_address(
    language, chromium, live_server, live_cast, screenshot
):
    cast = live_cast
    locale, destroy_line = LANGUAGES[language]
    User = type(cast.ana)
    User.objects.filter(pk__in=[cast.ana.pk, cast.ben.pk]).update(language=language)
    coordinator, page = browser_page(chromium, live_server, locale)
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
        assert page.locator("html").get_attribute("lang") == language
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
        driver, ben = browser_page(chromium, live_server, locale)
        sign_in(ben, "ben", ben_seed)
        ben.goto("/aid/")
        assert ben.locator("html").get_attribute("lang") == language
        with ben.expect_navigation():
            ben.locator("#open-runs button.claim").first.click()
        with ben.expect_navigation():
            ben.click("#dispatch")
        assert "1121 Cedar Ave S" in ben.content()
        sheet = ben.request.get(ben.locator("#run-sheet").get_attribute("href"))
        assert sheet.headers["content-type"] == "application/pdf"
        assert sheet.headers["cache-control"] == "no-store"
        text = pdf_text(sheet.body())
        assert "1121 Cedar Ave S" in text and destroy_line in " ".join(text.split())
        stop_url = next(w for w in text.split() if "/aid/s/" in w)  # printed under the QR
        screenshot(ben, "run")

        # Doorstep: the QR code's page confirms with the household's code,
        # then the driver finishes the run.
        ben.goto(stop_url)
        assert "1121 Cedar Ave S" in ben.content()
        ben.locator("form.deliver input[name=household_code]").fill(code)
        with ben.expect_navigation():
            ben.locator("form.deliver button[type=submit]").click()
        with ben.expect_navigation():
            ben.click("#complete")
        driver.close()
        coordinator.close()

    request = AidRequest.objects.get(code=code)
    assert request.status == "delivered"
    assert request.address is None and request.point is None
    assert request.__dict__["address"] is None  # no ciphertext left in the row
    assert request.address_subject_id is None
    assert not Subject.objects.filter(kind="aid_address").exists()
