"""Hypothesis strategies for valid v2 profiles, built from the profile model's own specs."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from advisor.profile import FACT_PATHS, ValueSpec
from advisor.words import CHOICES, SCALES


def _value(spec: ValueSpec) -> st.SearchStrategy[Any]:
    unknown = st.just("unknown")
    if spec.kind == "bool":
        return st.sampled_from([True, False, "unknown"])
    if spec.kind == "scale":
        assert spec.scale is not None
        return st.sampled_from([*SCALES[spec.scale], "unknown"])
    if spec.kind == "choice":
        return st.sampled_from([*spec.values, "unknown"])
    if spec.kind == "int":
        return st.integers(spec.low, min(spec.high, spec.low + 40)) | unknown
    if spec.kind == "list":
        return st.lists(st.sampled_from(["book club", "recovery group", "kitchen rota"]),
                        max_size=2) | unknown
    if spec.kind == "choices":
        return st.lists(st.sampled_from(list(spec.values)), max_size=2, unique=True) | unknown
    if spec.kind == "date":  # a few dates weeks apart, so funding ends either side of a cycle
        days = st.sampled_from(["2026-01-05", "2026-03-02", "2026-04-27", "2026-09-01"])
        return days | st.sampled_from([*spec.values, "unknown"])
    return st.sampled_from(["A", "B wing", "Peer mentor"])


def _put(d: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for p in parts[:-1]:
        d = d.setdefault(p, {})
    d[parts[-1]] = value


@st.composite
def _section(draw: st.DrawFn, prefix: str, drop: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, spec in FACT_PATHS.items():
        if not path.startswith(prefix) or spec.kind == "text" or spec.derived_from:
            continue
        if drop and draw(st.integers(0, 9)) == 0:
            continue  # a missing optional field means unknown
        _put(out, path[len(prefix):], draw(_value(spec)))
    return out


@st.composite
def profiles(draw: st.DrawFn, max_roles: int = 3) -> dict[str, Any]:
    """A valid profile as plain data (what a YAML file would hold)."""
    data: dict[str, Any] = {
        "profile_version": 2,
        "kind": draw(st.sampled_from(CHOICES["kind"])),
        "assessed": draw(_section("assessed.")),
        "site": {"prison": "HMP Example", **draw(_section("site."))},
        "wing": {"name": "A wing", **draw(_section("wing."))},
    }
    for section in ("delivery", "governance", "pathway", "evaluation"):
        data[section] = draw(_section(section + "."))
    data["roles"] = [
        {"title": draw(st.sampled_from(["Ambassador", "Peer mentor", "Rep"])),
         **draw(_section("roles[]."))}
        for _ in range(draw(st.integers(0, max_roles)))
    ] if draw(st.integers(0, 9)) else "unknown"  # whether a role is selected: not known
    data["other_roles"] = [
        {"title": draw(st.sampled_from(["Lifer Rep", "Listener", "Gym buddy or rep"])),
         **draw(_section("other_roles[]."))}
        for _ in range(draw(st.integers(0, 3)))
    ]
    data["aspiration_rung"] = draw(st.none() | st.integers(0, 5))
    return data
