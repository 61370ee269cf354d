"""The assessment for a terminal: lights as words, symbols and colour; the plan as a table.

Uses rich for colour, tables and wrapping to the terminal's width. With colour off (a
pipe, a file, NO_COLOR) the same layout is written as plain text.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from advisor.render import words
from advisor.render.words import LIGHT_SYMBOL, LIGHT_WORD
from advisor.words import SOURCE_NAMES, STAGE_TITLES

COLOURS = {"green": "bold green", "orange": "bold dark_orange", "red": "bold red"}
#: The widths the report is laid out in, whatever the terminal (or COLUMNS) claims: wider
#: lines are no easier to read, and each column more costs memory and time (a width of
#: 100,000,000 once took 690 MB); narrower ones would cut words.
MIN_WIDTH, DEFAULT_WIDTH, MAX_WIDTH = 40, 100, 200


def layout_width(width: int | None) -> int:
    """The width to lay the report out in: the one asked for, kept within
    MIN_WIDTH..MAX_WIDTH (DEFAULT_WIDTH when none, or 0, is asked for)."""
    return DEFAULT_WIDTH if not width else max(MIN_WIDTH, min(width, MAX_WIDTH))


def render_terminal(r: Mapping[str, Any], sections: tuple[str, ...] | None = None, *,
                    color: bool = False, width: int | None = None) -> str:
    console = Console(record=True, width=layout_width(width), color_system="standard" if color
                      else None, force_terminal=color, no_color=not color,
                      highlight=False, emoji=False, markup=False, soft_wrap=False,
                      file=_Null())
    from advisor.render.words import SECTIONS

    _header(console, r)
    _headline(console, r)
    for name in sections or SECTIONS[None]:
        _SECTIONS[name](console, r)
    if sections != SUMMARY:
        _evidence(console, r)
    text: str = console.export_text(styles=color)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def _header(console: Console, r: Mapping[str, Any]) -> None:
    p = r["profile"]
    console.print(Text(f"{p['wing']}, {p['prison']}", style="bold"))
    meta = [p["kind"], f"rulebook {r['rulebook']['version']}"]
    assessed = words.assessed_line(r)
    console.print(" · ".join([*meta, assessed] if assessed else meta), style="dim")
    console.print()


def _numbered(items: list[tuple[str, Text | str]], indent: int = 2) -> Padding:
    """A numbered list whose lines wrap under their text, not under the number."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for mark, text in items:
        grid.add_row(mark, text)
    return Padding(grid, (0, 0, 0, indent))


def _headline(console: Console, r: Mapping[str, Any]) -> None:
    """What a reader takes in first: the verdict (for a proposal) with its reasons, the
    rung and lights, the first actions and the questions that matter most."""
    verdict = words.verdict_words(r)
    if verdict:
        console.print(Text(f"Verdict: {verdict}", style="bold reverse"))
        console.print(_numbered([("-", x) for x in words.headline_reasons(r)]))
    summary = r["headline"]["summary"]
    console.print(Text(summary[0], style="bold"))
    for line in summary[1:]:
        console.print(line)
    actions = words.top_actions(r)
    if actions:
        console.print()
        console.print(Text("First actions", style="bold"))
        console.print(_numbered([(f"{n}.", words.action_line(a)) for n, a in actions]))
    questions = words.top_questions(r)
    console.print()
    if questions:
        console.print(Text("Questions that matter most", style="bold"))
        console.print(_numbered([(f"{q['rank']}.", _question(r, q)) for q in questions]))
    else:
        console.print(words.NO_QUESTIONS)
    console.print()


def _question(r: Mapping[str, Any], q: Mapping[str, Any]) -> Text:
    text = Text(words.question_text(r, q))
    text.append(f"\n{words.question_note(q)}", style="dim")
    return text


def _ladder(console: Console, r: Mapping[str, Any]) -> None:
    console.print(Text("Service user involvement ladder (App 1)", style="bold"))
    line = Text(words.rung_line(r), style="bold")
    line.append(f" · target rung {r['target_rung']}")
    aspiration = words.aspiration_words(r)
    if aspiration:
        line.append(f" · {aspiration}", style="bold red" if r.get("aspiration_gap") else "")
    console.print(line)
    console.print(words.LADDER_NOTE)
    for f in words.beside_rung(r):
        console.print(Padding(f"{f['kind'].replace('_', ' ')}: {f['text']} "
                              f"[{', '.join(f['sources'])}]", (0, 0, 0, 2)))
    ladder = Table(show_header=True, header_style="bold", expand=False, box=None)
    ladder.add_column("rung", justify="right")
    ladder.add_column("", overflow="fold")
    ladder.add_column("met")
    ladder.add_column("unmet requirements", overflow="fold")
    for rung in reversed(r["rungs"]):
        mark = []
        if rung["rung"] == r["target_rung"]:
            mark.append("◀ target")
        if rung["rung"] == r["current_rung"]:
            mark.append("◀ current")
        ladder.add_row(str(rung["rung"]), f"{rung['name']} {' '.join(mark)}".strip(),
                       "yes" if rung["met"] else "no",
                       "; ".join(f"{u['text']} ({u['kind']})" for u in rung["unmet"]))
    console.print(ladder)
    if r["current_rung"] == 0:
        console.print("  0 non-engagement ◀ current")
    console.print()
    console.print(Text("What the words mean", style="bold"))
    terms = Table.grid(padding=(0, 1))
    terms.add_column(no_wrap=True)
    terms.add_column()
    for word, meaning in words.TERMS.items():
        terms.add_row(f"{word}:", meaning)
    console.print(Padding(terms, (0, 0, 0, 2)))
    console.print()


def _stages(console: Console, r: Mapping[str, Any]) -> None:
    stages = Table(title="Social capital stages (Fig 1.8)", title_justify="left",
                   header_style="bold", expand=True, box=box.SIMPLE_HEAD)
    stages.add_column("stage", justify="right", no_wrap=True)
    stages.add_column("light", no_wrap=True)
    stages.add_column("opportunity", ratio=2, overflow="fold")
    stages.add_column("because", ratio=3, overflow="fold")
    for s in r["stages"]:
        light = Text(f"{LIGHT_SYMBOL[s['light']]} {LIGHT_WORD[s['light']]}",
                     style=COLOURS[s["light"]])
        because = Text("\n".join(words.rule_titles(r, f"stage {s['stage']}")), style="italic")
        for item in s["because"]:
            because.append(f"\n{words.because_words(r, item)}", style="")
        stages.add_row(str(s["stage"]), light,
                       f"{SOURCE_NAMES[s['source']]}: {STAGE_TITLES[s['stage']]}", because)
    console.print(stages)


def _plan(console: Console, r: Mapping[str, Any]) -> None:
    plan = Table(title="Action plan", title_justify="left", header_style="bold", expand=True,
                 box=box.SIMPLE_HEAD, show_lines=True)
    plan.add_column("#", justify="right", no_wrap=True)
    plan.add_column("when", no_wrap=True)
    plan.add_column("owner", ratio=1, overflow="fold")
    plan.add_column("action", ratio=4, overflow="fold")
    for n, a in enumerate(r["actions"], 1):
        cell = Text(a["text"])
        cell.append(f"\ndone when: {a['done_when']}", style="dim")
        for after in words.after_words(r, a):
            cell.append(f"\nafter {after}", style="dim")
        because = "; ".join(words.because_words(r, b) for b in a["because"])
        cell.append(f"\nbecause: {because} [{', '.join(a['sources'])}]", style="dim")
        plan.add_row(str(n), a["horizon"], a["owner"], cell)
    console.print(plan)


def _findings(console: Console, r: Mapping[str, Any]) -> None:
    if r["findings"]:
        console.print(Text("Findings", style="bold"))
        console.print(_numbered([("-", f"{f['kind'].replace('_', ' ')}: {f['text']} "
                                       f"[{', '.join(f['sources'])}]") for f in r["findings"]]))
        console.print()


def _questions(console: Console, r: Mapping[str, Any]) -> None:
    title = "Open questions, those that could change the most first"
    if r["profile"]["kind"] == "proposal":
        title += ": risks in this proposal"
    console.print(Text(title, style="bold"))
    if r["open_questions"]:
        console.print(_numbered([(f"{q['rank']}.", _question(r, q))
                                 for q in r["open_questions"]]))
    else:
        console.print(f"  {words.NO_QUESTIONS}")
    console.print()


def _fit(console: Console, r: Mapping[str, Any]) -> None:
    fit = r["role_fit"]
    console.print(Text("Role fit (App 2)", style="bold"))
    console.print(f"  needed: {words.function_words(fit['needed'])} · missing: "
                  f"{words.function_words(fit['missing'])}")
    if fit["candidates"]:
        names = [c["title"] + (" (on the wing)" if c["on_wing"] else "")
                 for c in fit["candidates"]]
        console.print(f"  could supply it: {', '.join(names)}")
    console.print()


def _reasoning(console: Console, r: Mapping[str, Any]) -> None:
    console.print(Text("Reasoning, from the facts to each conclusion", style="bold"))
    for key, ex in r["explanations"].items():
        if "why_not" in ex:
            console.print(Padding(Text(f"Why not {key}:", style="bold"), (0, 0, 0, 2)))
            for u in ex["why_not"]:
                facts = "; ".join(words.fact_words(r, f["fact"], f["value"])
                                  for f in u["facts"])
                console.print(Padding(f"{words.requirement_text(r, u['requirement'])} "
                                      f"({u['kind']}) does not hold: {facts}", (0, 0, 0, 4)))
            continue
        console.print(Padding(Text(words.conclusion_title(r, key), style="bold"), (0, 0, 0, 2)))
        for title in words.rule_titles(r, key):
            console.print(Padding(f"by the rule: {title}", (0, 0, 0, 4)))
        for f in ex["facts"]:
            note = f"  ({f['evidence']})" if f["evidence"] else ""
            console.print(Padding(f"{words.fact_words(r, f['fact'], f['value'])}{note}",
                                  (0, 0, 0, 4)))
            for said in words.voice_lines(f.get("voices")):
                console.print(Padding(said, (0, 0, 0, 6)))
    console.print()


def _evidence(console: Console, r: Mapping[str, Any]) -> None:
    """Evidence notes, and what people say, beside the facts they are about."""
    noted = words.noted_facts(r)
    if not noted:
        return
    console.print(Text("Evidence notes, and what people say", style="bold"))
    for path, note, said in noted:
        console.print(Padding(words.noted_label(r, path), (0, 0, 0, 2)))
        for line in [f"evidence: {note}", *said] if note else said:
            console.print(Padding(line, (0, 0, 0, 6)))
    console.print()


def _summary(console: Console, r: Mapping[str, Any]) -> None:
    """After the headline, the six lights on one line each, and how to see the rest."""
    for s in r["stages"]:
        line = Text(f"  {LIGHT_SYMBOL[s['light']]} {LIGHT_WORD[s['light']]:<6} ",
                    style=COLOURS[s["light"]])
        line.append(f"stage {s['stage']}: {STAGE_TITLES[s['stage']]}", style="")
        console.print(line)
    console.print()
    console.print(f"The whole report ({len(r['actions'])} actions, the ladder, findings and "
                  "every open question): add --full.", style="dim")


#: the sections of the one-screen summary (`advisor assess` without --full)
SUMMARY = ("summary",)

_SECTIONS = {"summary": _summary, "ladder": _ladder, "stages": _stages, "plan": _plan,
             "findings": _findings, "questions": _questions, "fit": _fit, "reasoning": _reasoning}


class _Null(io.StringIO):
    """A file that discards: the console records, and we return the recording."""

    def write(self, _text: str) -> int:
        return 0


def render(result: Mapping[str, Any], sections: tuple[str, ...], *, color: bool,
           width: int | None, audience: str | None) -> str:
    """The terminal report (see `advisor.render.Renderer`)."""
    return render_terminal(result, sections, color=color, width=width)
