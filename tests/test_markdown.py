"""Markdown output, checked by parsing it (markdown-it, CommonMark with tables)."""

from __future__ import annotations

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
    plan = next(t for t in tables if t[0][:3] == ["#", "Horizon", "Action"])
    assert [row[2] for row in plan[1:]] == [" ".join(a["text"].split())
                                            for a in result["actions"]]
    assert all(len(row) == len(plan[0]) for row in plan)  # no cell broke the table


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
