"""The HTML report: self-contained, escaped, printable, and checked in a real browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from advisor.assess import assess, default_rulebook
from advisor.profile import Profile
from advisor.render import render
from tests.conftest import ROOT, high_down_data, run

ARTIFACTS = ROOT / "test-artifacts"
PAYLOAD = "<script>document.body.setAttribute('data-pwned','yes')</script>"
IMG_PAYLOAD = "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">"


def hostile_profile() -> Profile:
    data = high_down_data()
    data["wing"]["name"] = f"CLU {PAYLOAD}"
    data["roles"][0]["title"] = f"Ambassador {IMG_PAYLOAD}"
    data["evidence"]["governance.wing_on_council"] = f"note {PAYLOAD}"
    data["voices"]["roles[0].visible_to_residents"]["residents"] = f"said {PAYLOAD}"
    data["assessed"]["by"] = f"panel {IMG_PAYLOAD}"
    return Profile.model_validate(data)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browse(html_file: Path, screenshot: Path | None = None) -> str:
    """Load a file in headless Chromium and return the DOM after it ran."""
    exe = chromium()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must install it")
        pytest.skip("Chromium is not installed (make test installs it as root)")
    flags = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync",
             f"--user-data-dir={html_file.parent / 'chromium-profile'}"]
    url = html_file.resolve().as_uri()
    if screenshot is not None:
        subprocess.run([*flags, f"--screenshot={screenshot}", "--window-size=1200,3000",
                        url], check=True, capture_output=True, timeout=120)
    proc = subprocess.run([*flags, "--dump-dom", url], check=True, capture_output=True,
                          timeout=120, text=True)
    return proc.stdout


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Dom:
    dom = _Dom()
    dom.feed(html)
    return dom


def test_html_is_self_contained_and_printable() -> None:
    html = render(run(high_down_data()), "html")
    assert "<script" not in html.lower()
    assert not re.search(r"(src|href)\s*=", html), "nothing may be fetched"
    assert "url(" not in html and "@import" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "@media print" in html and "size: A4" in html
    assert f"rulebook {default_rulebook().version}" in html


def test_profile_text_is_escaped() -> None:
    html = render(assess(hostile_profile()), "html")
    assert PAYLOAD not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;img src=x" in html


@pytest.mark.browser
def test_report_in_a_real_browser(tmp_path: Path) -> None:
    result = run(high_down_data())
    page = tmp_path / "report.html"
    page.write_text(render(result, "html", audience="trainer"), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "high-down-report.png"
    dom = parse(browse(page, shot))
    assert shot.stat().st_size > 10_000  # a real screenshot, kept as a test artefact
    tags = dom.elements
    assert any(t == "svg" and a.get("id") == "ladder" for t, a in tags)
    rungs = {a["data-rung"] for t, a in tags if "data-rung" in a}
    assert rungs == {"0", "1", "2", "3", "4", "5"}
    stages = {a["data-stage"]: a["data-light"] for t, a in tags if "data-stage" in a}
    assert stages == {str(s["stage"]): s["light"] for s in result["stages"]}
    text = " ".join(dom.text)
    # each light shows its symbol and word (plus one of each in the legend)
    assert text.count("● GREEN") == 2 + 1 and text.count("◐ ORANGE") == 4 + 1
    assert sum(a.get("class") == "light light-orange" for t, a in tags) == 4
    shown = [a["data-action"] for t, a in tags if "data-action" in a]
    assert shown == [a["id"] for a in result["actions"]]


@pytest.mark.browser
def test_script_in_a_profile_never_runs(tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(render(assess(hostile_profile()), "html"), encoding="utf-8")
    dom_html = browse(page)
    dom = parse(dom_html)
    body = next(a for t, a in dom.elements if t == "body")
    assert "data-pwned" not in body
    assert not any(t == "img" for t, _ in dom.elements)
    assert PAYLOAD in " ".join(dom.text)  # shown to the reader as text


def _order(text: str, markers: list[str]) -> list[int]:
    return [text.index(m) for m in markers]


@pytest.mark.parametrize("fmt, marks", [
    ("markdown", {"ladder": "## Ladder", "stages": "## Social capital", "plan": "## Action plan",
                  "questions": "## Open questions",
                  "reasoning": "## How each conclusion follows from the facts"}),
    ("html", {"ladder": 'id="ladder-section"', "stages": 'id="stages"', "plan": 'id="plan"',
              "questions": 'id="questions"', "reasoning": 'id="reasoning"'}),
    ("terminal", {"ladder": "involvement ladder", "stages": "Social capital stages",
                  "plan": "Action plan",
                  "questions": "Open questions",
                  "reasoning": "How each conclusion follows from the facts"}),
])
def test_audiences_change_the_emphasis(fmt: str, marks: dict[str, str]) -> None:
    result = run(high_down_data())
    commissioner = render(result, fmt, audience="commissioner", width=120)
    delivery = render(result, fmt, audience="delivery", width=120)
    trainer = render(result, fmt, audience="trainer", width=120)
    # commissioners see readiness, then risks from unknowns, before the lights and plan
    ladder, questions, stages, plan = _order(
        commissioner, [marks["ladder"], marks["questions"], marks["stages"], marks["plan"]])
    assert ladder < questions < stages < plan
    # delivery teams see the plan first
    assert delivery.index(marks["plan"]) < delivery.index(marks["ladder"])
    # trainers get the reasoning; the others do not
    assert marks["reasoning"] in trainer
    assert marks["reasoning"] not in commissioner and marks["reasoning"] not in delivery
    # the same plan in every view, each action by its text (ids are for programs)
    for view in (commissioner, delivery, trainer):
        flat = " ".join(unescape(view.replace("\\", "")).split())  # as HTML or Markdown shows it
        assert all(" ".join(a["text"].split()[:6]) in flat for a in result["actions"])
