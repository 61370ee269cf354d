"""The work on a wing's plan, beside the plan itself: which tracked actions the wing's
latest assessment still proposes, which it no longer does (met, not lost), and which are
overdue; the plan with its tracking as a checklist to download. Pure functions over a
stored assessment's JSON and the `action_tracking` rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from advisor.web.models import STATUS_TITLES, ActionTracking
from advisor.web.store import StoreError

#: the earliest and latest due dates taken (a year typed as 20266 is a slip, not a plan)
FIRST_DUE, LAST_DUE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
#: the plan's CSV checklist: the report's plan columns, then the tracking the CSV of a
#: report leaves empty, then what only a tracked plan has
EXTRA_COLUMNS = ("Why dropped", "Overdue", "Last changed", "Action id")


def proposed_ids(result: Mapping[str, Any]) -> list[str]:
    """The ids of the actions an assessment proposes, in its plan's order."""
    return [str(a["id"]) for a in result.get("actions", [])]


def action_numbers(result: Mapping[str, Any]) -> dict[str, int]:
    """Action id -> its number in the assessment's plan (1 first), as the plan shows it."""
    return {str(a["id"]): n for n, a in enumerate(result.get("actions", []), 1)}


def overdue_actions(result: Mapping[str, Any], trackings: Iterable[ActionTracking],
                    today: dt.date) -> list[str]:
    """The ids of the actions that `result` still proposes and whose work is overdue on
    `today` (an action the rules no longer propose is met, so never overdue)."""
    return overdue_of(set(proposed_ids(result)), trackings, today)


def overdue_of(proposed: Collection[str], trackings: Iterable[ActionTracking],
               today: dt.date) -> list[str]:
    """The ids of the actions `proposed` (ids) whose work is overdue on `today`."""
    return sorted(t.action_id for t in trackings
                  if t.action_id in proposed and t.overdue(today))


def day_words(day: dt.date | dt.datetime | None) -> str:
    """A date as people write it: `2 March 2026`."""
    if day is None:
        return ""
    return f"{day.day} {day:%B %Y}"


def parse_due(text: str) -> dt.date | None:
    """A due date as a date field sends it (`2026-03-31`), or none when left empty. A
    browser without a date picker sends what was typed: anything but a real date is
    refused, saying how to write one."""
    text = text.strip()
    if not text:
        return None
    how = "give the due date as year-month-day, like 2026-03-31, or leave it empty"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise StoreError(how, "due")
    try:
        due = dt.date.fromisoformat(text)
    except ValueError:
        raise StoreError(f"there is no such day: {how}", "due") from None
    if not FIRST_DUE <= due <= LAST_DUE:
        raise StoreError(f"a due date between {FIRST_DUE.year} and {LAST_DUE.year}, please",
                         "due")
    return due


@dataclass(frozen=True)
class Met:
    """A tracked action the latest assessment no longer proposes: its tracking, kept, and
    the action as the last assessment that proposed it gave it (None when no stored
    assessment of the wing has it)."""

    tracking: ActionTracking
    action: Mapping[str, Any] | None


def met_actions(latest: Mapping[str, Any], trackings: Iterable[ActionTracking],
                earlier: Sequence[Mapping[str, Any]]) -> list[Met]:
    """The tracked actions `latest` no longer proposes (so met, never lost), each with the
    action from the newest of `earlier` (the wing's other assessments, oldest first) that
    proposed it; in the order of the earlier plans, newest plan first, then by id."""
    proposed = set(proposed_ids(latest))
    found: dict[str, tuple[int, int, Mapping[str, Any]]] = {}
    for age, result in enumerate(reversed(earlier)):
        for place, action in enumerate(result.get("actions", [])):
            found.setdefault(str(action["id"]), (age, place, action))
    gone = [t for t in trackings if t.action_id not in proposed]
    gone.sort(key=lambda t: (found[t.action_id][:2] if t.action_id in found
                             else (len(earlier), 0), t.action_id))
    return [Met(t, found[t.action_id][2] if t.action_id in found else None) for t in gone]


def status_words(tracking: ActionTracking | None) -> str:
    """Where the work on an action stands, in words."""
    return STATUS_TITLES[tracking.status if tracking else "not-started"]


def plan_csv(latest: Mapping[str, Any], trackings: Iterable[ActionTracking],
             met: Sequence[Met], today: dt.date) -> str:
    """The plan as a CSV checklist: the report's plan columns (`assess --format csv`) with
    the lead, due date, status and notes filled in from the tracking, then why an action
    was dropped, whether it is overdue, when it last changed and its id; then the tracked
    actions no longer proposed, as met. A byte order mark, CRLF line ends, and every cell
    neutralised as the report's CSV neutralises it (it can never run as a formula)."""
    from advisor.render import words
    from advisor.render.csvout import COLUMNS, cell, plan_rows

    by_id = {t.action_id: t for t in trackings}
    ids = [str(a["id"]) for _, _, items in words.plan(latest) for _, a in items]
    rows = []
    for action_id, row in zip(ids, plan_rows(latest), strict=True):
        rows.append(_tracked(row[:9], by_id.get(action_id), today, action_id))
    for m in met:
        a = m.action or {}
        base = ["", " ".join(str(a.get("text", "An action of an earlier plan")).split()),
                "Met: no longer proposed", str(a.get("owner", "")), str(a.get("done_when", "")),
                "", "", "", ", ".join(a.get("sources", []))]
        rows.append(_tracked(base, m.tracking, None, m.tracking.action_id))
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS + EXTRA_COLUMNS)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


def _tracked(base: list[str], t: ActionTracking | None, today: dt.date | None,
             action_id: str) -> list[str]:
    """A plan row with its tracking: lead, due, status, notes, why dropped, overdue, last
    changed, id. `today` is None for an action no longer proposed (never overdue)."""
    if t is None:
        return [*base, "", "", status_words(None), "", "", "", "", action_id]
    late = today is not None and t.overdue(today)
    return [*base, t.lead, t.due.isoformat() if t.due else "", status_words(t), t.notes,
            t.reason, "Overdue" if late else "", t.updated_at.date().isoformat(), action_id]


__all__ = ["EXTRA_COLUMNS", "Met", "action_numbers", "day_words", "met_actions", "overdue_actions",
           "overdue_of", "parse_due", "plan_csv", "proposed_ids", "status_words"]
