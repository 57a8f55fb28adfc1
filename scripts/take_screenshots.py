#!/usr/bin/env python3
"""Take the documentation screenshots from a running demo server.

    make run                                   # in another terminal: the demo at :8000
    .venv/bin/python scripts/take_screenshots.py [--base-url http://127.0.0.1:8000] [--out docs/screenshots]

Signs in as demo users through the real pages (the demo code page shows each demo account's
current code) and saves PNGs at 1280x900, the patient chart at tablet size (1024x768). To show the
edit conflict it saves one small change to a demo patient (their pronouns), as a colleague would.
Uses Debian's Chromium; never downloads a browser.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

DEMO_PASSWORD = "openkap-demo-2026"  # noqa: S105  (the published password of the synthetic demo accounts)
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 1024, "height": 768}
TOTP_STEP_SECONDS = 30
REPO = Path(__file__).resolve().parent.parent


class Shooter:
    def __init__(self, browser: Browser, base_url: str, out: Path) -> None:
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.out = out

    @contextmanager
    def person(self, viewport: dict[str, int] = DESKTOP) -> Iterator[Page]:
        context = self.browser.new_context(base_url=self.base_url, viewport=viewport)
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()

    def shoot(self, page: Page, name: str) -> None:
        path = self.out / f"{name}.png"
        page.screenshot(path=path)
        print(f"  {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")

    def sign_in(self, page: Page, username: str, *, shots: bool = False) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        if shots:
            self.shoot(page, "login")
        page.get_by_role("button", name="Continue").click()
        code = page.get_by_test_id("demo-code")
        expect(code).to_be_visible()
        if shots:
            self.shoot(page, "code")
        used = code.inner_text().strip()
        page.get_by_label("6-digit code").fill(used)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        if page.get_by_role("button", name="Sign out").count() == 0:
            # The code was already used within its 30 seconds (an earlier run, say): wait for the
            # next one, as a person would.
            deadline = time.monotonic() + TOTP_STEP_SECONDS + 5
            while time.monotonic() < deadline:
                time.sleep(2)
                page.goto("/accounts/login/code/")
                if code.inner_text().strip() != used:
                    break
            page.get_by_label("6-digit code").fill(code.inner_text().strip())
            page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    def front_desk(self) -> None:
        with self.person() as page:
            self.sign_in(page, "frontdesk.rivera", shots=True)
            self.shoot(page, "home")
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
            expect(page.locator("#results tbody tr").first).to_be_visible()
            self.shoot(page, "patients")

            page.get_by_role("navigation", name="Main").get_by_role("link", name="Register").click()
            page.get_by_label("Legal first name").fill("Imogen")
            page.get_by_label("Legal last name").fill("Quarrington")
            page.get_by_label("Date of birth").fill(f"{date.today().year + 1}-03-14")
            page.get_by_label("Sex").select_option(label="Female")
            page.get_by_label("Phone", exact=True).fill("call me")
            page.get_by_role("button", name="Register patient").click()
            expect(page.locator(".notice-error")).to_be_visible()
            self.shoot(page, "register-errors")

            # The idle lock: the page's clock runs ahead instead of waiting the clinic's minutes.
            page.clock.install()
            page.goto("/patients/")
            page.locator("#results tbody tr").nth(2).get_by_role("link").click()
            page.get_by_role("button", name="Edit details").click()
            page.get_by_label("Pronouns").fill("she/her")
            idle_seconds = int(page.locator("#idle-lock").get_attribute("data-idle-seconds") or 900)
            page.clock.fast_forward(idle_seconds * 1000)
            expect(page.locator("#idle-lock")).to_be_visible()
            self.shoot(page, "idle-lock")

        with self.person(TABLET) as page:
            self.sign_in(page, "nurse.okafor")
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
            page.locator("#results tbody tr").first.get_by_role("link").click()
            expect(page.locator("ol.timeline")).to_be_visible()
            self.shoot(page, "patient-chart-tablet")

    def edit_conflict(self) -> None:
        with self.person() as doctor, self.person() as billing:
            self.sign_in(doctor, "dr.chen")
            self.sign_in(billing, "billing.novak")
            for page in (doctor, billing):
                page.goto("/patients/")
                page.locator("#results tbody tr").nth(1).get_by_role("link").click()
                page.get_by_role("button", name="Edit details").click()
            pronouns = doctor.get_by_label("Pronouns")
            pronouns.fill("they/them" if pronouns.input_value() != "they/them" else "she/her")
            doctor.get_by_role("button", name="Save changes").click()
            expect(doctor.get_by_role("status")).to_contain_text("Saved.")
            billing.get_by_label("Insurance payer").fill("Harborline Mutual")
            billing.get_by_role("button", name="Save changes").click()
            expect(billing.locator("section.conflict")).to_be_visible()
            self.shoot(billing, "edit-conflict")

    def administrator(self) -> None:
        with self.person() as page:
            self.sign_in(page, "admin.walsh")
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Audit report")
            self.shoot(page, "audit-report")
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Staff")
            self.shoot(page, "staff")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if not re.match(r"^https?://", args.base_url):
        parser.error("--base-url must start with http:// or https://")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            shooter = Shooter(browser, args.base_url, args.out)
            print(f"Screenshots of {args.base_url} into {args.out}:")
            shooter.front_desk()
            shooter.edit_conflict()
            shooter.administrator()
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
