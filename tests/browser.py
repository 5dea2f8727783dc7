"""What the browser tests share: Debian's chromium driven by Playwright, the folder for screenshots, the test
users' password, a page in a language and a size, signing in and a full-page screenshot."""
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test's thread; the test's ORM calls stay synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"
PASSWORD = "pw-for-tests"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, locale="zh-CN", width=1400, height=1000, timeout=15_000, context_options=None):
    """A page in its own context (cookies, language, screen) in Asia/Shanghai. The timeout guards against a hang;
    it is no speed target (the machine's two cores may be shared)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        locale=locale, viewport={"width": width, "height": height}, timezone_id="Asia/Shanghai", **(context_options or {})
    )
    context.set_default_timeout(timeout)
    context.set_default_navigation_timeout(timeout)
    return context.new_page()


def sign_in(page, base_url, user, password=PASSWORD):
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def to_docs(shot: str, name: str) -> None:
    """Copy a screenshot of var/artifacts/ to docs/ (the README's pictures), only when asked with
    RIGHTSDESK_DOCS_SCREENSHOTS=1: a test run leaves the tracked files alone."""
    if os.environ.get("RIGHTSDESK_DOCS_SCREENSHOTS") == "1":
        docs = Path(settings.BASE_DIR) / "docs"
        docs.mkdir(exist_ok=True)
        shutil.copy(ARTIFACTS / f"{shot}.png", docs / f"{name}.png")
