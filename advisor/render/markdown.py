"""The assessment as GitHub-flavoured Markdown."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from advisor.render import words
from advisor.render.words import LIGHT_SYMBOL, LIGHT_WORD
from advisor.words import RUNG_MEANINGS, RUNG_NAMES, SOURCE_NAMES, STAGE_TITLES

# Markdown is escaped as HTML is: every piece of text from a profile, a rule or a file
# name goes through `escape`, which puts a backslash before exactly the characters that
# CommonMark or GitHub's Markdown would read as markup where they stand, and nowhere else
# (`snake_case`, `5 * 3`, `a < b` and `Hello!` are left as they are).

#: What a backslash escapes in CommonMark: ASCII punctuation.
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
#: An entity or character reference (`&amp;`, `&#60;`), which Markdown would decode.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
#: What opens a block when it starts a line (or a list item's text): an ATX heading, a
#: quote, a bullet, a thematic break or setext underline.
_BLOCK_START = re.compile(r"#{1,6}(?= |$)|>|[-+](?= |$)|[-=]+$")
#: The characters that may need a backslash, depending on where they stand.
_CANDIDATES = re.compile(r"[`\[\]\\*~$_<&#:.@]")
#: An ordered list item's number: the `.` or `)` after it is escaped.
_NUMBERED = re.compile(r"[0-9]{1,9}([.)])(?= |$)")


def _escaped_at(s: str, line_start: bool) -> set[int]:
    """The places in `s` (whitespace already collapsed) that need a backslash before
    them, within a line or (`line_start`) at the start of one."""
    at: set[int] = set()
    if line_start and _BLOCK_START.match(s):
        at.add(0)
    elif line_start and (numbered := _NUMBERED.match(s)):
        at.add(numbered.start(1))
    for found in _CANDIDATES.finditer(s):
        i, ch = found.start(), found.group()
        before = s[i - 1] if i else ""
        after = s[i + 1] if i + 1 < len(s) else ""
        spaced = before == " " and after == " "  # neither opens nor closes anything
        if (
            ch in "`[]"  # code spans, links, images, footnotes, references
            or (ch == "\\" and (after in _PUNCTUATION or not after))  # an escape, or one
            # that would escape the report's own next character
            or (ch in "*~$" and not spaced)  # emphasis, strikethrough, GitHub's math
            or (ch == "_" and not spaced and not (before.isalnum() and after.isalnum()))
            or (ch == "<" and after != " ")  # raw HTML and <autolinks>
            or (ch == "&" and _ENTITY.match(s, i))
            or (ch == "#" and before in ("", " ") and not s[i:].strip("#"))  # ends a heading
            # GitHub links bare addresses (scheme://, www., e-mail) and @names
            or (ch == ":" and s.startswith("//", i + 1))
            or (ch == "." and s[max(i - 3, 0):i].lower() == "www")
            or (ch == "@" and (after.isalnum() or after in "-_"))
        ):
            at.add(i)
    return at


def escape(value: Any, *, inline: bool = False, cell: bool = False) -> str:
    """Plain text that Markdown shows as it is: nothing in it can become a link, an
    image, HTML, a heading, a list, a quote, emphasis or a code span. On one line (runs of
    whitespace, newlines and tabs become one space). Text that never starts a line or a
    list item's text (`inline`, or in a table `cell`) keeps its leading `#`, `>`, `-`
    or `1.` as it is; in a `cell`, a `|` cannot end the cell."""
    s = " ".join(("" if value is None else str(value)).split())
    at = _escaped_at(s, line_start=not (inline or cell))
    if cell:
        at |= {i for i, ch in enumerate(s) if ch == "|"}
    out, last = [], 0
    for i in sorted(at):
        out += [s[last:i], "\\"]
        last = i
    return "".join([*out, s[last:]])


def _table(head: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(escape(c, cell=True) for c in row) + " |" for row in rows]
    return lines


def render_markdown(r: Mapping[str, Any], sections: tuple[str, ...] | None = None) -> str:
    from advisor.render.words import SECTIONS

    p = r["profile"]
    wing, prison = escape(p["wing"], inline=True), escape(p["prison"], inline=True)
    out = [f"# Peer involvement assessment: {wing}, {prison}", ""]
    out.append(f"{escape(words.record_line(r), inline=True)}.")
    assessed = words.assessed_line(r)
    if assessed:
        out.append(f"{escape(assessed)}.")
    out += ["", *_headline(r)]
    for name in sections or SECTIONS[None]:
        out += ["", *_SECTIONS[name](r)]
    noted = words.noted_facts(r)
    if noted:
        out += ["", "## Evidence", ""]
        for path, note, said in noted:
            out.append(f"- {escape(words.noted_label(r, path))}"
                       + (f" Evidence: {escape(note, inline=True)}" if note else ""))
            out += _voices(said)
    out += ["", "## Words used in this report", ""]
    out += [f"- **{word}**: {meaning}" for word, meaning in words.GLOSSARY.items()]
    out += ["", "## Source", "",
            f"This assessment applies rulebook {escape(r['rulebook']['version'], inline=True)}, "
            f"which encodes the study: {words.STUDY} {words.STUDY_NOTE}", ""]
    return "\n".join(out)


def _headline(r: Mapping[str, Any]) -> list[str]:
    """What a reader takes in first: the verdict (for a proposal) with its reasons, the
    rung and lights, the first actions and the questions that matter most."""
    out = ["## Summary", ""]
    verdict = words.verdict_words(r)
    if verdict:
        out += [f"**Verdict: {verdict}.**", ""]
        out += [f"- {escape(x)}" for x in words.headline_reasons(r)]
        out.append("")
    summary = r["headline"]["summary"]
    out += [f"**{escape(summary[0], inline=True)}** "
            + " ".join(escape(x, inline=True) for x in summary[1:]), ""]
    actions = words.top_actions(r)
    if actions:
        out += ["First actions:", ""]
        out += [f"- Action {n}: {escape(words.action_line(a), inline=True)}"
                for n, a in actions]
        out.append("")
    questions = words.top_questions(r)
    if questions:
        out += ["Questions that matter most:", ""]
        out += [f"- {escape(words.question_text(r, q))} — "
                f"{escape(words.question_note(q), inline=True)}" for q in questions]
    else:
        out.append(words.NO_QUESTIONS)
    return out


def _ladder(r: Mapping[str, Any]) -> list[str]:
    out = ["## Ladder (App 1)", "",
           f"**{escape(words.rung_line(r), inline=True)}**. {words.LADDER_NOTE}", ""]
    out += [f"- {f['kind'].replace('_', ' ').capitalize()}: {escape(f['text'], inline=True)} "
            f"({escape(', '.join(f['sources']), inline=True)})" for f in words.beside_rung(r)]
    out.append(f"- Target rung: **{r['target_rung']}**")
    aspiration = words.aspiration_words(r)
    if aspiration:
        out.append(f"- {aspiration[0].upper()}{aspiration[1:]}")
    out += ["", "Soft, structural, target and aspiration are explained at the end, under "
                "\"Words used in this report\".", ""]
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
    """Each horizon a heading, each action a numbered item with what a team needs to work
    it beneath (a table of nine columns is unreadable rendered)."""
    out = ["## Action plan", "",
           "Numbered in the order to take them; the facts each rests on come first, then "
           "those still to find out."]
    for _horizon, title, items in words.plan(r):
        out += ["", f"### {escape(title)} ({len(items)})", ""]
        for n, a in items:
            held, missing = words.held_and_missing(r, a["because"])
            out.append(f"{n}. **{escape(' '.join(a['text'].split()), inline=True)}** "
                       f"({escape(', '.join(a['sources']), inline=True)})")
            details = [f"Owner: {a['owner']}", f"Done when: {a['done_when']}"]
            if a["depends_on"]:
                details.append(f"After: {'; '.join(words.after_short(r, a))}")
            if held:
                details.append(f"Rests on: {' · '.join(held)}")
            if missing:
                details.append(f"To find out: {' · '.join(missing)}")
            indent = " " * len(f"{n}. ")  # under the item's text, or it ends the list
            out += [f"{indent}- {escape(d, inline=True)}" for d in details]
    if not r["actions"]:
        out += ["", "No action: nothing in this assessment calls for one."]
    return out


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
            out += [f"{q['rank']}. {escape(words.question_text(r, q))}",
                    f"   {escape(words.question_note(q))}"]
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
    """Each light, the rung and the target as a sentence of reasoning, with the facts its
    rule read and the rulebook's worked examples of that rule."""
    out = ["## How each conclusion follows from the facts", ""]
    for key in words.REASONED:
        if key not in r["explanations"]:
            continue
        out += [f"### {escape(words.conclusion_title(r, key))}", "",
                escape(words.reasoning_sentence(r, key))]
        chain = words.reasoning_chain(r, key)
        if chain:
            out += ["", f"Which rests on: {escape('; '.join(chain), inline=True)}."]
        facts = [] if key == "target rung" else words.reasoning_facts(r, key)
        if facts:
            out += ["", "The facts it read:", ""]
            for f in facts:
                note = (f" (evidence: {escape(f['evidence'], inline=True)})"
                        if f["evidence"] else "")
                out.append(f"- {escape(f['words'])}{note}")
                out += _voices(f["voices"])
        examples = words.worked_examples(r, key)
        if examples:
            out += ["", "Worked examples: " + "; ".join(f"\u201c{escape(e, inline=True)}\u201d"
                                                        for e in examples)]
        out.append("")
    out += ["### What each rung means", ""]
    out += [f"- **{rung} {RUNG_NAMES[rung]}**: {meaning}"
            for rung, meaning in RUNG_MEANINGS.items()]
    return out


def _voices(said: list[str]) -> list[str]:
    """What people say of a fact, as a list nested under the fact's item."""
    return [f"  - {escape(line)}" for line in said]


_SECTIONS = {"ladder": _ladder, "stages": _stages, "plan": _plan, "findings": _findings,
             "questions": _questions, "fit": _fit, "reasoning": _reasoning}


def render(result: Mapping[str, Any], sections: tuple[str, ...], *, color: bool,
           width: int | None, audience: str | None) -> str:
    """The Markdown report (see `advisor.render.Renderer`)."""
    return render_markdown(result, sections)
