"""The durable_rules adapter: the only module that imports `durable`.

It hides the engine's process-global state and its traps (shared/engine/DURABLE_RULES.md):

- one durable ruleset per compiled rulebook, driven through the engine's C extension
  on the caller's thread (durable's Python `Host`, with its timer threads, is not used);
- one session per ruleset, begun with a sentinel fact that fires a no-op rule (deleting a
  session in which nothing fired crashes the engine), and emptied after every assessment
  by retracting what it asserted; checked empty, else deleted and opened afresh. A new
  session costs the engine about 16 KB per join to set up, more than the assessment;
- rules never see the session-state fact: every pattern carries a `kind` tag;
- one engine rule per alternative; outside the ladder its tests are relaxed (hold, or
  the fact is unknown) and a match with unknowns is recorded as an open question;
- facts go in batches, one call per part: the profile's, then each round of flags the
  last round's firings derived, asserted by us outside any action (where the engine
  would swallow errors). Rules that read a negated flag wait on a gate fact of their
  negation level, asserted once every lower level has settled: durable does not
  withdraw an activation that a later fact negates;
- actions only record what fired; an error while recording is raised as AssessmentError
  once the engine has finished the assertion, and the session is then deleted;
- every fact a part is given is handled there (a never-firing rule per fact kind), so a
  batch reports a false duplicate (the engine's 32-bit hash); the assessment is then
  run again a fact at a time, where a nonce mends it;
- a rulebook too big for one ruleset is split into parts within durable's limits (4,096
  rules; 64 alpha nodes pending on one fact), and each gate is split into lanes so no
  condition ends more than 256 rules.
"""

from __future__ import annotations

import itertools
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import orjson

from advisor.errors import AdvisorError, AssessmentError, RulebookError
from advisor.facts import Fact, Firing, encode, engine_field
from advisor.profile import Profile
from advisor.rulebook import Alternative, CompiledRule, Leaf, Rulebook, owner_of

# durable_rules' limits per ruleset, with a margin. Rules: 4,096 (MAX_ACTIONS). Alpha
# nodes pending on one fact: 64 (error 303), and durable never shares a `$nex` inside an
# `$or` (a relaxed test) between rules, so each one counts (measured: 65 relaxed tests on
# one missing field fail; 129 under one node do not even compile, error 107).
MAX_PART_RULES = 4000
MAX_LOAD_PER_KIND = 60

_ENGINE_ERRORS = {  # durable's rules.h, and what we measured them to mean
    "106": "too many conditions branch from one condition",
    "107": "more than 128 missing-field tests branch from one condition",
    "108": "more than 256 rules end on one identical condition",
    "303": "more than 64 conditions pending on one fact",
    "204": "a number in exponent form reached the engine",
    "202": "the engine could not parse a value",
    "302": "a fact has too many properties",
}

_COMPARE = {"at_least": "$gte", "at_most": "$lte", "above": "$gt", "below": "$lt",
            "is_not": "$neq", "not_empty": "$gt"}


def _leaf_json(leaf: Leaf) -> dict[str, Any]:
    field = engine_field(leaf.section, leaf.field)
    if leaf.op == "is":
        return {field: leaf.value}
    if leaf.op == "in":
        options = [{field: v} for v in leaf.value]
        return options[0] if len(options) == 1 else {"$or": options}
    if leaf.op == "not_in":
        return {"$and": [{"$neq": {field: v}} for v in leaf.value]}
    return {_COMPARE[leaf.op]: {field: leaf.value}}


def _maybe_json(leaf: Leaf) -> dict[str, Any]:
    field = engine_field(leaf.section, leaf.field)
    return {"$or": [_leaf_json(leaf), {"$nex": {field: 1}}]}


def _pattern(kind: str, tests: list[dict[str, Any]]) -> dict[str, Any]:
    return {"$and": [{"kind": kind}, *tests]} if tests else {"kind": kind}


def alias_of(section: str) -> str:
    """The pattern name a fact kind is matched under: `r`, `r_engagement`, `s_delivery`."""
    owner, _, sub = section.partition(".")
    base = {"role": "r", "other_role": "o"}.get(owner)
    if base is None:
        return f"s_{section}"
    return f"{base}_{sub}" if sub else base


# durable refuses more than 256 rules ending on one identical condition (error 108), and
# every gated rule of a level waits on its gate: each level's gate is split into lanes.
LANE_SIZE = 100


def _alternative_json(rule: CompiledRule, alt: Alternative, relaxed: bool,
                      role_flags: set[str], gate: tuple[int, int] | None
                      ) -> list[dict[str, Any]]:
    """The durable `all` list for one alternative: gate, fact patterns, flag patterns."""
    patterns: list[dict[str, Any]] = []
    if gate is not None:
        level, lane = gate
        patterns.append({"g": {"$and": [{"kind": "go"}, {"s": level}, {"l": lane}]}})
    by_section: dict[str, list[dict[str, Any]]] = {s: [] for s in alt.sections()}
    for leaf in alt.leaves:
        test = _maybe_json(leaf) if relaxed else _leaf_json(leaf)
        by_section.setdefault(leaf.section, []).append(test)
    first: dict[str, str] = {}  # owner -> alias of its first pattern; later ones join on `i`
    for section in sorted(by_section):
        alias, owner = alias_of(section), owner_of(section)
        tests = by_section[section]
        if owner in ("role", "other_role"):
            if owner in first:
                # The join must come before any `$or` in the pattern: after one, durable
                # ignores it (its issue #308; measured here with the join placed last).
                tests = [{"i": {first[owner]: "i"}}, *tests]
            else:
                first[owner] = alias
        patterns.append({alias: _pattern(section, tests)})
    per_role = rule.scope == "role"
    binder: tuple[str, str] | None = (first["role"], "i") if per_role and "role" in first \
        else None
    for n, atom in enumerate(alt.flags):
        flag_tests: list[dict[str, Any]] = [{"name": atom.name}]
        role_scoped = per_role and atom.name in role_flags
        if role_scoped and binder is not None:
            flag_tests.insert(0, {"role": {binder[0]: binder[1]}})
        if atom.negated:
            patterns.append({f"n{n}$not": _pattern("flag", flag_tests)})
        else:
            alias = f"f{n}"
            patterns.append({alias: _pattern("flag", flag_tests)})
            if role_scoped and binder is None:
                binder = (alias, "role")
    return patterns


def negation_levels(book: Rulebook) -> dict[str, int]:
    """When each rule's result is final, counted in negation steps.

    A rule reading only facts and positive flags fires as soon as they are there. A rule
    reading a negated flag must wait until every emitter of that flag has finished: its
    level is one more than theirs. Only rules with a negated flag wait on a gate; all the
    others follow their inputs, so few gates are needed however long the flag chains are.
    """
    level: dict[str, int] = {}
    for rule in sorted(book.rules, key=lambda r: r.stratum):  # emitters come first
        n = 0
        for alt in rule.alternatives:
            for atom in alt.flags:
                for emitter in book.emitters[atom.name]:
                    n = max(n, level[emitter.id] + (1 if atom.negated else 0))
        level[rule.id] = n
    return level


class _Collision(Exception):
    """The engine took a new fact for one it holds (its 32-bit fact hash)."""


@dataclass
class _Part:
    """One durable ruleset holding a share of the engine rules; what it reads decides
    which facts are asserted into it."""

    handle: int
    kinds: frozenset[str]  # fact kinds its rules read
    flags: frozenset[str]  # flag names its rules read
    lanes: dict[int, int]  # gate level -> number of lanes
    bare: str = ""  # what its session holds between assessments: the sentinel


class _PartBuilder:
    """Engine rules gathered for one part, within durable's limits per ruleset."""

    def __init__(self) -> None:
        self.definition: dict[str, Any] = {
            "__begin__": {"all": [{"m": {"kind": "__begin__"}}]}}
        self.kinds: set[str] = {"__begin__"}
        self.flags: set[str] = set()
        self.lanes: dict[int, int] = {}
        self.placed: dict[int, int] = {}  # gate level -> rules placed on it
        self.load: dict[str, int] = {}  # fact kind -> alpha nodes that may be pending at once
        self.conditions: dict[str, set[tuple[str, str, str]]] = {}

    def cost(self, alt: Alternative, relaxed: bool) -> dict[str, int]:
        """Per fact kind, the load this alternative adds: each new distinct condition,
        and each relaxed test (durable never shares `$nex` inside `$or`)."""
        extra: dict[str, int] = {}
        for leaf in alt.leaves:
            seen = self.conditions.get(leaf.section, set())
            new = sum(c not in seen for c in _conditions(leaf))
            extra[leaf.section] = extra.get(leaf.section, 0) + new + (1 if relaxed else 0)
        return extra

    def fits(self, extra: dict[str, int], limit: int) -> bool:
        return len(self.definition) < MAX_PART_RULES and all(
            self.load.get(kind, 0) + n <= limit for kind, n in extra.items())

    def add(self, name: str, rule: CompiledRule, alt: Alternative, *, relaxed: bool,
            level: int | None, role_flags: set[str], extra: dict[str, int]) -> None:
        gate: tuple[int, int] | None = None
        if level is not None:
            n = self.placed.get(level, 0)
            self.placed[level] = n + 1
            gate = (level, n // LANE_SIZE)
            self.lanes[level] = gate[1] + 1
            self.kinds.add("go")
        for kind, n in extra.items():
            self.load[kind] = self.load.get(kind, 0) + n
        for leaf in alt.leaves:
            self.conditions.setdefault(leaf.section, set()).update(_conditions(leaf))
        self.kinds.update(alt.sections())
        if alt.flags:
            self.kinds.add("flag")
            self.flags.update(a.name for a in alt.flags)
        self.definition[name] = {"all": _alternative_json(rule, alt, relaxed, role_flags,
                                                          gate)}

    def finish(self) -> _PartSpec:
        """The part as durable JSON. Each fact kind it reads gets a rule that can never
        fire (it also waits for a kind nobody asserts), so every fact the part is given
        is handled: the engine then reports a batch with a false duplicate as such,
        where an unhandled fact later in the batch would hide it (`assert_facts` returns
        its last non-zero code)."""
        held = {f"__held__{kind}": {"all": [{"m": {"kind": kind}},
                                             {"z": {"kind": "__never__"}}]}
                for kind in sorted(self.kinds - {"__begin__", "go", "flag"})}
        return _PartSpec(orjson.dumps({**self.definition, **held}).decode(),
                         frozenset(self.kinds), frozenset(self.flags), self.lanes)


def _conditions(leaf: Leaf) -> list[tuple[str, str, str]]:
    """The distinct engine conditions a test puts on its fact (`in` and `not_in`: one
    per value)."""
    values = leaf.value if leaf.op in ("in", "not_in") else [leaf.value]
    return [(leaf.field, leaf.op, repr(v)) for v in values]


@dataclass(frozen=True)
class _PartSpec:
    definition: str  # the durable ruleset, as JSON
    kinds: frozenset[str]
    flags: frozenset[str]
    lanes: dict[int, int]


@dataclass(frozen=True)
class EnginePlan:
    """A rulebook compiled for durable_rules: plain data, so it can be cached with the
    rulebook (`advisor.cache`) and loaded into the engine without compiling again."""

    parts: tuple[_PartSpec, ...]
    actions: dict[str, _Action]
    emits: dict[str, tuple[str, ...]]  # rule id -> flags it emits that some rule reads
    heaviest: int


def compiled(book: Rulebook) -> EnginePlan:
    """The rulebook's engine plan, compiled on first use and kept with the rulebook."""
    return book.derived("_engine_plan", lambda: compile_plan(book, MAX_LOAD_PER_KIND))


def compile_plan(book: Rulebook, limit: int) -> EnginePlan:
    """One engine rule per alternative, gathered into parts within durable's limits."""
    levels = negation_levels(book)
    consumed = {a.name for r in book.rules for alt in r.alternatives for a in alt.flags}
    actions: dict[str, _Action] = {}
    builders = [_PartBuilder()]
    for rule in book.rules:
        gated = any(a.negated for alt in rule.alternatives for a in alt.flags)
        for k, alt in enumerate(rule.alternatives):
            # Outside the ladder an alternative's fact tests are relaxed (a test holds, or
            # its fact is unknown): a match with nothing unknown is the rule holding; one
            # with unknowns is an open question.
            relaxed = bool(alt.leaves) and rule.rule.kind != "ladder"
            part = builders[-1]
            extra = part.cost(alt, relaxed)
            if not part.fits(extra, limit):
                part = _PartBuilder()
                extra = part.cost(alt, relaxed)
                if not part.fits(extra, limit):
                    raise RulebookError(
                        f"rule {rule.id}: one alternative puts more conditions on one "
                        f"fact than durable_rules can match at once ({limit})",
                        file=str(book.directory))
                builders.append(part)
            name = f"{rule.id}#{k}"
            part.add(name, rule, alt, relaxed=relaxed,
                     level=levels[rule.id] if gated else None,
                     role_flags=book.role_flags, extra=extra)
            actions[name] = _Action.of(rule, k, alt, relaxed=relaxed, gated=gated)
    parts = tuple(b.finish() for b in builders)
    emits = {r.id: tuple(name for name in r.emits if name in consumed) for r in book.rules}
    heaviest = max((n for b in builders for n in b.load.values()), default=0)
    return EnginePlan(parts, actions, emits, heaviest)


# durable-rules 2.0.28, its last release, calls PyEval_CallObject, which CPython 3.13
# removed: built without this define there, it builds but does not load.
DURABLE_CPPFLAGS = "-DPyEval_CallObject(c,a)=PyObject_CallObject(c,a)"


def _cannot_load(err: ImportError) -> str:
    """One line: the engine failed to load, and, if it was built without the define,
    how to rebuild it."""
    line = (f"the rules engine, durable-rules, does not load on Python "
            f"{sys.version_info.major}.{sys.version_info.minor} ({err})")
    if "PyEval_CallObject" not in str(err):
        return line
    return (f"{line}; rebuild it with CPPFLAGS='{DURABLE_CPPFLAGS}' pip install "
            "--force-reinstall --no-cache-dir --no-deps durable-rules==2.0.28")


class Engine:
    """A compiled rulebook loaded into durable_rules, assessing one profile at a time.

    It drives the engine's C extension directly (create, assert, take the next action,
    complete it, retract) rather than through durable's Python `Host`: that
    layer adds two timer threads that may run actions on another thread, swallows action
    errors, and costs more than the engine itself. Actions here only record what matched.

    A rulebook too big for one durable ruleset is split into parts, each within the
    engine's limits (rules per ruleset, alpha nodes pending on one fact); a fact goes to
    every part that reads its kind, a flag to every part that reads it. The bundled
    rulebook fits in one.
    """

    _names: ClassVar[itertools.count[int]] = itertools.count()  # ruleset names: process-wide

    def __init__(self, book: Rulebook, *, max_load: int | None = None) -> None:
        try:
            import durable_rules_engine
        except ImportError as err:
            raise AdvisorError(_cannot_load(err)) from err

        self._dre = durable_rules_engine
        self.book = book
        self._lock = threading.Lock()
        self._sids = itertools.count()
        self._sid: str | None = None  # the open sessions' id, kept between assessments
        plan = compiled(book) if max_load is None else compile_plan(book, max_load)
        self._emits = plan.emits
        self._firers = {name: action.firer(name) for name, action in plan.actions.items()}
        self._heaviest = plan.heaviest
        self._parts = [self._create(spec, n) for n, spec in enumerate(plan.parts)]
        # each gate level, with as many lanes as the part that needs most
        self._gates = [(level, max(p.lanes.get(level, 0) for p in self._parts))
                       for level in sorted({lv for p in self._parts for lv in p.lanes})]
        self._routes: dict[tuple[Any, ...], tuple[int, ...]] = {}
        self._known: dict[str, Fact] = {}  # the profile facts being assessed, by their text

    def _create(self, spec: _PartSpec, n: int) -> _Part:
        try:
            handle = self._dre.create_ruleset(f"advisor{next(self._names)}.{n}",
                                              spec.definition)
        except Exception as err:  # the C engine reports bad definitions as bare errors
            raise RulebookError(f"the engine refused the rulebook: {_explain(err)}",
                                file=str(self.book.directory)) from err
        return _Part(handle, spec.kinds, spec.flags, spec.lanes)

    @property
    def size(self) -> int:
        """How many engine rules the rulebook compiled to (one per alternative)."""
        return len(self._firers)

    @property
    def heaviest(self) -> int:
        """The most alpha nodes one fact can leave pending in any part (durable: 64)."""
        return self._heaviest

    @property
    def parts(self) -> int:
        """How many durable rulesets the rulebook was split into."""
        return len(self._parts)

    def run(self, profile: Profile) -> list[Firing]:
        """Assess one profile; return what fired.

        The engine sizes a new session by the rulebook (about 16 KB per join), so one
        session per part is kept and emptied after each assessment by retracting what
        was asserted, newest first: gates go before the flags they guard, so nothing
        fires on the way out. Each session is then checked to hold only its sentinel; if
        one holds anything else, or anything failed, all are deleted and the next
        assessment opens fresh ones. Either way no fact outlives its assessment.
        """
        facts = encode(profile, self.book)
        with self._lock:
            try:
                return self._run(facts, together=True)
            except _Collision:  # rare: assert one by one, where a nonce can mend it
                return self._run(facts, together=False)

    def _run(self, facts: list[Fact], *, together: bool) -> list[Firing]:
        record: list[Firing] = []
        stored: list[dict[str, str]] = [{} for _ in self._parts]  # written -> held
        clean = False
        try:
            sid = self._sid if self._sid is not None else self._open()
            emitted: set[tuple[str, int | None]] = set()
            self._put([{"sid": sid, **fact} for fact in facts], stored, record, together,
                      known=True)  # firings of one fact are told by its text: see `firer`
            self._settle(sid, stored, emitted, record, done=0, together=together)
            for level, lanes in self._gates:
                done = len(record)
                self._put([{"sid": sid, "kind": "go", "s": level, "l": lane}
                           for lane in range(lanes)], stored, record, together)
                self._settle(sid, stored, emitted, record, done=done, together=together)
            clean = True
            return record
        except (AssessmentError, _Collision):
            raise
        except Exception as err:
            raise AssessmentError(f"the engine failed: {_explain(err)}") from err
        finally:
            self._known = {}
            if self._sid is not None and not (clean and self._empty(self._sid, stored)):
                self._close()

    def _put(self, facts: list[Fact], stored: list[dict[str, str]], record: list[Firing],
             together: bool, *, known: bool = False) -> None:
        """Assert facts into the parts that read them: together, in one call per part
        (every fact a part is given is handled there, so the engine calling one a
        duplicate can only be its 32-bit hash: the assessment is then run again one fact
        at a time), or one by one, where a nonce mends a false duplicate."""
        texts = [orjson.dumps(fact).decode() for fact in facts]
        if known:
            self._known = dict(zip(texts, facts, strict=True))
        if not together:
            for fact in facts:
                for n in self._route(fact):
                    self._assert(self._parts[n], fact, stored[n], record)
            return
        if len(self._parts) == 1:  # it reads every fact we make: see `_route`
            shares = [texts]
        else:
            routes = [self._route(fact) for fact in facts]
            shares = [[t for t, route in zip(texts, routes, strict=True) if n in route]
                      for n in range(len(self._parts))]
        for part, held, mine in zip(self._parts, stored, shares, strict=True):
            if not mine:
                continue
            code, state = self._dre.assert_facts(part.handle, "[" + ",".join(mine) + "]")
            held.update(zip(mine, mine, strict=True))  # retracting one not held: a no-op
            if code == 2:
                raise _Collision
            self._drain(part.handle, state, record)

    def _open(self) -> str:
        """New sessions, each begun with a sentinel that fires (deleting a session in
        which nothing fired crashes the engine)."""
        sid = str(next(self._sids))
        for part in self._parts:
            self._assert(part, {"sid": sid, "kind": "__begin__"}, {}, [])
            self._sid = sid  # from here on, closing has something to delete
            part.bare = self._dre.get_facts(part.handle, sid)
        return sid

    def _empty(self, sid: str, stored: list[dict[str, str]]) -> bool:
        """Retract this assessment's facts, newest first, in one call per part; True
        when every session is back to its sentinel alone with nothing pending."""
        try:
            for part, held in zip(self._parts, stored, strict=True):
                if held:
                    _, state = self._dre.retract_facts(
                        part.handle, "[" + ",".join(reversed(held.values())) + "]")
                    if self._dre.start_action_for_state(part.handle, state):
                        return False  # something fired on the way out: start afresh
                if self._dre.get_facts(part.handle, sid) != part.bare:
                    return False
            return True
        except Exception:
            return False

    def _close(self) -> None:
        if self._sid is not None:
            sid, self._sid = self._sid, None
            for part in self._parts:
                if part.bare:  # begun: its sentinel fired
                    part.bare = ""
                    self._dre.delete_state(part.handle, sid)

    def _settle(self, sid: str, stored: list[dict[str, str]],
                emitted: set[tuple[str, int | None]], record: list[Firing], *, done: int,
                together: bool) -> None:
        """Assert the flags that the firings from `done` on emit, then those their
        consequences emit, round by round until none is new.

        Flags are asserted here, between actions and never inside one (the engine would
        swallow an error there), each once per role it is about.
        """
        role_flags, emits = self.book.role_flags, self._emits
        while True:
            flags: list[Fact] = []
            for firing in record[done:]:
                if firing.maybe:
                    continue
                for name in emits[firing.rule]:
                    key = (name, firing.role if name in role_flags else None)
                    if key in emitted:
                        continue
                    emitted.add(key)
                    flag: Fact = {"sid": sid, "kind": "flag", "name": name}
                    if key[1] is not None:
                        flag["role"] = key[1]
                    flags.append(flag)
            if not flags:
                return
            done = len(record)
            self._put(flags, stored, record, together)

    def _route(self, fact: Fact) -> tuple[int, ...]:
        """The parts that read this fact (by kind; flags by name; gates by level and lane)."""
        kind = fact["kind"]
        key = (kind, fact["name"]) if kind == "flag" else \
            (kind, fact["s"], fact["l"]) if kind == "go" else (kind,)
        parts = self._routes.get(key)
        if parts is None:
            parts = self._routes[key] = tuple(
                n for n, p in enumerate(self._parts)
                if (fact["name"] in p.flags if kind == "flag"
                    else fact["l"] < p.lanes.get(fact["s"], 0) if kind == "go"
                    else kind in p.kinds))
        return parts

    def _assert(self, part: _Part, fact: Fact, stored: dict[str, str],
                record: list[Firing]) -> None:
        text = orjson.dumps(fact).decode()  # facts are built in a fixed key order
        code, state = self._dre.assert_fact(part.handle, text)
        if code == 0:
            stored[text] = text
            self._drain(part.handle, state, record)
            return
        if code == 1 or text in stored:
            return  # no rule reads such a fact, or it is already there: nothing to do
        for nonce in range(1, 4):  # a new fact taken for a duplicate: the 32-bit hash
            attempt = orjson.dumps({**fact, "_nonce": nonce}).decode()
            code, state = self._dre.assert_fact(part.handle, attempt)
            if code != 2:
                if code == 0:
                    stored[text] = attempt
                    self._drain(part.handle, state, record)
                return
        raise AssessmentError(f"the engine kept refusing a new fact: {fact}")

    def _drain(self, handle: int, state: int, record: list[Firing]) -> None:
        """Run every action the last assertion made ready, in the engine's order."""
        failure: BaseException | None = None
        firers, known = self._firers, self._known
        next_action = self._dre.complete_and_start_action
        result = self._dre.start_action_for_state(handle, state)
        message = result[1] if result else None
        while message:
            if failure is None:
                try:
                    # the message begins with the rule's name: `{"RULE#k":{...`
                    fire = firers.get(message[2:message.find('"', 2)])
                    if fire is not None:
                        record.append(fire(message, known))
                    else:  # the sentinel's rule, or a message of another shape
                        for name in orjson.loads(message):
                            fire = firers.get(name)
                            if fire is not None:
                                record.append(fire(message, known))
                except Exception as err:  # kept, and raised once the engine is settled
                    failure = err
            message = next_action(handle, state)
        if failure is not None:
            raise AssessmentError(f"recording a firing failed: {failure!r}") from failure


@dataclass(frozen=True)
class _Action:
    """What to record when one compiled alternative matches."""

    rule: str
    alternative: int
    role_alias: str | None
    other_alias: str | None
    flag_aliases: tuple[tuple[str, str], ...]
    # (rule path, alias, engine field split at dots) of a relaxed alternative's tests: a
    # match in which one of these fields is absent is an open question, not the rule
    # holding
    leaves: tuple[tuple[str, str, tuple[str, ...]], ...]
    # the alias of the one fact it matches, when it matches one fact and nothing else
    # (no flag, no gate): the engine's message is then `{name: {alias: that fact}}`
    single: str | None = None

    @classmethod
    def of(cls, rule: CompiledRule, k: int, alt: Alternative, *, relaxed: bool,
           gated: bool) -> _Action:
        sections = sorted(alt.sections())
        role_alias = next((alias_of(s) for s in sections if owner_of(s) == "role"), None)
        other_alias = next((alias_of(s) for s in sections if owner_of(s) == "other_role"),
                           None)
        flags = tuple((f"f{n}", a.name) for n, a in enumerate(alt.flags) if not a.negated)
        leaves = tuple((leaf.path, alias_of(leaf.section),
                        tuple(engine_field(leaf.section, leaf.field).split(".")))
                       for leaf in alt.leaves)
        single = alias_of(sections[0]) if len(sections) == 1 and not alt.flags \
            and not gated else None
        return cls(rule.id, k, role_alias, other_alias, flags, leaves if relaxed else (),
                   single)

    def firer(self, name: str) -> Callable[[str, dict[str, Fact]], Firing]:
        """What records a match of this engine rule (`name`) from the engine's message
        (`{name: {alias: fact, ...}}`). A rule reading no role and no flag, with no test
        that could be unknown, always records the same firing: it needs no parsing."""
        rule, k, role_alias, other_alias = self.rule, self.alternative, self.role_alias, \
            self.other_alias
        flag_aliases, leaves, loads = self.flag_aliases, self.leaves, orjson.loads
        if not (role_alias or other_alias or flag_aliases or leaves):
            same = Firing(rule, k, False, None, None, (), ())
            return lambda message, known: same

        def fire(message: str, known: dict[str, Fact]) -> Firing:
            match = loads(message)[name]
            role = match[role_alias]["i"] if role_alias else None
            other = match[other_alias]["i"] if other_alias else None
            flag_roles: tuple[tuple[str, int | None], ...] = ()
            if flag_aliases:  # loops, not comprehensions: Python 3.11 calls each one
                pairs = []
                for alias, flag in flag_aliases:
                    bound = match[alias].get("role")
                    pairs.append((flag, bound))
                    if role is None:
                        role = bound
                flag_roles = tuple(pairs)
            missing = _unknown(leaves, match) if leaves else ()
            return _new_firing(Firing, (rule, k, bool(missing), role, other, flag_roles,
                                        missing))

        if self.single is None:
            return fire
        # The fact comes back as the very text asserted: found among this assessment's
        # facts by that text, it needs no parsing (a text not found, say one a nonce
        # was added to, is parsed)
        single = self.single
        start = len(f'{{"{name}":{{"{single}":')

        def fire_one(message: str, known: dict[str, Fact]) -> Firing:
            fact = known.get(message[start:-2])
            if fact is None:
                return fire(message, known)
            missing = _unknown(leaves, {single: fact}) if leaves else ()
            return _new_firing(Firing, (rule, k, bool(missing),
                                        fact["i"] if role_alias else None,
                                        fact["i"] if other_alias else None, (), missing))

        return fire_one


_new_firing = tuple.__new__  # a Firing from its fields, without NamedTuple's keywords


def _unknown(leaves: tuple[tuple[str, str, tuple[str, ...]], ...],
             match: dict[str, Any]) -> tuple[str, ...]:
    """The paths of a relaxed alternative's tests whose field the matched fact (by alias)
    does not hold: what the match leaves unknown. (Called for most firings: the walk
    down the field's keys is written out here rather than in a helper.)"""
    unknown = []
    for path, alias, keys in leaves:  # a loop, not a comprehension: 3.11 calls each
        node: Any = match[alias]
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                unknown.append(path)
                break
            node = node[key]
    return tuple(unknown)


def _explain(err: BaseException) -> str:
    text = str(err)
    for code, meaning in _ENGINE_ERRORS.items():
        if f"error code: {code}" in text:
            return f"{text} ({meaning})"
    return text


_engines: dict[int, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(book: Rulebook) -> Engine:
    """The process's engine for this rulebook object, built on first use and reused."""
    with _engines_lock:
        engine = _engines.get(id(book))
        if engine is None or engine.book is not book:
            engine = Engine(book)
            _engines[id(book)] = engine
        return engine


__all__ = ["Engine", "EnginePlan", "compiled", "engine_for"]
