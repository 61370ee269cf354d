"""Collation: from what fired to the assessment object (JSON output version 1).

No rule logic lives here: the engine decides which rules fire. This module collates the
firings into lights, rungs, findings, actions and open questions, attaches the facts
behind each (`because`), and orders the plan by the documented key:

    horizon, lowest rung unlocked, lowest stage, id; dependencies first.

A dependency is promoted to the earliest horizon, and the lowest rung and stage, of the
actions that need it, so "first things first" never contradicts the grouping.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from advisor import result as res
from advisor.facts import Firing
from advisor.paths import concrete, rule_generic
from advisor.profile import (
    FACT_PATHS,
    QUESTIONS,
    Profile,
    Voices,
    value_at,
)
from advisor.rulebook import (
    KEPT_ROLES,
    Action,
    Alternative,
    CompiledRule,
    Light,
    Requirement,
    Rulebook,
    horizon_at,
)
from advisor.words import (
    FINDING_KINDS,
    FUNCTIONS,
    HORIZONS,
    RUNG_NAMES,
    STAGE_SOURCES,
    UNKNOWN,
)

OUTPUT_VERSION = 1
_FINDING_ORDER = {kind: n for n, kind in enumerate(FINDING_KINDS)}
_HORIZON_ORDER = {h: n for n, h in enumerate(HORIZONS)}

Json = dict[str, Any]


def show(value: Any) -> str:
    """A fact value as `path = value` shows it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return str(value)


# From facts to a conclusion, as one ordered set (a dict's keys, in the order first met)
# of three kinds of item: a fact read (its path, a str), a derived fact held or found
# absent (flag name, held), and a rule that fired on the way (rule id,). One set, not
# three, as traces are merged many times per assessment; each kind keeps its own order.
Trace = dict[Any, None]


class _Values(dict[str, str]):
    """Fact path -> its value as shown (`[]` for an empty role list), worked out on first
    use: looked up hundreds of times per assessment, so a plain dict lookup."""

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile

    def __missing__(self, path: str) -> str:
        value = "[]" if path in ("roles", "other_roles") else show(value_at(self.profile, path))
        self[path] = value
        return value


class _Statements(dict[str, str]):
    """Fact path -> `path = value`, as `because` lists have it, worked out on first use."""

    def __init__(self, values: _Values) -> None:
        super().__init__()
        self.shown = values

    def __missing__(self, path: str) -> str:
        text = self[path] = f"{path} = {self.shown[path]}"
        return text


@dataclass(frozen=True)
class _Absence:
    """One alternative of a rule emitting a flag, as `_why_absent` walks it."""

    alt: Alternative
    per_role: bool  # the emitter is about one role
    reads_role: bool
    reads_other: bool
    needs: tuple[str, ...]  # the flags it needs held
    # (role, roles, other roles) -> the facts it reads for that role (or every role when
    # None) and every other role: made on first use
    read: dict[tuple[int | None, int, int], Trace] = field(default_factory=dict)

    def paths(self, role: int | None, roles: int, others: int) -> Trace:
        """The facts this alternative reads: `roles` or `other_roles` alone when it needs
        one and the profile has none."""
        key = (role, roles, others)
        read = self.read.get(key)
        if read is None:
            read = {}
            if self.reads_role and not roles:
                read["roles"] = None
            else:
                if self.reads_other and not others:
                    read["other_roles"] = None
                for r in ((range(roles) if role is None else (role,)) if self.reads_role
                          else (None,)):
                    for o in range(others) if self.reads_other else (None,):
                        read.update(self.alt.concrete_paths(r, o))
            if roles <= KEPT_ROLES and others <= KEPT_ROLES:
                self.read[key] = read
        return read


@dataclass(frozen=True)
class _ActionPlan:
    """An action as the plan shows it, with what ordering it needs."""

    id: str
    text: str  # whitespace as written in YAML folded to single spaces
    owner: str
    unlocks_rung: int | None
    stage: int | None
    done_when: str
    depends_on: tuple[str, ...]
    horizons: tuple[int, ...]  # target rung -> horizon (index into HORIZONS)
    rung_key: int  # unlocks_rung, else after every rung
    stage_key: int  # stage, else after every stage

    @classmethod
    def of(cls, a: Action) -> _ActionPlan:
        return cls(a.id, _text(a.text), a.owner, a.unlocks_rung, a.stage, _text(a.done_when),
                   tuple(a.depends_on),
                   tuple(_HORIZON_ORDER[horizon_at(a, t)] for t in range(6)),
                   a.unlocks_rung or 6, a.stage or 7)


@dataclass(frozen=True)
class _RequirementPlan:
    """A requirement of a rung, and the facts its rule reads per role assessed."""

    id: str  # of the rule
    kind: str
    text: str
    per_role: bool
    alternatives: tuple[Alternative, ...]
    paths: dict[int | None, list[str]] = field(default_factory=dict)  # made on first use

    @classmethod
    def of(cls, rule: CompiledRule) -> _RequirementPlan:
        req = _requirement(rule)
        return cls(rule.id, req.type, req.text, rule.scope == "role", rule.alternatives)

    def paths_for(self, role: int | None) -> list[str]:
        """The facts behind it for this role (`roles` when it needs a role and none is)."""
        paths = self.paths.get(role)
        if paths is None:
            paths = self.paths[role] = ["roles"] if self.per_role and role is None else \
                _unique(p for alt in self.alternatives for p in alt.concrete_paths(role, None))
        return paths


@dataclass(frozen=True)
class _Plan:
    """What collation looks up on every assessment, worked out once per rulebook."""

    rank: dict[str, int]  # rule id -> place by stratum, then rulebook order
    lights: tuple[tuple[tuple[str, str], ...], ...]  # per stage 1 to 6: (rule id, colour)
    requirements: tuple[tuple[_RequirementPlan, ...], ...]  # per rung, 1 to 5
    # (rule id, finding id, kind, text, shown beside the rung)
    findings: tuple[tuple[str, str, str, str, bool], ...]
    absences: dict[str, tuple[_Absence, ...]]  # flag -> how it could have been emitted
    actions: tuple[tuple[str, _ActionPlan], ...]  # (rule id, its action), rulebook order
    sources: dict[str, tuple[str, ...]]  # rule id -> the report sections it rests on
    # (id,), a rule's trace item -> id, title and (the same tuple as) its sources
    # rule -> its id, title, sources and worked examples (the cases that show it firing)
    titles: dict[tuple[str], tuple[str, str, tuple[str, ...], tuple[str, ...]]]
    outputs: dict[str, frozenset[str]]  # rule id -> parts of the output its conclusion is in
    # (rule id, function) of the rules finding a function needed, missing, supplied
    needs: tuple[tuple[str, str], ...]
    missing: tuple[tuple[str, str], ...]
    supplies: tuple[tuple[str, str], ...]
    # (rule id, alternative, role, other role) -> the facts a firing read, then the rule:
    # the start of its trace, made on first use and shared (traces are never changed)
    bases: dict[tuple[str, int, int | None, int | None], Trace] = field(
        default_factory=dict)
    # flag name -> its trace item found absent: made once, so an assessment's traces hold
    # only long-lived keys (fewer new objects for the cycle collector to scan)
    absent: dict[str, tuple[str, bool]] = field(default_factory=dict)
    # rule id -> per flag it emits: None for a role's flag (keyed by the role firing it),
    # else its key (flag, None), made once
    emits: dict[str, tuple[tuple[str, tuple[str, None] | None], ...]] = field(
        default_factory=dict)
    # rule id -> per alternative, the flags it reads: (name, its trace item, whether
    # the rule is about one role)
    flags: dict[str, tuple[tuple[tuple[str, tuple[str, bool], bool], ...], ...]] = field(
        default_factory=dict)
    # function -> (title, title as matched) of the catalogue roles that supply it
    suppliers: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # flag -> (rule, the alternative's other flag tests) of each rule reading it
    consumers: dict[str, tuple[tuple[str, tuple[tuple[str, bool], ...]], ...]] = field(
        default_factory=dict)
    per_role: frozenset[str] = frozenset()  # ids of the rules about one role
    # flag -> (0, n) for `rung.n`, (1, n) for `target.n`
    ladder: dict[str, tuple[int, int]] = field(default_factory=dict)
    # current_rung, target_rung, aspiration_gap -> (rule id, value) of the rules giving it
    rungs: dict[str, tuple[tuple[str, Any], ...]] = field(default_factory=dict)
    # (rule id, level, reason) of the rules giving a proposal's verdict a reason
    verdicts: tuple[tuple[str, str, str], ...] = ()
    # each thing an answer could change (every rule's outputs) -> its weight, rung, order
    changes: dict[str, _Change] = field(default_factory=dict)
    # the path a rule tests (`role.supervision`) -> its catalogue path (`roles[].supervision`)
    generic: dict[str, str] = field(default_factory=dict)


def _plan(book: Rulebook) -> _Plan:
    return book.derived("_collation_plan", lambda: _make_plan(book))


def _make_plan(book: Rulebook) -> _Plan:
    ordered = sorted(book.rules, key=lambda r: (r.stratum, r.order))
    absences = {name: tuple(
        _Absence(alt, emitter.scope == "role", "role" in alt.owners(),
                 "other_role" in alt.owners(),
                 tuple(a.name for a in alt.flags if not a.negated))
        for emitter in emitters for alt in emitter.alternatives)
        for name, emitters in book.emitters.items()}
    sources = {r.id: tuple(r.rule.sources) for r in book.rules}
    outputs = {r.id: _outputs_of(r) for r in book.rules}
    return _Plan(
        rank={r.id: n for n, r in enumerate(ordered)},
        lights=tuple(tuple((r.id, _light(r).colour) for r in book.producing("light")
                           if _light(r).stage == stage) for stage in range(1, 7)),
        requirements=tuple(tuple(_RequirementPlan.of(r) for r in book.producing("requirement")
                                 if _requirement(r).rung == rung) for rung in range(1, 6)),
        findings=tuple((r.id, f.id, f.kind, _text(f.text), f.beside_rung)
                       for r in book.producing("finding")
                       if (f := r.rule.then.finding) is not None),
        absences=absences,
        actions=tuple((r.id, _ActionPlan.of(a)) for r, a in book.actions()),
        sources=sources,
        titles={(r.id,): (r.id, r.rule.title, sources[r.id], book.examples.get(r.id, ()))
                for r in book.rules},
        outputs=outputs,
        needs=tuple((r.id, str(r.rule.then.need)) for r in book.producing("need")),
        missing=tuple((r.id, str(r.rule.then.missing)) for r in book.producing("missing")),
        supplies=tuple((r.id, str(r.rule.then.supplies))
                       for r in book.producing("supplies")),
        absent={name: (name, False) for name in book.emitters},
        emits={r.id: tuple((name, None if name in book.role_flags else (name, None))
                           for name in r.emits) for r in book.rules},
        flags={r.id: tuple(tuple((a.name, (a.name, not a.negated), r.scope == "role")
                                 for a in alt.flags) for alt in r.alternatives)
               for r in book.rules},
        suppliers={fn: tuple((role.title, _norm(role.title)) for role in book.catalogue.roles
                             if getattr(role, fn) in ("yes", "some")) for fn in FUNCTIONS},
        consumers={name: tuple((consumer.id, tuple((a.name, a.negated) for a in alt.flags
                                                   if a.name != name))
                               for consumer, alt in uses)
                   for name, uses in book.consumers.items()},
        per_role=frozenset(r.id for r in book.rules if r.scope == "role"),
        ladder={name: _ladder_step(name) for name in book.emitters
                if name.startswith(("rung.", "target."))},
        rungs={attr: tuple((r.id, getattr(r.rule.then, attr)) for r in book.producing(attr))
               for attr in ("current_rung", "target_rung", "aspiration_gap")},
        verdicts=tuple((r.id, v.level, _text(v.reason)) for r in book.producing("verdict")
                       if (v := r.rule.then.verdict) is not None),
        changes={label: _change(label) for labels in outputs.values() for label in labels},
        generic={path: rule_generic(path) for path in book.read_paths()})


class _Collator:
    """One assessment's firings, collated. Slotted: its attributes are read thousands of
    times per assessment."""

    __slots__ = ("_absent_memo", "_action_rules", "_all_memo", "_change_memo", "_trace_memo",
                 "_unmet_paths", "book", "definite", "emitted_by", "emitted_names", "everyone",
                 "fact", "firings", "others", "plan", "profile", "reasons", "roles", "rules",
                 "value")

    def __init__(self, book: Rulebook, profile: Profile, firings: list[Firing], *,
                 reasons: bool = True) -> None:
        self.book, self.profile = book, profile
        self.reasons = reasons  # False: leave `because` lists empty (summaries never show them)
        self.rules = book.rule_index()
        self.plan = _plan(book)
        # The engine's firing order is an implementation detail: drop repeats (an `$or`
        # can match twice) and, wherever the order could show (which firing of several
        # explains a flag, the order a rule's firings are traced in), take the firings in
        # a canonical order, so the same facts give the same result by any evaluator.
        self.firings = list(set(firings))
        self.definite: dict[str, list[Firing]] = {}
        self.emitted_by: dict[tuple[str, int | None], Firing] = {}
        self._trace_memo: dict[int, Trace] = {}
        self._absent_memo: dict[tuple[str, int | None], Trace] = {}
        self._all_memo: dict[str, Trace] = {}
        # Values and statements hold the profile, never the collator: no reference cycle,
        # so an assessment's objects are freed as soon as it returns.
        self.value = _Values(self.profile)
        self.fact = _Statements(self.value)
        self._change_memo: dict[str, set[str]] = {}
        definite, emitted_by, emits = self.definite, self.emitted_by, self.plan.emits
        order = self._order
        for f in self.firings:
            if f.maybe:
                continue
            same = definite.get(f.rule)
            if same is None:
                definite[f.rule] = [f]
            else:
                same.append(f)
            for name, wing_key in emits[f.rule]:
                key = (name, f.role) if wing_key is None else wing_key
                known = emitted_by.get(key)
                if known is None or order(f) < order(known):
                    emitted_by[key] = f
        for several in definite.values():
            if len(several) > 1:
                several.sort(key=order)
        self.everyone = definite
        self.emitted_names = {k[0] for k in emitted_by}
        self.roles, self.others = len(self.profile.role_list), len(self.profile.other_roles)
        self._unmet_paths: dict[str, list[str]] = {}  # requirement rule id -> its facts
        self._action_rules: dict[str, list[str]] = {}

    def _order(self, f: Firing) -> tuple[Any, ...]:
        return (self.plan.rank[f.rule], f.alternative, f.maybe,
                -1 if f.role is None else f.role, -1 if f.other_role is None else f.other_role,
                tuple([(n, -1 if r is None else r) for n, r in f.flag_roles])
                if f.flag_roles else (), f.missing)

    # -- explanations -------------------------------------------------------------------

    def trace_of(self, f: Firing) -> Trace:
        """Facts, derived facts and rules from the profile to this firing, worked out
        once per firing and assessment (many conclusions rest on the same firings)."""
        memo = self._trace_memo.get(id(f))
        if memo is not None:
            return memo
        key = (f.rule, f.alternative, f.role, f.other_role)
        base = self.plan.bases.get(key)
        if base is None:  # the facts it read and the rule itself: the same every time
            alt = self.rules[f.rule].alternatives[f.alternative]
            base = {**alt.concrete_paths(f.role, f.other_role), (f.rule,): None}
            if (f.role or 0) < KEPT_ROLES and (f.other_role or 0) < KEPT_ROLES:
                self.plan.bases[key] = base
        flags = self.plan.flags[f.rule][f.alternative]
        if not flags:
            t = base  # shared: traces are never changed once made
        else:
            t = base.copy()
            for name, item, per_role in flags:
                t[item] = None
                if item[1]:  # held: how it was derived (for the role the engine bound)
                    emitter = self.emitted_by.get((name, _bound(f.flag_roles, name)))
                    if emitter is not None:
                        t.update(self.trace_of(emitter))
                else:  # found absent: why no rule derived it
                    t.update(self._why_absent(name, f.role if per_role else None))
        self._trace_memo[id(f)] = t
        return t

    def _why_absent(self, name: str, role: int | None) -> Trace:
        """The facts behind a flag that no rule emitted (for `role`, or for any role).
        Flags cannot depend on themselves (the rulebook is stratified), so this ends."""
        memo = self._absent_memo.get((name, role))
        if memo is not None:
            return memo
        t: Trace = {}
        roles, others = self.roles, self.others
        role_flags = self.book.role_flags
        for way in self.plan.absences.get(name, ()):
            read = way.read.get((role, roles, others))  # `way.paths`, its cache read here
            t.update(way.paths(role, roles, others) if read is None else read)
            if way.reads_role and not roles:
                continue
            for need in way.needs:
                if (need in self.emitted_names if role is None or need not in role_flags
                        else (need, role) in self.emitted_by):
                    continue
                t[self.plan.absent[need]] = None
                t.update(self._why_absent(need, role if way.per_role else None))
        memo = self._absent_memo[(name, role)] = t
        return memo

    def trace_all(self, rule_id: str) -> Trace:
        memo = self._all_memo.get(rule_id)
        if memo is None:
            firings = self.definite.get(rule_id, ())
            if len(firings) == 1:  # traces are never changed once made: share it
                memo = self.trace_of(firings[0])
            else:
                memo = {}
                for f in firings:
                    memo.update(self.trace_of(f))
            self._all_memo[rule_id] = memo
        return memo

    def because_all(self, rule_id: str) -> list[str]:
        if not self.reasons:
            return []
        fact = self.fact
        return [fact[p] for p in self.trace_all(rule_id) if p.__class__ is str] \
            or [f"{rule_id} holds"]

    def explain(self, rule_ids: list[str]) -> Json:
        """An explanation as data: the rules fired (with sources), the derived facts
        used or found absent, and the facts read with their evidence notes."""
        if len(rule_ids) == 1:
            return self._explained(self.trace_all(rule_ids[0]))
        t: Trace = {}
        for rid in rule_ids:
            t.update(self.trace_all(rid))
        return self._explained(t)

    def _explained(self, t: Trace) -> Json:
        titles, value = self.plan.titles, self.value
        voices_of, evidence = self.profile.voices.get, self.profile.evidence.get
        facts: list[Json] = []
        derived: list[Json] = []
        fired: list[Json] = []
        for item in t:
            if item.__class__ is str:  # a fact read: as `_fact_record` shows it, inlined
                voices = voices_of(item)
                facts.append({"fact": item, "value": value[item], "evidence": evidence(item),
                              "voices": None if voices is None else _said(voices)})
            elif len(item) == 2:
                derived.append({"flag": item[0], "held": item[1]})
            else:
                rid, title, sources, examples = titles[item]
                fired.append({"rule": rid, "title": title, "sources": [*sources],
                              "examples": [*examples]})
        return {"rules": fired, "derived": derived, "facts": facts}

    def _fact_record(self, path: str) -> Json:
        """A fact as explanations show it: path, value as shown, evidence note, and what
        residents, holders and staff say of it."""
        voices = self.profile.voices.get(path)
        return {"fact": path, "value": self.value[path],
                "evidence": self.profile.evidence.get(path),
                "voices": None if voices is None else _said(voices)}

    def sources(self, rule_id: str) -> list[str]:
        return list(self.plan.sources[rule_id])

    # -- the parts of the output --------------------------------------------------------

    def one_value(self, attr: str) -> tuple[int, str]:
        """The current or target rung, and the id of the one rule that gave it."""
        hits = [(value, rid) for rid, value in self.plan.rungs[attr] if rid in self.definite]
        if len(hits) != 1:
            raise RuntimeError(f"the rulebook gave {len(hits)} values for {attr}; "
                               "exactly one rule must fire")
        return hits[0]

    def stages(self) -> list[res.Stage]:
        out: list[res.Stage] = []
        definite = self.definite
        for stage, lights in enumerate(self.plan.lights, start=1):
            hits = [(rid, colour) for rid, colour in lights if rid in definite]
            if len(hits) != 1:
                raise RuntimeError(f"stage {stage}: {len(hits)} lights fired; exactly one must")
            rid, colour = hits[0]
            out.append({"stage": stage, "source": STAGE_SOURCES[stage], "light": colour,
                        "rule": rid, "because": self.because_all(rid),
                        "sources": self.sources(rid)})
        return out

    def best_role(self) -> int | None:
        """The role the rungs are reported for: the highest rung reached, then the highest
        target, then the first listed."""
        if not self.profile.role_list:
            return None

        # per role: highest rung reached, its target
        best = [[0, 0] for _ in self.profile.role_list]
        ladder = self.plan.ladder
        for name, role in self.emitted_by:
            step = ladder.get(name)
            if step is None or role is None or role >= len(best):
                continue
            slot, n = step
            best[role][slot] = max(best[role][slot], n)
        return min(range(len(best)), key=lambda i: (-best[i][0], -best[i][1], i))

    def focus(self, role: int | None) -> None:
        """Report what rules about one role concluded for the assessed role only (its
        target, role fit, aspiration gap); what they concluded for other roles stays
        in `everyone`, for the open questions."""
        if role is None:
            return
        per_role = self.plan.per_role
        self.definite = {}
        for rid, firings in self.everyone.items():
            mine = [f for f in firings if f.role == role] if rid in per_role else firings
            if mine:
                self.definite[rid] = mine

    def rungs(self, role: int | None) -> list[res.Rung]:
        out: list[res.Rung] = []
        definite, fact, reasons = self.definite, self.fact, self.reasons
        for rung, reqs in enumerate(self.plan.requirements, start=1):
            unmet: list[res.Unmet] = []
            for req in reqs:
                firings = definite.get(req.id)
                if firings is not None and (not req.per_role or (role is not None and any(
                        f.role == role for f in firings))):
                    continue  # met (by the assessed role, when it is about a role)
                paths = self._unmet_paths[req.id] = req.paths_for(role)
                unmet.append({"requirement": req.id, "kind": req.kind, "text": req.text,
                              "because": [fact[p] for p in paths] if reasons else []})
            out.append({"rung": rung, "name": RUNG_NAMES[rung], "met": not unmet,
                        "unmet": unmet})
        return out

    def explanations(self, result: res.Assessment) -> Json:
        """Why each light, rung, finding and action is what it is (issue: explanations)."""
        out: Json = {}
        explained, trace_all = self._explained, self.trace_all
        for stage in result["stages"]:
            out[f"stage {stage['stage']}"] = explained(trace_all(stage["rule"]))
        for attr, label in (("current_rung", "current rung"), ("target_rung", "target rung")):
            _, rid = self.one_value(attr)
            out[label] = explained(trace_all(rid))
        fact_record = self._fact_record
        for rung in result["rungs"]:
            if rung["rung"] <= result["current_rung"]:
                continue
            out[f"rung {rung['rung']}"] = {"why_not": [
                {"requirement": u["requirement"], "kind": u["kind"],
                 "facts": [fact_record(p) for p in self._unmet_paths[u["requirement"]]]}
                for u in rung["unmet"]]}
        for f in result["findings"]:
            out[f"finding {f['id']}"] = explained(trace_all(f["rule"]))
        rules_of = self._action_rules
        for a in result["actions"]:
            out[f"action {a['id']}"] = self.explain(rules_of[a["id"]])
        return out

    def findings(self) -> list[res.Finding]:
        found: dict[str, res.Finding] = {}
        definite = self.definite
        for rid, fid, kind, text, beside_rung in self.plan.findings:
            if rid in definite and fid not in found:
                found[fid] = {"id": fid, "kind": kind, "text": text, "rule": rid,
                              "because": self.because_all(rid), "sources": self.sources(rid),
                              "beside_rung": beside_rung}
        return sorted(found.values(), key=lambda f: (_FINDING_ORDER[f["kind"]], f["id"]))

    def actions(self, target: int) -> list[res.Action]:
        definite, because_all = self.definite, self.because_all
        chosen: dict[str, tuple[str, _ActionPlan, list[str]]] = {}
        rules_of = self._action_rules  # action id -> the rules that fired for it, in order
        for rid, a in self.plan.actions:
            if rid not in definite:
                continue
            prev = chosen.get(a.id)
            if prev is None:
                chosen[a.id] = (rid, a, because_all(rid))
                rules_of[a.id] = [rid]
            else:
                chosen[a.id] = (prev[0], prev[1], _unique([*prev[2], *because_all(rid)]))
                rules_of[a.id].append(rid)
        horizon: dict[str, int] = {}
        deps: dict[str, list[str]] = {}
        for aid, (_, a, _) in chosen.items():  # loops, not comprehensions: 3.11 calls each
            horizon[aid] = a.horizons[target]
            deps[aid] = ds = []
            for d in a.depends_on:
                if d in chosen:
                    ds.append(d)
        _inherit(horizon, deps)  # a prerequisite is needed as soon as what depends on it
        # and it unlocks what its dependants unlock: it takes their lowest rung and stage,
        # so it comes just before them rather than wherever its own would put it
        unlocks = {aid: (a.rung_key, a.stage_key) for aid, (_, a, _) in chosen.items()}
        _inherit(unlocks, deps)
        keys = {aid: (horizon[aid], *unlocks[aid], aid) for aid in chosen}
        out: list[res.Action] = []
        for aid in _topological(list(chosen), deps, keys.__getitem__):
            rid, a, because = chosen[aid]
            out.append({"id": aid, "text": a.text, "horizon": HORIZONS[horizon[aid]],
                        "owner": a.owner, "unlocks_rung": a.unlocks_rung, "stage": a.stage,
                        "depends_on": deps[aid], "done_when": a.done_when, "rule": rid,
                        "because": because or ([f"{rid} holds"] if self.reasons else []),
                        "sources": self.sources(rid)})
        return out

    def open_questions(self, target: int) -> list[res.OpenQuestion]:
        """Every unknown fact whose answer could change something, as the interview asks
        it, most telling first: a rung up to the target (or the current or target rung),
        then a light or the verdict, then the rest; `rank` 1 is the first."""
        questions: dict[str, set[str]] = {}
        generic: dict[str, str] = {}  # question's path -> its catalogue path
        definite, per_role, generic_of = self.everyone, self.plan.per_role, self.plan.generic
        proposal = self.profile.kind == "proposal"
        for f in self.firings:
            if not f.maybe or not f.missing:
                continue
            firings = definite.get(f.rule)
            if firings is not None and (f.rule not in per_role or f.role is None or any(
                    g.role == f.role for g in firings)):
                continue  # it holds anyway (for this role, when it is about one)
            changes = self._could_change(f.rule)
            if not proposal and "verdict" in changes:
                changes = changes - {"verdict"}  # only a proposal has a verdict
            if not changes:
                continue
            for path in f.missing:
                at = concrete(path, f.role, f.other_role)
                known = questions.get(at)
                if known is None:
                    questions[at] = set(changes)
                    generic[at] = generic_of.get(path) or rule_generic(path)
                else:
                    known.update(changes)
        # Each question's place: how much its answer could change (`_weight`), the
        # lowest rung it could change, the catalogue's order, its path (unique). Each
        # change's weight and rung are looked up, never parsed from its words again.
        changes_info, unlisted = self.plan.changes, len(_FACT_ORDER)
        placed: list[tuple[int, int, int, str]] = []
        for path, changes in questions.items():
            placed.append((_weight(changes, target, changes_info),
                           min(changes_info[c].rung for c in changes),
                           _FACT_ORDER.get(generic[path], unlisted), path))
        placed.sort()
        out: list[res.OpenQuestion] = []
        for n, (*_, path) in enumerate(placed, start=1):
            out.append({"fact": path, "question": QUESTIONS[generic[path]], "rank": n,
                        "could_change": sorted(questions[path],
                                               key=lambda c: changes_info[c].order)})
        return out

    def headline(self, result: res.Assessment) -> res.Headline:
        """What a reader takes in first: for a proposal, its readiness verdict with the
        reasons the rules gave (and the open questions that could change it); for every
        profile, the role's rung, its target, the lights counted, the first three actions
        and the three open questions that matter most."""
        lights = dict.fromkeys(("green", "orange", "red"), 0)
        for stage in result["stages"]:
            lights[stage["light"]] += 1
        role = result["assessed_role"]
        current, target = result["current_rung"], result["target_rung"]
        who = f"{role['title']}: rung" if role else "No role selected or known: rung"
        summary = [f"{who} {current} of 5 ({RUNG_NAMES[current]}); target rung {target}.",
                   f"Stage lights: {lights['green']} green, {lights['orange']} orange, "
                   f"{lights['red']} red."]
        verdict: res.Verdict | None = None
        reasons: list[str] = []
        if self.profile.kind == "proposal":
            fired = [(level, reason) for rid, level, reason in self.plan.verdicts
                     if rid in self.definite]
            reasons = _unique(r for level, r in fired if level == "not-ready")
            if reasons:
                verdict = "not-ready"
            else:
                reasons = _unique(r for level, r in fired if level == "conditions")
                telling = [q for q in result["open_questions"]
                           if _weight(q["could_change"], target, self.plan.changes) < 2]
                if telling:
                    reasons.append(_open_reason(telling))
                verdict = "ready-with-conditions" if reasons else "ready"
        return {"verdict": verdict, "reasons": reasons or summary, "summary": summary,
                "lights": {"green": lights["green"], "orange": lights["orange"],
                           "red": lights["red"]},
                "top_actions": [a["id"] for a in result["actions"][:3]],
                "top_questions": [q["fact"] for q in result["open_questions"][:3]]}

    def _could_change(self, rule_id: str) -> set[str]:
        """What a different answer could change: the rule's own output, and the outputs of
        rules that read its flags and whose other flag conditions already hold. (Flags
        never depend on themselves, so this ends; each rule is worked out once.)"""
        memo = self._change_memo.get(rule_id)
        if memo is not None:
            return memo
        out = set(self.plan.outputs[rule_id])
        emitted, consumers = self.emitted_names, self.plan.consumers
        for name, _ in self.plan.emits[rule_id]:
            for consumer, others in consumers.get(name, ()):
                if all((flag in emitted) != negated for flag, negated in others):
                    out |= self._could_change(consumer)
        self._change_memo[rule_id] = out
        return out

    def role_fit(self) -> res.RoleFit:
        definite = self.definite
        need = {fn for rid, fn in self.plan.needs if rid in definite}
        needed = [fn for fn in FUNCTIONS if fn in need]
        lack = {fn for rid, fn in self.plan.missing if rid in definite}
        missing = [fn for fn in FUNCTIONS if fn in lack]
        on_wing: dict[str, set[str]] = {}
        for rid, supplied in self.plan.supplies:
            for f in definite.get(rid, []):
                if f.other_role is not None:
                    title = self.profile.other_roles[f.other_role].title
                    on_wing.setdefault(title, set()).add(supplied)
        candidates: dict[str, res.Candidate] = {}
        wing_titles = {_norm(t): t for t in on_wing}
        for fn in missing:
            for listed_title, norm in self.plan.suppliers[fn]:
                title = wing_titles.get(norm, listed_title)
                entry = candidates.setdefault(title, {"title": title, "supplies": [],
                                                      "on_wing": title in on_wing})
                entry["supplies"].append(fn)
        for title, fns in on_wing.items():
            if not fns & lack:
                continue  # it supplies what another role lacks, not the assessed one
            entry = candidates.setdefault(title, {"title": title, "supplies": [],
                                                  "on_wing": True})
            entry["supplies"] = [fn for fn in FUNCTIONS
                                 if fn in set(entry["supplies"]) | (fns & lack)]
        listed = sorted(candidates.values(), key=lambda c: (not c["on_wing"], c["title"]))
        return {"needed": needed, "missing": missing, "candidates": listed}


def _bound(flag_roles: tuple[tuple[str, int | None], ...], name: str) -> int | None:
    """The role a firing's test of this flag was bound to (None: a wing's flag; the
    last, should an alternative test one flag twice)."""
    bound = None
    for flag, role in flag_roles:
        if flag == name:
            bound = role
    return bound


def _outputs_of(rule: CompiledRule) -> frozenset[str]:
    t = rule.rule.then
    out: set[str] = set()
    if t.light is not None:
        out.add(f"stage {t.light.stage}")
    if t.requirement is not None:
        out.add(f"rung {t.requirement.rung}")
    if t.action is not None:
        out.add(f"action {t.action.id}")
    if t.finding is not None:
        out.add(f"finding {t.finding.id}")
    if t.need or t.missing or t.supplies:
        out.add("role fit")
    if t.verdict is not None:
        out.add("verdict")
    if t.current_rung is not None:
        out.add("current rung")
    if t.target_rung is not None:
        out.add("target rung")
    return frozenset(out)


def _ladder_step(flag: str) -> tuple[int, int]:
    """How a ladder flag counts when choosing the role to assess (see `best_role`)."""
    kind, _, rest = flag.partition(".")
    return (0 if kind == "rung" else 1, int(rest.split(".")[0]))


def _light(r: CompiledRule) -> Light:
    assert r.rule.then.light is not None
    return r.rule.then.light


def _requirement(r: CompiledRule) -> Requirement:
    assert r.rule.then.requirement is not None
    return r.rule.then.requirement


def _inherit(values: dict[str, Any], deps: dict[str, list[str]]) -> None:
    """Give each prerequisite the least value of the actions that depend on it, however
    far down the chain (in place; the rulebook has no dependency cycles)."""
    changed = True
    while changed:
        changed = False
        for aid, ds in deps.items():
            for d in ds:
                if values[d] > values[aid]:
                    values[d] = values[aid]
                    changed = True


def _topological(ids: list[str], deps: dict[str, list[str]], key: Any) -> list[str]:
    """The actions in `key` order, except that each waits for those it depends on: at
    each step the smallest by `key` of those whose prerequisites are all placed (Kahn's
    algorithm; a dependency cycle, which lint refuses, would leave its actions out)."""
    waiting = sorted(ids, key=key)
    placed: set[str] = set()
    out: list[str] = []
    while waiting:
        for n in range(len(waiting)):
            if placed.issuperset(deps[waiting[n]]):
                break
        else:
            break
        a = waiting.pop(n)
        placed.add(a)
        out.append(a)
    return out


_FACT_ORDER = {path: n for n, path in enumerate(FACT_PATHS)}  # the catalogue's order
_CHANGE_ORDER = {word: n for n, word in enumerate(
    ("stage", "current", "target", "rung", "verdict", "action", "finding", "role"))}


def _said(voices: Voices) -> dict[str, str]:
    """What people say of a fact, by who says it (residents, holders, staff): the
    fields `model_dump` would give, read directly (this runs for every fact shown)."""
    said: dict[str, str] = {}
    for who in _VOICE_FIELDS:
        text = getattr(voices, who)
        if text is not None:
            said[who] = text
    return said


_VOICE_FIELDS = tuple(Voices.model_fields)  # in the order they are declared, as dumped


_NO_HEADLINE: res.Headline = {"verdict": None, "reasons": [], "summary": [],
                          "lights": {"green": 0, "orange": 0, "red": 0}, "top_actions": [],
                          "top_questions": []}


class _Change(NamedTuple):
    """What collation needs to know of one thing an answer could change (`rung 3`,
    `stage 2`, `action R1a`, `verdict`, ...), worked out once per rulebook."""

    weight: int  # as `_weight` counts it, for a rung above the target
    rung: int  # n for `rung n`, else 6 (after every rung)
    order: tuple[int, str]  # where it is listed in `could_change`


_WEIGHTS = {"current": 0, "target": 0, "verdict": 1, "stage": 1, "rung": 2, "action": 3}


def _change(label: str) -> _Change:
    word, _, rest = label.partition(" ")
    return _Change(_WEIGHTS.get(word, 4), int(rest) if word == "rung" else 6,
                   (_CHANGE_ORDER[word], label))


def _weight(changes: Iterable[str], target: int, info: dict[str, _Change]) -> int:
    """How much an answer could change: 0 a rung up to the target (or the current or
    target rung), 1 a light or the verdict, 2 a rung beyond the target, 3 an action, 4
    anything else (findings, role fit): the least of its changes' weights."""
    weight = 4
    for c in changes:
        change = info[c]
        weight = min(weight, 0 if change.weight == 2 and change.rung <= target
                     else change.weight)
    return weight


def _open_reason(questions: list[res.OpenQuestion]) -> str:
    """The open questions that could change a light, a rung or the verdict, in a line."""
    first = questions[0]["question"].rsplit(" (", 1)[0]
    many = f"{len(questions)} unanswered questions" if len(questions) > 1 else \
        "An unanswered question"
    return (f"{many} could change a light, a rung up to the target or this verdict; the "
            f"first: {first}")


def _norm(title: str) -> str:
    return title.split("(", maxsplit=1)[0].strip().lower()


@functools.lru_cache(maxsize=4096)
def _text(text: str) -> str:
    return " ".join(text.split())


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def collate(book: Rulebook, profile: Profile, firings: list[Firing], *,
            explain: bool = True, reasons: bool = True) -> res.Assessment:
    """Build the assessment object from one assessment's firings, with `explanations`
    unless `explain` is false. `reasons=False` also leaves every `because` list empty
    (and gives no explanations): for summaries that count conclusions, never show why."""
    c = _Collator(book, profile, firings, reasons=reasons)
    role = c.best_role()
    c.focus(role)
    current, _ = c.one_value("current_rung")
    target, _ = c.one_value("target_rung")
    gap = None
    if profile.aspiration_rung is not None:
        gap = any(rid in c.definite for rid, _ in c.plan.rungs["aspiration_gap"])
    assessed = profile.assessed
    result: res.Assessment = {
        "output_version": OUTPUT_VERSION,
        "profile": {"prison": profile.site.prison, "wing": profile.wing.name,
                    "kind": profile.kind,
                    "roles": [role.title for role in profile.role_list],
                    "other_roles": [role.title for role in profile.other_roles],
                    "file": profile.source_name},
        "assessed": None if assessed.on == assessed.by == UNKNOWN else
        {"on": assessed.on, "by": assessed.by},
        "rulebook": {"version": book.version, "rules": len(book.rules)},
        "headline": _NO_HEADLINE,  # filled in below, from the rest: first in the object
        "current_rung": current,
        "target_rung": target,
        "aspiration_rung": profile.aspiration_rung,
        "aspiration_gap": gap,
        "assessed_role": None if role is None else {"index": role,
                                                    "title": profile.role_list[role].title},
        "rungs": c.rungs(role),
        "stages": c.stages(),
        "findings": c.findings(),
        "actions": c.actions(target),
        "open_questions": c.open_questions(target),
        "role_fit": c.role_fit(),
        "evidence": dict(sorted(profile.evidence.items())),
        "voices": {path: _said(v) for path, v in sorted(profile.voices.items())},
    }
    result["headline"] = c.headline(result)
    if explain and reasons:
        result["explanations"] = c.explanations(result)
    return result


def explain_rules(book: Rulebook, profile: Profile, firings: list[Firing],
                  rule_ids: list[str]) -> Json:
    """The chain from facts to what these rules concluded (see `_Collator.explain`)."""
    return _Collator(book, profile, firings).explain(rule_ids)


def prepare(book: Rulebook) -> None:
    """Work out once what every assessment with this rulebook looks up (kept on the
    rulebook, so a cached rulebook carries it: see `advisor.cache`)."""
    from advisor.facts import encode_plan

    book.rule_index()
    _plan(book)
    encode_plan(book)


__all__ = ["collate", "explain_rules", "prepare", "show"]
