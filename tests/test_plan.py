"""A plan a team can work (issue 18.4): horizons that say what they hold, the facts each
action rests on told apart from those still to find out, the plan as CSV for a
spreadsheet, and a printable checklist."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from advisor.assess import assess
from advisor.cli import main
from advisor.profile import Profile, load_profile
from advisor.render import render, words
from advisor.render.csvout import COLUMNS
from tests.conftest import HIGH_DOWN, high_down_data, run

PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def result(name: str) -> Any:
    return assess(load_profile(PROFILES / name))


# Worked out from each profile's rungs: "now" holds the actions toward the target (and
# those the rulebook starts at once), "next" the rung above the target, "later" the rest.
# High Down: rung 0, target 3; no-role-yet: 0 -> 1; thin proposal: 0 -> 2; two roles
# (the Peer mentor): 3 -> 4; the peer-led wing is at 5, so only links beyond it are left.
HORIZONS = {
    "hmp-high-down-clu.yaml": [
        ("Now: up to the target, rung 3 (participation); also what can start at once", 16),
        ("Next: toward rung 4 (co-production), one above the target; also groundwork for "
         "the longer run", 10),
        ("Later: toward rung 5 (peer-led); also links beyond the wing", 5)],
    "no-role-yet.yaml": [
        ("Now: up to the target, rung 1 (information); also what can start at once", 11),
        ("Next: toward rung 2 (consultation), one above the target; also groundwork for "
         "the longer run", 6),
        ("Later: toward rungs 3 to 5; also links beyond the wing", 14)],
    "thin-proposal.yaml": [
        ("Now: up to the target, rung 2 (consultation); also what can start at once", 8),
        ("Next: toward rung 3 (participation), one above the target", 4),
        ("Later: toward rungs 4 and 5", 8)],
    "two-roles.yaml": [
        ("Now: up to the target, rung 4 (co-production); also what can start at once", 6),
        ("Next: toward rung 5 (peer-led), one above the target; also groundwork for the "
         "longer run", 4),
        ("Later: links beyond the wing", 1)],
    "peer-led-wing.yaml": [("Later: links beyond the wing", 2)],
}


@pytest.mark.parametrize("name", sorted(HORIZONS))
def test_horizon_headings_say_what_they_hold(name: str) -> None:
    r = result(name)
    plan = words.plan(r)
    assert [(title, len(items)) for _, title, items in plan] == HORIZONS[name]
    # the numbering runs on through the horizons, in the plan's order
    assert [n for _, _, items in plan for n, _ in items] == list(
        range(1, len(r["actions"]) + 1))


def test_an_action_shows_the_facts_it_rests_on_apart_from_those_not_known() -> None:
    r = result("hmp-high-down-clu.yaml")
    reselect = next(a for a in r["actions"] if a["id"] == "LL2-reselect")
    held, missing = words.held_and_missing(r, reselect["because"])
    # High Down leaves three of the role's facts unknown (see the profile's comments)
    assert missing == ["Does the role have a formal place in a wing forum or the Prisoner "
                       "Council?",
                       "Do wing staff back the role's standing with residents?",
                       "Does the role recruit, sustain and motivate others' participation?"]
    assert "How are holders recruited? case by case" in held
    assert "Do residents know who the holders are? no" in held
    assert len(held) + len(missing) == len(reselect["because"])


def test_dependencies_are_named_by_number_and_text() -> None:
    r = result("hmp-high-down-clu.yaml")
    r1a = next(a for a in r["actions"] if a["id"] == "R1a")  # waits for LL2-reselect, no. 2
    assert words.after_short(r, r1a) == [
        "2. Before investing more in the selected role, check that it…"]
    assert words.after_numbers(r, r1a) == "2"


# -- the plan as CSV -----------------------------------------------------------------------

def _rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")  # so Excel reads UTF-8
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_csv_is_the_plan_one_row_per_action() -> None:
    r = result("hmp-high-down-clu.yaml")
    text = render(r, "csv")
    assert "\r\n" in text and text.count("\r\n") == len(r["actions"]) + 1
    rows = _rows(text)
    assert rows[0] == list(COLUMNS)
    body = rows[1:]
    assert [row[0] for row in body] == [str(n) for n in range(1, 32)]
    assert [row[1] for row in body] == [" ".join(a["text"].split()) for a in r["actions"]]
    assert [row[2] for row in body] == ["Now"] * 16 + ["Next"] * 10 + ["Later"] * 5
    first = dict(zip(COLUMNS, body[0], strict=True))
    assert first["Owner"] == "CFO staff team"
    assert first["Done when"] == "The role profile names the group it serves and why."
    assert first["Rests on"] == "Has the resident group needing most support been identified? no"
    assert first["To find out"] == "" and first["After"] == ""
    assert first["Sources"] == "§1.5.3"
    assert [first[c] for c in ("Lead", "Due date", "Status", "Notes")] == ["", "", "", ""]
    assert dict(zip(COLUMNS, body[2], strict=True))["After"] == "2"


def test_csv_from_the_command_line_is_the_same_bytes() -> None:
    cli = CliRunner().invoke(main, ["assess", str(HIGH_DOWN), "--format", "csv"])
    assert cli.exit_code == 0, cli.output
    assert cli.stdout_bytes == render(result("hmp-high-down-clu.yaml"), "csv").encode()


def test_no_csv_cell_can_run_as_a_formula() -> None:
    data = high_down_data()
    # a second selected role whose title would start a cell: its facts are named by role
    second = dict(data["roles"][0], title="=HYPERLINK(\"http://x\",\"y\")")
    data["roles"].append(second)
    data["roles"][0]["title"] = "+SUM(1)"
    r = assess(Profile.model_validate(data))
    text = render(r, "csv")
    cells = [c for row in _rows(text) for c in row]
    assert any("HYPERLINK" in c for c in cells)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert any(c.startswith("'=HYPERLINK") or c.startswith("'+SUM") for c in cells)


# -- the printable checklist ---------------------------------------------------------------

def _checklist(html: str) -> str | None:
    match = re.search(r'<section id="checklist".*?</section>', html, re.S)
    return match.group(0) if match else None


@pytest.mark.parametrize("audience, shown", [(None, True), ("delivery", True),
                                             ("commissioner", False), ("trainer", False)])
def test_the_checklist_ends_the_views_a_team_works_from(audience: str | None,
                                                         shown: bool) -> None:
    r = run(high_down_data())
    checklist = _checklist(render(r, "html", audience=audience))
    assert (checklist is not None) == shown
    if checklist is None:
        return
    head = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', checklist)
    # one table per horizon, each with the same columns
    assert head == ["#", "Action, and how to tell it is done", "Owner", "Lead", "Due date",
                    "Status", "Notes"] * 3
    assert re.findall(r"<caption>(.*?)</caption>", checklist) == [
        title for _, title, _ in words.plan(r)]
    rows = re.findall(r'<tr data-check="([^"]+)">(.*?)</tr>', checklist, re.S)
    assert [action for action, _ in rows] == [a["id"] for a in r["actions"]]
    for _, cells in rows:
        tds = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", cells, re.S)
        assert len(tds) == 7
        # lead, due date, status and notes to fill in
        assert tds[3] == tds[4] == tds[5] == tds[6] == ""
        assert "Done when: " in tds[1]


def test_the_checklist_starts_a_printed_page() -> None:
    css = (Path(__file__).resolve().parent.parent / "advisor" / "templates"
           / "report.css").read_text(encoding="utf-8")
    print_rules = css[css.index("@media print"):]
    assert ".checklist { break-before: page; }" in print_rules
