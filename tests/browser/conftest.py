"""Browser tests: headless Chromium driven through Playwright against pytest-django's live server.

Every journey signs in through the real pages (password, then the 6-digit code), as staff do.
A failing test leaves a screenshot of each page it opened in test-artifacts/ (gitignored).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from conftest import PASSWORD
from openkap.accounts.mfa import current_code
from openkap.accounts.models import User

CHROMIUM = "/usr/bin/chromium"
# The network is closed: without the background-networking flags Chromium keeps trying to reach
# Google's services (updates, sync, safe browsing) and floods it.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 900}
# Long enough for a page load on a slow CI machine, short enough that a failure shows up quickly.
TIMEOUT_MS = 10_000

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    # Playwright's sync API keeps an asyncio loop running in this thread from here on, and Django
    # refuses database access from a thread with a running loop unless told it is safe. It is: the
    # loop only drives the browser. Set only while Playwright runs, never at import: a collected but
    # deselected browser test must not leak it into other tests (`check --deploy` refuses it).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # In a run of the whole suite, browser tests go last (after pytest-django's own ordering): from
    # the first one on, Playwright's loop and DJANGO_ALLOW_ASYNC_UNSAFE stay until the session ends.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    # Keep each phase's report on the test item, so fixtures can tell in teardown whether it failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_context(
    browser: Browser, live_server, request: pytest.FixtureRequest
) -> Iterator[Callable[[], BrowserContext]]:
    """Open a fresh browser context (its own cookies: another person at another computer)."""
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(
            base_url=live_server.url, viewport=VIEWPORT, accept_downloads=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::")[-1])
        for c, context in enumerate(contexts):
            for p, open_page in enumerate(context.pages):
                open_page.screenshot(path=ARTIFACTS / f"{name}-{c}-{p}.png", full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[[], BrowserContext]) -> Page:
    return new_context().new_page()


def fresh_code(user: User) -> str:
    """The user's current 6-digit code, as their authenticator app would show it."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    # django-otp refuses a code from a time step it has already accepted (device.last_t), which
    # is right against replay but would fail a second sign-in within the same 30 seconds here.
    # Forgetting the last accepted step is what a real user waiting for the next code achieves.
    device.last_t = -1
    device.save(update_fields=["last_t"])
    return current_code(device)


def sign_in(page: Page, user: User, password: str = PASSWORD) -> None:
    """Sign in through the real pages: username and password, then the code."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Enter your 6-digit code")).to_be_visible()
    page.get_by_label("6-digit code").fill(fresh_code(user))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
