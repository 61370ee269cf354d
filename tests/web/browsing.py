"""Chromium for the web app's browser tests: `in_browser(body)` runs `body(browser)` in a
Chromium of its own, with a time limit; the `served` fixture (tests/web/conftest.py) gives
the app under a real uvicorn to point it at."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from tests import browser as harness

T = TypeVar("T")

BROWSER_SECONDS = 240  # a whole walk takes about ten seconds
TRAIL: list[str] = []  # what the browser last did, for a failure's message
MOST_PAGES = 40  # the guided assessment has far fewer parts: more means it is going round


def in_browser(body: Callable[[Any], T]) -> T:
    """`body(browser)` with a Chromium of its own, run in a thread of its own: the
    session's browser (tests/browser.py) holds Playwright's loop in this thread while a
    report test module uses it, and a second sync Playwright may not share a thread.
    The thread is a daemon, so a browser that hangs fails this test without keeping the
    interpreter alive after the run; `TRAIL` says how far it got."""
    exe = harness.chromium_path()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must install it")
        pytest.skip("Chromium is not installed (make test installs it as root)")
    out: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as p:
                chromium = p.chromium.launch(executable_path=exe, args=harness.FLAGS,
                                             headless=True)
                try:
                    out.append(body(chromium))
                finally:
                    chromium.close()
        except BaseException as err:  # re-raised in the test's own thread
            errors.append(err)

    TRAIL.clear()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=BROWSER_SECONDS)
    if errors:
        raise errors[0]
    assert out, (f"the browser did not finish within {BROWSER_SECONDS} s; its last steps: "
                 + " > ".join(TRAIL[-8:]))
    return out[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
