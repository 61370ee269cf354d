"""Issue 18, point 8, measured in Chromium: the HTML report and the comparison reflow at
320 CSS px without sideways scrolling (WCAG 1.4.10), print on A4 with the headline on
page 1, no heading stranded at the foot of a page and no page count beyond a ceiling,
have a `main` landmark, table captions and header scopes, and give axe-core nothing
serious or critical.

Every bundled profile is rendered in every audience (and the default view), with a
comparison of all of them and a comparison of two audits of one wing a year apart. A
case marked xfail(strict) is a measured fault of the report, its reason the measurement:
the mark turns into a failure the moment the report is fixed, and is then removed.
"""

from __future__ import annotations

import copy
import functools
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest

from advisor import yamlio
from advisor.assess import assess, default_rulebook
from advisor.paths import set_in
from advisor.profile import Profile, load_profile
from advisor.render import render
from advisor.result import Assessment
from advisor.whatif import compare, render_compare
from tests import browser as harness
from tests.browser import Page, axe, describe, overflowing, printed_pages, scroll_width
from tests.conftest import HIGH_DOWN, PROFILES

pytestmark = pytest.mark.browser
# the harness's fixtures, bound here for pytest to find: one Chromium, one page
browser, page_for = harness.browser, harness.page_for

BUNDLED = sorted(p.name for p in PROFILES.glob("*.yaml"))
AUDIENCES: tuple[str | None, ...] = (None, "commissioner", "delivery", "trainer")
REPORTS = [f"{name}:{audience or 'default'}" for name in BUNDLED for audience in AUDIENCES]
COMPARISONS = ["compare:all", "compare:over-time"]
DOCUMENTS = REPORTS + COMPARISONS

# A4 less the report's @page margins of 13 mm a side: 184 mm, in CSS px (96 to the inch).
PRINT_WIDTH = round(184 / 25.4 * 96)  # 695

# Printed A4 pages, at most, by view. Issue 18.6: the trainer view printed 17 pages when
# the issue was filed and must come to under half of that, so 8. The commissioner's view
# lists the plan briefly as the trainer's does, but keeps the facts behind every light
# and rung, so 10 (High Down and the thin proposal print 9). The default and delivery
# views are working documents: every action with the facts it rests on, then the
# checklist to fill in, with each action's test of done (a page per seven or so
# actions); High Down's 31 actions print in 20, so 21 bounds them and catches a layout
# that wastes paper again. A comparison is a
# summary of summaries: of the five bundled profiles, one page for the side by side
# table and one for the ranking (18.7: "a table that fits the page"), so 2; of two
# audits over time, those two and one for the rung chart and the strip of lights, so 3.
PAGE_CEILING = {"default": 21, "delivery": 21, "commissioner": 10, "trainer": 8,
                "compare:all": 2, "compare:over-time": 3}


# -- the documents -----------------------------------------------------------------


@functools.cache
def _result(name: str) -> Assessment:
    return assess(load_profile(PROFILES / name), default_rulebook())


def _audits() -> list[tuple[str, Assessment]]:
    """High Down audited twice a year apart, as tests/test_what_it_would_take.py's
    audits over time: a year on, expectations agreed and holders known (rung 0 to 1),
    holders active day to day, and senior interest in residents' voice lost."""
    first = yamlio.load(HIGH_DOWN).data
    first["assessed"]["on"] = "2025-03-01"
    later = copy.deepcopy(first)
    later["assessed"]["on"] = "2026-03-01"
    for path, value in [("roles[0].expectations_communicated", True),
                        ("roles[0].visible_to_residents", True),
                        ("roles[0].engagement.day_to_day", "informal"),
                        ("governance.senior_interest_in_user_voice", False)]:
        set_in(later, path, value)
    book = default_rulebook()
    return [("clu-2025.yaml", assess(Profile.model_validate(first), book)),
            ("clu-2026.yaml", assess(Profile.model_validate(later), book))]


@functools.cache
def _compared(which: str) -> dict[str, Any]:
    results = ([(name, _result(name)) for name in BUNDLED] if which == "all" else _audits())
    return compare(results)


@functools.cache
def document(doc: str) -> str:
    """The HTML of a case: `profile.yaml:audience` or `compare:all|over-time`."""
    name, view = doc.split(":")
    if name == "compare":
        return render_compare(_compared(view), "html")
    return render(_result(name), "html", audience=None if view == "default" else view)


# -- measuring ---------------------------------------------------------------------


def _flat(text: str) -> str:
    """Text as compared: ligatures undone (the PDF has `ﬁ`), whitespace one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="session")
def pages_of(page_for: Callable[[str], Page]) -> Callable[[str], list[str]]:
    """A document's printed pages' text, printed once per session."""

    @functools.cache
    def pages(doc: str) -> list[str]:
        return printed_pages(page_for(document(doc)))

    return pages


def _dom(page: Page, script: str) -> Any:
    return page.evaluate(script)


def _cases(known: dict[str, str], docs: list[str] = DOCUMENTS) -> list[Any]:
    """Every document, those with a measured fault marked xfail(strict) with it."""
    unknown = set(known) - set(docs)
    assert not unknown, f"no such documents: {unknown}"
    return [pytest.param(d, marks=pytest.mark.xfail(strict=True, reason=known[d]))
            if d in known else d for d in docs]


def _every(reason: str, docs: list[str]) -> dict[str, str]:
    return dict.fromkeys(docs, reason)


# -- measured faults: the lead's to-do list (each turns into a failure once fixed) -----
# Measured in Chromium 156 on the working tree of this commit. Widths are CSS px at a
# 320 px viewport (the body's 1rem padding leaves 288 for content); page contents are
# each section's height laid out for print on A4 (688 px wide), in A4 pages of 269 mm.

# Every document reflows at 320: wide tables scroll inside their own box (focusable, named
# regions), as WCAG 1.4.10 allows data tables, and narrow cells break long words.
NARROW_320: dict[str, str] = {}

# Every view prints within its ceiling (PAGE_CEILING).
TOO_MANY_PAGES: dict[str, str] = {}

# Every document has a <main>, a caption on every table and a scope on every header cell.
NO_MAIN: dict[str, str] = {}

NO_CAPTION: dict[str, str] = {}
NO_SCOPE: dict[str, str] = {}

# None measured today: page 1 holds the headline in every view, nothing is wider than
# 768 px or than the printed line, and axe-core finds nothing serious or critical.
WIDE_768: dict[str, str] = {}
PRINT_WIDE: dict[str, str] = {}
PAGE_ONE: dict[str, str] = {}
AXE: dict[str, str] = {}


# -- reflow (WCAG 1.4.10) ----------------------------------------------------------


@pytest.mark.parametrize("doc", _cases(NARROW_320))
def test_reflows_at_320_px(doc: str, page_for: Callable[[str], Page]) -> None:
    page = page_for(document(doc))
    width = scroll_width(page, 320)
    assert width <= 320, f"{width} px wide at 320: {overflowing(page)}"


@pytest.mark.parametrize("doc", _cases(WIDE_768))
def test_fits_a_tablet_at_768_px(doc: str, page_for: Callable[[str], Page]) -> None:
    page = page_for(document(doc))
    width = scroll_width(page, 768)
    assert width <= 768, f"{width} px wide at 768: {overflowing(page)}"


@pytest.mark.parametrize("doc", _cases(PRINT_WIDE))
def test_printed_lines_fit_the_page(doc: str, page_for: Callable[[str], Page]) -> None:
    """Laid out for print on A4 inside the report's margins, nothing runs past the right
    edge: what does is cut off on paper (issue 18: "the printed comparison cuts its
    ranking off mid-word")."""
    page = page_for(document(doc))
    page.emulate_media(media="print")
    width = scroll_width(page, PRINT_WIDTH)
    assert width <= PRINT_WIDTH, f"{width} px wide in print: {overflowing(page)}"


# -- print -------------------------------------------------------------------------


@pytest.mark.parametrize("doc", _cases(TOO_MANY_PAGES))
def test_prints_in_few_pages(doc: str, pages_of: Callable[[str], list[str]]) -> None:
    ceiling = PAGE_CEILING.get(doc) or PAGE_CEILING[doc.rsplit(":", 1)[1]]
    count = len(pages_of(doc))
    assert count <= ceiling, f"{count} A4 pages, at most {ceiling}"


def _headline(doc: str) -> list[str]:
    """What page 1 must show, worked out from the assessment, not the renderer."""
    name, view = doc.split(":")
    if name == "compare":
        c = _compared(view)
        if view == "all":  # the conclusion: which is readiest, by file or wing name
            best = next(p for p in c["profiles"] if p["name"] == c["readiest"])
            return ["Comparison", f"{best['name']}|{best['wing']}"]
        return ["Comparison", "rung", *[f"{p['name']}|{on}" for p, on in
                                        zip(c["profiles"], ("2025-03-01", "2026-03-01"),
                                            strict=True)]]
    r = _result(name)
    verdict = r["headline"]["verdict"]
    if verdict is not None:  # a proposal: its verdict
        words = {"ready": "Ready", "ready-with-conditions": "Ready with conditions",
                 "not-ready": "Not ready"}
        return ["Summary", f"Verdict: {words[verdict]}"]
    return ["Summary", f"rung {r['current_rung']} of 5"]  # an audit: the rung now


@pytest.mark.parametrize("doc", _cases(PAGE_ONE))
def test_page_one_holds_the_headline(doc: str, pages_of: Callable[[str], list[str]]) -> None:
    first = _flat(pages_of(doc)[0])
    missing = [want for want in _headline(doc)
               if not any(w in first for w in want.split("|"))]
    assert not missing, f"page 1 lacks {missing}; it reads: {first[:300]!r}"


_HEADINGS = "() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => h.innerText)"


def test_no_heading_ends_a_printed_page(page_for: Callable[[str], Page],
                                        pages_of: Callable[[str], list[str]]) -> None:
    """A heading whose text is the last thing on a page (but the last) is stranded.
    Every document in one test: which page a heading falls on moves with any edit."""
    stranded = []
    for doc in DOCUMENTS:
        headings = {_flat(h) for h in _dom(page_for(document(doc)), _HEADINGS) if h.strip()}
        stranded += [(doc, n, h) for n, text in enumerate(pages_of(doc)[:-1], 1)
                     for h in headings if _flat(text).endswith(h)]
    assert not stranded, f"headings last on a page (document, page, heading): {stranded}"


# -- structure and axe-core ---------------------------------------------------------


@pytest.mark.parametrize("doc", _cases(AXE))
def test_axe_finds_nothing_serious(doc: str, page_for: Callable[[str], Page]) -> None:
    found = axe(page_for(document(doc)))
    assert not found, "axe-core, serious or critical:\n" + describe(found)


@pytest.mark.parametrize("doc", _cases(NO_MAIN))
def test_has_a_main_landmark(doc: str, page_for: Callable[[str], Page]) -> None:
    count = _dom(page_for(document(doc)),
                 "() => document.querySelectorAll('main, [role=main]').length")
    assert count == 1, f"{count} main landmarks"


@pytest.mark.parametrize("doc", _cases(NO_CAPTION))
def test_every_table_has_a_caption(doc: str, page_for: Callable[[str], Page]) -> None:
    bare = _dom(page_for(document(doc)), """() => [...document.querySelectorAll('table')]
        .filter(t => !(t.caption && t.caption.innerText.trim()))
        .map(t => (t.closest('[id]') ? '#' + t.closest('[id]').id + ' ' : '') +
                  (t.tHead ? t.tHead.innerText : '').replace(/\\s+/g, ' ').slice(0, 60))""")
    assert not bare, f"tables without a caption (section, header row): {bare}"


@pytest.mark.parametrize("doc", _cases(NO_SCOPE))
def test_every_header_cell_has_a_scope(doc: str, page_for: Callable[[str], Page]) -> None:
    bare = _dom(page_for(document(doc)), """() => [...document.querySelectorAll('th')]
        .filter(th => !['row', 'col', 'rowgroup', 'colgroup'].includes(th.getAttribute('scope')))
        .map(th => th.innerText.replace(/\\s+/g, ' ').slice(0, 40))""")
    assert not bare, f"{len(bare)} th without a scope: {sorted(set(bare))}"


def test_the_cases_are_the_bundled_profiles() -> None:
    """The bundled profiles, every audience and both comparisons, and no stale marks."""
    assert len(BUNDLED) >= 5 and len(DOCUMENTS) == len(BUNDLED) * 4 + 2
    for known in (NARROW_320, WIDE_768, PRINT_WIDE, TOO_MANY_PAGES, PAGE_ONE, AXE, NO_MAIN,
                  NO_CAPTION, NO_SCOPE):
        assert set(known) <= set(DOCUMENTS)
    assert PRINT_WIDTH == 695
