"""Real Chromium (Debian's, not a downloaded build) for the browser tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.conftest import TEST_NOW, Instance, pinned_clock_env

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def days_before_today(days: int, *, at: str | None = None) -> str:
    """A date (or, with ``at="10:30"``, a date and time) ``days`` before the server's pinned
    today (tests/conftest.py TEST_NOW), as a date field takes it."""
    day = (TEST_NOW.date() - timedelta(days=days)).isoformat()
    return f"{day}T{at}" if at else day


def own_instance(tmp_path_factory: pytest.TempPathFactory, name: str) -> Instance:
    """A migrated installation with the demo data, of one test module's own (SQLite, even in
    the PostgreSQL run): what it registers takes case numbers the tests sharing the session's
    installation must not see."""
    var = tmp_path_factory.mktemp(name)
    env = {**os.environ, "SANXIANG_VAR": str(var), **pinned_clock_env()}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    instance = Instance(var=var, env=env)
    instance.sanxiang("migrate", "--noinput", "-v0")
    instance.sanxiang("collectstatic", "--noinput", "-v0")
    instance.sanxiang("demo")
    return instance


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield confirming(browser)
        browser.close()


def confirming(browser: Browser) -> Browser:
    """Every page of ``browser`` answers 确定 when a step asks for confirmation (``data-confirm``
    in office/forms.js), as the officer who clicked it would; Playwright would otherwise dismiss
    it. A test of the other answer replaces ``window.confirm`` on its page."""
    new_context, new_page = browser.new_context, browser.new_page

    def context(**options: Any) -> BrowserContext:
        made = new_context(**options)
        made.on("dialog", lambda dialog: dialog.accept())
        return made

    def page(**options: Any) -> Page:
        made = new_page(**options)
        made.on("dialog", lambda dialog: dialog.accept())
        return made

    browser.new_context = context  # type: ignore[method-assign]
    browser.new_page = page  # type: ignore[method-assign]
    return browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    yield page
    context.close()


def phone(browser: Browser) -> BrowserContext:
    """A browser context the size of a common phone, in Chinese, in Shanghai time."""
    return browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
    )


def log_in(page: Page, server: str, username: str, password: str = "sanxiang-demo") -> None:
    """Log in through the office log-in form, as a person would."""
    page.goto(f"{server}/office/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
