"""The assessment as GitHub-flavoured Markdown."""

from __future__ import annotations

from typing import Any

from advisor.render import LIGHT_SYMBOL, LIGHT_WORD, SOURCE_NAMES, STAGE_TITLES


def _cell(text: Any) -> str:
    s = "" if text is None else str(text)
    return " ".join(s.replace("\\", "\\\\").replace("|", "\\|").split())


def _esc(text: str) -> str:
    """Plain text that Markdown will not read as markup or HTML."""
    out = []
    for ch in text:
        out.append("\\" + ch if ch in "\\`*_{}[]<>#|!" else ch)
    return " ".join("".join(out).split())


def _table(head: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def render_markdown(r: dict[str, Any]) -> str:
    p = r["profile"]
    out = [f"# Peer involvement assessment: {_esc(p['wing'])}, {_esc(p['prison'])}", ""]
    out.append(f"Profile kind: {p['kind']}. Rulebook {r['rulebook']['version']} "
               f"({r['rulebook']['rules']} rules).")
    out.append("")
    out.append("## Ladder")
    out.append("")
    role = r.get("assessed_role")
    out.append(f"- Current rung: **{r['current_rung']}**")
    out.append(f"- Target rung: **{r['target_rung']}**")
    if r.get("aspiration_rung") is not None:
        gap = " (above what the structure supports)" if r.get("aspiration_gap") else ""
        out.append(f"- Aspiration: **{r['aspiration_rung']}**{gap}")
    if role:
        out.append(f"- Assessed role: {_esc(role['title'])} (roles[{role['index']}])")
    else:
        out.append("- Assessed role: none selected")
    out.append("")
    rows = []
    for rung in r["rungs"]:
        unmet = "; ".join(f"{u['requirement']} ({u['kind']}): {', '.join(u['because'])}"
                          for u in rung["unmet"])
        rows.append([rung["rung"], rung["name"], "yes" if rung["met"] else "no", unmet])
    out += _table(["Rung", "Name", "Met", "Unmet requirements (because)"], rows)
    out += ["", "## Social capital stages (Fig 1.8)", ""]
    rows = [[s["stage"], SOURCE_NAMES[s["source"]], STAGE_TITLES[s["stage"]],
             f"{LIGHT_SYMBOL[s['light']]} {LIGHT_WORD[s['light']]}", s["rule"],
             "; ".join(s["because"]), ", ".join(s["sources"])] for s in r["stages"]]
    out += _table(["Stage", "Source", "Opportunity", "Light", "Rule", "Because", "Sources"],
                  rows)
    out += ["", "## Action plan", ""]
    rows = [[n, a["id"], a["horizon"], a["text"], a["owner"], a["done_when"],
             ", ".join(a["depends_on"]), "; ".join(a["because"]), ", ".join(a["sources"])]
            for n, a in enumerate(r["actions"], 1)]
    out += _table(["#", "Id", "Horizon", "Action", "Owner", "Done when", "Depends on",
                   "Because", "Sources"], rows)
    out += ["", "## Findings", ""]
    rows = [[f["id"], f["kind"].replace("_", " "), f["text"], "; ".join(f["because"]),
             ", ".join(f["sources"])] for f in r["findings"]]
    out += _table(["Id", "Kind", "Finding", "Because", "Sources"], rows)
    out += ["", "## Open questions", ""]
    if r["open_questions"]:
        out += [f"- `{q['fact']}` could change: {', '.join(q['could_change'])}"
                for q in r["open_questions"]]
    else:
        out.append("None: no unknown fact could change this assessment.")
    fit = r["role_fit"]
    out += ["", "## Role fit (App 2)", ""]
    out.append(f"- Needed for the target rung: {', '.join(fit['needed']) or 'nothing'}")
    out.append(f"- Missing from the selected role: {', '.join(fit['missing']) or 'nothing'}")
    if fit["candidates"]:
        out.append("")
        out += _table(["Candidate role", "Supplies", "On the wing"],
                      [[_esc(c["title"]), ", ".join(c["supplies"]),
                        "yes" if c["on_wing"] else "no"] for c in fit["candidates"]])
    if r.get("evidence"):
        out += ["", "## Evidence", ""]
        out += [f"- `{k}`: {_esc(v)}" for k, v in r["evidence"].items()]
    out.append("")
    return "\n".join(out)
