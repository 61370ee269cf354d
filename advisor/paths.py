"""Fact paths, parsed and written in one place.

A fact is named by its path in a profile, in three forms:

- concrete, into one profile: `delivery.phase1.weeks`, `roles[0].engagement.phase1`;
- generic, for any entry of a list: `roles[].engagement.phase1` (the profile's catalogue
  of facts and the questions are keyed so);
- as rules write it: `role.engagement.phase1` (a selected role), `other_role.paid` (an
  entry of `other_roles`); `delivery.…` and the other sections as they are.

A path's steps are names and list positions: `roles[0].engagement` is
`("roles", 0, "engagement")`. Positions are ASCII digits only (`²` is a digit to Python's
`str.isdigit`, not to a profile).
"""

from __future__ import annotations

import itertools
from typing import Any

Steps = tuple[str | int, ...]

#: The profile's list sections, and the word rules use for one entry of each.
LIST_SECTIONS = ("roles", "other_roles")
RULE_WORDS = {"role": "roles", "other_role": "other_roles"}


def _index(part: str) -> str | int:
    return int(part) if part.isascii() and part.isdigit() else part


def steps(path: str) -> Steps:
    """`roles[0].engagement.phase1` -> `("roles", 0, "engagement", "phase1")`."""
    parts = path.replace("[", ".").replace("]", "").split(".")
    return tuple(_index(p) for p in parts if p)


def dotted(path: Steps) -> str:
    """`("roles", 0, "engagement")` -> `roles[0].engagement`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def generic(path: str) -> str:
    """`roles[3].engagement.phase1` -> `roles[].engagement.phase1`."""
    for section in LIST_SECTIONS:
        if path.startswith(section + "["):
            close = path.find("]")
            return f"{section}[]{path[close + 1:]}"
    return path


def concrete(rule_path: str, role: int | None, other_role: int | None) -> str:
    """A rule's path for one binding: `role.x` -> `roles[0].x`."""
    return _in_list(rule_path, str(role), str(other_role))


def rule_generic(rule_path: str) -> str:
    """A rule's path in the generic form: `role.x` -> `roles[].x`."""
    return _in_list(rule_path, "", "")


def _in_list(path: str, role: str, other_role: str) -> str:
    head, _, rest = path.partition(".")
    if head == "role":
        return f"roles[{role}].{rest}"
    if head == "other_role":
        return f"other_roles[{other_role}].{rest}"
    return path


MISSING = object()


def get(data: Any, path: str) -> Any:
    """The value at `path` in plain profile data, or `MISSING`."""
    node = data
    for step in steps(path):
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return MISSING
    return node


def set_in(data: dict[str, Any], path: str, value: Any) -> None:
    """Set `path` in plain profile data, making the mappings and list entries on the way
    (an index one past a list's end appends)."""
    node: Any = data
    parts = steps(path)
    for here, after in itertools.pairwise(parts):
        if isinstance(node, dict) and here not in node:
            node[here] = [] if isinstance(after, int) else {}
        node = node[here]
    last = parts[-1]
    if isinstance(node, list) and isinstance(last, int) and last == len(node):
        node.append(value)
    else:
        node[last] = value


__all__ = ["LIST_SECTIONS", "MISSING", "RULE_WORDS", "Steps", "concrete", "dotted",
           "generic", "get", "rule_generic", "set_in", "steps"]
