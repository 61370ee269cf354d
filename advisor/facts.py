"""Turning a profile into the facts the rules read, and naming what fired.

Engine-neutral: the durable adapter asserts these facts, and a reference evaluator in the
tests can read the same ones. Only paths some rule reads are encoded, so free text never
reaches the engine. `unknown` facts are left out: a missing field satisfies no engine
comparison, negations included, which is exactly BRIEF §6's "unknown is never evidence".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from advisor.profile import FACT_PATHS, SCALES, UNKNOWN, Profile, value_at
from advisor.rulebook import Rulebook, generic_of, owner_of, section_of

WING_SECTIONS = ("meta", "site", "wing", "delivery", "governance", "pathway", "evaluation")

Fact = dict[str, Any]


@dataclass(frozen=True)
class Firing:
    """One match of one alternative of one rule.

    `maybe` marks the relaxed variant: the alternative could hold if unknown facts were
    known (open questions). `facts` holds the matched facts by pattern name.
    """

    rule: str
    alternative: int
    maybe: bool
    role: int | None
    other_role: int | None
    flag_roles: tuple[tuple[str, int | None], ...]
    missing: tuple[str, ...] = ()  # concrete paths left unknown (maybe firings only)


def concrete(path: str, role: int | None, other_role: int | None) -> str:
    """A rule path made concrete for a binding: `role.x` -> `roles[0].x`."""
    head, _, rest = path.partition(".")
    if head == "role":
        return f"roles[{role}].{rest}"
    if head == "other_role":
        return f"other_roles[{other_role}].{rest}"
    return path


def encode_value(generic: str, value: Any) -> Any:
    """Profile value -> engine value (None for unknown, which leaves the field out)."""
    if value is None or value == UNKNOWN:
        return None
    spec = FACT_PATHS[generic]
    if spec.kind == "scale":
        assert spec.scale is not None
        return SCALES[spec.scale].index(value)
    if spec.kind == "list":
        return len(value)
    if spec.kind == "choices":
        return list(value)
    return value


def _put(fact: Fact, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = fact
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


@functools.cache
def _plan(book: Rulebook) -> dict[str, list[tuple[str, str, str]]]:
    """Per fact kind: (profile path, engine field, catalogue path) of every field read."""
    plan: dict[str, list[tuple[str, str, str]]] = {"role": [], "other_role": []}
    for path in sorted(book.read_paths()):
        section, field = section_of(path)
        plan.setdefault(section, []).append(
            (field if section == "meta" else path, engine_field(section, field),
             generic_of(path)))
    return plan


def encode(profile: Profile, book: Rulebook) -> list[Fact]:
    """The facts for one assessment, in a fixed order: wing sections, then each role's
    facts (the role and its sub-objects, joined on `i`), then other roles'."""
    plan = _plan(book)
    facts: list[Fact] = []
    for section in WING_SECTIONS:
        if section not in plan:
            continue
        fact: Fact = {"kind": section}
        for path, field, generic in plan[section]:
            value = encode_value(generic, value_at(profile, path))
            if value is not None:
                _put(fact, field, value)
        facts.append(fact)
    for owner, items in (("role", profile.roles), ("other_role", profile.other_roles)):
        sections = sorted(s for s in plan if owner_of(s) == owner)
        for i in range(len(items)):
            for section in sections:
                fact = {"kind": section, "i": i}
                for path, field, generic in plan[section]:
                    value = encode_value(generic, value_at(profile, concrete(path, i, i)))
                    if value is not None:
                        _put(fact, field, value)
                facts.append(fact)
    return facts


def engine_field(section: str, field: str) -> str:
    """The field name a leaf tests inside its fact. The profile's own `kind` would
    collide with the type tag every fact carries."""
    return "profile_kind" if section == "meta" and field == "kind" else field
