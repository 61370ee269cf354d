"""`advisor compare` keeps its conclusion (issue 18, point 7): audits of one wing in the
order they were made, completed actions told from those merely no longer proposed, a rung
chart and a strip of lights over time, a ranking table headed by wing names, 80 columns in
the terminal, short Markdown tables, and no internal words in front of people.

Expected values are worked out by hand from the bundled profiles (High Down: Ambassador,
rung 0, target 3, lights G G O O O O; peer-led-wing: rung 5; two-roles: rung 3, target 4;
thin-proposal: rung 0, target 2; no-role-yet: rung 0, target 1) and from two audits of
High Down built here, a year apart.
"""

from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from advisor import yamlio
from advisor.assess import assess, default_rulebook
from advisor.cli import main
from advisor.compare import classify_removed, compare, diff, render_compare
from advisor.paths import set_in
from advisor.profile import Profile
from advisor.render.charts import RungPoint, lights_strip, rung_chart
from tests.conftest import HIGH_DOWN, PROFILES, ROOT
from tests.test_report_words import _no_internal_words, _shown

BUNDLED = sorted(p.name for p in PROFILES.glob("*.yaml"))
# What a year brought High Down in these audits: expectations agreed and told, holders
# known and active day to day (rung 1's soft requirements: rung 0 -> 1), the group most in
# need identified, the Lifer Rep brought formally into the programme, the baseline mapping
# no longer known, and senior interest in residents' voice lost (stage 6 orange -> red).
A_YEAR_ON = [("roles[0].expectations_communicated", True),
             ("roles[0].visible_to_residents", True),
             ("roles[0].engagement.day_to_day", "informal"),
             ("evaluation.target_group_identified", True),
             ("other_roles[0].engagement", "formal"),
             ("evaluation.baseline_climate_mapping", "unknown"),
             ("governance.senior_interest_in_user_voice", False)]


def _audits(first_on: str = "2025-03-01") -> tuple[dict[str, Any], dict[str, Any]]:
    first = yamlio.load(HIGH_DOWN).data
    first["assessed"]["on"] = first_on
    later = copy.deepcopy(first)
    later["assessed"]["on"] = "2026-03-01"
    for path, value in A_YEAR_ON:
        set_in(later, path, value)
    return first, later


def _write(folder: Path, first_on: str = "2025-03-01") -> tuple[Path, Path]:
    first, later = _audits(first_on)
    paths = folder / "clu-2025.yaml", folder / "clu-2026.yaml"
    for path, data in zip(paths, (first, later), strict=True):
        path.write_text(json.dumps(data, default=str), encoding="utf-8")  # JSON is YAML
    return paths


def _invoke(*args: str) -> str:
    out = CliRunner().invoke(main, ["compare", *args])
    assert out.exit_code == 0, out.output
    return out.stdout


@pytest.fixture(scope="module")
def audits(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _write(tmp_path_factory.mktemp("audits"))


def _over_time(audits: tuple[Path, Path], fmt: str) -> str:
    first, later = audits
    return _invoke(str(later), str(first), "--format", fmt)  # the later one first


def _all(fmt: str) -> str:
    return _invoke(*[str(PROFILES / n) for n in BUNDLED], "--format", fmt)


# -- the comparison as data ----------------------------------------------------------------


def test_audits_are_put_in_the_order_they_were_made(audits: tuple[Path, Path]) -> None:
    c = json.loads(_over_time(audits, "json"))
    assert c["mode"] == "audits over time" and c["order"] == "assessed_on"
    assert [p["name"] for p in c["profiles"]] == ["clu-2025.yaml", "clu-2026.yaml"]
    assert [p["assessed_on"] for p in c["profiles"]] == ["2025-03-01", "2026-03-01"]
    assert [p["kind"] for p in c["profiles"]] == ["example", "example"]
    (step,) = c["changes"]
    assert (step["from"], step["to"]) == ("clu-2025.yaml", "clu-2026.yaml")
    assert step["current_rung"] == {"from": 0, "to": 1}
    assert step["target_rung"] == {"from": 3, "to": 3}
    assert step["lights"] == [{"stage": 6, "from": "orange", "to": "red", "direction": "down"}]


def test_an_audit_without_a_date_keeps_the_order_given(tmp_path: Path) -> None:
    first, later = _write(tmp_path, first_on="unknown")
    c = json.loads(_invoke(str(later), str(first), "--format", "json"))
    assert c["order"] == "given"
    assert [p["name"] for p in c["profiles"]] == ["clu-2026.yaml", "clu-2025.yaml"]
    assert c["profiles"][1]["assessed_on"] is None
    text = _invoke(str(later), str(first))
    assert "Not every assessment has a date, so they are in the order given." in text


def test_an_action_is_completed_or_no_longer_proposed_never_both(
        audits: tuple[Path, Path]) -> None:
    """Worked out from the rule data: R1a, R1c-visible and LL1-daily meet rung 1's
    requirements, now met for the same Ambassador; F153 fires on one fact, now yes. R2c
    needs a paid role (still paid) and little involvement (now formal): only part of what
    it was about changed, so it is not counted done. F154's fact is now unknown."""
    (step,) = json.loads(_over_time(audits, "json"))["changes"]
    assert step["actions_completed"] == ["F153", "R1a", "LL1-daily", "R1c-visible"]
    assert step["actions_dropped"] == [{"id": "F154", "reason": "unknown"},
                                       {"id": "R2c", "reason": "partly"}]
    removed = [a["id"] for a in step["actions_removed"]]
    assert sorted(removed) == sorted([*step["actions_completed"],
                                      *(x["id"] for x in step["actions_dropped"])])
    assert step["facts_now"]["R1a"] == ["roles[0].expectations_communicated = true"]
    assert step["facts_now"]["R2c"] == ["other_roles[0].paid = true",
                                        "other_roles[0].engagement = formal"]
    assert step["actions_added"] == []
    assert "evaluation.baseline_climate_mapping" in step["questions_opened"]


def test_an_action_of_another_role_is_not_completed() -> None:
    """The later audit assesses a renamed role: its requirement holds, but for another
    role, so agreeing expectations was not completed for the role the plan was about."""
    book = default_rulebook()
    first, _ = _audits()
    later = copy.deepcopy(first)
    later["roles"][0]["title"] = "Wing representative"
    later["roles"][0]["expectations_communicated"] = True
    before, after = (assess(Profile.model_validate(x), book) for x in (first, later))
    d = diff(before, after)
    assert [a["id"] for a in d["actions_removed"]] == ["R1a"]
    got = classify_removed(before, after, d["actions_removed"], later)
    assert got["actions_completed"] == []
    assert got["actions_dropped"] == [{"id": "R1a", "reason": "role"}]


def test_the_ranking_of_the_bundled_profiles() -> None:
    c = json.loads(_all("json"))
    assert c["mode"] == "proposals" and c["order"] == "given"
    # rung 5; rung 3; then rung 0 by target: 3, 2, 1
    assert c["ranking"] == ["peer-led-wing.yaml", "two-roles.yaml", "hmp-high-down-clu.yaml",
                            "thin-proposal.yaml", "no-role-yet.yaml"]
    assert c["readiest"] == "peer-led-wing.yaml"
    rows = {p["name"]: p for p in c["profiles"]}
    high_down = rows["hmp-high-down-clu.yaml"]
    assert (high_down["role"], high_down["current_rung"], high_down["target_rung"]) == (
        "Ambassador", 0, 3)
    assert high_down["lights"] == ["green", "green", "orange", "orange", "orange", "orange"]
    assert high_down["assessed_on"] is None and high_down["kind"] == "example"
    assert rows["thin-proposal.yaml"]["kind"] == "proposal"
    assert rows["thin-proposal.yaml"]["verdict"] == "ready-with-conditions"
    assert rows["thin-proposal.yaml"]["target_rung"] == 2
    assert rows["no-role-yet.yaml"]["role"] is None
    assert all(rows[n]["verdict"] is None for n in rows if n != "thin-proposal.yaml")


def _keys(value: Any, found: set[str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if re.fullmatch(r"[a-z_]+", key):
                found.add(key)
            _keys(inner, found)
    elif isinstance(value, list):
        for inner in value:
            _keys(inner, found)


def test_every_key_of_the_comparison_is_documented(audits: tuple[Path, Path]) -> None:
    docs = (ROOT / "docs" / "output.md").read_text(encoding="utf-8")
    section = docs[docs.index("## The comparison"):]
    found: set[str] = set()
    for c in (json.loads(_all("json")), json.loads(_over_time(audits, "json"))):
        _keys({k: v for k, v in c.items() if k != "changes"}, found)
        for step in c.get("changes", []):  # a step's actions are as in the assessment
            _keys({k: v for k, v in step.items()
                   if k not in ("actions_added", "actions_removed")}, found)
    missing = sorted(k for k in found if f"`{k}`" not in section)
    assert not missing, f"docs/output.md's comparison section does not describe: {missing}"


# -- the charts --------------------------------------------------------------------------


class _Svg(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _svg(text: str) -> _Svg:
    parser = _Svg()
    parser.feed(text)
    return parser


def test_the_rung_chart_plots_each_series_with_its_own_marker() -> None:
    """Rungs 0-5 are 26 px bands from y 46 (rung 5 at the top): a rung's middle is at
    46 + (5 - rung) * 26 + 13. Two assessments sit at x 220 and 540; the rung now is
    drawn 9 px left, the aspiration 9 px right."""
    svg = rung_chart([RungPoint("2025-03-01", 0, 3), RungPoint("2026-03-01", 1, 3)],
                     title="The rung over time")
    page = _svg(svg)
    lines = {a.get("stroke-dasharray"): a["points"] for tag, a in page.elements
             if tag == "polyline"}
    assert lines == {None: "211,189 531,163", "7 4": "220,111 540,111"}  # now; target
    # dots: the legend's (at x 170 + 17), then the rung now at each assessment
    assert [a["cx"] for tag, a in page.elements if tag == "circle"] == ["187", "211", "531"]
    points = [a["data-point"] for tag, a in page.elements if tag == "g" and "data-point" in a]
    assert points == ["0", "1", "3", "3"]  # no aspiration: none drawn
    root = page.elements[0][1]
    assert root["role"] == "img"
    assert root["aria-labelledby"] == "rung-chart-title rung-chart-desc"
    said = " ".join(page.text)
    assert "The rung over time" in said
    assert ("Rung now: 0 on 2025-03-01, 1 on 2026-03-01; target: 3 on 2025-03-01, 3 on "
            "2026-03-01; aspiration: not set.") in said
    assert "aspiration (not set)" in said  # the legend says so too


def test_the_strip_shows_each_light_as_symbol_word_and_pattern() -> None:
    svg = lights_strip([("2025-03-01", ["green", "green", "orange", "orange", "orange",
                                        "orange"]),
                        ("2026-03-01", ["green", "green", "orange", "orange", "orange",
                                        "red"])], title="Lights")
    page = _svg(svg)
    cells = [(a["data-stage"], a["data-light"]) for tag, a in page.elements
             if tag == "g" and "data-light" in a]
    assert cells[6:] == [("1", "green"), ("2", "green"), ("3", "orange"), ("4", "orange"),
                         ("5", "orange"), ("6", "red")]
    # without colour: each light has its own border pattern, symbol and word
    dashes = {a.get("stroke-dasharray") for tag, a in page.elements
              if tag == "rect" and a.get("rx") == "4"}
    assert dashes == {None, "6 3", "2 2"}
    said = " ".join(page.text)
    assert said.count("● GREEN") == 4 and said.count("◐ ORANGE") == 7
    assert said.count("○ RED") == 1
    assert "2026-03-01: stage 1 green, stage 2 green, stage 3 orange" in said


def test_chart_labels_are_escaped() -> None:
    svg = rung_chart([RungPoint("<script>x</script>", 0, 1), RungPoint("&", 1, 2)],
                     title="<b>t</b>", chart_id="a\"b")
    assert "<script>" not in svg and "<b>" not in svg and 'a"b' not in svg
    assert "&lt;script&gt;x&lt;/script&gt;" in svg


# -- in words --------------------------------------------------------------------------


def test_the_terminal_is_readable_at_80_columns(audits: tuple[Path, Path]) -> None:
    for text in (_over_time(audits, "terminal"), _all("terminal")):
        lines = text.splitlines()
        assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    text = _over_time(audits, "terminal")
    lines = text.splitlines()
    assert lines[0] == "Comparison over time: Community Living Unit (CLU), HMP High Down"
    assert "  Stage 6 (contribute lived experience to policy): ◐ ORANGE → ○ RED (down)" \
        not in lines  # a list item, under its heading
    assert "    - Stage 6 (contribute lived experience to policy): ◐ ORANGE → ○ RED" \
        " (down)" in lines
    # an action wraps under its own text (a hanging indent), not under the dash
    start = next(i for i, line in enumerate(lines) if line.startswith("    - Agree, as a"))
    assert lines[start + 1].startswith("      ") and lines[start + 1][6] != " "
    # each category once, each action in one of them
    completed = lines.index("  Actions completed: the facts behind them now hold")
    dropped = lines.index("  Actions no longer proposed, though not completed")
    assert completed < dropped
    flat = " ".join(" ".join(lines).split())
    assert flat.count("Agree, as a staff team and with residents") == 1
    assert flat.count("Bring the wing's paid peer roles") == 1
    assert ("(only part of what it was about changed; now: Lifer Rep: Is the role paid? "
            "yes; Lifer Rep: How involved is it in the wing's life and the CFO programme? "
            "formal)") in flat
    assert "Lights: 1 ● GREEN 2 ● GREEN 3 ◐ ORANGE 4 ◐ ORANGE 5 ◐ ORANGE 6 ○ RED" in flat


def test_the_terminal_ranking_names_wings_readiest_first() -> None:
    flat = " ".join(_all("terminal").split())
    assert "Comparison of 5 wings 1 worked example, 3 self-audits and 1 proposal" in flat
    order = ["1. Fairhaven wing, HMP Example Vale (self-audit)",
             "2. Willow wing, HMP Example Ford (self-audit)",
             "3. Community Living Unit (CLU), HMP High Down (worked example)",
             "4. Harbour unit (proposed), HMP Example Marsh (proposal)",
             "5. Oak wing, HMP Example Ridge (self-audit)"]
    at = [flat.index(x) for x in order]
    assert at == sorted(at)
    assert "rung 0, target 2 · red stages: 4, 5 and 6 · verdict: Ready with conditions" in flat
    assert "Readiest proposal: Harbour unit (proposed), HMP Example Marsh." in flat


def _md_tables(md: str) -> list[int]:
    """How many columns each Markdown table has, rendered."""
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    widths, count, in_head = [], 0, False
    for t in tokens:
        if t.type == "thead_open":
            in_head, count = True, 0
        elif t.type == "th_open" and in_head:
            count += 1
        elif t.type == "thead_close":
            in_head = False
            widths.append(count)
    return widths


def test_markdown_tables_are_a_few_columns(audits: tuple[Path, Path]) -> None:
    assert _md_tables(_all("markdown")) == [4]
    assert _md_tables(_over_time(audits, "markdown")) == [4]
    md = _over_time(audits, "markdown")
    assert "| 2025-03-01 | 0 | 3 | not set |" in md
    assert "| 2026-03-01 | 1 | 3 | not set |" in md


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[tuple[str, str | None, str, str]] = []  # tag, scope, table, text
        self.table = ""
        self.style = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "table":
            self.table = a.get("class") or ""
        if tag in ("th", "td", "caption", "style"):
            self.stack.append((tag, a))
            self.cells.append((tag, a.get("scope"), self.table, ""))

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack:
            tag, scope, table, text = self.cells[-1]
            self.cells[-1] = (tag, scope, table, text + data)
            if tag == "style":
                self.style += data


def _page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_the_html_is_styled_like_the_report_and_headed_by_wing_names() -> None:
    html = _all("html")
    page = _page(html)
    report_css = (ROOT / "advisor" / "templates" / "report.css").read_text(encoding="utf-8")
    assert report_css.strip() in page.style and "@page { size: A4" in page.style
    metas = [a for tag, a in page.tags if tag == "meta"]
    assert {"http-equiv": "Content-Security-Policy",
            "content": "default-src 'none'; style-src 'unsafe-inline'; img-src data:"} in metas
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in metas
    assert [tag for tag, _ in page.tags].count("main") == 1
    assert not [tag for tag, _ in page.tags if tag in ("script", "pre")]
    tables = [a.get("class") for tag, a in page.tags if tag == "table"]
    captions = [text for tag, _, _, text in page.cells if tag == "caption"]
    assert len(captions) == len(tables) and all(x.strip() for x in captions)
    assert all(scope in ("row", "col") for tag, scope, _, _ in page.cells if tag == "th")
    heads = [text for tag, scope, table, text in page.cells
             if tag == "th" and scope == "col" and table == "side"]
    assert heads == ["Community Living Unit (CLU), HMP High Down",
                     "Oak wing, HMP Example Ridge", "Fairhaven wing, HMP Example Vale",
                     "Harbour unit (proposed), HMP Example Marsh",
                     "Willow wing, HMP Example Ford"]
    ranked = [text for tag, scope, table, text in page.cells
              if tag == "th" and scope == "row" and table == "ranking"]
    assert ranked == [heads[2], heads[4], heads[0], heads[3], heads[1]]
    assert "<title>Comparison of 5 wings, 1 worked example, 3 self-audits and 1 proposal" \
           "</title>" in html
    assert '<span class="light light-orange">◐ ORANGE</span>' in html
    assert 'class="scroll" role="region"' in html  # wide tables scroll in a box, not the page


def test_the_html_over_time_draws_the_charts_with_tables_beside(
        audits: tuple[Path, Path]) -> None:
    html = _over_time(audits, "html")
    page = _page(html)
    svgs = [a for tag, a in page.tags if tag == "svg"]
    assert [a["id"] for a in svgs] == ["rung-chart", "lights-strip"]
    assert all(a["role"] == "img" and a["aria-labelledby"] for a in svgs)
    rung_rows = [text for tag, scope, table, text in page.cells
                 if tag == "th" and scope == "row" and table == "rungs"]
    assert rung_rows == ["2025-03-01", "2026-03-01"]
    lights = [text for tag, _, table, text in page.cells if tag == "td" and table == "lights"]
    assert lights == ["● GREEN", "● GREEN", "◐ ORANGE", "◐ ORANGE", "◐ ORANGE", "◐ ORANGE",
                      "● GREEN", "● GREEN", "◐ ORANGE", "◐ ORANGE", "◐ ORANGE", "○ RED"]
    assert ("<title>Comparison over time: Community Living Unit (CLU), HMP High Down, 2 "
            "assessments (2 worked examples), 2025-03-01 to 2026-03-01</title>") in html
    text = " ".join(_shown(html, "html").split())
    assert text.count("Agree, as a staff team and with residents") == 1


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html"])
def test_no_internal_words(fmt: str, audits: tuple[Path, Path]) -> None:
    _no_internal_words(_shown(_all(fmt), fmt), f"compare all {fmt}")
    _no_internal_words(_shown(_over_time(audits, fmt), fmt), f"compare over time {fmt}")


def test_compare_without_profiles_still_never_lists_an_action_twice() -> None:
    """Called with assessments only (no profiles to read facts from), an action whose
    facts no later rule read cannot be shown done: it is no longer proposed, once."""
    book = default_rulebook()
    first, later = _audits()
    results = [(n, assess(Profile.model_validate(x), book))
               for n, x in (("b.yaml", later), ("a.yaml", first))]
    (step,) = compare(results)["changes"]
    assert step["from"] == "a.yaml"
    assert "F153" not in step["actions_completed"]
    assert {"id": "F153", "reason": "other"} in step["actions_dropped"]
    text = render_compare(compare(results), "terminal")
    assert " ".join(text.split()).count("Work out with residents which group") == 1


@pytest.mark.parametrize("attack", ["+ x", "# h", "1. x", "> q", "- x", "| a | b |",
                                    "<b>b</b>", "[x](javascript:x)", "*e*"])
def test_markdown_quotes_a_role_title_that_starts_like_markup(attack: str) -> None:
    """A role's title starts a list item (its rung line) and a fact's role name (a question
    settled or raised): it stays text, and the page has the shape it has with plain words."""
    from tests.test_hostile_text import check_markdown

    book = default_rulebook()
    pages = []
    for title in (attack, "plain"):
        first, later = _audits()
        for data in (first, later):
            data["roles"][0]["title"] = f"{title} role"
            data["other_roles"][1]["title"] = f"{title} orderly"
            data["wing"]["name"] = title
        results = [(n, assess(Profile.model_validate(x), book))
                   for n, x in (("a.yaml", first), ("b.yaml", later))]
        other = assess(Profile.model_validate(yamlio.load(PROFILES / "two-roles.yaml").data),
                       book)
        pages.append([render_compare(compare(results, [first, later]), "markdown"),
                      render_compare(compare([results[0], ("c.yaml", other)]), "markdown")])
    for hostile, plain in zip(*pages, strict=True):
        check_markdown(hostile, plain, [f"{attack} role"])


def test_a_comparison_headed_by_name_mentions_no_file() -> None:
    """The web app names each assessment by its wing: the columns and the ranking take
    those names, and no file is mentioned (its users never saw one)."""
    from advisor.compare import render_compare

    c = json.loads(_all("json"))
    plain = render_compare(c, "html")
    assert "Files compared: " in plain and '<th scope="row">File</th>' in plain
    named = render_compare(c, "html", by_name=True)
    assert "Files compared" not in named and '<th scope="row">File</th>' not in named
    # the names given are the file names here: now they head the columns and rank
    assert '<th scope="col" data-name="peer-led-wing.yaml">peer-led-wing.yaml</th>' in named
    assert '<td class="num">1</td><th scope="row">peer-led-wing.yaml</th>' in named
