"""What it would take: re-assess with changes and show what moved, and the summary row of
a batch run. Comparing assessments is advisor.compare (its `compare`, `diff` and
`render_compare` are named here too, for callers that import them from here).

Every candidate is assessed by the engine; nothing here re-implements a rule.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from advisor import yamlio
from advisor.compare import compare, diff, render_compare
from advisor.errors import InputError
from advisor.profile import Profile, fact_path_problem, profile_errors
from advisor.words import HORIZONS

Json = dict[str, Any]


# -- changing facts -------------------------------------------------------------------


def parse_setting(setting: str) -> tuple[str, Any]:
    """`roles[0].supervision=structured` -> (path, value); the value is read as YAML."""
    path, sep, raw = setting.partition("=")
    path = path.strip()
    if not sep or not path:
        raise InputError(f"--set takes PATH=VALUE, not {setting!r}")
    problem = fact_path_problem(path)
    if problem:
        raise InputError(f"{path!r}: {problem}", field="--set")
    value = yamlio.parse(raw.strip(), "--set").data if raw.strip() else ""
    return path, value


def apply_changes(data: dict[str, Any], changes: list[tuple[str, Any]],
                  source: str) -> Profile:
    """The profile with the changes applied, validated as a file would be."""
    from pydantic import ValidationError

    from advisor.paths import set_in

    changed = copy.deepcopy(data)
    for path, value in changes:
        try:
            set_in(changed, path, value)
        except (IndexError, KeyError, TypeError) as err:
            raise InputError(f"cannot set {path}: no such entry in this profile",
                             field="--set") from err
    try:
        return Profile.model_validate(changed)
    except ValidationError as err:
        doc = yamlio.Document(changed, source)
        first = profile_errors(err, doc)[0]
        raise InputError(f"{first.field}: {first.message}", field="--set") from None


# -- what moved -------------------------------------------------------------------------


def whatif_title(changes: list[tuple[str, Any]], before: Mapping[str, Any]) -> str:
    """The changes asked about, in words: each fact as the interview asks it, with its
    new value."""
    from advisor.assess import show
    from advisor.render import words

    return "What if:\n" + "\n".join(f"  - {words.fact_words(before, path, show(value))}"
                                      for path, value in changes)


def _diff_items(d: Mapping[str, Any]) -> list[tuple[int, str]]:
    """What moved, in words, as (level, line): level 0 says what moved, level 1 lists the
    actions (by their text) and questions (as asked) under it."""
    from advisor.render import words

    # the role titles the diff carries, for naming a fact's role
    named: Json = {"assessed_role": d.get("assessed_role"), "explanations": {}}
    out: list[tuple[int, str]] = []
    for key, label in (("current_rung", "current rung"), ("target_rung", "target rung")):
        x = d[key]
        if x["from"] == x["to"]:
            out.append((0, f"{label}: {x['to']} (unchanged)"))
        else:
            arrow = "up" if x["to"] > x["from"] else "down"
            out.append((0, f"{label}: {x['from']} -> {x['to']} ({arrow})"))
    if d["lights"]:
        out += [(0, f"stage {x['stage']}: {x['from'].upper()} -> {x['to'].upper()} "
                    f"({x['direction']})") for x in d["lights"]]
    else:
        out.append((0, "stage lights: unchanged"))
    for key, label in (("actions_added", "actions added"),
                       ("actions_removed", "actions no longer needed")):
        if d[key]:
            out.append((0, f"{label}:"))
            out += [(1, " ".join(a["text"].split())) for a in d[key]]
    for key, label in (("questions_settled", "open questions settled"),
                       ("questions_opened", "open questions raised")):
        if d[key]:
            out.append((0, f"{label}:"))
            out += [(1, " ".join(words.fact_label(named, path).split())) for path in d[key]]
    return out


def _plain(items: list[tuple[int, str]]) -> list[str]:
    """Diff items as indented plain text: `  what moved`, `    - what is listed`."""
    return [f"  {text}" if level == 0 else f"    - {text}" for level, text in items]


def render_diff(d: Mapping[str, Any], title: str) -> str:
    """What moved, in words: rungs, lights, actions by their text, questions as asked."""
    return "\n".join([title, *_plain(_diff_items(d))]) + "\n"


def summary_row(path: Path, r: Mapping[str, Any]) -> Json:
    row: Json = {"file": str(path), "prison": r["profile"]["prison"],
                 "wing": r["profile"]["wing"], "kind": r["profile"]["kind"],
                 "current_rung": r["current_rung"], "target_rung": r["target_rung"]}
    for s in r["stages"]:
        row[f"stage{s['stage']}"] = s["light"]
    for h in HORIZONS:
        row[f"actions_{h}"] = sum(a["horizon"] == h for a in r["actions"])
    row["open_questions"] = len(r["open_questions"])
    return row


__all__ = ["apply_changes", "compare", "diff", "parse_setting", "render_compare",
           "render_diff", "summary_row", "whatif_title"]
