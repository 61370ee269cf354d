"""The web app in real Chromium (Debian's, through Playwright; tests/browser.py), served by
uvicorn as `advisor serve` serves it: a delivery team signs in, answers a whole
assessment, closes the tab half-way and resumes, and finishes; the stored result is the
CLI's for the same profile, and axe-core finds nothing serious on any page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from advisor.render import to_json
from tests import browser as harness
from tests.web.browsing import MOST_PAGES, TRAIL, in_browser
from tests.web.conftest import PASSWORD
from tests.web.helpers import assess_text
from tests.web.test_guided import cli_profile

pytestmark = pytest.mark.browser


ANSWERS = {"kind": "self-audit", "site.prison": "HMP High Down",
           "wing.name": "Community Living Unit (CLU)", "assessed.by": "Wing team",
           "site.population": "1100", "delivery.partnership": "yes", "roles": "Ambassador",
           "roles[0].supervision": "ad-hoc", "governance.wing_forum": "no",
           "aspiration_rung": "2"}


def _answer_page(page: Any, answers: dict[str, str]) -> None:
    """Fill in what `answers` says for the questions on this page; leave the rest."""
    for path, value in answers.items():
        radio = page.locator(f'input[type=radio][name="{path}"][value="{value}"]')
        text = page.locator(f'input[type=text][name="{path}"]')
        if radio.count():
            radio.check()
        elif text.count():
            text.fill(value)


def _no_serious_violations(page: Any, seen: dict[str, str]) -> None:
    TRAIL.append(f"axe on {page.url}")
    found = harness.axe(page)
    if found:
        seen[page.url] = harness.describe(found)


def test_a_delivery_team_assesses_its_wing_in_the_browser(
        served: tuple[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base, world = served
    result_id, problems = in_browser(lambda browser: _walk(browser, base, world))
    stored = world.store.result(result_id)
    assert stored is not None
    assert stored.profile_yaml == cli_profile(tmp_path, ANSWERS, monkeypatch)
    assert stored.result_json == to_json(assess_text(stored.profile_yaml))
    assert not problems, "\n".join(f"{url}:\n{text}" for url, text in problems.items())


def _walk(browser: Any, base: str, world: Any) -> tuple[int, dict[str, str]]:
    """Sign in, start, answer three parts, close the tab, resume, finish."""
    context = browser.new_context(bypass_csp=True)  # so axe can be injected
    page = context.new_page()
    problems: dict[str, str] = {}
    page.goto(f"{base}/")
    assert page.url == f"{base}/signin?next=/"
    _no_serious_violations(page, problems)
    page.fill("#email", "delivery@example.org")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    assert page.url == f"{base}/"
    _no_serious_violations(page, problems)
    page.click("text=Community Living Unit (CLU), HMP High Down")
    _no_serious_violations(page, problems)
    page.check('input[name=kind][value="self-audit"]')
    page.click("button:has-text('Start')")
    for _ in range(3):  # three parts, then the tab is closed
        _answer_page(page, ANSWERS)
        _no_serious_violations(page, problems)
        page.click("button:has-text('Save and go on')")
    left_at = page.url
    assert left_at.endswith("/delivery")
    page.close()

    page = context.new_page()  # a new tab: still signed in, the answers all kept
    page.goto(f"{base}/wings/{world.wing_a}")
    page.click("text=carry on")
    assert page.url == left_at
    page.goto(left_at.rsplit("/", 1)[0] + "/site")
    assert page.input_value('input[name="site.population"]') == "1100"
    page.goto(left_at)
    sent = 0
    while "/finish" not in page.url:
        sent += 1
        assert sent <= MOST_PAGES, f"the walk went round: {' > '.join(TRAIL[-8:])}"
        TRAIL.append(f"answer {page.url}")
        _answer_page(page, ANSWERS)
        _no_serious_violations(page, problems)
        page.click("button:has-text('Save and go on')")
        if page.locator("text=open more questions in this part").count():
            _answer_page(page, ANSWERS)  # naming the role opened its questions
            page.click("button:has-text('Save and go on')")
    _no_serious_violations(page, problems)
    page.click("button:has-text('Finish and assess')")
    assert "/results/" in page.url
    _no_serious_violations(page, problems)
    result_id = int(page.url.rsplit("/", 1)[1])
    assert page.locator("#headline").count() == 1  # the report itself is on the page
    context.close()
    return result_id, problems


def test_every_other_page_passes_axe_too(served: tuple[str, Any]) -> None:
    """The pages the walk above does not reach: the administrator's, a stored result for
    each audience, the worked examples, a page with answers refused, and the errors."""
    base, world = served
    problems = in_browser(lambda browser: _visit(browser, base, world))
    assert not problems, "\n".join(f"{url}:\n{text}" for url, text in problems.items())


def _visit(browser: Any, base: str, world: Any) -> dict[str, str]:
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/signin")
    page.fill("#email", "admin@example.org")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    draft = f"/drafts/{world.draft_b}"
    urls = ["/", "/admin/users", "/admin/audit", "/examples",
            "/examples/hmp-high-down-clu.yaml", f"/wings/{world.wing_b}",
            f"/results/{world.result_b}",
            *(f"/results/{world.result_b}?audience={a}"
              for a in ("commissioner", "delivery", "trainer")),
            f"{draft}/site", f"{draft}/finish", "/no/such/page"]
    problems: dict[str, str] = {}
    for url in urls:
        page.goto(base + url)
        _no_serious_violations(page, problems)
    page.goto(f"{base}{draft}/site")
    page.fill('input[name="site.population"]', "0")
    page.click("button:has-text('Save and go on')")
    assert page.locator("#q2-error").inner_text() == "0 is out of range: give 1 to 100000"
    _no_serious_violations(page, problems)
    page.goto(f"{base}/admin/users")
    page.fill("#email", "new@example.org")
    page.fill("#password", "short")
    page.click("button:has-text('Add the account')")
    assert page.locator("#password-error").inner_text() == \
        "a password needs at least 10 characters"
    _no_serious_violations(page, problems)
    context.close()
    return problems
