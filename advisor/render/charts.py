"""Charts drawn on the server as inline SVG: pure functions from numbers and labels to an
SVG string, for the comparison over time and (later) the web app's wing history page.

Every chart is readable printed and without colour: each series has its own marker and
line pattern as well as a colour, each light its symbol, word and border pattern as in
the report, and every chart has an accessible name (`<title>`) and a description
(`<desc>`) that says in words what it shows. Callers still give a table beside it as its
text alternative. Labels are escaped here, so any text may be passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from advisor.render.words import LIGHT_SYMBOL, LIGHT_WORD
from advisor.words import RUNG_NAMES, SOURCE_NAMES, STAGE_SOURCES

#: What a light looks like in a chart: fill, stroke, and the stroke's dash pattern (solid,
#: dashed, dotted, as the report's light borders are).
LIGHT_LOOK = {"green": ("#e3f1e7", "#1b6e35", ""), "orange": ("#fbecdc", "#a34f00", "6 3"),
              "red": ("#fbe3e6", "#a3001b", "2 2")}

#: The rung chart's series: key, label, colour, dash pattern, marker shape, x offset (so
#: equal values sit side by side rather than on top of one another).
SERIES = (("current", "rung now", "#1d1d1f", "", "circle", -9),
          ("target", "target", "#0b4f8a", "7 4", "square", 0),
          ("aspiration", "aspiration", "#5c2d91", "2 3", "triangle", 9))
MARKER_SYMBOL = {"circle": "●", "square": "■", "triangle": "▲"}
INK, MUTED = "#1d1d1f", "#5b5b66"


@dataclass(frozen=True)
class RungPoint:
    """One assessment on the rung chart: its label (a date), and its rungs."""

    label: str
    current: int
    target: int
    aspiration: int | None = None


def _attrs(**values: object) -> str:
    """SVG attributes (`stroke_width` as `stroke-width`, `class_` as `class`), numbers
    in their shortest form, every value escaped; empty ones left out."""
    return " ".join(f'{k.rstrip("_").replace("_", "-")}="'
                    f'{escape(format(v, "g") if isinstance(v, float) else str(v))}"'
                    for k, v in values.items() if v not in ("", None))


def _el(tag: str, text: str | None = None, **attrs: object) -> str:
    """One SVG element; `text` (escaped) inside it, or none."""
    return (f"<{tag} {_attrs(**attrs)}/>" if text is None
            else f"<{tag} {_attrs(**attrs)}>{escape(text)}</{tag}>")


def _text(text: str, x: float, y: float, *, size: int = 13, anchor: str = "",
          weight: int | str = "", fill: str = INK) -> str:
    return _el("text", text, x=x, y=y, font_size=size, text_anchor=anchor,
               font_weight=weight, fill=fill)


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return _el("circle", cx=x, cy=y, r=5.5, fill=colour)
    if shape == "square":
        return _el("rect", x=x - 5, y=y - 5, width=10, height=10, fill="#ffffff",
                   stroke=colour, stroke_width=2.2)
    points = f"{x:g},{y - 6.5:g} {x + 6:g},{y + 4.5:g} {x - 6:g},{y + 4.5:g}"
    return _el("polygon", points=points, fill="#ffffff", stroke=colour, stroke_width=2)


def _open(chart_id: str, size: tuple[float, float], title: str, desc: str,
          css_class: str) -> list[str]:
    width, height = size
    return [f'<svg {_attrs(id=chart_id, class_=css_class, role="img")} '
            f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
            f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
            'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">',
            f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
            f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>']


def rung_words(points: Sequence[RungPoint]) -> str:
    """What the rung chart shows, in words (its description)."""
    def series(name: str, values: list[int | None]) -> str:
        if all(v is None for v in values):
            return f"{name}: not set"
        return f"{name}: " + ", ".join(
            f"{'not set' if v is None else v} on {p.label}" for p, v in zip(points, values,
                                                                             strict=True))

    return "; ".join([series("Rung now", [p.current for p in points]),
                      series("target", [p.target for p in points]),
                      series("aspiration", [p.aspiration for p in points])]) + "."


def rung_chart(points: Sequence[RungPoint], *, title: str,
               chart_id: str = "rung-chart") -> str:
    """The rung now, the target and the aspiration per assessment, oldest left: rungs 0
    to 5 up the side, each assessment's label along the bottom, one line per series (solid
    with dots, dashed with squares, dotted with triangles) and a legend in words."""
    left, top, row = 170, 46, 26
    n = max(len(points), 1)
    width = max(left + 50 + (n - 1) * 130 + 60, 600)  # room for the legend
    col = (width - left - 110) / (n - 1) if n > 1 else 0
    x = [left + 50 + i * col for i in range(len(points))]

    def y(rung: int) -> float:
        return top + (5 - rung) * row + row / 2

    out = _open(chart_id, (width, top + 6 * row + 40), title, rung_words(points),
                "chart rung-chart")
    lx = left  # the legend: each series' line sample, marker and word
    for key, name, colour, dash, shape, _ in SERIES:
        label = name + (" (not set)" if all(getattr(p, key) is None for p in points) else "")
        out.append(f'<g data-legend="{key}">'
                   + _el("line", x1=lx, y1=18, x2=lx + 34, y2=18, stroke=colour,
                         stroke_width=2.5, stroke_dasharray=dash)
                   + _marker(shape, lx + 17, 18, colour) + _text(label, lx + 42, 22) + "</g>")
        lx += 42 + 7 * len(label) + 24
    for rung in range(5, -1, -1):  # the rungs: a band and a label each
        ry = top + (5 - rung) * row
        out.append(f'<g data-rung="{rung}">'
                   + _el("rect", x=left, y=ry, width=width - left - 10, height=row,
                         fill="#f6f6f8" if rung % 2 else "#ffffff", stroke="#cccccc",
                         stroke_width=0.6)
                   + _text(f"{rung} {RUNG_NAMES[rung]}", left - 8, ry + row / 2 + 4.5,
                           anchor="end") + "</g>")
    for xi, p in zip(x, points, strict=True):  # the assessments along the bottom
        out.append(_text(p.label, xi, top + 6 * row + 22, anchor="middle"))
    for key, _, colour, dash, shape, dx in SERIES:  # each series: a line, its markers
        values = [getattr(p, key) for p in points]
        placed = [(xi + dx, y(v), v) for xi, v in zip(x, values, strict=True) if v is not None]
        if not placed:
            continue
        out.append(f'<g data-series="{key}" aria-hidden="true">')
        if len(placed) > 1:
            out.append(_el("polyline", points=" ".join(f"{px:g},{py:g}" for px, py, _ in placed),
                           fill="none", stroke=colour, stroke_width=2.5,
                           stroke_dasharray=dash))
        out += [f'<g data-point="{v}">{_marker(shape, px, py, colour)}</g>'
                for px, py, v in placed]
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def lights_words(rows: Sequence[tuple[str, Sequence[str]]]) -> str:
    """What the lights strip shows, in words (its description)."""
    return " ".join(f"{label}: " + ", ".join(f"stage {i} {LIGHT_WORD[light].lower()}"
                                           for i, light in enumerate(lights, 1)) + "."
                    for label, lights in rows)


def lights_strip(rows: Sequence[tuple[str, Sequence[str]]], *, title: str,
                 chart_id: str = "lights-strip") -> str:
    """The six stage lights of each assessment as a strip, one strip per assessment (oldest
    at the top), stages 1 to 6 left to right under their source (bonding, bridging,
    linking). Each light is its symbol and word in a box bordered as in the report: solid
    green, dashed orange, dotted red."""
    left, top, cell, row = 130, 44, 86, 30
    out = _open(chart_id, (left + 6 * cell + 10, top + len(rows) * row + 8), title,
                lights_words(rows), "chart lights-strip")
    for i, source in enumerate(SOURCE_NAMES):  # the sources over their two stages
        out.append(_text(SOURCE_NAMES[source], left + (2 * i + 1) * cell, 16, size=12,
                         anchor="middle", fill=MUTED))
    out += [_text(f"Stage {stage}", left + (stage - 0.5) * cell, 36, anchor="middle",
                  weight=700) for stage in range(1, 7)]
    for r, (label, lights) in enumerate(rows):
        ry = top + r * row
        out += [f'<g data-row="{r}">', _text(label, left - 8, ry + row / 2 + 3.5, anchor="end")]
        for stage, light in enumerate(lights, 1):
            fill, stroke, dash = LIGHT_LOOK[light]
            cx = left + (stage - 1) * cell
            out.append(f'<g data-stage="{stage}" data-light="{light}" '
                       f'data-source="{STAGE_SOURCES[stage]}">'
                       + _el("rect", x=cx + 3, y=ry + 3, width=cell - 6, height=row - 8, rx=4,
                             fill=fill, stroke=stroke, stroke_width=2, stroke_dasharray=dash)
                       + _text(f"{LIGHT_SYMBOL[light]} {LIGHT_WORD[light]}", cx + cell / 2,
                               ry + row / 2 + 2, size=12, anchor="middle", weight=700,
                               fill=stroke) + "</g>")
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


__all__ = ["LIGHT_LOOK", "MARKER_SYMBOL", "SERIES", "RungPoint", "lights_strip",
           "lights_words", "rung_chart", "rung_words"]
