"""The assessment for a terminal: lights as words, symbols and colour; every list with
hanging indents.

Uses rich for colour and for wrapping words to the terminal's width. Everything is laid out
here, not in rich tables: a line wraps under its own text (never at column 0, never under
its number), between words (a word is split only when it is longer than the line), and an
owner or a role's title is moved whole to the next line rather than cut. With colour off (a
pipe, a file, NO_COLOR) the same layout is written as plain text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.text import Text

from advisor.render import words
from advisor.render.words import LIGHT_SYMBOL, LIGHT_WORD
from advisor.words import RUNG_MEANINGS, RUNG_NAMES, SOURCE_NAMES, STAGE_TITLES

#: A light's colour, from the 16 every terminal has (rich's "standard" system): green is
#: ANSI 32, orange is yellow (33), red is 31. An orange from the 256-colour palette would
#: be brought down to bright red (91), which most themes show as red. The symbol and the
#: word beside each colour tell the lights apart without it.
COLOURS = {"green": "bold green", "orange": "bold yellow", "red": "bold red"}
#: The widths the report is laid out in, whatever the terminal (or COLUMNS) claims: wider
#: lines are no easier to read, and each column more costs memory and time (a width of
#: 100,000,000 once took 690 MB); narrower ones would cut words.
MIN_WIDTH, DEFAULT_WIDTH, MAX_WIDTH = 40, 100, 200
#: How far a wrapped line that is not a list item is indented beyond its first line.
HANG = 2


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
        _glossary(console, r)
    text: str = console.export_text(styles=color)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


# -- laying out: wrapping under the text, keeping short things whole -----------------------

def _text(body: Text | str, style: str = "") -> Text:
    return body.copy() if isinstance(body, Text) else Text(body, style=style)


#: A reference to the study is not broken between lines: "App 1", "Fig 1.8", "fn 11".
_REFERENCE = re.compile(r"(?<![\w-])(App|Fig|fn) (?=\d)")
#: what holds a reference together while its lines are wrapped: one cell wide, not a space
_GLUE = "\ue000"


def _wrap(console: Console, body: Text, width: int) -> list[Text]:
    """`body`'s lines wrapped to `width` between words (a word longer than `width` is
    folded: nothing else can be done with it), a reference to the study kept whole."""
    glued = _GLUE not in body.plain
    if glued:
        body = body.copy()
        body.plain = _REFERENCE.sub(lambda m: m.group(1) + _GLUE, body.plain)
    lines = list(body.wrap(console, max(width, 1), justify="left", overflow="fold"))
    for line in lines:
        line.rstrip()
        if glued:
            line.plain = line.plain.replace(_GLUE, " ")
    return lines or [Text()]


def _flow(console: Console, parts: Sequence[Text | str], width: int, sep: str = ", ") -> Text:
    """Parts joined by `sep`, laid into lines of `width`: a part that would be cut at the
    end of a line, but fits on a line of its own, starts the next line whole (an owner, a
    role's title); a longer part wraps between its words."""
    out = Text()
    for n, part in enumerate(_text(p) for p in parts):
        if n:
            last = _wrap(console, out, width)[-1].cell_len
            if last + len(sep) + part.cell_len <= width or part.cell_len > width:
                out.append(sep)
            else:
                out.append(sep.rstrip() + "\n")
        out.append_text(part)
    return out


def _item(console: Console, body: Text | str, *, indent: int = 0, mark: Text | str = "",
          mark_width: int = 0, hang: int = 0, style: str = "") -> Text:
    """One item: `mark` (right-aligned in `mark_width`) at `indent`, then `body`, every
    further line of which starts under the body's first word: a list item wraps under its
    text, not under its number. Without a mark, further lines are indented by `hang`."""
    mark = _text(mark)
    width_of_mark = max(mark_width, mark.cell_len)
    lead = indent + (width_of_mark + 1 if width_of_mark else hang)
    out = Text(" " * indent)
    if width_of_mark:
        out.append(" " * (width_of_mark - mark.cell_len))
        out.append_text(mark)
        out.append(" ")
    first = indent + (width_of_mark + 1 if width_of_mark else 0)
    # a line's first line starts at `first`, the rest at `lead`: wrap to the narrower
    lines = _wrap(console, _text(body, style), console.width - max(first, lead))
    for n, line in enumerate(lines):
        if n:
            out.append("\n" + " " * lead)
        out.append_text(line)
    return out


def _list(console: Console, items: Iterable[tuple[Text | str, Text | str]],
          indent: int = 2) -> None:
    """A list whose items wrap under their text, their marks (numbers, dashes) aligned."""
    items = list(items)
    width = max((_text(m).cell_len for m, _ in items), default=0)
    for mark, body in items:
        console.print(_item(console, body, indent=indent, mark=mark, mark_width=width))


def _para(console: Console, body: Text | str, *, indent: int = 0, style: str = "") -> None:
    """A line of its own, further lines indented under it (never back to its start)."""
    console.print(_item(console, body, indent=indent, hang=HANG, style=style))


def _title(console: Console, title: str) -> None:
    _para(console, title, style="bold")


def _room(console: Console, lead: int) -> int:
    """The width left for text that starts at column `lead`."""
    return console.width - lead


# -- the report's parts ---------------------------------------------------------------------

def _header(console: Console, r: Mapping[str, Any]) -> None:
    p = r["profile"]
    _para(console, f"{p['wing']}, {p['prison']}", style="bold")
    meta = [words.record_line(r)]
    assessed = words.assessed_line(r)
    _para(console, " · ".join([*meta, assessed] if assessed else meta), style="dim")
    console.print()


def _action_line(console: Console, a: Mapping[str, Any], lead: int) -> Text:
    """An action's text, then who and when, the owner never cut between lines."""
    return _flow(console, [" ".join(a["text"].split()), f"({a['owner']}, {a['horizon']})"],
                 _room(console, lead), sep=" ")


def _mark_width(marks: Iterable[str]) -> int:
    return max((len(m) for m in marks), default=0)


def _headline(console: Console, r: Mapping[str, Any]) -> None:
    """What a reader takes in first: the verdict (for a proposal) with its reasons, the
    rung and lights, the first actions and the questions that matter most."""
    verdict = words.verdict_words(r)
    if verdict:
        console.print(Text(f"Verdict: {verdict}", style="bold reverse"))
        _list(console, [("-", x) for x in words.headline_reasons(r)])
    summary = r["headline"]["summary"]
    _para(console, summary[0], style="bold")
    for line in summary[1:]:
        _para(console, line)
    actions = words.top_actions(r)
    if actions:
        console.print()
        _title(console, "First actions")
        width = _mark_width(f"{n}." for n, _ in actions)
        _list(console, [(f"{n}.", _action_line(console, a, 2 + width + 1))
                        for n, a in actions])
    questions = words.top_questions(r)
    console.print()
    if questions:
        _title(console, "Questions that matter most")
        _question_list(console, r, questions)
    else:
        _para(console, words.NO_QUESTIONS)
    console.print()


def _question_list(console: Console, r: Mapping[str, Any],
                   questions: Sequence[Mapping[str, Any]]) -> None:
    """Open questions by rank, each with what its answer could change and whom to ask
    (who is never cut between lines)."""
    width = _mark_width(f"{q['rank']}." for q in questions)
    room = _room(console, 2 + width + 1)
    items = []
    for q in questions:
        text = Text(words.question_text(r, q))
        changes, _, ask = words.question_note(q).partition(" · ")
        text.append("\n")
        text.append_text(_flow(console, [changes, ask] if ask else [changes], room,
                               sep=" · "))
        text.stylize("dim", len(words.question_text(r, q)) + 1)
        items.append((f"{q['rank']}.", text))
    _list(console, items)


def _ladder(console: Console, r: Mapping[str, Any]) -> None:
    _title(console, "Service user involvement ladder (App 1)")
    line = Text(words.rung_line(r), style="bold")
    line.append(f" · target rung {r['target_rung']}")
    aspiration = words.aspiration_words(r)
    if aspiration:
        line.append(f" · {aspiration}", style="bold red" if r.get("aspiration_gap") else "")
    _para(console, line)
    _para(console, words.LADDER_NOTE)
    for f in words.beside_rung(r):
        _para(console, f"{f['kind'].replace('_', ' ')}: {' '.join(f['text'].split())} "
                       f"[{', '.join(f['sources'])}]", indent=2)
    _ladder_rows(console, r)
    console.print()
    _para(console, "Soft, structural, target and aspiration are explained at the end, under "
                   "Words used in this report.", style="dim")
    console.print()


def _ladder_rows(console: Console, r: Mapping[str, Any]) -> None:
    """Rungs 5 down to 0, one row each: the rung, its name and where the role stands, met
    or not, and the unmet requirements one a line, each column aligned."""
    from advisor.words import RUNG_NAMES

    rows = [(rung["rung"], rung["name"], "yes" if rung["met"] else "no",
             [f"{u['text']} ({u['kind']})" for u in rung["unmet"]])
            for rung in reversed(r["rungs"])]
    if all(rung["rung"] != 0 for rung in r["rungs"]):
        rows.append((0, RUNG_NAMES[0], "", []))  # the floor: nothing to meet, no mark

    def name(rung: int, title: str) -> str:
        marks = [m for m, at in (("◀ target", r["target_rung"]),
                                 ("◀ current", r["current_rung"])) if at == rung]
        return " ".join([title, *marks])

    names = [name(rung, title) for rung, title, _, _ in rows]
    name_width = max(len(n) for n in names)
    lead = 2 + 4 + 2 + name_width + 2 + 3 + 2  # rung, name, met, then the requirements
    # the requirements beside their rung when each fits on the rest of its line, else
    # listed under the rung's name
    beside = all(len(u) <= _room(console, lead) for _, _, _, unmet in rows for u in unmet)
    console.print(Text(f"  rung  {'':<{name_width}}  met  unmet requirements".rstrip(),
                       style="bold"))
    for (rung, _, met, unmet), title in zip(rows, names, strict=True):
        row = Text(f"  {rung:>4}  {title:<{name_width}}  {met:<3}  ")
        if beside and unmet:
            row.append(unmet[0])
        console.print(row)
        if beside:
            for u in unmet[1:]:
                console.print(_item(console, u, indent=lead, hang=HANG))
        else:
            for u in unmet:
                console.print(_item(console, u, indent=8, hang=HANG))


def _stage_mark(s: Mapping[str, Any]) -> Text:
    """A light by its stage, symbol, word and colour: `1 ● GREEN `."""
    light = f"{LIGHT_SYMBOL[s['light']]} {LIGHT_WORD[s['light']]}"
    mark = Text(f"{s['stage']} ")
    mark.append(light, style=COLOURS[s["light"]])
    mark.append(" " * (len("◐ ORANGE") - len(light)))
    return mark


def _stages(console: Console, r: Mapping[str, Any]) -> None:
    _title(console, "Social capital stages (Fig 1.8)")
    for s in r["stages"]:
        mark = _stage_mark(s)
        lead = 2 + mark.cell_len + 1
        console.print(_item(console, f"{SOURCE_NAMES[s['source']]}: "
                                     f"{STAGE_TITLES[s['stage']]}",
                            indent=2, mark=mark, style="bold"))
        for title in words.rule_titles(r, f"stage {s['stage']}"):
            console.print(_item(console, f"because: {title}", indent=lead, hang=HANG,
                                style="italic"))
        for item in s["because"]:
            console.print(_item(console, words.because_words(r, item), indent=lead,
                                hang=HANG))
    console.print()


def _plan(console: Console, r: Mapping[str, Any]) -> None:
    _title(console, "Action plan")
    width = _mark_width(f"{n}." for n in range(1, len(r["actions"]) + 1))
    lead = 2 + width + 1
    for _horizon, heading, items in words.plan(r):
        _para(console, Text(f"{heading} ({len(items)})", style="bold underline"), indent=2)
        for n, a in items:
            body = Text(" ".join(a["text"].split()))
            # who and when start a line of their own: an owner is never cut
            body.append(f"\n{a['owner']}", style="bold")
            body.append(f" · done when: {a['done_when']} [{', '.join(a['sources'])}]",
                        style="dim")
            console.print(_item(console, body, indent=2, mark=Text(f"{n}.", style="bold"),
                                mark_width=width))
            held, missing = words.held_and_missing(r, a["because"])
            details = [f"after {after}" for after in words.after_short(r, a)]
            if held:
                details.append(f"rests on: {' · '.join(held)}")
            if missing:
                details.append(f"to find out: {' · '.join(missing)}")
            for line in details:
                console.print(_item(console, line, indent=lead, hang=HANG, style="dim"))
        console.print()


def _findings(console: Console, r: Mapping[str, Any]) -> None:
    # the work the role did not start is shown beside the rung, in the ladder: not twice
    shown = [f for f in r["findings"] if not f.get("beside_rung")]
    if shown:
        _title(console, "Findings")
        _list(console, [("-", f"{f['kind'].replace('_', ' ')}: {' '.join(f['text'].split())} "
                              f"[{', '.join(f['sources'])}]") for f in shown])
        console.print()


def _questions(console: Console, r: Mapping[str, Any]) -> None:
    title = "Open questions, those that could change the most first"
    if r["profile"]["kind"] == "proposal":
        title += ": risks in this proposal"
    _title(console, title)
    questions = r["open_questions"]
    top = words.top_questions(r)
    if top and questions[:len(top)] == top:  # the headline has asked these: not twice
        _para(console, f"{_span(top)}: under Questions that matter most, above.", indent=2)
        questions = questions[len(top):]
    if questions:
        _question_list(console, r, questions)
    elif not top:
        _para(console, words.NO_QUESTIONS, indent=2)
    console.print()


def _span(questions: Sequence[Mapping[str, Any]]) -> str:
    """The ranks of the first questions: `1`, `1 and 2`, `1 to 3`."""
    ranks = [q["rank"] for q in questions]
    if len(ranks) == 1:
        return f"Question {ranks[0]}"
    return f"Questions {ranks[0]} {'and' if len(ranks) == 2 else 'to'} {ranks[-1]}"


def _fit(console: Console, r: Mapping[str, Any]) -> None:
    fit = r["role_fit"]
    _title(console, "Role fit (App 2)")
    rows = [("needed:", words.function_words(fit["needed"])),
            ("missing:", words.function_words(fit["missing"]))]
    if fit["candidates"]:
        rows.append(("could supply it:", ""))
    width = _mark_width(label for label, _ in rows)
    beside = _room(console, 2 + width + 1) >= 40  # else each value under its label
    lead = 2 + width + 1 if beside else 4
    for label, value in rows:
        body: Text | str = value
        if label == "could supply it:":  # each role's title whole on a line
            body = _flow(console, [c["title"] + (" (on the wing)" if c["on_wing"] else "")
                                   for c in fit["candidates"]], _room(console, lead))
        if beside:
            console.print(_item(console, body, indent=2, mark=label.ljust(width),
                                mark_width=width))
        else:
            _para(console, label, indent=2)
            console.print(_item(console, body, indent=lead))
    console.print()


def _reasoning(console: Console, r: Mapping[str, Any]) -> None:
    _title(console, "How each conclusion follows from the facts")
    for key in words.REASONED:
        if key not in r["explanations"]:
            continue
        _para(console, Text(words.conclusion_title(r, key), style="bold"), indent=2)
        _para(console, words.reasoning_sentence(r, key), indent=4)
        chain = words.reasoning_chain(r, key)
        if chain:
            _para(console, f"which rests on: {'; '.join(chain)}", indent=4, style="dim")
        if key.startswith("stage "):  # the stages section lists their facts
            continue
        for f in [] if key == "target rung" else words.reasoning_facts(r, key):
            note = f"  (evidence: {f['evidence']})" if f["evidence"] else ""
            _para(console, f"{f['words']}{note}", indent=6, style="dim")
        examples = words.worked_examples(r, key)
        if examples:
            _para(console, "worked examples: " + "; ".join(f"\u201c{e}\u201d" for e in examples),
                  indent=4, style="dim")
    _para(console, Text("What each rung means", style="bold"), indent=2)
    width = _mark_width(f"{n} {RUNG_NAMES[n]}:" for n in RUNG_MEANINGS)
    for rung, meaning in RUNG_MEANINGS.items():
        console.print(_item(console, meaning, indent=4,
                            mark=f"{rung} {RUNG_NAMES[rung]}:".ljust(width), mark_width=width))
    console.print()


def _glossary(console: Console, r: Mapping[str, Any]) -> None:
    """The report's words explained, and the study in full: the end of the whole report."""
    _title(console, "Words used in this report")
    width = _mark_width(f"{word}:" for word in words.GLOSSARY)
    for word, meaning in words.GLOSSARY.items():
        console.print(_item(console, meaning, indent=2, mark=f"{word}:".ljust(width),
                            mark_width=width))
    console.print()
    _para(console, f"This assessment applies rulebook {r['rulebook']['version']}, which "
                   f"encodes the study: {words.STUDY} {words.STUDY_NOTE}", style="dim")


def _evidence(console: Console, r: Mapping[str, Any]) -> None:
    """Evidence notes, and what people say, beside the facts they are about."""
    noted = words.noted_facts(r)
    if not noted:
        return
    _title(console, "Evidence notes, and what people say")
    for path, note, said in noted:
        _para(console, words.noted_label(r, path), indent=2)
        for line in [f"evidence: {note}", *said] if note else said:
            _para(console, line, indent=6)
    console.print()


def _summary(console: Console, r: Mapping[str, Any]) -> None:
    """After the headline, the six lights on one line each, and what --full adds."""
    for s in r["stages"]:
        console.print(_item(console, f"stage {s['stage']}: {STAGE_TITLES[s['stage']]}",
                            indent=2, mark=_stage_mark(s)[2:]))
    console.print()
    _para(console, f"Add --full for {_full_adds(r)}.", style="dim")


def _full_adds(r: Mapping[str, Any]) -> str:
    """What the whole report shows that the summary does not, counted."""
    def n(count: int, one: str, many: str) -> str:
        return f"{count} {one if count == 1 else many}"

    findings = len([f for f in r["findings"] if not f.get("beside_rung")])
    parts = ["the ladder and what each rung needs", "the facts behind each light",
             f"all {n(len(r['actions']), 'action', 'actions')} in detail"]
    if len(r["open_questions"]) > len(words.top_questions(r)):
        parts.append(f"all {n(len(r['open_questions']), 'open question', 'open questions')}")
    if findings:
        parts.append(n(findings, "finding", "findings"))
    parts.append("role fit")
    if words.noted_facts(r):
        parts.append("evidence notes")
    return ", ".join(parts[:-1]) + " and " + parts[-1]


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
