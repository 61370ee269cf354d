"""The assessment as GitHub-flavoured Markdown."""

from __future__ import annotations

from typing import Any

from advisor.render import LIGHT_SYMBOL, LIGHT_WORD, SOURCE_NAMES, STAGE_TITLES, words


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


def render_markdown(r: dict[str, Any], sections: tuple[str, ...] | None = None) -> str:
    from advisor.render import SECTIONS

    p = r["profile"]
    out = [f"# Peer involvement assessment: {_esc(p['wing'])}, {_esc(p['prison'])}", ""]
    out.append(f"Profile kind: {p['kind']}. Rulebook {r['rulebook']['version']} "
               f"({r['rulebook']['rules']} rules).")
    assessed = words.assessed_line(r)
    if assessed:
        out.append(f"{_esc(assessed)}.")
    for name in sections or SECTIONS[None]:
        out += ["", *_SECTIONS[name](r)]
    noted = words.noted_facts(r)
    if noted:
        out += ["", "## Evidence", ""]
        for path, note, said in noted:
            out.append(f"- `{path}`" + (f": {_esc(note)}" if note else ""))
            out += _voices(said)
    out.append("")
    return "\n".join(out)


def _ladder(r: dict[str, Any]) -> list[str]:
    out = ["## Ladder (App 1)", "",
           f"**{_esc(words.rung_line(r))}**. {words.LADDER_NOTE}", ""]
    out += [f"- {f['id']} ({f['kind'].replace('_', ' ')}): {_esc(f['text'])} "
            f"({', '.join(f['sources'])})" for f in words.beside_rung(r)]
    out.append(f"- Target rung: **{r['target_rung']}**")
    aspiration = words.aspiration_words(r)
    if aspiration:
        out.append(f"- {aspiration[0].upper()}{aspiration[1:]}")
    out += ["", "What the words mean:", ""]
    out += [f"- **{word}**: {meaning}" for word, meaning in words.TERMS.items()]
    out.append("")
    rows = []
    for rung in r["rungs"]:
        unmet = "; ".join(f"{u['requirement']} ({u['kind']}): {', '.join(u['because'])}"
                          for u in rung["unmet"])
        rows.append([rung["rung"], rung["name"], "yes" if rung["met"] else "no", unmet])
    return out + _table(["Rung", "Name", "Met", "Unmet requirements (because)"], rows)


def _stages(r: dict[str, Any]) -> list[str]:
    rows = [[s["stage"], SOURCE_NAMES[s["source"]], STAGE_TITLES[s["stage"]],
             f"{LIGHT_SYMBOL[s['light']]} {LIGHT_WORD[s['light']]}", s["rule"],
             "; ".join(s["because"]), ", ".join(s["sources"])] for s in r["stages"]]
    return ["## Social capital stages (Fig 1.8)", "", *_table(
        ["Stage", "Source", "Opportunity", "Light", "Rule", "Because", "Sources"], rows)]


def _plan(r: dict[str, Any]) -> list[str]:
    rows = [[n, a["id"], a["horizon"], a["text"], a["owner"], a["done_when"],
             ", ".join(a["depends_on"]), "; ".join(a["because"]), ", ".join(a["sources"])]
            for n, a in enumerate(r["actions"], 1)]
    return ["## Action plan", "", *_table(["#", "Id", "Horizon", "Action", "Owner",
                                           "Done when", "Depends on", "Because", "Sources"],
                                          rows)]


def _findings(r: dict[str, Any]) -> list[str]:
    rows = [[f["id"], f["kind"].replace("_", " "), f["text"], "; ".join(f["because"]),
             ", ".join(f["sources"])] for f in r["findings"]]
    return ["## Findings", "", *_table(["Id", "Kind", "Finding", "Because", "Sources"], rows)]


def _questions(r: dict[str, Any]) -> list[str]:
    out = ["## Open questions", ""]
    if r["open_questions"]:
        return out + [f"- `{q['fact']}` could change: {', '.join(q['could_change'])}"
                      for q in r["open_questions"]]
    return [*out, "None: no unknown fact could change this assessment."]


def _fit(r: dict[str, Any]) -> list[str]:
    fit = r["role_fit"]
    out = ["## Role fit (App 2)", ""]
    out.append(f"- Needed for the target rung: {', '.join(fit['needed']) or 'nothing'}")
    out.append(f"- Missing from the selected role: {', '.join(fit['missing']) or 'nothing'}")
    if fit["candidates"]:
        out.append("")
        out += _table(["Candidate role", "Supplies", "On the wing"],
                      [[_esc(c["title"]), ", ".join(c["supplies"]),
                        "yes" if c["on_wing"] else "no"] for c in fit["candidates"]])
    return out


def _reasoning(r: dict[str, Any]) -> list[str]:
    out = ["## Reasoning", ""]
    for key, ex in r["explanations"].items():
        if "why_not" in ex:
            out.append(f"### Why not {key}")
            for u in ex["why_not"]:
                facts = "; ".join(f"{f['fact']} = {f['value']}" for f in u["facts"])
                out.append(f"- {u['requirement']} ({u['kind']}): {_esc(facts)}")
        else:
            out.append(f"### {key[0].upper()}{key[1:]}")
            out.append("- rules: " + ", ".join(
                f"{x['rule']} ({', '.join(x['sources'])})" for x in ex["rules"]))
            if ex["derived"]:
                out.append("- derived: " + ", ".join(
                    d["flag"] + ("" if d["held"] else " (absent)") for d in ex["derived"]))
            for f in ex["facts"]:
                note = f" (evidence: {_esc(f['evidence'])})" if f["evidence"] else ""
                out.append(f"- `{f['fact']}` = {_esc(f['value'])}{note}")
                out += _voices(words.voice_lines(f.get("voices")))
        out.append("")
    return out


def _voices(said: list[str]) -> list[str]:
    """What people say of a fact, as a list nested under the fact's item."""
    return [f"  - {_esc(line)}" for line in said]


_SECTIONS = {"ladder": _ladder, "stages": _stages, "plan": _plan, "findings": _findings,
             "questions": _questions, "fit": _fit, "reasoning": _reasoning}
