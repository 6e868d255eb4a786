"""Browser journey: sign-up → two vouches → sign-in with 2FA → home page,
in English and in Spanish. Selectors use names and ids, not text, so the
journey holds in every language."""

import pytest

from porch.accounts import totp
from porch.accounts.models import TOTPDevice, User
from porch.core.testing import PASSWORD

pytestmark = [pytest.mark.browser]

NEW_PASSWORD = "winter porch lantern kettle"


def submit(page, form_selector="main form"):
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").first.click()


def sign_in(page, handle, password, seed=None):
    page.goto("/login/")
    page.fill("#id_handle", handle)
    page.fill("#id_password", password)
    submit(page)
    if seed is not None:
        page.fill("#id_code", totp.current_code(seed))
        submit(page)


def vouch_as(chromium, live_server, handle, seed, applicant, code):
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    sign_in(page, handle, PASSWORD, seed)
    page.goto("/vouch/")
    page.fill("#id_handle", applicant)
    page.fill("#id_vouch_code", code)
    submit(page)
    assert page.url.endswith("/vouch/")
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_takes_a_volunteer_from_sign_up_to_their_home_page(
    page, chromium, live_server, live_cast, screenshot, language
):
    ana_seed = totp.new_seed()
    TOTPDevice.objects.create(user=live_cast.ana, seed=ana_seed, confirmed=True)

    page.goto("/signup/")
    page.select_option("#id_language", language)
    page.fill("#id_password", NEW_PASSWORD)
    page.fill("#id_password_again", NEW_PASSWORD)
    submit(page)
    handle = page.locator("#handle").inner_text().strip()
    code = page.locator("#vouch-code").inner_text().strip()
    assert page.locator("html").get_attribute("lang") == language
    screenshot(page, "welcome")

    vouch_as(chromium, live_server, "cal", None, handle, code)
    vouch_as(chromium, live_server, "ana", ana_seed, handle, code)
    assert User.objects.get(handle=handle).status == User.Status.ACTIVE

    # The new member turns on two-factor sign-in, then signs in with it.
    page.goto("/account/two-factor/")
    submit(page)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert page.locator("main img").get_attribute("src").startswith("data:image/svg+xml")
    screenshot(page, "enrol")
    page.fill("#id_code", totp.current_code(secret))
    submit(page)
    assert page.locator("#recovery-codes li").count() == 10
    page.locator("header form.inline button").click()
    page.wait_for_url("**/login/")

    seed = TOTPDevice.objects.get(user__handle=handle).seed
    # A fresh step: the enrolment code cannot be used twice.
    step = totp.matching_step(seed, totp.current_code(seed), after=-1)
    TOTPDevice.objects.filter(user__handle=handle).update(last_step=step - 1)
    sign_in(page, handle, NEW_PASSWORD, seed)
    assert page.url.rstrip("/") == live_server.url
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("main h1").inner_text().endswith(handle)
    screenshot(page, "home")
