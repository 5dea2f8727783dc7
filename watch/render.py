"""A page whose text appears only after its scripts run (a single-page site) is rendered in headless Chromium
through Playwright, the browser the test suite uses. Only when the static HTML holds no policy text and loads
scripts: a browser costs about a second and a half to start.

Every request the page makes (scripts, data, frames) goes through the same address guard as the watch's own
fetches (watch.fetch.check_url_allowed): a page cannot make the browser reach the server's network either.
Images, fonts and media are not loaded: only text matters.
"""
from __future__ import annotations

import os
import re

from django.conf import settings
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from .fetch import Refused, check_url_allowed, user_agent

_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
_SKIPPED = {"image", "font", "media"}
_SCRIPT = re.compile(rb"<script\b", re.IGNORECASE)


def can_render(body: bytes) -> bool:
    return bool(settings.WATCH_RENDER_SCRIPTS) and os.path.exists(settings.WATCH_CHROMIUM) and bool(_SCRIPT.search(body[:500_000]))


def _guard(route) -> None:
    request = route.request
    if request.resource_type in _SKIPPED:
        route.abort()
        return
    if request.url.startswith(("data:", "blob:")):
        route.continue_()
        return
    try:
        check_url_allowed(request.url)
    except Refused:
        route.abort("blockedbyclient")
        return
    route.continue_()


def render(url: str, *, timeout_seconds: float | None = None) -> bytes | None:
    """The page's HTML after its scripts ran (UTF-8), or None when it cannot be rendered."""
    timeout = (timeout_seconds or settings.WATCH_TIMEOUT_SECONDS) * 1000
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=settings.WATCH_CHROMIUM, args=_ARGS)
            try:
                context = browser.new_context(user_agent=user_agent(), java_script_enabled=True, locale="zh-CN")
                context.set_default_timeout(timeout)
                page = context.new_page()
                page.route("**/*", _guard)
                page.goto(url, wait_until="load")
                # Text that a script fetches after "load": wait until the page holds some, or the timeout.
                try:
                    page.wait_for_function("document.body && document.body.innerText.length > 200")
                except PlaywrightError:
                    pass  # the page stays short: it is read as it is (and is likely no policy)
                return page.content().encode("utf-8")
            finally:
                browser.close()
    except PlaywrightError:
        return None
