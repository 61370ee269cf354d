"""The assessment as one self-contained HTML file: inline CSS and SVG, no scripts, nothing
fetched. Jinja2 autoescapes every value, and a Content-Security-Policy forbids scripts
as a second line of defence."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from advisor.render import words
from advisor.render.words import LIGHT_SYMBOL, LIGHT_WORD
from advisor.words import RUNG_MEANINGS, RUNG_NAMES, SOURCE_NAMES, STAGE_TITLES

#: the views that end with the printable checklist: the ones a delivery team works from
CHECKLIST_FOR = (None, "delivery")

#: the views whose reasoning section carries the facts behind the lights, so the stage
#: matrix, the plan and the findings leave them out (and the view prints in half the pages)
COMPACT_FOR = ("trainer",)
#: the views that list the plan briefly (text, owner, order): those that read it rather
#: than work it; the default and delivery views give each action's facts and a checklist
BRIEF_PLAN_FOR = ("commissioner", "trainer")


@functools.cache
def _environment() -> Environment:
    """One template environment per process."""
    return Environment(loader=PackageLoader("advisor", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_html(r: Mapping[str, Any], sections: tuple[str, ...],
                audience: str | None) -> str:
    evidence, voices = r.get("evidence", {}), r.get("voices", {})

    def fact_note(because: str) -> str | None:
        note = evidence.get(because.split(" = ", 1)[0])
        return str(note) if note is not None else None

    def fact_voices(because: str) -> list[str]:
        return words.voice_lines(voices.get(because.split(" = ", 1)[0]))

    ladder = _ladder_geometry(r)
    by_source = [(src, [s for s in r["stages"] if s["source"] == src])
                 for src in tuple(SOURCE_NAMES)]
    return _environment().get_template("report.html.j2").render(
        r=r, sections=sections, audience=audience, checklist=audience in CHECKLIST_FOR,
        compact=audience in COMPACT_FOR, brief_plan=audience in BRIEF_PLAN_FOR,
        ladder=ladder, by_source=by_source,
        fact_note=fact_note, fact_voices=fact_voices, words=words,
        LIGHT_SYMBOL=LIGHT_SYMBOL, LIGHT_WORD=LIGHT_WORD, SOURCE_NAMES=SOURCE_NAMES,
        STAGE_TITLES=STAGE_TITLES, RUNG_MEANINGS=RUNG_MEANINGS, RUNG_NAMES=RUNG_NAMES)


def _ladder_geometry(r: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per rung, top (5) to bottom (0), with its marks as words."""
    met = {x["rung"]: x["met"] for x in r["rungs"]}
    rows = []
    for rung in range(5, -1, -1):
        marks = []
        if rung == r["current_rung"]:
            marks.append("current")
        if rung == r["target_rung"]:
            marks.append("target")
        if rung == r.get("aspiration_rung"):
            marks.append("aspiration")
        # rung 0 (non-engagement) is where a role starts, not something it reached
        rows.append({"rung": rung, "name": RUNG_NAMES[rung], "y": 10 + (5 - rung) * 34,
                     "reached": 0 < rung <= r["current_rung"],
                     "met": met.get(rung, True), "marks": marks})
    return rows


def render(result: Mapping[str, Any], sections: tuple[str, ...], *, color: bool,
           width: int | None, audience: str | None) -> str:
    """The HTML report (see `advisor.render.Renderer`)."""
    return render_html(result, sections, audience)
