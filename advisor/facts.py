"""Turning a profile into the facts the rules read, and naming what fired.

Engine-neutral: the durable adapter asserts these facts, and a reference evaluator in the
tests can read the same ones. Only paths some rule reads are encoded, so free text never
reaches the engine. `unknown` facts are left out: a missing field satisfies no engine
comparison, negations included, which is exactly "unknown is never evidence".
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any, NamedTuple

from advisor.paths import rule_generic as generic_of
from advisor.profile import FACT_PATHS, Profile
from advisor.rulebook import Rulebook, owner_of, section_of
from advisor.words import SCALES, UNKNOWN

WING_SECTIONS = ("meta", "site", "wing", "delivery", "governance", "pathway", "evaluation")

Fact = dict[str, Any]


class Firing(NamedTuple):
    """One match of one alternative of one rule.

    `maybe` marks a match that left some tested facts unknown (their paths are in
    `missing`): the alternative could hold if they were known, an open question rather
    than the rule holding. A tuple, as thousands are made per second.
    """

    rule: str
    alternative: int
    maybe: bool
    role: int | None
    other_role: int | None
    flag_roles: tuple[tuple[str, int | None], ...]
    missing: tuple[str, ...] = ()  # concrete paths left unknown (maybe firings only)


def encode_value(generic: str, value: Any) -> Any:
    """Profile value -> engine value (None for unknown, which leaves the field out)."""
    if value is None or value == UNKNOWN:
        return None
    convert = _converter(generic)
    return value if convert is None else convert(value)


@functools.cache
def _scale_index(scale: str) -> dict[str, int]:
    return {word: n for n, word in enumerate(SCALES[scale])}


def _put(fact: Fact, parts: tuple[str, ...], value: Any) -> None:
    node = fact
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


# (read the value from the profile or the role, engine field split at dots, turn a known
# value into the engine's: see `_converter`) for each field one fact kind carries
_Reader = tuple[Callable[[Any], Any], tuple[str, ...], Callable[[Any], Any] | None]


def encode_plan(book: Rulebook) -> dict[str, list[_Reader]]:
    """Per fact kind, how to read every field some rule reads (kept on the rulebook)."""
    return book.derived("_fact_plan", lambda: _make_plan(book))


def _make_plan(book: Rulebook) -> dict[str, list[_Reader]]:
    plan: dict[str, list[_Reader]] = {"role": [], "other_role": []}
    for path in sorted(book.read_paths()):
        section, field = section_of(path)
        owner, _, rest = path.partition(".")
        source = field if section == "meta" else rest if owner in ("role", "other_role") \
            else path
        plan.setdefault(section, []).append(
            (operator.attrgetter(source), tuple(engine_field(section, field).split(".")),
             _converter(generic_of(path))))
    return plan


def _converter(generic: str) -> Callable[[Any], Any] | None:
    """How a known value of one catalogue path becomes the engine's: a scale's index,
    a list's length, a list of choices as a list; None: kept as it is."""
    spec = FACT_PATHS[generic]
    if spec.kind == "scale":
        assert spec.scale is not None
        return _scale_index(spec.scale).__getitem__
    if spec.kind == "list":
        return len
    return list if spec.kind == "choices" else None


def _fill(fact: Fact, readers: list[_Reader], source: Any) -> Fact:
    for read, parts, convert in readers:
        value = read(source)
        if value is None or value == UNKNOWN:  # unknown facts are left out
            continue
        if convert is not None:
            value = convert(value)
        if len(parts) == 1:
            fact[parts[0]] = value
        else:
            _put(fact, parts, value)
    return fact


def encode(profile: Profile, book: Rulebook) -> list[Fact]:
    """The facts for one assessment, in a fixed order: wing sections, then each role's
    facts (the role and its sub-objects, joined on `i`), then other roles'."""
    plan = encode_plan(book)
    wing, role, other = _sections(book)
    facts = [_fill({"kind": section}, plan[section], profile) for section in wing]
    for sections, items in ((role, profile.role_list), (other, profile.other_roles)):
        for i, item in enumerate(items):
            facts.extend(_fill({"kind": section, "i": i}, plan[section], item)
                         for section in sections)
    return facts


def _sections(book: Rulebook) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The fact kinds some rule reads, in the order `encode` makes them: the wing's, one
    role's, one other role's (kept on the rulebook)."""
    def make() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        plan = encode_plan(book)
        return (tuple(s for s in WING_SECTIONS if s in plan),
                tuple(sorted(s for s in plan if owner_of(s) == "role")),
                tuple(sorted(s for s in plan if owner_of(s) == "other_role")))

    return book.derived("_fact_sections", make)


def engine_field(section: str, field: str) -> str:
    """The field name a leaf tests inside its fact. The profile's own `kind` would
    collide with the type tag every fact carries."""
    return "profile_kind" if section == "meta" and field == "kind" else field
