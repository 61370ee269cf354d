"""Markdown output, checked by parsing it (markdown-it, CommonMark with tables)."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from advisor.assess import assess
from advisor.profile import Profile
from advisor.render import render
from tests.conftest import high_down_data, run


def _tables(md: str) -> list[list[list[str]]]:
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    tables: list[list[list[str]]] = []
    row: list[str] | None = None
    for i, tok in enumerate(tokens):
        if tok.type == "table_open":
            tables.append([])
        elif tok.type == "tr_open":
            row = []
        elif tok.type in ("th_open", "td_open"):
            assert row is not None
            row.append(tokens[i + 1].content)
        elif tok.type == "tr_close":
            assert row is not None
            tables[-1].append(row)
    return tables


def test_markdown_parses_into_the_expected_headings_and_tables() -> None:
    result = run(high_down_data())
    md = render(result, "markdown")
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0].startswith("Peer involvement assessment: Community Living Unit")
    assert headings[1] == "Summary"  # the headline first
    assert {"Ladder (App 1)", "Social capital stages (Fig 1.8)", "Action plan", "Findings",
            "Open questions, those that could change the most first",
            "Role fit (App 2)"} <= set(headings)
    tables = _tables(md)
    stages = next(t for t in tables if t[0][:2] == ["Stage", "Source"])
    assert [row[3] for row in stages[1:]] == ["● GREEN", "● GREEN", "◐ ORANGE", "◐ ORANGE",
                                              "◐ ORANGE", "◐ ORANGE"]
    # the plan is numbered items under one heading per horizon, not a wide table
    assert [h for h in headings if h.startswith(("Now", "Next", "Later"))] == [
        "Now: up to the target, rung 3 (participation); also what can start at once (16)",
        "Next: toward rung 4 (co-production), one above the target; also groundwork for "
        "the longer run (10)",
        "Later: toward rung 5 (peer-led); also links beyond the wing (5)"]
    html = MarkdownIt("commonmark").render(md)
    plan = html[html.index("<h2>Action plan</h2>"):html.index("<h2>Findings</h2>")]
    items = re.findall(r'<li>\s*<strong>(.*?)</strong>', plan)
    assert [html_lib.unescape(x) for x in items] == [" ".join(a["text"].split())
                                                     for a in result["actions"]]
    numbers = [int(n) for n in re.findall(r'<ol(?: start="(\d+)")?>', plan) if n]
    assert numbers == [17, 27]  # each horizon's list carries on the plan's numbering
    assert not any("Action" in t[0] for t in tables)


def test_markup_in_profile_text_stays_text() -> None:
    data = high_down_data()
    data["wing"]["name"] = "A | B <b>bold</b> *star*"
    data["roles"][0]["title"] = "Rep | with pipe"
    data["voices"]["roles[0].visible_to_residents"]["residents"] = "<b>loud</b> *star*"
    data["assessed"]["by"] = "<b>panel</b> _team_"
    md = render(assess(Profile.model_validate(data)), "markdown")
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<b>bold</b>" not in html and "<b>loud</b>" not in html and "<b>panel" not in html
    assert "<em>" not in html  # no *star* or _team_ read as emphasis, anywhere
    tables = _tables(md)
    assert all(len(row) == len(t[0]) for t in tables for row in t)


# -- escaping (issue 16): text shows as written, and only markup gets a backslash --------

#: Where the reports put text: a heading, list items (nested and numbered, with a
#: continuation line), strong text, the middle of a line, a line of its own, table cells.
CONTEXTS: dict[str, Callable[[str, Callable[..., str]], str]] = {
    "heading": lambda s, e: f"# Peer involvement assessment: {e(s, inline=True)}",
    "heading3": lambda s, e: f"### {e(s)}",
    "item": lambda s, e: f"- {e(s)} Evidence: {e(s, inline=True)}",
    "nested": lambda s, e: f"- a\n  - {e(s)}",
    "numbered": lambda s, e: f"1. {e(s)}\n   {e(s)}",
    "strong": lambda s, e: f"**{e(s, inline=True)}**. {e(s, inline=True)}",
    "line": lambda s, e: e(s),
    "cells": lambda s, e: f"| a | b |\n|---|---|\n| {e(s, cell=True)} | {e(s, cell=True)} |",
}
PIECES = ["*", "_", "`", "[", "]", "(", ")", "!", "<", ">", "#", "-", "+", "=", "|", "\\",
          "&", "&amp;", "&#60;", ";", ":", "//", "www.", "@", "~", "$", "1.", "2)", " ",
          "\n", "\t", "a", "é", "_x_", "**", "__", "~~", "<a>", "<!--", "-->", "http"]
TEXT = st.lists(st.sampled_from(PIECES)
                | st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=3),
                min_size=1, max_size=12).map("".join).filter(lambda s: bool(s.split()))
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def md_shape(md: str) -> list[tuple[str, str]]:
    """The Markdown's structure: every token but text, by type and tag."""
    out = []
    for tok in MD.parse(md):
        out.append((tok.type, tok.tag))
        out += [(c.type, c.tag) for c in tok.children or ()
                if c.type not in ("text", "text_special")]
    return out


def md_shown(md: str) -> str:
    """The text a reader of the rendered Markdown sees, a line per block."""
    return "\n".join("".join(c.content for c in tok.children or ()
                             if c.type in ("text", "text_special"))
                     for tok in MD.parse(md) if tok.type == "inline")


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from(sorted(CONTEXTS)))
def test_escaped_text_is_shown_as_written_wherever_it_stands(text: str, where: str) -> None:
    """Any text, escaped, parses to the same structure as a plain word in its place, and
    the reader sees it as written (on one line)."""
    from advisor.render.markdown import escape

    md = CONTEXTS[where](text, escape)
    assert md_shape(md) == md_shape(CONTEXTS[where]("x", escape)), md
    assert " ".join(text.split()) in md_shown(md), md


def test_markdown_escapes_only_what_markdown_would_read() -> None:
    """Normal text keeps its characters; a backslash goes only where Markdown would
    otherwise read markup."""
    from advisor.render.markdown import escape

    for same in ["Peer mentor!", "snake_case and a_b", "5 * 3 = 15", "a < b > c", "AT&T",
                 "Level 2 (QS)", "50% of residents", "St Giles Trust - a charity", "#1 wing",
                 "it's \"quoted\"", "C:\\Users", "x = y + z", "about 50 ~ 60"]:
        assert escape(same) == same, same
    assert escape("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"
    assert escape("![i](u)") == "!\\[i\\](u)"
    assert escape("<script>") == "\\<script>"
    assert escape("*a* _b_ ~~c~~ `d`") == "\\*a\\* \\_b\\_ \\~\\~c\\~\\~ \\`d\\`"
    assert escape("# h") == "\\# h" and escape("# h", inline=True) == "# h"
    assert escape("1. x") == "1\\. x" and escape("1. x", cell=True) == "1. x"
    assert escape("a | b", cell=True) == "a \\| b" and escape("a | b") == "a | b"
    assert escape("see https://e.example or www.e.example, jo@e.example") == (
        "see https\\://e.example or www\\.e.example, jo\\@e.example")
    assert escape("&amp; &#60;") == "\\&amp; \\&#60;"
    assert escape("line\nbreak\tand  tab") == "line break and tab"
