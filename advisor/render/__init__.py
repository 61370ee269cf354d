"""Renderers: each turns the one assessment object into text for people (or JSON for
programs). Nothing is shown that is not in the object (docs/output.md).

Every renderer is a module of this package with one function of one shape,
`render(result, sections, *, color, width, audience) -> str`; `RENDERERS` names them by
format, and the command line offers exactly these formats. A new format is a new module
and a line here.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Any, Protocol

from advisor.render.jsonout import to_json
from advisor.render.words import AUDIENCES, SECTIONS

#: format -> the module of this package that renders it
RENDERERS = {"terminal": "terminal", "json": "jsonout", "markdown": "markdown",
             "html": "html", "csv": "csvout"}
FORMATS = tuple(RENDERERS)


class Renderer(Protocol):
    """What every renderer module's `render` is."""

    def __call__(self, result: Mapping[str, Any], sections: tuple[str, ...], *,
                 color: bool, width: int | None, audience: str | None) -> str: ...


def render(result: Mapping[str, Any], fmt: str, *, color: bool = False,
           width: int | None = None, audience: str | None = None, full: bool = True) -> str:
    """The assessment as text in `fmt` (one of FORMATS), ordered for `audience`. A
    renderer's module is loaded when first asked for (HTML needs Jinja2, the terminal
    rich). `full=False` asks for the one-screen summary, from a renderer whose module
    names its sections in `SUMMARY` (the terminal's); the others always give everything."""
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format {fmt!r}")
    module = import_module(f"advisor.render.{RENDERERS[fmt]}")
    renderer: Renderer = module.render
    summary: tuple[str, ...] | None = getattr(module, "SUMMARY", None)
    sections = SECTIONS[audience] if full or summary is None else summary
    return renderer(result, sections, color=color, width=width, audience=audience)


__all__ = ["AUDIENCES", "FORMATS", "RENDERERS", "Renderer", "render", "to_json"]
