"""Renderers: each turns the one assessment object into text. Nothing is shown that is
not in the object (OUTPUT.md)."""

from __future__ import annotations

from typing import Any

from advisor.words import SOURCE_NAMES, STAGE_TITLES

FORMATS = ("terminal", "json", "markdown", "html")
AUDIENCES = ("commissioner", "delivery", "trainer")

# One assessment, different emphasis: the order of sections for each audience. The
# default (no audience) is the full report in teaching order.
SECTIONS: dict[str | None, tuple[str, ...]] = {
    None: ("ladder", "stages", "plan", "findings", "questions", "fit"),
    # readiness first: rungs and the aspiration gap, then risks from unknowns
    "commissioner": ("ladder", "questions", "stages", "fit", "plan", "findings"),
    # the plan with owners and done-when first
    "delivery": ("plan", "ladder", "stages", "questions", "fit", "findings"),
    # the full reasoning: every conclusion with the chain from its facts
    "trainer": ("ladder", "stages", "reasoning", "plan", "findings", "fit", "questions"),
}

LIGHT_SYMBOL = {"green": "●", "orange": "◐", "red": "○"}
LIGHT_WORD = {"green": "GREEN", "orange": "ORANGE", "red": "RED"}

__all__ = ["LIGHT_SYMBOL", "LIGHT_WORD", "SOURCE_NAMES", "STAGE_TITLES", "render", "to_json"]


def to_json(result: dict[str, Any]) -> str:
    """Two-space indented UTF-8 JSON, keys in the object's order. orjson writes the same
    bytes as `json.dumps(indent=2, ensure_ascii=False)` for what an assessment holds
    (strings, integers, booleans, null: no floats), several times faster."""
    import orjson

    return orjson.dumps(result, option=orjson.OPT_INDENT_2).decode() + "\n"


def render(result: dict[str, Any], fmt: str, *, color: bool = False,
           width: int | None = None, audience: str | None = None) -> str:
    """The assessment as text in `fmt` (one of FORMATS), ordered for `audience`."""
    sections = SECTIONS[audience]
    if fmt == "json":
        return to_json(result)
    if fmt == "markdown":
        from advisor.render.markdown import render_markdown

        return render_markdown(result, sections)
    if fmt == "terminal":
        from advisor.render.terminal import render_terminal

        return render_terminal(result, sections, color=color, width=width)
    if fmt == "html":
        from advisor.render.html import render_html

        return render_html(result, sections, audience)
    raise ValueError(f"unknown format {fmt!r}")
