"""The assessment as JSON, for programs: every id kept (docs/output.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def to_json(result: Mapping[str, Any]) -> str:
    """Two-space indented UTF-8 JSON, keys in the object's order. orjson writes the same
    bytes as `json.dumps(indent=2, ensure_ascii=False)` for what an assessment holds
    (strings, integers, booleans, null: no floats), several times faster."""
    import orjson

    return orjson.dumps(result, option=orjson.OPT_INDENT_2).decode() + "\n"


def render(result: Mapping[str, Any], sections: tuple[str, ...], *, color: bool,
           width: int | None, audience: str | None) -> str:
    """JSON is the same for every audience: the object, whole."""
    return to_json(result)
