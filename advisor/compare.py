"""Assessments side by side: several wings ranked by readiness, or audits of one wing over
time with what improved, what slipped, and which actions were completed.

`compare` builds the comparison as data (the JSON programs read, ids kept); `render_compare`
puts it in words for people in the terminal, Markdown or HTML (no field path, rule id or
flag name). Every assessment comes from the engine; nothing here re-implements a rule.
"""

from __future__ import annotations

import functools
import itertools
import json
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from advisor.render.words import listed
from advisor.words import HORIZONS, RUNG_NAMES, STAGE_TITLES

LIGHTS = {"red": 0, "orange": 1, "green": 2}
Json = dict[str, Any]
#: The formats `render_compare` writes.
COMPARE_FORMATS = ("terminal", "json", "markdown", "html")
RANKED_BY = ("Ranked by the rung now, then the target rung, then the lights, then the "
             "fewest open questions.")
#: Why an action of the earlier plan is not in the later one, when it was not completed.
DROPPED_WORDS = {
    "role": "the later assessment follows another role, or none",
    "unknown": "part of what it was about is now not known",
    "partly": "only part of what it was about changed",
    "other": "what it was about did not change; something else did, such as the target "
             "rung or the role fit",
}


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


def _facts_read(r: Mapping[str, Any]) -> dict[str, str]:
    """Every fact an assessment shows it read, path -> value as shown (derived facts such
    as whether funding covers the next cycle included)."""
    out: dict[str, str] = {}
    for ex in r["explanations"].values():
        for f in [*ex.get("facts", ()), *(x for u in ex.get("why_not", ()) for x in u["facts"])]:
            out.setdefault(f["fact"], f["value"])
    items = [*r["stages"], *r["findings"], *r["actions"],
             *(u for rung in r["rungs"] for u in rung["unmet"])]
    for x in items:
        for line in x["because"]:
            path, sep, value = line.partition(" = ")
            if sep:
                out.setdefault(path, value)
    return out


def _profile_value(data: Mapping[str, Any] | None, path: str) -> str | None:
    from advisor.collate import show
    from advisor.paths import MISSING, get

    if data is None:
        return None
    value = get(data, path)
    return None if value is MISSING else show(value)


def _role_key(r: Mapping[str, Any]) -> tuple[int, str] | None:
    role = r.get("assessed_role")
    return None if role is None else (role["index"], role["title"])


def classify_removed(before: Mapping[str, Any], after: Mapping[str, Any],
                     removed: Sequence[Mapping[str, Any]],
                     later: Mapping[str, Any] | None = None) -> Json:
    """Each action of the earlier plan that the later one no longer proposes, in exactly
    one of two kinds: completed, or no longer proposed for another reason.

    An action is proposed because the facts behind it (its `because`) fall short, and the
    rule data hold two sorts of such rules. A ladder requirement names the action that
    meets it (rules/ladder.yaml): for those, the action is completed exactly when the later
    assessment finds the requirement met for the same role, which is the rule's own test
    of the facts. Every other action rule (funding, evaluation, pathway, forum links, role
    fit) fires on a fact that falls short (`is: false`, a value in a list of short ones),
    sometimes with a condition that only makes the action apply (R2c needs a paid role,
    R3a a Prisoner Council): such an action is completed only when every fact behind it
    now reads a known value different from before; the work it asked for has visibly
    changed all it was about. When only some changed, the change may be in a condition
    (the paid role is gone, not brought in), so it is not counted as done. A fact now
    unknown is never taken as done (unknown is never yes). An action whose facts did not
    change went because something else did (the target rung moved, the role fit changed,
    another role is assessed): not completed either. So completion is claimed only on the
    evidence, and the two lists never share an action.

    The later facts are read from the later assessment, then from `later` (the later
    profile as plain data) for facts no rule read. Returns `actions_completed` (ids),
    `actions_dropped` (`id` and `reason`: `role`, `unknown`, `partly` or `other`) and
    `facts_now` (action id -> the facts behind it as the later assessment reads them,
    `path = value`)."""
    read = _facts_read(after)
    unmet_before = {f"{u['requirement']}.unmet": u["requirement"]
                    for rung in before["rungs"] for u in rung["unmet"]}
    unmet_after = {u["requirement"] for rung in after["rungs"] for u in rung["unmet"]}
    same_role = _role_key(before) == _role_key(after)
    completed: list[str] = []
    dropped: list[Json] = []
    facts_now: dict[str, list[str]] = {}
    for a in removed:
        facts = [(p, v) for p, sep, v in (x.partition(" = ") for x in a["because"]) if sep]
        now = {p: read.get(p, _profile_value(later, p)) for p, _ in facts}
        facts_now[a["id"]] = [f"{p} = {now[p]}" for p, _ in facts if now[p] is not None]
        requirement = unmet_before.get(a["rule"])
        about_role = requirement is not None or any(p.startswith("roles[") for p, _ in facts)
        changed = [p for p, v in facts if now[p] not in (None, v)]
        if about_role and not same_role:
            reason = "role"
        elif requirement is not None:
            reason = "" if requirement not in unmet_after else "other"
        elif any(now[p] == "unknown" for p, _ in facts):
            reason = "unknown"
        elif facts and len(changed) == len(facts):
            reason = ""
        else:
            reason = "partly" if changed else "other"
        if reason:
            dropped.append({"id": a["id"], "reason": reason})
        else:
            completed.append(a["id"])
    return {"actions_completed": completed, "actions_dropped": dropped, "facts_now": facts_now}


# -- comparing assessments --------------------------------------------------------------


def _assessed_on(r: Mapping[str, Any]) -> str | None:
    on = (r.get("assessed") or {}).get("on")
    return None if on in (None, "unknown") else str(on)


def _row(name: str, r: Mapping[str, Any]) -> Json:
    counts = {h: sum(a["horizon"] == h for a in r["actions"]) for h in HORIZONS}
    role = r.get("assessed_role")
    return {"name": name, "prison": r["profile"]["prison"], "wing": r["profile"]["wing"],
            "kind": r["profile"]["kind"], "current_rung": r["current_rung"],
            "target_rung": r["target_rung"], "aspiration_gap": r["aspiration_gap"],
            "lights": [s["light"] for s in r["stages"]], "actions": counts,
            "open_questions": len(r["open_questions"]),
            "weak_stages": [s["stage"] for s in r["stages"] if s["light"] == "red"],
            "assessed_on": _assessed_on(r), "role": role["title"] if role else None,
            "aspiration_rung": r.get("aspiration_rung"),
            "verdict": (r.get("headline") or {}).get("verdict"),
            "roles": list(r["profile"].get("roles", [])),
            "other_roles": list(r["profile"].get("other_roles", []))}


def compare(results: Sequence[tuple[str, Mapping[str, Any]]],
            profiles: Sequence[Mapping[str, Any] | None] | None = None) -> Json:
    """Assessments side by side, each named by its file (`name`).

    Audits of one wing (every profile of the same prison and wing) are put in the order
    they were made, by `assessed.on`, whatever the order given; when any of them has no
    date they keep the order given (`order`: `given`), since an undated audit has no place
    in time. Then each step from one to the next says what moved, and which actions of the
    earlier plan were completed or are no longer proposed (see `classify_removed`).
    Profiles of different wings are ranked, readiest first.

    `profiles`, when given, are the profiles as plain data in the order of `results`: they
    let a step read facts that no rule of the later assessment read."""
    data = list(profiles) if profiles is not None else [None] * len(results)
    items = list(zip(results, data, strict=True))
    rows = [_row(name, r) for (name, r), _ in items]
    same_wing = len({(r["prison"], r["wing"]) for r in rows}) == 1 and len(rows) > 1
    if not same_wing:
        ranked = sorted(rows, key=lambda r: (-r["current_rung"], -r["target_rung"],
                                             -sum(LIGHTS[x] for x in r["lights"]),
                                             r["open_questions"], r["name"]))
        return {"profiles": rows, "mode": "proposals", "order": "given",
                "readiest": ranked[0]["name"], "ranking": [r["name"] for r in ranked]}
    dated = all(row["assessed_on"] is not None for row in rows)
    if dated:  # oldest first; a stable sort keeps the order given for the same date
        order = sorted(range(len(rows)), key=lambda i: rows[i]["assessed_on"])
        items, rows = [items[i] for i in order], [rows[i] for i in order]
    steps = []
    for ((na, a), _), ((nb, b), later) in itertools.pairwise(items):
        d = diff(a, b)
        steps.append({"from": na, "to": nb, **d,
                      **classify_removed(a, b, d["actions_removed"], later)})
    return {"profiles": rows, "mode": "audits over time",
            "order": "assessed_on" if dated else "given", "changes": steps}


# -- in words ----------------------------------------------------------------------------


def wing_name(row: Mapping[str, Any]) -> str:
    return " ".join(f"{row['wing']}, {row['prison']}".split())


def kind_words(kind: str, n: int = 1) -> str:
    """A kind of profile in a sentence: `self-audit`, `2 worked examples` (n: how many)."""
    from advisor.render.words import KIND_WORDS

    one = KIND_WORDS[kind].lower() if kind in KIND_WORDS else kind
    return one if n == 1 else f"{one}s"


def date_words(row: Mapping[str, Any]) -> str:
    return row["assessed_on"] or "date not recorded"


def light_words(light: str) -> str:
    from advisor.render.words import LIGHT_SYMBOL, LIGHT_WORD

    return f"{LIGHT_SYMBOL[light]} {LIGHT_WORD[light]}"


def column_labels(c: Mapping[str, Any]) -> list[str]:
    """How each assessment is headed: by its wing, or over time by its date (with its
    place, when dates are missing or repeat)."""
    rows = c["profiles"]
    if c["mode"] != "audits over time":
        labels = [wing_name(r) for r in rows]
    else:
        labels = [date_words(r) for r in rows]
    if len(set(labels)) < len(labels):
        labels = [f"{n}. {label}" for n, label in enumerate(labels, 1)]
    return labels


def title(c: Mapping[str, Any]) -> tuple[str, str]:
    """What is compared, in words: a heading, and how many of each kind (with the dates
    over time)."""
    rows = c["profiles"]
    kinds = {k: sum(r["kind"] == k for r in rows) for k in dict.fromkeys(r["kind"] for r in rows)}
    counted = listed([f"{n} {kind_words(k, n)}" for k, n in kinds.items()])
    if c["mode"] == "audits over time":
        dates = [r["assessed_on"] for r in rows if r["assessed_on"]]
        span = f", {dates[0]} to {dates[-1]}" if c["order"] == "assessed_on" else ""
        return (f"Comparison over time: {wing_name(rows[0])}",
                f"{len(rows)} assessments ({counted}){span}")
    wings = len({(r["prison"], r["wing"]) for r in rows})
    what = f"{wings} wings" if wings == len(rows) else f"{len(rows)} assessments of {wings} wings"
    return f"Comparison of {what}", counted.capitalize()


def rung_words(row: Mapping[str, Any]) -> str:
    who = row["role"] or "No role selected"
    return (f"{who}: rung {row['current_rung']} of 5 ({RUNG_NAMES[row['current_rung']]}), "
            f"target rung {row['target_rung']}")


def aspiration_text(row: Mapping[str, Any]) -> str:
    if row["aspiration_rung"] is None:
        return "not set"
    gap = " (above the target: a gap)" if row["aspiration_gap"] else ""
    return f"{row['aspiration_rung']}{gap}"


def verdict_text(row: Mapping[str, Any]) -> str:
    from advisor.render.words import VERDICT_WORDS

    verdict = row.get("verdict")
    return VERDICT_WORDS[verdict] if verdict else "not a proposal"


def summary_lines(c: Mapping[str, Any]) -> list[str]:
    """What a reader takes in first."""
    rows = {r["name"]: r for r in c["profiles"]}
    if c["mode"] != "audits over time":
        first = rows[c["readiest"]]
        out = [f"Readiest: {wing_name(first)} ({kind_words(first['kind'])}), "
               f"{rung_words(first)}."]
        proposals = [rows[n] for n in c["ranking"] if rows[n]["kind"] == "proposal"]
        audits = [rows[n] for n in c["ranking"] if rows[n]["kind"] != "proposal"]
        if proposals and audits:  # a proposal and a running wing are not alike: name both
            out += [f"Readiest proposal: {wing_name(proposals[0])}.",
                    f"Readiest running wing: {wing_name(audits[0])} "
                    f"({kind_words(audits[0]['kind'])})."]
        return [*out, RANKED_BY]
    first, last = c["profiles"][0], c["profiles"][-1]
    labels = column_labels(c)
    out = [f"From {labels[0]} to {labels[-1]}: rung now "
           f"{_move(first['current_rung'], last['current_rung'])}, target rung "
           f"{_move(first['target_rung'], last['target_rung'])}."]
    ups = sum(x["direction"] == "up" for s in c["changes"] for x in s["lights"])
    downs = sum(x["direction"] == "down" for s in c["changes"] for x in s["lights"])
    done = sum(len(s["actions_completed"]) for s in c["changes"])
    gone = sum(len(s["actions_dropped"]) for s in c["changes"])
    added = sum(len(s["actions_added"]) for s in c["changes"])
    out.append(f"Stage lights: {ups} up, {downs} down. Actions: {done} completed, {gone} no "
               f"longer proposed without being completed, {added} new.")
    if c["order"] == "assessed_on":
        out.append("Assessments are in the order they were made (by their date).")
    else:
        out.append("Not every assessment has a date, so they are in the order given.")
    return out


def _move(a: int, b: int) -> str:
    if a == b:
        return f"{b} (unchanged)"
    return f"{a} → {b} ({'up' if b > a else 'down'})"


def step_blocks(c: Mapping[str, Any]) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """For each step between audits: its heading and (what moved, the lines under it)."""
    from advisor.render import words

    labels = dict(zip((r["name"] for r in c["profiles"]), column_labels(c), strict=True))
    out = []
    rows = {r["name"]: r for r in c["profiles"]}
    for step in c["changes"]:
        later = rows[step["to"]]
        # enough of the later assessment to name a fact's role by its title
        named: Json = {"assessed_role": step.get("assessed_role"), "explanations": {},
                       "profile": {"roles": later["roles"], "other_roles": later["other_roles"]}}
        blocks: list[tuple[str, list[str]]] = [
            (f"Rung now: {_move(step['current_rung']['from'], step['current_rung']['to'])}", []),
            (f"Target rung: {_move(step['target_rung']['from'], step['target_rung']['to'])}", []),
        ]
        if step["lights"]:
            blocks.append(("Stage lights that moved:", [
                f"Stage {x['stage']} ({STAGE_TITLES[x['stage']]}): {light_words(x['from'])} "
                f"→ {light_words(x['to'])} ({x['direction']})" for x in step["lights"]]))
        else:
            blocks.append(("Stage lights: unchanged", []))
        removed = {a["id"]: a for a in step["actions_removed"]}

        def now(action_id: str, step: Mapping[str, Any] = step, named: Json = named) -> str:
            return "; ".join(words.because_words(named, x)
                             for x in step["facts_now"].get(action_id, []))

        if step["actions_completed"]:
            blocks.append(("Actions completed: the facts behind them now hold", [
                _text(removed[i]) + (f" (now: {now(i)})" if now(i) else "")
                for i in step["actions_completed"]]))
        if step["actions_dropped"]:
            blocks.append(("Actions no longer proposed, though not completed", [
                f"{_text(removed[x['id']])} ({DROPPED_WORDS[x['reason']]}"
                + (f"; now: {now(x['id'])})" if now(x["id"]) else ")")
                for x in step["actions_dropped"]]))
        if step["actions_added"]:
            blocks.append(("New actions", [_text(a) for a in step["actions_added"]]))
        for key, label in (("questions_settled", "Open questions settled"),
                           ("questions_opened", "Open questions raised")):
            if step[key]:
                blocks.append((label, [" ".join(words.fact_label(named, p).split())
                                       for p in step[key]]))
        out.append((f"From {labels[step['from']]} to {labels[step['to']]}", blocks))
    return out


def _text(a: Mapping[str, Any]) -> str:
    return " ".join(str(a["text"]).split())


def side_rows(c: Mapping[str, Any], *, files: bool = True) -> list[tuple[str, list[str]]]:
    """The side-by-side table's rows (label, one cell per assessment), in words. Over time
    the rungs and lights have tables of their own (beside the charts), so they are left
    out here; a verdict row only when a proposal is compared; the files' row only with
    `files`."""
    rows = c["profiles"]
    over_time = c["mode"] == "audits over time"
    table: list[tuple[str, list[str]]] = [] if over_time else [
        ("Assessed", [date_words(r) for r in rows])]
    table += [
        ("Kind", [kind_words(r["kind"]).capitalize() for r in rows]),
        *([("File", [r["name"] for r in rows])] if files else []),
        ("Role", [r["role"] or "No role selected" for r in rows]),
    ]
    if not over_time:
        table += [
            ("Rung now", [f"{r['current_rung']} ({RUNG_NAMES[r['current_rung']]})"
                          for r in rows]),
            ("Target rung", [str(r["target_rung"]) for r in rows]),
            ("Aspiration", [aspiration_text(r) for r in rows]),
        ]
    if any(r["verdict"] for r in rows):
        table.append(("Verdict", [verdict_text(r) for r in rows]))
    if not over_time:
        table += [(f"Stage {i + 1}", [light_words(r["lights"][i]) for r in rows])
                  for i in range(6)]
    table += [
        ("Actions now, next, later", [f"{r['actions']['now']}, {r['actions']['next']}, "
                                      f"{r['actions']['later']}" for r in rows]),
        ("Open questions", [str(r["open_questions"]) for r in rows]),
    ]
    return [(label, [" ".join(x.split()) for x in cells]) for label, cells in table]


# -- the formats ---------------------------------------------------------------------------


def render_compare(c: Mapping[str, Any], fmt: str, *, width: int = 80,
                   by_name: bool = False) -> str:
    """The comparison in `fmt`: JSON for programs, or in words for people (terminal text
    wrapped to `width` columns with hanging indents, Markdown, or an HTML page styled like
    the report). Every name from a file or a profile is shown as it is: escaped in
    Markdown and HTML, and on one line. `by_name` (HTML only): the wings side by side are
    headed by the names the assessments were given, not by their files and profiles, and
    no file is mentioned; for the web app, whose users never saw a file."""
    if fmt == "json":
        return json.dumps(c, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(c)
    if fmt == "html":
        return _html(c, by_name=by_name)
    if fmt == "terminal":
        return _terminal(c, width)
    raise ValueError(f"unknown format {fmt!r}")


def ranking_rows(c: Mapping[str, Any], *, by_name: bool = False) -> list[Json]:
    """The ranking, readiest first: each wing's rank, name, kind and rungs in words; the
    wing by the name the assessment was given (`by_name`) or by its profile."""
    rows = {r["name"]: r for r in c["profiles"]}
    return [{"rank": n, "row": rows[name], "wing": name if by_name else wing_name(rows[name]),
             "kind": kind_words(rows[name]["kind"]),
             "rung": rows[name]["current_rung"], "target": rows[name]["target_rung"],
             "red": listed([str(s) for s in rows[name]["weak_stages"]])
             if rows[name]["weak_stages"] else "none",
             "verdict": verdict_text(rows[name])}
            for n, name in enumerate(c["ranking"], 1)]


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """One item, wrapped with a hanging indent; a light's symbol and word stay together."""
    for light in ("GREEN", "ORANGE", "RED"):
        text = text.replace(f" {light}", f"\u00a0{light}")
    lines = textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest,
                          break_on_hyphens=False, break_long_words=True) or [first.rstrip()]
    return [line.replace("\u00a0", " ") for line in lines]


def _terminal(c: Mapping[str, Any], width: int) -> str:
    width = max(40, min(width, 200))
    heading, counted = title(c)
    out = [*_wrap(heading, width, "", "  "), *_wrap(counted, width, "", "  "), ""]
    out += [x for line in summary_lines(c) for x in _wrap(line, width, "", "  ")]
    labels = column_labels(c)
    if c["mode"] != "audits over time":
        out += ["", "Ranking, readiest first"]
        for x in ranking_rows(c):
            lead = f"{x['rank']:>2}. "
            out += _wrap(f"{x['wing']} ({x['kind']})", width, lead, " " * len(lead))
            verdict = f" · verdict: {x['verdict']}" if x["row"]["verdict"] else ""
            out += _wrap(f"rung {x['rung']}, target {x['target']} · red stages: {x['red']}"
                         + verdict, width, " " * len(lead), " " * (len(lead) + 2))
    out += ["", "Side by side" if c["mode"] != "audits over time" else "Each assessment"]
    for label, row in zip(labels, c["profiles"], strict=True):
        out += ["", *_wrap(label, width, "", "  ")]
        out += _wrap(f"{kind_words(row['kind']).capitalize()}, assessed {date_words(row)}, file "
                     f"{row['name']}", width, "  ", "    ")
        out += _wrap(rung_words(row) + f", aspiration {aspiration_text(row)}", width,
                     "  ", "    ")
        if row["verdict"]:
            out += _wrap(f"Verdict: {verdict_text(row)}", width, "  ", "    ")
        out += _wrap("Lights: " + "  ".join(f"{i} {light_words(x)}"
                                            for i, x in enumerate(row["lights"], 1)),
                     width, "  ", "    ")
        a = row["actions"]
        out += _wrap(f"Actions: {a['now']} now, {a['next']} next, {a['later']} later · "
                     f"open questions: {row['open_questions']}", width, "  ", "    ")
    if c["mode"] == "audits over time":
        for heading, blocks in step_blocks(c):
            out += ["", *_wrap(heading, width, "", "  ")]
            for what, lines in blocks:
                out += _wrap(what, width, "  ", "    ")
                for line in lines:
                    out += _wrap(line, width, "    - ", "      ")
    return "\n".join(line.rstrip() for line in out) + "\n"


def _markdown(c: Mapping[str, Any]) -> str:
    """Headings, short tables (four columns at most) and lists: readable rendered."""
    from advisor.render.markdown import escape

    def inline(x: str) -> str:  # text within a line
        return escape(x, inline=True)

    def start(x: str) -> str:  # text that starts a line, a heading or a list item
        return escape(x)

    heading, counted = title(c)
    out = [f"# {start(heading)}", "", start(counted), ""]
    out += [f"- {start(line)}" for line in summary_lines(c)]
    labels = column_labels(c)
    if c["mode"] != "audits over time":
        out += ["", "## Ranking, readiest first", "",
                "| Rank | Wing | Rung now, target | Red stages |", "|---|---|---|---|"]
        out += [f"| {x['rank']} | {escape(x['wing'], cell=True)} ({x['kind']}) | "
                f"{x['rung']}, target {x['target']} | {x['red']} |" for x in ranking_rows(c)]
    else:
        out += ["", "## The rung per assessment", "",
                "| Assessed | Rung now | Target | Aspiration |", "|---|---|---|---|"]
        out += [f"| {escape(label, cell=True)} | {r['current_rung']} | {r['target_rung']} | "
                f"{aspiration_text(r)} |" for label, r in zip(labels, c["profiles"], strict=True)]
    out += ["", "## Each assessment" if c["mode"] == "audits over time" else "## Side by side"]
    for label, row in zip(labels, c["profiles"], strict=True):
        out += ["", f"### {start(label)}", "",
                f"- {inline(kind_words(row['kind']).capitalize())}, assessed "
                f"{inline(date_words(row))}, file {inline(row['name'])}",
                f"- {start(rung_words(row))}; aspiration {aspiration_text(row)}"]
        if row["verdict"]:
            out.append(f"- Verdict: {verdict_text(row)}")
        out.append("- Lights: " + ", ".join(f"stage {i} {light_words(x)}"
                                            for i, x in enumerate(row["lights"], 1)))
        a = row["actions"]
        out.append(f"- Actions: {a['now']} now, {a['next']} next, {a['later']} later; "
                   f"open questions: {row['open_questions']}")
    if c["mode"] == "audits over time":
        out += ["", "## What changed"]
        for heading, blocks in step_blocks(c):
            out += ["", f"### {start(heading)}", ""]
            for what, lines in blocks:
                out.append(f"- {start(what)}")
                out += [f"  - {start(line)}" for line in lines]
    return "\n".join(out) + "\n"


@functools.cache
def _templates() -> Any:
    """The report's templates (the comparison's page includes the report's style sheet)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(loader=PackageLoader("advisor", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _html(c: Mapping[str, Any], *, by_name: bool = False) -> str:
    from markupsafe import Markup

    from advisor.render.charts import RungPoint, lights_strip, rung_chart

    labels = column_labels(c)
    if by_name and c["mode"] != "audits over time":
        labels = [r["name"] for r in c["profiles"]]
    charts = None
    if c["mode"] == "audits over time":
        rows = c["profiles"]
        charts = {
            "rung": Markup(rung_chart(
                [RungPoint(label, r["current_rung"], r["target_rung"], r["aspiration_rung"])
                 for label, r in zip(labels, rows, strict=True)],
                title="The rung now, the target and the aspiration at each assessment")),
            "lights": Markup(lights_strip(
                [(label, r["lights"]) for label, r in zip(labels, rows, strict=True)],
                title="The six stage lights at each assessment")),
        }
    page: str = _templates().get_template("compare.html.j2").render(
        c=c, title=title(c), summary=summary_lines(c), labels=labels,
        ranking=ranking_rows(c, by_name=by_name) if c["mode"] != "audits over time" else None,
        side=side_rows(c, files=not by_name),
        files=not by_name, steps=step_blocks(c) if c["mode"] == "audits over time" else [],
        charts=charts, rows=list(zip(labels, c["profiles"], strict=True)),
        light_words=light_words, aspiration_text=aspiration_text, kind_words=kind_words,
        wing=wing_name(c["profiles"][0]), RUNG_NAMES=RUNG_NAMES)
    return page


__all__ = ["COMPARE_FORMATS", "classify_removed", "compare", "diff", "render_compare"]
