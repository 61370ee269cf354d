"""A wing's history and its tracked plan in real Chromium (issue 20, points 1, 2 and 6):
a delivery team uploads two audits of High Down a year apart, sees the rung chart and the
lights strip drawn, tracks an action on the first plan, finds its tracking on the second
plan and takes it to done; the plan prints as one checklist; axe-core finds nothing
serious on the wing page or the plan, forms open or not. A refused save opens on its
summary, at the top; on a phone (390 px) the wing page never scrolls sideways, its
charts and tables scroll in their own regions at the size they were drawn.

The audits are tests/web/test_history.py's: R1d (an open, shared way of recruiting) is
action 11 of the first plan and 7 of the second; R1a is completed by the second audit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests import browser as harness
from tests.web.browsing import TRAIL, in_browser
from tests.web.conftest import PASSWORD
from tests.web.test_history import audit

pytestmark = pytest.mark.browser


def test_a_team_tracks_an_action_to_done_across_two_assessments(
        served: tuple[str, Any], tmp_path: Path) -> None:
    base, world = served
    files = []
    for name, data in (("clu-2025.yaml", audit("2025-03-01")),
                       ("clu-2026.yaml", audit("2026-03-01", later=True))):
        path = tmp_path / name
        path.write_text(json.dumps(data, default=str), encoding="utf-8")
        files.append(path)
    problems = in_browser(lambda browser: _walk(browser, base, world.wing_a, files))
    assert not problems, "\n".join(f"{where}:\n{text}" for where, text in problems.items())
    (saved,) = [t for t in world.store.trackings([world.wing_a]) if t.action_id == "R1d"]
    assert (saved.lead, saved.status, saved.version) == ("Jo Bloggs", "done", 2)
    assert saved.due is not None and saved.due.isoformat() == "2026-04-30"


def _axe(page: Any, where: str, problems: dict[str, str]) -> None:
    TRAIL.append(f"axe on {where}")
    found = harness.axe(page)
    if found:
        problems[where] = harness.describe(found)


def _upload(page: Any, base: str, wing: int, path: Path) -> None:
    TRAIL.append(f"upload {path.name}")
    page.goto(f"{base}/wings/{wing}")
    page.set_input_files("#profile", str(path))
    page.click("button:has-text('Check and assess it')")
    assert "/results/" in page.url, page.url


def _walk(browser: Any, base: str, wing: int, files: list[Path]) -> dict[str, str]:
    context = browser.new_context(bypass_csp=True)  # so axe can be injected
    page = context.new_page()
    problems: dict[str, str] = {}
    page.goto(f"{base}/signin")
    page.fill("#email", "delivery@example.org")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    _first(page, base, wing, files[0], problems)
    _second(page, base, wing, files[1], problems)
    # printed: one checklist, no forms
    page.emulate_media(media="print")
    assert page.locator(".plan-print").is_visible()
    assert not page.locator(".plan-screen").is_visible()
    printed = page.locator('.plan-print tr[data-check="R1d"]').inner_text()
    assert "Jo Bloggs" in printed and "Done" in printed
    context.close()
    return problems


def _first(page: Any, base: str, wing: int, file: Path, problems: dict[str, str]) -> None:
    """The first audit, and its plan: R1d (action 11) given a lead, a due date, in progress."""
    _upload(page, base, wing, file)
    page.goto(f"{base}/wings/{wing}")
    assert page.locator("svg").count() == 0
    assert page.get_by_text("One assessment so far.").is_visible()
    _axe(page, "the wing page, one assessment", problems)
    page.click("text=The plan and its progress")
    assert page.url == f"{base}/wings/{wing}/plan"
    TRAIL.append("track R1d on the first plan")
    item = page.locator("#action-R1d")
    item.locator("summary").click()
    TRAIL.append("drop R1d without a reason: refused")
    item.locator("input[name=status][value=dropped]").check()
    item.locator("button:has-text('Save action 11')").click()
    assert page.url == f"{base}/wings/{wing}/plan/R1d#error-summary", page.url
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    top = page.evaluate("document.getElementById('error-summary').getBoundingClientRect()"
                        ".top")
    assert -1 <= top < harness.SCREEN["height"] / 2, top  # in sight, not screens down
    said = " ".join(summary.inner_text().split())
    assert said.startswith("Not saved: action 11, “Agree as a staff team an open, shared "
                           "way of recruiting and…” Say why the action was dropped"), said
    _axe(page, "the plan, a save refused", problems)
    summary.locator("a[href='#reason-11']").click()
    assert page.locator("#reason-11").is_visible()
    page.fill("#lead-11", "Jo Bloggs")
    page.fill("#due-11", "2026-04-30")
    item.locator("input[name=status][value=in-progress]").check()
    item.locator("button:has-text('Save action 11')").click()
    assert page.url == f"{base}/wings/{wing}/plan#action-R1d"
    assert "Lead Jo Bloggs" in " ".join(item.locator("dl.about").inner_text().split())
    item.locator("summary").click()  # a form open, for axe
    _axe(page, "the plan, a form open", problems)


def _phone(page: Any) -> None:
    """At 390 px the page fits the screen; the charts keep the size they were drawn at
    (their text readable), scrolling sideways in their own labelled regions."""
    TRAIL.append("the wing page on a phone")
    width = harness.scroll_width(page, 390)
    assert width <= 390, (width, harness.overflowing(page))
    for chart in ("rung-chart", "lights-strip"):
        scale = page.locator(f"svg#{chart}").evaluate(
            "s => s.getBoundingClientRect().width / s.width.baseVal.value")
        assert scale > 0.99, (chart, scale)
        region = page.locator(f".wide:has(#{chart})")
        assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") \
            == "0"
        assert region.evaluate("e => e.scrollWidth > e.clientWidth")  # it scrolls, in itself
    page.set_viewport_size(harness.SCREEN)


def _second(page: Any, base: str, wing: int, file: Path, problems: dict[str, str]) -> None:
    """A year on: the chart and the strip, and R1d's tracking where it was, taken to done."""
    _upload(page, base, wing, file)
    page.goto(f"{base}/wings/{wing}")
    chart = page.locator("svg#rung-chart")
    strip = page.locator("svg#lights-strip")
    assert chart.is_visible() and strip.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    assert chart.locator('g[data-series="current"] g[data-point]').count() == 2
    assert strip.locator('g[data-row="1"] g[data-stage="6"]').get_attribute(
        "data-light") == "red"
    _phone(page)
    assert page.get_by_role("heading", name="What changed since the last assessment") \
        .is_visible()
    _axe(page, "the wing page, two assessments", problems)
    page.click("text=The plan and its progress")
    item = page.locator("#action-R1d")
    about = " ".join(item.locator("dl.about").inner_text().split())
    assert "Lead Jo Bloggs Due 30 April 2026 Where it stands In progress" in about, about
    TRAIL.append("R1d to done on the second plan")
    item.locator("summary").click()
    assert page.input_value("#lead-7") == "Jo Bloggs"
    assert page.input_value("#due-7") == "2026-04-30"
    item.locator("input[name=status][value=done]").check()
    item.locator("button:has-text('Save action 7')").click()
    about = " ".join(page.locator("#action-R1d dl.about").inner_text().split())
    assert "Where it stands Done" in about, about
    _axe(page, "the plan after saving", problems)
    assert page.get_by_text("Was action 11 in the plan of the self-audit of 1 March 2025.") \
        .is_visible()
    width = harness.scroll_width(page, 390)  # the plan, too, fits a phone
    assert width <= 390, (width, harness.overflowing(page))
    page.set_viewport_size(harness.SCREEN)
