"""What it would take, in real Chromium (tests/browser.py) against the app under uvicorn:
a trainer opens a worked example from the gallery, walks its steps by their links, changes
three facts on the what-if form and sees the rung move, then asks for the least change to
a rung and sees a proposal's verdict move; a commissioner explores a stored assessment. No
script runs on these pages, and axe-core finds nothing serious or critical on any of them.

The values are worked by hand in tests/web/test_explore.py: at High Down, telling residents
what holders are for, making holders known and having them active day to day lifts the
Ambassador role from rung 0 to rung 1, at the least effort of 3."""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as harness
from tests.web.browsing import TRAIL, in_browser
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _check(page: Any, seen: list[str]) -> None:
    """Note the page for axe-core, which runs after the walk: the walk itself runs with
    JavaScript off, as the pages must work without it, and axe-core is a script."""
    TRAIL.append(page.url)
    seen.append(page.url)


def _axe(browser: Any, base: str, email: str, seen: list[str]) -> dict[str, str]:
    context = browser.new_context(bypass_csp=True)  # so axe can be injected
    page = _sign_in(context, base, email)
    problems: dict[str, str] = {}
    for url in dict.fromkeys(seen):
        page.goto(url)
        TRAIL.append(f"axe on {url}")
        found = harness.axe(page)
        if found:
            problems[url] = harness.describe(found)
    context.close()
    return problems


def _sign_in(context: Any, base: str, email: str) -> Any:
    page = context.new_page()
    page.goto(f"{base}/signin")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    return page


def test_a_trainer_shows_what_moves_in_the_browser(served: tuple[str, Any]) -> None:
    base, _ = served
    problems = in_browser(lambda browser: _trainer(browser, base))
    assert not problems, "\n".join(f"{url}:\n{text}" for url, text in problems.items())


def _trainer(browser: Any, base: str) -> dict[str, str]:
    context = browser.new_context(java_script_enabled=False)
    seen: list[str] = []
    page = _sign_in(context, base, "trainer@example.org")
    page.goto(f"{base}/examples")
    _check(page, seen)
    page.click("a[href='/examples/hmp-high-down-clu.yaml/steps']")
    assert page.url == f"{base}/examples/hmp-high-down-clu.yaml/steps"
    _check(page, seen)
    page.click("text=Next step: The six stages")
    assert page.url.endswith("#stages")
    page.click("text=change a fact and see what moves >> nth=0")
    assert page.url == f"{base}/examples/hmp-high-down-clu.yaml/whatif"
    _check(page, seen)
    TRAIL.append("what if")
    page.select_option('select[name="roles[0].expectations_communicated"]', "yes")
    page.select_option('select[name="roles[0].visible_to_residents"]', "yes")
    page.select_option('select[name="roles[0].engagement.day_to_day"]', "informal")
    page.click("button:has-text('Show what moves')")
    assert "/whatif?" in page.url  # the answer's address, to share
    answer = page.locator("#answer").inner_text()
    assert "Rung now: 0 (non-engagement) → 1 (information) (up)" in answer
    assert "Target: 3 (participation), unchanged" in answer
    assert "Ambassador: Do residents know who the holders are? no → yes" in answer
    _check(page, seen)
    shared = page.url
    other = context.new_page()  # the shared address gives the same answer
    other.goto(shared)
    assert other.locator("#answer").inner_text() == answer
    other.close()
    page.fill('input[name="site.population"]', "lots")
    page.click("button:has-text('Show what moves')")
    assert page.locator("p.error[id^=e]").inner_text() == \
        "answer with a whole number, or unknown"
    _check(page, seen)
    TRAIL.append("path")
    page.click("text=least change to reach a rung")
    page.select_option("#rung", "1")
    page.click("button:has-text('Show the least change')")
    assert "The least effort is 3, in one way." in page.locator("#answer").inner_text()
    assert "Effort adds up the weight the rulebook gives each change" in \
        page.locator("#answer").inner_text()
    _check(page, seen)
    _verdict(page, base, seen)
    page.goto(f"{base}/examples/no-role-yet.yaml/path?rung=2")
    assert "cannot be reached by the changes the rulebook allows" in \
        page.locator("#answer").inner_text()
    _check(page, seen)
    page.goto(f"{base}/examples")
    page.click("text=Holders clear on a role that residents were told about show no "
               "expectations challenge")
    assert "/examples/cases/" in page.url
    _check(page, seen)
    context.close()
    return _axe(browser, base, "trainer@example.org", seen)


def _verdict(page: Any, base: str, seen: list[str]) -> None:
    """thin-proposal.yaml is ready with conditions; with its holders unsupervised it has no
    structure even for rung 1, so it would not be ready (rules/headline.yaml)."""
    TRAIL.append("a proposal's verdict")
    page.goto(f"{base}/examples/thin-proposal.yaml/whatif")
    page.select_option('select[name="roles[0].supervision"]', "none")
    page.click("button:has-text('Show what moves')")
    assert "Ready with conditions → Not ready" in page.locator("#answer").inner_text()
    _check(page, seen)


def test_a_commissioner_explores_a_stored_assessment(served: tuple[str, Any]) -> None:
    base, world = served
    problems = in_browser(lambda browser: _commissioner(browser, base, world))
    assert not problems, "\n".join(f"{url}:\n{text}" for url, text in problems.items())


def _commissioner(browser: Any, base: str, world: Any) -> dict[str, str]:
    context = browser.new_context(java_script_enabled=False)
    seen: list[str] = []
    page = _sign_in(context, base, "commissioner@example.org")
    page.goto(f"{base}/results/{world.result_b}")
    page.click("text=change a fact and see what moves")
    assert page.url == f"{base}/results/{world.result_b}/whatif"
    _check(page, seen)
    # an empty proposal (every fact not known, no role named): a wing fact changes
    page.select_option('select[name="delivery.ringfenced_funding"]', "yes")
    page.click("button:has-text('Show what moves')")
    assert "Is the wing's funding ringfenced? I don't know → yes" in \
        page.locator("#answer").inner_text()
    _check(page, seen)
    page.goto(f"{base}/results/{world.result_b}/path?rung=1")
    assert "cannot be reached by the changes the rulebook allows" in \
        page.locator("#answer").inner_text()
    _check(page, seen)
    context.close()
    return _axe(browser, base, "commissioner@example.org", seen)
