"""Renderers: each turns the one assessment object into text. Nothing is shown that is
not in the object (OUTPUT.md)."""

from __future__ import annotations

import json
from typing import Any

FORMATS = ("terminal", "json", "markdown")

LIGHT_SYMBOL = {"green": "●", "orange": "◐", "red": "○"}
LIGHT_WORD = {"green": "GREEN", "orange": "ORANGE", "red": "RED"}
STAGE_TITLES = {
    1: "associate in meaningful activity groups",
    2: "reflect and solve problems in a trusted group",
    3: "contribute to core delivery",
    4: "represent residents in wing forums",
    5: "represent the wing at the Prisoner Council",
    6: "contribute lived experience to policy",
}
SOURCE_NAMES = {"micro": "A micro (bonding)", "meso": "B meso (bridging)",
                "macro": "C macro (linking)"}


def to_json(result: dict[str, Any]) -> str:
    return json.dumps(result, indent=2, ensure_ascii=False) + "\n"


def render(result: dict[str, Any], fmt: str, *, color: bool = False,
           width: int | None = None) -> str:
    """The assessment as text in `fmt` (one of FORMATS)."""
    if fmt == "json":
        return to_json(result)
    if fmt == "markdown":
        from advisor.render.markdown import render_markdown

        return render_markdown(result)
    if fmt == "terminal":
        from advisor.render.terminal import render_terminal

        return render_terminal(result, color=color, width=width)
    raise ValueError(f"unknown format {fmt!r}")
