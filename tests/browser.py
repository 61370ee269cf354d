"""A harness for tests that look at a page in a real browser: Debian's Chromium driven by
Playwright, one browser for the whole session, one page reused.

A test module binds its fixtures at module level for pytest to find
(`browser, page_for = harness.browser, harness.page_for`: an import of the names would
read to the linter as unused) and marks its tests `@pytest.mark.browser` (`make check`
leaves those out; `make test` runs them).

- `browser`: the session's Chromium (`/usr/bin/chromium`, or whichever `chromium` is on
  the PATH). Never a test tool's own download: `make browser` installs Debian's package.
  Without it the tests skip, except in CI, where they fail.
- `page_for(html)`: the one page of the session with `html` loaded (at 1280x800, screen
  media). Its context bypasses the page's Content-Security-Policy, so `axe` can inject
  its script into a report that rightly forbids scripts; nothing else is injected.
- `scroll_width(page, width)`: the document's scrollWidth with the viewport `width` CSS
  px wide; `overflowing(page)` names the elements that stick out past the viewport.
- `printed(page)`: the page printed to A4 as Chromium prints it (the page's own `@page`
  rules win): the number of pages and the text of page 1. `printed_pages(page)` gives
  every page's text (read back from the PDF by pypdf, ligatures undone).
- `axe(page)`: axe-core's violations of impact serious or critical (`describe` lists
  them: rule, impact, nodes). axe-core comes from the npm registry, pinned in
  tests/browser/package-lock.json; `npm ci` installs it into tests/browser/node_modules
  the first time it is needed, so a clean clone needs nothing but node and npm.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

NODE_DIR = Path(__file__).resolve().parent / "browser"
AXE_JS = NODE_DIR / "node_modules" / "axe-core" / "axe.min.js"

# As tests/test_html_report.py's browse() runs Chromium: nothing fetched, nothing synced.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREEN = {"width": 1280, "height": 800}
SEVERE = ("serious", "critical")

Page = Any  # playwright.sync_api.Page: imported only where a browser runs


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _missing(what: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing in CI: .ci/run must install it")
    pytest.skip(f"{what} is not installed (make test installs it as root)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    exe = chromium_path()
    if exe is None:
        _missing("Chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("The playwright package")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def page_for(browser: Any) -> Iterator[Callable[[str], Page]]:
    """`page_for(html)`: the session's one page, showing `html` at 1280x800 on screen.
    Each call replaces what the last one loaded."""
    context = browser.new_context(bypass_csp=True, viewport=SCREEN)
    page = context.new_page()

    def load(html: str) -> Page:
        page.emulate_media(media="screen")
        page.set_viewport_size(SCREEN)
        page.set_content(html, wait_until="load")
        return page

    yield load
    context.close()


def scroll_width(page: Page, width: int) -> int:
    """The document's width in CSS px with a viewport `width` px wide: more than `width`
    means the page scrolls sideways (WCAG 1.4.10 asks for none at 320)."""
    page.set_viewport_size({"width": width, "height": SCREEN["height"]})
    return int(page.evaluate("document.documentElement.scrollWidth"))


# What makes a page scroll sideways, as `tag#id.class in #section (width px, right edge
# px)`: the outermost elements whose box ends past the viewport's right edge, and the
# HTML elements whose own text runs past it (a <pre> line, an unbreakable word). What is
# inside a scrolling or clipping box (overflow-x other than visible) is left out: it
# scrolls on its own, not the page.
_OVERFLOWING = """() => {
  const vw = document.documentElement.clientWidth, out = [];
  const within = e => e.id ? null : e.parentElement.closest('[id]');
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      (typeof e.className === 'string' && e.className.trim()
       ? '.' + e.className.trim().split(/ +/).join('.') : '') +
      (within(e) ? ' in #' + within(e).id : '');
  const boxed = new Set();  // inside a box that scrolls or clips (document order: parents first)
  const all = [...document.body.querySelectorAll('*')].filter(e => {
    const p = e.parentElement;
    if (p !== document.body && (boxed.has(p) || getComputedStyle(p).overflowX !== 'visible')) {
      boxed.add(e);
      return false;
    }
    return true;
  });
  const out_ = new Set(all.filter(e => e.getBoundingClientRect().right > vw + 0.5));
  const holds = new Set();  // elements with a descendant that sticks out
  for (const e of out_)
    for (let p = e.parentElement; p && !holds.has(p); p = p.parentElement) holds.add(p);
  for (const e of all) {
    const r = e.getBoundingClientRect();
    if (r.width === 0) continue;
    if (out_.has(e)) {
      if (!out_.has(e.parentElement))
        out.push(`${name(e)} (${Math.round(r.width)} px wide, right edge ${Math.round(r.right)})`);
    } else if (e instanceof HTMLElement && !holds.has(e) && r.left + e.scrollWidth > vw + 0.5
               && getComputedStyle(e).overflowX === 'visible') {
      out.push(`${name(e)} (its text runs to ${Math.round(r.left + e.scrollWidth)} px)`);
    }
  }
  return out;
}"""


def overflowing(page: Page) -> list[str]:
    """The outermost elements that end past the right edge of the viewport."""
    found: list[str] = page.evaluate(_OVERFLOWING)
    return found


def printed_pages(page: Page) -> list[str]:
    """The text of each page when `page` is printed on A4 (its own @page rules first)."""
    from pypdf import PdfReader

    # page.pdf() prints with the media last emulated, and `page_for` emulates the screen:
    # print media, so the report's @media print rules are what is measured
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    # NFKC undoes the ligatures Chromium's PDF holds (`ﬁ` for `fi`)
    return [unicodedata.normalize("NFKC", p.extract_text())
            for p in PdfReader(io.BytesIO(pdf)).pages]


def printed(page: Page) -> tuple[int, str]:
    """Printed on A4: the number of pages, and the text of page 1."""
    pages = printed_pages(page)
    return len(pages), pages[0] if pages else ""


@functools.cache
def axe_source() -> str:
    """axe.min.js, installed from the lockfile by `npm ci` when it is not there yet."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            _missing("npm (to install axe-core)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True,
                       capture_output=True, timeout=300)
    return AXE_JS.read_text(encoding="utf-8")


AXE_SECONDS = 60

_AXE_RUN = f"""async () => await Promise.race([
    axe.run(document, {{resultTypes: ['violations']}}),
    new Promise((_, refuse) => setTimeout(
        () => refuse(new Error('axe-core did not finish within {AXE_SECONDS} s')),
        {AXE_SECONDS * 1000}))])"""


def axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of impact serious or critical on the page once loaded. A run
    that does not finish fails (Playwright's evaluate has no time limit of its own)."""
    page.wait_for_load_state("load")
    page.add_script_tag(content=axe_source())
    results: dict[str, Any] = page.evaluate(_AXE_RUN)
    return [v for v in results["violations"] if v.get("impact") in SEVERE]


def describe(violations: list[dict[str, Any]]) -> str:
    """axe violations for a failure message: rule, impact, help, and each node."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {', '.join(map(str, n['target']))}: {n['html'][:160]}"
                     for n in v["nodes"])
    return "\n".join(lines)
