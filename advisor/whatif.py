"""What it would take: re-assess with changes, compare assessments, batch runs, and the
cheapest set of fact changes that reaches a rung.

Every candidate is assessed by the engine; nothing here re-implements a rule.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from advisor import yamlio
from advisor.errors import InputError
from advisor.profile import Profile, fact_path_problem, profile_errors
from advisor.words import HORIZONS

LIGHTS = {"red": 0, "orange": 1, "green": 2}
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


# -- differences between two assessments ----------------------------------------------


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> Json:
    """What changed from one assessment to another."""
    lights = []
    for b, a in zip(before["stages"], after["stages"], strict=True):
        if b["light"] != a["light"]:
            lights.append({"stage": b["stage"], "from": b["light"], "to": a["light"],
                           "direction": "up" if LIGHTS[a["light"]] > LIGHTS[b["light"]]
                           else "down"})
    b_actions = {x["id"]: x for x in before["actions"]}
    a_actions = {x["id"]: x for x in after["actions"]}
    b_q = {q["fact"] for q in before["open_questions"]}
    a_q = {q["fact"] for q in after["open_questions"]}
    return {
        "assessed_role": after.get("assessed_role"),
        "current_rung": {"from": before["current_rung"], "to": after["current_rung"]},
        "target_rung": {"from": before["target_rung"], "to": after["target_rung"]},
        "lights": lights,
        "actions_added": [x for x in after["actions"] if x["id"] not in b_actions],
        "actions_removed": [x for x in before["actions"] if x["id"] not in a_actions],
        "questions_settled": sorted(b_q - a_q),
        "questions_opened": sorted(a_q - b_q),
    }


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


# -- comparing profiles ---------------------------------------------------------------


def compare(results: Sequence[tuple[str, Mapping[str, Any]]]) -> Json:
    """Side by side. For audits of one wing (same prison and wing, in the order given),
    what improved, what slipped and which actions were completed between audits."""
    rows = []
    for name, r in results:
        counts = {h: sum(a["horizon"] == h for a in r["actions"])
                  for h in HORIZONS}
        rows.append({"name": name, "prison": r["profile"]["prison"],
                     "wing": r["profile"]["wing"], "kind": r["profile"]["kind"],
                     "current_rung": r["current_rung"], "target_rung": r["target_rung"],
                     "aspiration_gap": r["aspiration_gap"],
                     "lights": [s["light"] for s in r["stages"]],
                     "actions": counts, "open_questions": len(r["open_questions"]),
                     "weak_stages": [s["stage"] for s in r["stages"] if s["light"] == "red"]})
    same_wing = len({(r["prison"], r["wing"]) for r in rows}) == 1 and len(rows) > 1
    out: Json = {"profiles": rows, "mode": "audits over time" if same_wing else "proposals"}
    if same_wing:
        steps = []
        for (na, a), (nb, b) in itertools.pairwise(results):
            d = diff(a, b)
            steps.append({"from": na, "to": nb, **d,
                          "actions_completed": [x["id"] for x in d["actions_removed"]]})
        out["changes"] = steps
    else:
        ranked = sorted(rows, key=lambda r: (-r["current_rung"], -r["target_rung"],
                                             -sum(LIGHTS[x] for x in r["lights"]),
                                             r["open_questions"], r["name"]))
        out["readiest"] = ranked[0]["name"]
        out["ranking"] = [r["name"] for r in ranked]
    return out


def render_compare(c: Mapping[str, Any], fmt: str) -> str:
    """The comparison in `fmt`. Names, wings and prisons are shown as they are: escaped in
    Markdown and HTML, and on one line in a table cell."""
    import json

    if fmt == "json":
        return json.dumps(c, indent=2, ensure_ascii=False) + "\n"
    rows = c["profiles"]
    header = ["", *[r["name"] for r in rows]]
    table = [
        ["wing", *[f"{r['wing']}, {r['prison']}" for r in rows]],
        ["kind", *[r["kind"] for r in rows]],
        ["current rung", *[str(r["current_rung"]) for r in rows]],
        ["target rung", *[str(r["target_rung"]) for r in rows]],
        *[[f"stage {i + 1}", *[r["lights"][i].upper() for r in rows]] for i in range(6)],
        ["actions now/next/later", *[f"{r['actions']['now']}/{r['actions']['next']}/"
                                     f"{r['actions']['later']}" for r in rows]],
        ["open questions", *[str(r["open_questions"]) for r in rows]],
        ["red stages", *[", ".join(map(str, r["weak_stages"])) or "none" for r in rows]],
    ]
    header, table = [" ".join(x.split()) for x in header], [
        [" ".join(x.split()) for x in row] for row in table]
    # after the table: a paragraph for proposals; for audits, what moved at each step
    ranking = None
    steps: list[tuple[tuple[str, str], list[tuple[int, str]]]] = []
    if c["mode"] == "proposals":
        ranking = (c["readiest"], list(c["ranking"]))
    else:
        for step in c["changes"]:
            items = _diff_items(step)
            if step["actions_completed"]:
                done = {a["id"]: " ".join(a["text"].split()) for a in step["actions_removed"]}
                items += [(0, "actions completed:"),
                          *[(1, done.get(i, "an action")) for i in step["actions_completed"]]]
            steps.append(((step["from"], step["to"]), items))
    if fmt == "markdown":
        return _compare_markdown(header, table, ranking, steps)
    extra = []
    if ranking is not None:
        extra.append(f"Readiest: {ranking[0]} ({_RANKED_BY}): " + " > ".join(ranking[1]))
    for (before, after), items in steps:
        extra += [f"From {before} to {after}:", *_plain(items)]
    if fmt == "html":
        from html import escape

        cells = "".join(f"<th>{escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{escape(x)}</td>" for x in row) + "</tr>"
                       for row in table)
        return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
                'style-src \'unsafe-inline\'"><title>Comparison</title><style>'
                "table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px}"
                f"</style></head><body><h1>Comparison ({escape(c['mode'])})</h1>"
                f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>\n"
                "<pre>" + escape("\n".join(extra)) + "</pre></body></html>\n")
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header))]
    lines = ["  ".join(x.ljust(w) for x, w in zip(row, widths, strict=True)).rstrip()
             for row in [header, *table]]
    return "\n".join([*lines, "", *extra]) + "\n"


_RANKED_BY = "ranked by current rung, target rung, lights, then fewest open questions"


def _compare_markdown(header: list[str], table: list[list[str]],
                      ranking: tuple[str, list[str]] | None,
                      steps: list[tuple[tuple[str, str], list[tuple[int, str]]]]) -> str:
    """The comparison as Markdown: a table, then the ranking or, for each step between
    audits, what moved as a list. Every name and line is escaped (file names and the
    profiles' wings and prisons can hold anything)."""
    from advisor.render.markdown import escape

    lines = ["| " + " | ".join(escape(x, cell=True) for x in header) + " |",
             "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(escape(x, cell=True) for x in row) + " |" for row in table]
    if ranking is not None:
        lines += ["", f"Readiest: {escape(ranking[0], inline=True)} ({_RANKED_BY}): "
                  + " > ".join(escape(x, inline=True) for x in ranking[1])]
    for (before, after), items in steps:
        lines += ["", f"From {escape(before, inline=True)} to {escape(after, inline=True)}:",
                  ""]
        lines += [f"{'  ' * level}- {escape(text)}" for level, text in items]
    return "\n".join(lines) + "\n"


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
