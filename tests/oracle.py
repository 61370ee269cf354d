"""A reference evaluator for the compiled rulebook: the test oracle.

It reads the same compiled rules (`Rulebook`: alternatives of leaves and flag atoms,
strata, per-role scope) and the same encoded facts as the engine, and decides every
match by plain Python loops: no durable_rules. Its firings go through the same collation,
so the differential test compares whole assessments byte for byte.
"""

from __future__ import annotations

import itertools
from typing import Any

from advisor.facts import Firing, encode, engine_field
from advisor.profile import Profile
from advisor.rulebook import (
    Alternative,
    CompiledRule,
    FlagAtom,
    Leaf,
    Rulebook,
    leaf_holds,
    owner_of,
)

Fact = dict[str, Any]
MISSING = object()


def _get(fact: Fact, dotted: str) -> Any:
    node: Any = fact
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


def holds(leaf: Leaf, value: Any) -> bool:
    """A fact test on an engine value; a missing value satisfies nothing."""
    return value is not MISSING and leaf_holds(leaf.op, leaf.value, value)


def run(book: Rulebook, profile: Profile) -> list[Firing]:
    facts = encode(profile, book)
    wing = {f["kind"]: f for f in facts if "i" not in f}
    owned: dict[str, dict[int, dict[str, Fact]]] = {"role": {}, "other_role": {}}
    for f in facts:
        if "i" in f:
            owned[owner_of(f["kind"])].setdefault(f["i"], {})[f["kind"]] = f
    flags: set[tuple[str, int | None]] = set()
    out: list[Firing] = []
    consumed = {a.name for r in book.rules for alt in r.alternatives for a in alt.flags}
    for stratum in sorted({r.stratum for r in book.rules}):
        new: list[Firing] = []
        for rule in (r for r in book.rules if r.stratum == stratum):
            for k, alt in enumerate(rule.alternatives):
                # outside the ladder a test on an unknown fact is left open, not failed:
                # a match with something left open is a `maybe` firing
                relaxed = bool(alt.leaves) and rule.rule.kind != "ladder"
                new += _match(book, rule, k, alt, relaxed=relaxed, wing=wing,
                              owned=owned, flags=flags)
        out += new
        for firing in new:
            if firing.maybe:
                continue
            for name in book.by_id(firing.rule).emits:
                if name in consumed:
                    flags.add((name, firing.role if name in book.role_flags else None))
    return out


def _match(book: Rulebook, rule: CompiledRule, k: int, alt: Alternative, *, relaxed: bool,
           wing: dict[str, Fact], owned: dict[str, dict[int, dict[str, Fact]]],
           flags: set[tuple[str, int | None]]) -> list[Firing]:
    sections = alt.sections()
    owners = {owner_of(s) for s in sections}
    roles: list[int | None] = [*sorted(owned["role"])] if "role" in owners else [None]
    others: list[int | None] = [*sorted(owned["other_role"])] if "other_role" in owners \
        else [None]
    per_role = rule.scope == "role"
    positive = [a for a in alt.flags if not a.negated]
    out = []
    for role, other in itertools.product(roles, others):
        def fact_of(section: str, role: int | None = role,
                    other: int | None = other) -> Fact | None:
            owner = owner_of(section)
            if owner == "role":
                return owned["role"][role].get(section) if role is not None else None
            if owner == "other_role":
                return owned["other_role"][other].get(section) if other is not None else None
            return wing.get(section)

        if any(fact_of(s) is None for s in sections):
            continue
        missing: list[str] = []
        ok = True
        for leaf in alt.leaves:
            fact = fact_of(leaf.section)
            assert fact is not None
            value = _get(fact, engine_field(leaf.section, leaf.field))
            if holds(leaf, value):
                continue
            if relaxed and value is MISSING:
                missing.append(leaf.path)
                continue
            ok = False
            break
        if not ok:
            continue
        # flag atoms: one firing per choice of matching flag facts
        choices = []
        for atom in positive:
            scoped = per_role and atom.name in book.role_flags
            options = [r for (n, r) in sorted(flags, key=_flag_key) if n == atom.name]
            choices.append((atom, scoped, options))
        for picked in itertools.product(*[opts for _, _, opts in choices]):
            bound = role
            good = True
            for (_atom, scoped, _), r in zip(choices, picked, strict=True):
                if scoped:
                    if bound is None:
                        bound = r
                    elif r != bound:
                        good = False
            if not good:
                continue
            if any(_has_flag(atom, flags, per_role and atom.name in book.role_flags, bound)
                   for atom in alt.flags if atom.negated):
                continue
            flag_roles = tuple((atom.name, r) for (atom, _, _), r in
                               zip(choices, picked, strict=True))
            fired_role = role
            if fired_role is None:
                fired_role = next((r for _, r in flag_roles if r is not None), None)
            out.append(Firing(rule.id, k, bool(missing), fired_role, other, flag_roles,
                              tuple(missing)))
    return out


def _flag_key(flag: tuple[str, int | None]) -> tuple[str, int]:
    return (flag[0], -1 if flag[1] is None else flag[1])


def _has_flag(atom: FlagAtom, flags: set[tuple[str, int | None]], scoped: bool,
              role: int | None) -> bool:
    if scoped and role is not None:
        return (atom.name, role) in flags
    return any(n == atom.name for n, _ in flags)
