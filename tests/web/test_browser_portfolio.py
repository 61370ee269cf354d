"""The portfolio in real Chromium, served by uvicorn: a commissioner sorts by a header,
filters with the form, downloads what is shown as CSV and compares two wings ticked; every
page passes axe-core, and none trips the Content-Security-Policy (no inline style)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests import browser as harness
from tests.web.browsing import TRAIL, in_browser
from tests.web.conftest import PASSWORD
from tests.web.test_portfolio import B_WING, CLU, FAIRHAVEN, HARBOUR, OAK, WILLOW, stock

pytestmark = pytest.mark.browser


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/signin")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")


def _rows(page: Any) -> list[str]:
    texts: list[str] = page.locator("table.portfolio tbody th[scope=row]").all_inner_texts()
    return texts


def _axe(page: Any, problems: dict[str, str]) -> None:
    TRAIL.append(f"axe on {page.url}")
    found = harness.axe(page)
    if found:
        problems[page.url] = harness.describe(found)


def test_a_commissioner_sorts_filters_exports_and_compares(served: tuple[str, Any]) -> None:
    base, world = served
    made = stock(world)
    seen = in_browser(lambda browser: _walk(browser, base, made))
    assert seen["first"] == [B_WING, WILLOW, HARBOUR, OAK, FAIRHAVEN, CLU]
    # the page is never wider than the screen: on a phone the table scrolls in its own
    # region (the words hidden for screen readers inside it too); on a laptop it fits
    phone, laptop = seen["widths"][390], seen["widths"][1280]
    assert (phone[0], phone[1]) == (390, []), phone
    assert phone[2] > 0  # the table is wider than a phone: its region scrolls
    assert laptop == (1280, [], 0), laptop
    assert seen["by rung"] == [B_WING, OAK, HARBOUR, WILLOW, FAIRHAVEN, CLU]
    assert seen["by rung, highest first"] == [FAIRHAVEN, WILLOW, HARBOUR, B_WING, OAK, CLU]
    assert seen["aria-sort"] == ["ascending", "descending"]
    assert seen["filtered"] == [WILLOW, OAK]  # self-audits with actions overdue, rung desc
    assert seen["filtered url"].endswith("/?sort=rung&order=desc&q=&kind=self-audit"
                                         "&verdict=&light=&stage=&overdue=yes")
    table = list(csv.reader(io.StringIO(seen["csv"].decode("utf-8-sig"))))
    assert seen["csv"].startswith(b"\xef\xbb\xbf")
    assert [(r[2], r[5], r[18]) for r in table[1:]] == [("Willow wing", "3", "1"),
                                                        ("Oak wing", "0", "2")]
    assert seen["csv name"] == "portfolio-2026-03-02.csv"
    assert seen["compared"] == "Comparison of 2 wings"
    assert seen["ranking"] == [WILLOW, HARBOUR]
    assert seen["columns"] == [WILLOW, HARBOUR]  # by wing, in the portfolio's order
    assert ".yaml" not in seen["compare text"] and "File" not in seen["compare text"]
    assert seen["compare widths"] == [(390, []), (1280, [])], seen["compare widths"]
    assert "Only one assessment was ticked" in seen["one"]
    assert not seen["csp"], seen["csp"]
    assert not seen["problems"], "\n".join(f"{u}:\n{t}" for u, t in seen["problems"].items())


def _walk(browser: Any, base: str, made: dict[str, Any]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    problems: dict[str, str] = {}
    context = browser.new_context(bypass_csp=True, accept_downloads=True)  # axe is injected
    page = context.new_page()
    _sign_in(page, base, "commissioner@example.org")
    assert page.url == f"{base}/"
    seen["first"] = _rows(page)
    _axe(page, problems)
    seen["widths"] = _widths(page)

    page.click("table.portfolio thead >> text=Rung now")
    seen["by rung"] = _rows(page)
    sorted_by = page.locator("table.portfolio thead th[aria-sort]")
    aria = [sorted_by.get_attribute("aria-sort")]
    page.click("table.portfolio thead >> text=Rung now")  # again: the other way
    seen["by rung, highest first"] = _rows(page)
    aria.append(page.locator("table.portfolio thead th[aria-sort]").get_attribute("aria-sort"))
    seen["aria-sort"] = aria
    _axe(page, problems)

    page.select_option("#f-kind", "self-audit")
    page.check("#f-overdue")
    page.click("form.filters button:has-text('Show')")
    seen["filtered"] = _rows(page)
    seen["filtered url"] = page.url
    _axe(page, problems)

    with page.expect_download() as download:
        page.click("text=Download these rows (CSV)")
    seen["csv name"] = download.value.suggested_filename
    seen["csv"] = Path(download.value.path()).read_bytes()

    page.goto(f"{base}/")
    page.check(f"#pick-{made[HARBOUR][0].id}")
    page.check(f"#pick-{made[WILLOW][0].id}")
    page.click("button:has-text('Compare the ticked wings')")
    seen["compared"] = page.locator("h1").inner_text()
    seen["ranking"] = page.locator("table.ranking tbody th[scope=row]").all_inner_texts()
    seen["columns"] = page.locator("table.side thead th").all_inner_texts()
    seen["compare text"] = page.locator("main").inner_text()
    seen["compare widths"] = [(harness.scroll_width(page, w), harness.overflowing(page))
                              for w in (390, 1280)]
    page.set_viewport_size(harness.SCREEN)
    _axe(page, problems)
    compare_url = page.url

    page.goto(f"{base}/")
    page.check(f"#pick-{made[OAK][0].id}")
    page.click("button:has-text('Compare the ticked wings')")
    seen["one"] = page.locator("p.error").inner_text()
    _axe(page, problems)
    context.close()
    seen["csp"] = _refused(browser, base, [f"{base}/?sort=lights&order=desc", compare_url])
    seen["problems"] = problems
    return seen


def _widths(page: Any) -> dict[int, Any]:
    """At a phone's width and a laptop's: how wide the page is, what sticks out past the
    viewport, and how far the table's own region scrolls (its content's width beyond
    what it shows)."""
    out: dict[int, Any] = {}
    for width in (390, 1280):
        whole = harness.scroll_width(page, width)
        region = page.evaluate("""() => { const r = document.querySelector('#portfolio .scroll');
            return [r.scrollWidth, r.clientWidth]; }""")
        out[width] = (whole, harness.overflowing(page), region[0] - region[1])
    page.set_viewport_size(harness.SCREEN)
    return out


def _refused(browser: Any, base: str, urls: list[str]) -> list[str]:
    """What the Content-Security-Policy refused on `urls`, as served (no bypass)."""
    strict = browser.new_context()
    page = strict.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text)
            if "Content Security Policy" in m.text else None)
    _sign_in(page, base, "commissioner@example.org")
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("load")
    strict.close()
    return refused
