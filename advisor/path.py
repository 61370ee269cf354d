"""The least a wing must change to reach a rung: `advisor path PROFILE --to-rung N`.

A rung holds when one role meets every requirement of that rung and of those below (the
rung chain in rules/ladder.yaml). So, for each role, the search:

1. takes the requirement rules of rungs 1..N that are unmet, and the actionable facts
   they read (rules/actionable.yaml gives the values a team can move a fact to, and the
   effort each takes);
2. asks the engine, for every combination of values of each requirement's facts, whether
   the requirement then holds (every candidate is assessed by the engine; nothing here
   evaluates a condition);
3. finds, by branch and bound, every assignment of those facts with the least total
   effort under which every requirement of rungs 1..N holds, met ones included;
4. checks each answer with a full assessment.

It is exact given the rung chain: tests compare it with brute force over every
combination of changes cheaper than the answer.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from advisor.engine import engine_for
from advisor.facts import Firing
from advisor.paths import concrete, set_in
from advisor.profile import Profile, value_at
from advisor.rulebook import CompiledRule, Option, Rulebook

MAX_TIES = 10


@dataclass(frozen=True)
class Change:
    path: str     # concrete: roles[0].engagement.phase1
    value: Any
    effort: int
    type: str


@dataclass
class PathResult:
    to_rung: int
    current_rung: int
    reachable: bool
    effort: int = 0
    solutions: list[list[Change]] = field(default_factory=list)
    more_ties: int = 0
    why_not: str | None = None
    role: int | None = None
    evaluations: int = 0
    unmet: list[str] = field(default_factory=list)  # requirement ids the changes meet


def _data(profile: Profile) -> dict[str, Any]:
    return profile.model_dump(mode="python")


def _assign(base: dict[str, Any], changes: Mapping[str, Any]) -> Profile:
    data = copy.deepcopy(base)
    for path, value in changes.items():
        set_in(data, path, value)
    return Profile.model_validate(data)


def _requirements(book: Rulebook, rung: int) -> list[CompiledRule]:
    return [r for r in book.rules if r.rule.then.requirement is not None
            and r.rule.then.requirement.rung <= rung]


def _holds(rule: CompiledRule, fired: set[tuple[str, int | None]], role: int) -> bool:
    return (rule.id, role) in fired if rule.scope == "role" else (rule.id, None) in fired


def _fired_set(book: Rulebook, firings: list[Firing]) -> set[tuple[str, int | None]]:
    return {(f.rule, f.role if book.by_id(f.rule).scope == "role" else None)
            for f in firings if not f.maybe}


def _fired(book: Rulebook, profile: Profile) -> set[tuple[str, int | None]]:
    return _fired_set(book, engine_for(book).run(profile))


def find_path(book: Rulebook, profile: Profile, to_rung: int) -> PathResult:
    from advisor.collate import collate

    firings = engine_for(book).run(profile)
    current = collate(book, profile, firings, explain=False)["current_rung"]
    if current >= to_rung:
        return PathResult(to_rung, current, True)
    if not profile.role_list:
        return PathResult(to_rung, current, False,
                          why_not="no peer involvement role is selected: choose one and "
                                  "add it to the profile's roles first (§2.3)")
    best: PathResult | None = None
    evaluations = 0
    reasons = []
    fired = _fired_set(book, firings)
    for role in range(len(profile.role_list)):
        result = _path_for_role(book, profile, to_rung, role, current=current, fired=fired)
        evaluations += result.evaluations
        if not result.reachable:
            title = profile.role_list[role].title
            reasons.append(f"{title}: {result.why_not}")
            continue
        if best is None or result.effort < best.effort:
            best = result
        elif result.effort == best.effort:
            best.solutions += result.solutions
            best.unmet += result.unmet
    if best is None:
        return PathResult(to_rung, current, False, why_not="; ".join(reasons),
                          evaluations=evaluations)
    best.evaluations = evaluations
    best.more_ties = max(0, len(best.solutions) - MAX_TIES)
    best.solutions = best.solutions[:MAX_TIES]
    return best


def _path_for_role(book: Rulebook, profile: Profile, to_rung: int, role: int, *,
                   current: int, fired: set[tuple[str, int | None]]) -> PathResult:
    base = _data(profile)
    evaluations = 0
    reqs = _requirements(book, to_rung)
    unmet = [r for r in reqs if not _holds(r, fired, role)]
    # the actionable facts the unmet requirements read, for this role
    variables: dict[str, list[Option]] = {}
    for r in unmet:
        for path in sorted(r.reads()):
            options = book.options.get(path)
            if options is None:
                return PathResult(to_rung, current, False, role=role,
                                  why_not=f"{_requirement(r)} rests on a fact the rulebook "
                                          f"lists no change for ({_asked(path)})")
            variables[concrete(path, role, None)] = options
    names = sorted(variables)
    domains: dict[str, list[tuple[Any, int, Option | None]]] = {}
    for name in names:
        now = value_at(profile, name)
        choices: list[tuple[Any, int, Option | None]] = [(now, 0, None)]
        choices += [(o.value, o.effort, o) for o in variables[name] if o.value != now]
        domains[name] = choices
    # every requirement (met or not) whose facts we may change is a constraint
    constraints = []
    for r in reqs:
        scope = sorted({concrete(p, role, None) for p in r.reads()} & set(names))
        if scope:
            constraints.append((r, scope))
    # the engine says, per combination of a constraint's facts, whether it holds
    cache: dict[tuple[tuple[str, Any], ...], set[tuple[str, int | None]]] = {}
    allowed: list[tuple[list[str], set[tuple[Any, ...]]]] = []
    for r, scope in constraints:
        ok: set[tuple[Any, ...]] = set()
        for combo in itertools.product(*(range(len(domains[v])) for v in scope)):
            key = tuple((v, repr(domains[v][i][0])) for v, i in zip(scope, combo, strict=True))
            if key not in cache:
                trial = {v: domains[v][i][0] for v, i in zip(scope, combo, strict=True)
                         if domains[v][i][2] is not None}
                cache[key] = _fired(book, _assign(base, trial)) if trial else fired
                evaluations += bool(trial)
            if _holds(r, cache[key], role):
                ok.add(combo)
        if not ok:
            return PathResult(to_rung, current, False, role=role, evaluations=evaluations,
                              why_not=f"{_requirement(r)} cannot be met by any change the "
                                      "rulebook lists as actionable")
        allowed.append((scope, ok))
    solutions, effort = _cheapest(names, domains, allowed)
    from advisor.collate import collate

    checked: list[list[Change]] = []
    for assignment in solutions:
        changes = []
        for v, i in zip(names, assignment, strict=True):
            value, effort_of, option = domains[v][i]
            if option is not None:
                changes.append(Change(v, value, effort_of, option.type))
        final = _assign(base, {c.path: c.value for c in changes})
        reached = collate(book, final, engine_for(book).run(final))["current_rung"]
        evaluations += 1
        if reached >= to_rung:
            checked.append(changes)
    if not checked:
        return PathResult(to_rung, current, False, role=role, evaluations=evaluations,
                          why_not="no combination of actionable changes reaches it")
    return PathResult(to_rung, current, True, effort, checked, role=role,
                      evaluations=evaluations, unmet=[r.id for r in unmet])


def _cheapest(names: list[str], domains: dict[str, list[tuple[Any, int, Option | None]]],
              allowed: list[tuple[list[str], set[tuple[Any, ...]]]]
              ) -> tuple[list[tuple[int, ...]], int]:
    """Every assignment of least total effort satisfying every constraint (branch and
    bound, checking a constraint as soon as all its facts are assigned)."""
    position = {n: i for i, n in enumerate(names)}
    ready: dict[int, list[tuple[list[int], set[tuple[Any, ...]]]]] = {}
    for scope, ok in allowed:
        last = max(position[v] for v in scope)
        ready.setdefault(last, []).append(([position[v] for v in scope], ok))
    cheapest_rest = [0] * (len(names) + 1)
    for i in range(len(names) - 1, -1, -1):
        cheapest_rest[i] = cheapest_rest[i + 1] + min(c for _, c, _ in domains[names[i]])
    best: list[int] = [10**9]
    found: list[tuple[int, ...]] = []
    chosen: list[int] = []

    def search(i: int, cost: int) -> None:
        if cost + cheapest_rest[i] > best[0]:
            return
        if i == len(names):
            if cost < best[0]:
                best[0] = cost
                found.clear()
            found.append(tuple(chosen))
            return
        for k, (_, c, _) in sorted(enumerate(domains[names[i]]), key=lambda x: x[1][1]):
            chosen.append(k)
            if all(tuple(chosen[p] for p in scope) in ok for scope, ok in ready.get(i, [])):
                search(i + 1, cost + c)
            chosen.pop()

    search(0, 0)
    return found, best[0]


def actions_for(book: Rulebook, change: Change,
                unmet: list[str]) -> list[tuple[str, list[str]]]:
    """The plan's actions (id, sources) a change corresponds to: those of the unmet
    requirements on the way to the rung that read its fact."""
    out = []
    path = change.path
    for r in book.rules:
        if r.id not in unmet:
            continue
        reads = {concrete(p, _role_of(path), None) for p in r.reads()}
        if path not in reads:
            continue
        for g in book.rules:
            if g.generated_from == r.id and g.rule.then.action is not None:
                out.append((g.rule.then.action.id, list(r.rule.sources)))
    return out


def _role_of(path: str) -> int | None:
    if path.startswith("roles["):
        return int(path[6:path.index("]")])
    return None


# -- in words, for people: facts as the interview asks them, actions by their text ------


def _asked(path: str) -> str:
    from advisor.render.words import asked

    return asked(path)


def _requirement(rule: CompiledRule) -> str:
    """A requirement in words: `the requirement that holders are visible to residents`."""
    req = rule.rule.then.requirement
    return f"the requirement that {req.text}" if req is not None else "a requirement"


def render_path(book: Rulebook, profile: Profile, r: PathResult) -> str:
    """The least change to reach the rung, for people: each change as the fact's question
    and its new value, with the plan's actions it answers by their text."""
    from advisor.assess import show
    from advisor.render.words import with_value

    if r.current_rung >= r.to_rung:
        return f"Already at rung {r.current_rung}: nothing to change for rung {r.to_rung}.\n"
    if not r.reachable:
        return "\n".join(_wrapped(f"Rung {r.to_rung} cannot be reached by the changes the "
                                  f"rulebook lists: {r.why_not}", "", "  ")) + "\n"
    texts = {g.rule.then.action.id: " ".join(g.rule.then.action.text.split())
             for g in book.rules if g.rule.then.action is not None}
    ways = len(r.solutions)
    out = [f"From rung {r.current_rung} to rung {r.to_rung}: least effort {r.effort} "
           f"({ways} way{'s' if ways > 1 else ''} of equal effort"
           f"{f', {r.more_ties} more not shown' if r.more_ties else ''})."]
    for n, changes in enumerate(r.solutions, 1):
        if ways > 1:
            out.append(f"Option {n}:")
        for c in changes:
            role = _role_of(c.path)
            label = _asked(c.path)
            if role is not None:
                label = f"{profile.role_list[role].title}: {label}"
            out += _wrapped(f"{with_value(label, show(c.value))} ({c.type}, effort "
                            f"{c.effort})", "  - ", "    ")
            for a, s in actions_for(book, c, r.unmet):
                out += _wrapped(f"the plan's action: {texts.get(a, 'an action')} "
                                f"[{', '.join(s)}]", "      ", "        ")
    return "\n".join(out) + "\n"


def _wrapped(text: str, first: str, rest: str, width: int = 78) -> list[str]:
    """A line of the answer wrapped for an 80-column terminal, its run-on lines indented
    under its text; no word is split."""
    import textwrap

    return textwrap.wrap(" ".join(text.split()), width, initial_indent=first,
                         subsequent_indent=rest, break_long_words=False,
                         break_on_hyphens=False) or [first.rstrip()]
