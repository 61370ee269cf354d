"""The assessment as GitHub-flavoured Markdown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.render import words
from advisor.render.words import LIGHT_SYMBOL, LIGHT_WORD
from advisor.words import SOURCE_NAMES, STAGE_TITLES


def _esc(text: Any) -> str:
    """Plain text that Markdown will not read as markup or HTML, on one line (so it is
    safe in a table cell too)."""
    out = []
    for ch in "" if text is None else str(text):
        out.append("\\" + ch if ch in "\\`*_{}[]<>#|!" else ch)
    return " ".join("".join(out).split())


def _table(head: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_esc(c) for c in row) + " |" for row in rows]
    return lines


def render_markdown(r: Mapping[str, Any], sections: tuple[str, ...] | None = None) -> str:
    from advisor.render.words import SECTIONS

    p = r["profile"]
    out = [f"# Peer involvement assessment: {_esc(p['wing'])}, {_esc(p['prison'])}", ""]
    out.append(f"Profile kind: {p['kind']}. Rulebook {r['rulebook']['version']} "
               f"({r['rulebook']['rules']} rules).")
    assessed = words.assessed_line(r)
    if assessed:
        out.append(f"{_esc(assessed)}.")
    out += ["", *_headline(r)]
    for name in sections or SECTIONS[None]:
        out += ["", *_SECTIONS[name](r)]
    noted = words.noted_facts(r)
    if noted:
        out += ["", "## Evidence", ""]
        for path, note, said in noted:
            out.append(f"- {_esc(words.noted_label(r, path))}"
                       + (f" Evidence: {_esc(note)}" if note else ""))
            out += _voices(said)
    out.append("")
    return "\n".join(out)


def _headline(r: Mapping[str, Any]) -> list[str]:
    """What a reader takes in first: the verdict (for a proposal) with its reasons, the
    rung and lights, the first actions and the questions that matter most."""
    out = ["## Summary", ""]
    verdict = words.verdict_words(r)
    if verdict:
        out += [f"**Verdict: {verdict}.**", ""]
        out += [f"- {_esc(x)}" for x in words.headline_reasons(r)]
        out.append("")
    summary = r["headline"]["summary"]
    out += [f"**{_esc(summary[0])}** " + " ".join(_esc(x) for x in summary[1:]), ""]
    actions = words.top_actions(r)
    if actions:
        out += ["First actions:", ""]
        out += [f"- Action {n}: {_esc(words.action_line(a))}" for n, a in actions]
        out.append("")
    questions = words.top_questions(r)
    if questions:
        out += ["Questions that matter most:", ""]
        out += [f"- {_esc(words.question_text(r, q))} — {_esc(words.question_note(q))}"
                for q in questions]
    else:
        out.append(words.NO_QUESTIONS)
    return out


def _ladder(r: Mapping[str, Any]) -> list[str]:
    out = ["## Ladder (App 1)", "",
           f"**{_esc(words.rung_line(r))}**. {words.LADDER_NOTE}", ""]
    out += [f"- {f['kind'].replace('_', ' ').capitalize()}: {_esc(f['text'])} "
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
        unmet = "; ".join(f"{u['text']} ({u['kind']}): "
                          + ", ".join(words.because_words(r, b) for b in u["because"])
                          for u in rung["unmet"])
        rows.append([rung["rung"], rung["name"], "yes" if rung["met"] else "no", unmet])
    return out + _table(["Rung", "Name", "Met", "Unmet requirements (because)"], rows)


def _stages(r: Mapping[str, Any]) -> list[str]:
    rows = [[s["stage"], SOURCE_NAMES[s["source"]], STAGE_TITLES[s["stage"]],
             f"{LIGHT_SYMBOL[s['light']]} {LIGHT_WORD[s['light']]}",
             "; ".join(x["title"] for x in r["explanations"][f"stage {s['stage']}"]["rules"]),
             "; ".join(words.because_words(r, b) for b in s["because"]),
             ", ".join(s["sources"])] for s in r["stages"]]
    return ["## Social capital stages (Fig 1.8)", "", *_table(
        ["Stage", "Source", "Opportunity", "Light", "Why", "Because", "Sources"], rows)]


def _plan(r: Mapping[str, Any]) -> list[str]:
    rows = [[n, a["horizon"], a["text"], a["owner"], a["done_when"],
             "; ".join(words.after_words(r, a)),
             "; ".join(words.because_words(r, b) for b in a["because"]),
             ", ".join(a["sources"])]
            for n, a in enumerate(r["actions"], 1)]
    return ["## Action plan", "", *_table(["#", "Horizon", "Action", "Owner", "Done when",
                                           "After", "Because", "Sources"], rows)]


def _findings(r: Mapping[str, Any]) -> list[str]:
    rows = [[f["kind"].replace("_", " "), f["text"],
             "; ".join(words.because_words(r, b) for b in f["because"]),
             ", ".join(f["sources"])] for f in r["findings"]]
    return ["## Findings", "", *_table(["Kind", "Finding", "Because", "Sources"], rows)]


def _questions(r: Mapping[str, Any]) -> list[str]:
    title = "## Open questions, those that could change the most first"
    if r["profile"]["kind"] == "proposal":
        title += ": risks in this proposal"
    out = [title, ""]
    if r["open_questions"]:
        for q in r["open_questions"]:
            out += [f"{q['rank']}. {_esc(words.question_text(r, q))}",
                    f"   {_esc(words.question_note(q))}"]
        return out
    return [*out, words.NO_QUESTIONS]


def _fit(r: Mapping[str, Any]) -> list[str]:
    fit = r["role_fit"]
    out = ["## Role fit (App 2)", ""]
    out.append(f"- Needed for the target rung: {words.function_words(fit['needed'])}")
    out.append(f"- Missing from the selected role: {words.function_words(fit['missing'])}")
    if fit["candidates"]:
        out.append("")
        out += _table(["Candidate role", "Supplies", "On the wing"],
                      [[c["title"], words.function_words(c["supplies"]),
                        "yes" if c["on_wing"] else "no"] for c in fit["candidates"]])
    return out


def _reasoning(r: Mapping[str, Any]) -> list[str]:
    out = ["## Reasoning, from the facts to each conclusion", ""]
    for key, ex in r["explanations"].items():
        if "why_not" in ex:
            out.append(f"### Why not {key}")
            for u in ex["why_not"]:
                facts = "; ".join(words.fact_words(r, f["fact"], f["value"])
                                  for f in u["facts"])
                out.append(f"- {_esc(words.requirement_text(r, u['requirement']))} "
                           f"({u['kind']}) does not hold: {_esc(facts)}")
        else:
            out.append(f"### {_esc(words.conclusion_title(r, key))}")
            out += [f"- by the rule: {_esc(title)}" for title in words.rule_titles(r, key)]
            for f in ex["facts"]:
                note = f" (evidence: {_esc(f['evidence'])})" if f["evidence"] else ""
                out.append(f"- {_esc(words.fact_words(r, f['fact'], f['value']))}{note}")
                out += _voices(words.voice_lines(f.get("voices")))
        out.append("")
    return out


def _voices(said: list[str]) -> list[str]:
    """What people say of a fact, as a list nested under the fact's item."""
    return [f"  - {_esc(line)}" for line in said]


_SECTIONS = {"ladder": _ladder, "stages": _stages, "plan": _plan, "findings": _findings,
             "questions": _questions, "fit": _fit, "reasoning": _reasoning}


def render(result: Mapping[str, Any], sections: tuple[str, ...], *, color: bool,
           width: int | None, audience: str | None) -> str:
    """The Markdown report (see `advisor.render.Renderer`)."""
    return render_markdown(result, sections)
