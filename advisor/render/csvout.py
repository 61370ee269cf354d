"""The action plan as CSV, for a spreadsheet: one row per action, in plan order, with
empty columns for the team to fill in (lead, due date, status, notes).

The text starts with a byte order mark, so that Excel reads it as UTF-8 (it would show
`§` garbled otherwise); Python's `utf-8-sig` codec and LibreOffice read it either way.
Every cell is plain words, as in the other reports. A cell that a spreadsheet would take
for a formula (starting `=`, `+`, `-`, `@`, or a tab or carriage return) is prefixed
with an apostrophe, so profile text can never run as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from advisor.render import words

COLUMNS = ("Number", "Action", "When", "Owner", "Done when", "After", "Rests on",
           "To find out", "Sources", "Lead", "Due date", "Status", "Notes")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def plan_rows(r: Mapping[str, Any]) -> list[list[str]]:
    """The plan's rows (without the header), every cell in words."""
    rows = []
    for horizon, _title, items in words.plan(r):
        for n, a in items:
            held, missing = words.held_and_missing(r, a["because"])
            rows.append([str(n), " ".join(a["text"].split()),
                         words.HORIZON_NAMES[horizon], a["owner"],
                         a["done_when"], words.after_numbers(r, a), "; ".join(held),
                         "; ".join(missing), ", ".join(a["sources"]), "", "", "", ""])
    return rows


def render_csv(r: Mapping[str, Any]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in plan_rows(r):
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


def render(result: Mapping[str, Any], sections: tuple[str, ...], *, color: bool,
           width: int | None, audience: str | None) -> str:
    """The plan as CSV (see `advisor.render.Renderer`); the audience changes nothing."""
    return render_csv(result)
