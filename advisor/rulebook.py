"""The YAML rulebook: strict loading, cross-checks, and compilation to an engine-neutral form.

A rule reads like this (see `rules/` and the README's "Writing rules"):

    - id: S3-green
      kind: stage
      title: Holders formally deliver part of the programme
      sources: [Fig 1.8, §1.4]
      when:
        any:
          - {fact: role.engagement.phase1, is: formal}
          - {fact: role.engagement.phase2, is: formal}
      then:
        light: {stage: 3, colour: green}

Conditions are `all` / `any` lists, `flag` / `not_flag` on derived facts,
`requirements_met: {rung, type}` (every requirement rule of a rung), and leaves
`{fact: PATH, OP: VALUE}`. `role.x` paths read one selected role (any of them; rules that
emit requirement or role flags are evaluated per role), `other_role.x` one entry of
`other_roles`, every other path the wing's sections.

Compilation turns `when` into disjunctive normal form: a list of alternatives, each a
conjunction of atoms. The engine adapter turns each alternative into one durable rule;
explanations name the atoms of the alternative that fired. Rules are stratified by the
flags they read, so negation (`not_flag`) only ever looks at finished strata.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from advisor import yamlio
from advisor.errors import InputError, RulebookError
from advisor.paths import concrete, dotted
from advisor.paths import rule_generic as generic_of
from advisor.profile import FACT_PATHS, META_FACTS, ValueSpec, did_you_mean
from advisor.shipped import shipped
from advisor.words import (
    SCALES,
    Colour,
    FindingKind,
    Function,
    Horizon,
    Owner,
)

DEFAULT_RULES_DIR = shipped("rules")

CITATION = re.compile(r"^(§\d+(\.\d+)*|Fig \d+\.\d+|App [12]|fn \d+)$")
RULE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9]*([-.][A-Za-z0-9]+)*$")
FLAG_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_-]+)*$")
MAX_ALTERNATIVES = 16
MAX_NESTING = 12  # `all` / `any` inside one another: the bundled rulebook uses 4
MAX_STRATA = 64  # rules deriving flags from flags, in a chain: the bundled rulebook uses 13


OPERATORS = ("is", "is_not", "in", "not_in", "at_least", "at_most", "above", "below",
             "not_empty")

# ---------------------------------------------------------------------------------------
# Models of a rule file
# ---------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class Light(_Strict):
    stage: int = Field(ge=1, le=6)
    colour: Colour


class Requirement(_Strict):
    rung: int = Field(ge=1, le=5)
    type: Literal["soft", "structural"]
    text: str = Field(min_length=3)


class Finding(_Strict):
    id: str
    kind: FindingKind
    text: str = Field(min_length=3)
    beside_rung: bool = False  # reports show it beside the rung (work the role did not do)


class Action(_Strict):
    id: str
    text: str = Field(min_length=3)
    owner: Owner
    horizon: Horizon | None = None
    unlocks_rung: int | None = Field(default=None, ge=1, le=5)
    stage: int | None = Field(default=None, ge=1, le=6)
    done_when: str = Field(min_length=3)
    depends_on: list[str] = Field(default_factory=list)


def horizon_at(action: Action, target: int) -> str:
    """The horizon an action falls in for a given target rung: an explicit
    horizon, else `now` up to the target rung, `next` for the rung above, `later` after."""
    if action.horizon is not None:
        return action.horizon
    rung = action.unlocks_rung
    if rung is None or rung <= target:
        return "now"
    return "next" if rung == target + 1 else "later"


def leaf_holds(op: str, operand: Any, value: Any) -> bool:
    """A fact test on an engine-encoded value (for lint, explanations and the test
    oracle; assessments are decided by the engine)."""
    if op == "is":
        return bool(value == operand)
    if op == "is_not":
        return bool(value != operand)
    if op == "in":
        return value in operand
    if op == "not_in":
        return value not in operand
    if op == "at_least":
        return bool(value >= operand)
    if op == "at_most":
        return bool(value <= operand)
    if op in ("above", "not_empty"):
        return bool(value > operand)
    if op == "below":
        return bool(value < operand)
    raise ValueError(f"unknown operator {op!r}")


class Verdict(_Strict):
    """A reason a proposal is not ready, or is ready only with conditions (the headline)."""

    level: Literal["not-ready", "conditions"]
    reason: str = Field(min_length=3)


class Then(_Strict):
    light: Light | None = None
    requirement: Requirement | None = None
    finding: Finding | None = None
    action: Action | None = None
    flag: str | None = None
    current_rung: int | None = Field(default=None, ge=0, le=5)
    target_rung: int | None = Field(default=None, ge=1, le=5)
    need: Function | None = None
    missing: Function | None = None
    supplies: Function | None = None
    aspiration_gap: bool | None = None
    verdict: Verdict | None = None


class Unmet(_Strict):
    action: Action


class Rule(_Strict):
    id: str
    kind: Literal["stage", "requirement", "ladder", "finding", "action", "fit", "headline"]
    title: str = Field(min_length=3)
    sources: list[str] = Field(min_length=1)
    per: Literal["role"] | None = None
    note: str | None = None
    when: Any
    then: Then
    unmet: Unmet | None = None


class RuleFile(_Strict):
    description: str
    rules: list[dict[str, Any]]


class CatalogueRole(_Strict):
    title: str
    paid: Literal["paid", "unpaid", "unknown"]
    induction: Literal["yes", "no", "some", "unknown"]
    single_issue: Literal["yes", "no", "some", "unknown"]
    bridging: Literal["yes", "no", "some", "unknown"]
    civic_representation: Literal["yes", "no", "some", "unknown"]
    note: str | None = None


class Catalogue(_Strict):
    description: str
    sources: list[str]
    roles: list[CatalogueRole]


class ActionableFact(_Strict):
    fact: str
    type: Literal["soft", "structural"]
    options: dict[str, int]


class Actionable(_Strict):
    description: str
    facts: list[ActionableFact]


@dataclass(frozen=True)
class Option:
    """One change `advisor path` may propose: set `fact` (a rule path) to `value`."""

    fact: str
    value: Any
    effort: int
    type: str


# A case file (`rules/cases/*.yaml`): worked cases beside the rules, run by
# `advisor.cases`. Its models live with the rulebook's, which checks every file it holds.


class CaseSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=10)
    base: str | None = None
    set: dict[str, Any] = Field(default_factory=dict)
    fires: list[str] = Field(default_factory=list)
    does_not_fire: list[str] = Field(default_factory=list)
    current_rung: int | None = Field(default=None, ge=0, le=5)
    target_rung: int | None = Field(default=None, ge=1, le=5)


class CaseFileSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    base: str
    cases: list[CaseSpec]


class Index(_Strict):
    rulebook: str
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    description: str
    files: list[str] = Field(min_length=1)
    catalogue: str
    actionable: str
    report_items: dict[str, str] = Field(min_length=1)


# ---------------------------------------------------------------------------------------
# Compiled form
# ---------------------------------------------------------------------------------------

Section = str  # fact kind: delivery, governance, ..., role, other_role, meta


@dataclass(frozen=True)
class Leaf:
    """A test on one fact path. `path` is as written (`role.engagement.phase1`)."""

    path: str
    op: str
    value: Any  # encoded for the engine: ordinals for scales, counts for lists
    shown: str  # the condition in words, for explanations

    @property
    def section(self) -> Section:
        return section_of(self.path)[0]

    @property
    def field(self) -> str:
        return section_of(self.path)[1]


@dataclass(frozen=True)
class FlagAtom:
    name: str
    negated: bool = False


@dataclass(frozen=True)
class Exists:
    """Some fact of a list section exists: `{exists: role}` (binds that role)."""

    section: Section


Atom = Leaf | FlagAtom | Exists


# What is worked out once per rulebook for a role number or role count is kept only up
# to this many roles (wings have a few), so profiles with hundreds cannot grow it.
KEPT_ROLES = 8


@dataclass(frozen=True)
class Alternative:
    atoms: tuple[Atom, ...]

    @functools.cached_property
    def leaves(self) -> tuple[Leaf, ...]:
        return tuple(a for a in self.atoms if isinstance(a, Leaf))

    @functools.cached_property
    def flags(self) -> tuple[FlagAtom, ...]:
        return tuple(a for a in self.atoms if isinstance(a, FlagAtom))

    @functools.cached_property
    def _sections(self) -> frozenset[Section]:
        out = {leaf.section for leaf in self.leaves}
        out.update(a.section for a in self.atoms if isinstance(a, Exists))
        return frozenset(out)

    @functools.cached_property
    def _owners(self) -> frozenset[str]:
        return frozenset(owner_of(s) for s in self._sections)

    @functools.cached_property
    def _paths(self) -> dict[tuple[int | None, int | None], dict[str, None]]:
        return {}

    def concrete_paths(self, role: int | None, other: int | None) -> dict[str, None]:
        """The paths the leaves test, for one binding, in order as a dict's keys (cached:
        callers never mutate it, and copy or merge it as a dict)."""
        paths = self._paths.get((role, other))
        if paths is None:
            paths = dict.fromkeys(concrete(leaf.path, role, other) for leaf in self.leaves)
            if (role or 0) < KEPT_ROLES and (other or 0) < KEPT_ROLES:
                self._paths[(role, other)] = paths  # bounded: wings have a few roles
        return paths

    def sections(self) -> frozenset[Section]:
        """Fact kinds this alternative matches a pattern on."""
        return self._sections

    def owners(self) -> frozenset[str]:
        """`role`, `other_role` or wing sections this alternative reads."""
        return self._owners


@dataclass
class CompiledRule:
    rule: Rule
    file: str
    line: int
    order: int
    alternatives: tuple[Alternative, ...]
    emits: tuple[str, ...]
    scope: Literal["role", "wing"] = "wing"
    stratum: int = 0
    generated_from: str | None = None  # for the `unmet` rule made from a requirement
    id: str = field(init=False)  # the rule's id; read in every loop of collation

    def __post_init__(self) -> None:
        self.id = self.rule.id

    def reads(self) -> set[str]:
        return {leaf.path for alt in self.alternatives for leaf in alt.leaves}


T = TypeVar("T")
_MISSING = object()


def _is_set(value: object) -> bool:
    """A `then` field given: not None, and not False for a yes/no one (rung 0 is set)."""
    return value is not None and value is not False


@dataclass(eq=False)
class Rulebook:
    index: Index
    catalogue: Catalogue
    rules: list[CompiledRule]
    directory: Path
    options: dict[str, list[Option]] = field(default_factory=dict)
    emitters: dict[str, list[CompiledRule]] = field(default_factory=dict)
    consumers: dict[str, list[tuple[CompiledRule, Alternative]]] = field(default_factory=dict)
    role_flags: set[str] = field(default_factory=set)
    #: rule id -> the names of the cases (`cases/*.yaml`) that show it firing, in file
    #: order: the worked examples reports give beside a conclusion
    examples: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.index.version

    def derived(self, key: str, make: Callable[[], T]) -> T:
        """A value worked out from the rulebook once and kept with it (so a cached
        rulebook carries it: see `advisor.cache`). `key` names it; `make` builds it."""
        known = self.__dict__.get(key, _MISSING)
        if known is _MISSING:
            known = self.__dict__[key] = make()
        return known  # type: ignore[no-any-return]

    def rule_index(self) -> dict[str, CompiledRule]:
        """Rule id -> compiled rule."""
        return self.derived("_by_id", lambda: {r.id: r for r in self.rules})

    def by_id(self, rule_id: str) -> CompiledRule:
        return self.rule_index()[rule_id]

    def producing(self, attr: str) -> list[CompiledRule]:
        """The rules whose `then` sets `attr` (`light`, `requirement`, `need`, ...), in
        rulebook order (made once: collation's per-rulebook plan is built from them)."""
        return self.derived(f"_producing.{attr}", lambda: [
            r for r in self.rules if _is_set(getattr(r.rule.then, attr))])

    def actions(self) -> Iterator[tuple[CompiledRule, Action]]:
        for r in self.rules:
            if r.rule.then.action is not None:
                yield r, r.rule.then.action

    def action_texts(self) -> dict[str, str]:
        """Action id -> what the action says, its spaces as one (made once)."""
        return self.derived("_action_texts", lambda: {
            a.id: " ".join(a.text.split()) for _, a in self.actions()})

    def read_paths(self) -> set[str]:
        return {p for r in self.rules for p in r.reads()}


# A role is asserted as several small facts joined on its index, so that no one fact
# meets more than the engine's 64 conditions: the role itself and one per sub-object.
SUBFACTS = {"role": ("functions", "training", "engagement"), "other_role": ("functions",)}


def section_of(path: str) -> tuple[Section, str]:
    """The fact kind a path is read from, and the field inside it.

    `delivery.phase1.weeks` -> (`delivery`, `phase1.weeks`); `role.recruitment` ->
    (`role`, `recruitment`); `role.engagement.phase1` -> (`role.engagement`, `phase1`).
    """
    if path in META_FACTS:
        return "meta", path
    head, _, rest = path.partition(".")
    first, _, remainder = rest.partition(".")
    if first in SUBFACTS.get(head, ()) and remainder:
        return f"{head}.{first}", remainder
    return head, rest


def owner_of(section: Section) -> str:
    """`role.engagement` -> `role`: the list entry (or wing section) a fact belongs to."""
    return section.partition(".")[0]


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------


def load_rulebook(directory: Path | None = None) -> Rulebook:
    """Load `index.yaml` and every rule file it names, check them and compile them."""
    directory = directory or DEFAULT_RULES_DIR
    index_doc = yamlio.load(directory / "index.yaml", "rule file")
    index = _model(Index, index_doc.data, index_doc, ())
    cat_doc = yamlio.load(directory / index.catalogue, "rule file")
    catalogue = _model(Catalogue, cat_doc.data, cat_doc, ())
    compiled: list[CompiledRule] = []
    seen: dict[str, str] = {}
    for name in index.files:
        doc = yamlio.load(directory / name, "rule file")
        rf = _model(RuleFile, doc.data, doc, ())
        for i, raw in enumerate(rf.rules):
            where = ("rules", i)
            rule, alternatives = _read_rule(raw, doc, where)
            line = doc.line_of(where) or 1
            if rule.id in seen:
                raise RulebookError(f"duplicate rule id {rule.id!r} (also in {seen[rule.id]})",
                                    file=doc.source, line=line, field=f"rule {rule.id}")
            seen[rule.id] = doc.source
            compiled.append(CompiledRule(rule, doc.source, line, len(compiled), alternatives,
                                         _emits(rule)))
            if rule.unmet is not None:
                compiled.append(_unmet_rule(rule, doc.source, line, len(compiled), seen))
    book = Rulebook(index, catalogue, compiled, directory)
    act_doc = yamlio.load(directory / index.actionable, "rule file")
    book.options = _options(_model(Actionable, act_doc.data, act_doc, ()), act_doc)
    _cross_check(book)
    book.examples = _examples(directory)
    return book


def _examples(directory: Path) -> dict[str, tuple[str, ...]]:
    """Rule id -> the names of the cases that show it firing. A case file that does not
    read is left out here: `advisor rules lint` and `rules test` report it."""
    out: dict[str, list[str]] = {}
    for path in sorted((directory / "cases").glob("*.yaml")):
        try:
            spec = CaseFileSpec.model_validate(yamlio.load(path, "case file").data)
        except (ValidationError, InputError):
            continue
        for case in spec.cases:
            for rule in case.fires:
                out.setdefault(rule, []).append(" ".join(case.name.split()))
    return {rule: tuple(names) for rule, names in out.items()}


def _options(actionable: Actionable, doc: yamlio.Document) -> dict[str, list[Option]]:
    out: dict[str, list[Option]] = {}
    for i, item in enumerate(actionable.facts):
        ctx = _Ctx(doc, ("facts", i), "actionable")
        spec = FACT_PATHS.get(generic_of(item.fact))
        if spec is None:
            raise ctx.fail(f"unknown fact path {item.fact!r}")
        options = []
        for raw, effort in item.options.items():
            if spec.kind == "bool":
                if raw not in ("true", "false"):
                    raise ctx.fail(f"{item.fact} takes true or false, not {raw!r}")
                value: Any = raw == "true"
            elif spec.kind == "list":
                value = [raw]
            else:
                allowed = SCALES[spec.scale] if spec.scale else spec.values
                if raw not in allowed:
                    raise ctx.fail(f"{raw!r} is not a value of {item.fact}"
                                   f"{did_you_mean(raw, allowed)}")
                value = raw
            if effort < 1:
                raise ctx.fail("an effort is a whole number of at least 1")
            options.append(Option(item.fact, value, effort, item.type))
        out[item.fact] = options
    return out


def _read_rule(raw: Any, doc: yamlio.Document,
               where: tuple[str | int, ...]) -> tuple[Rule, tuple[Alternative, ...]]:
    """One rule checked on its own: its model, id, sources and condition."""
    rule: Rule = _model(Rule, raw, doc, where)
    line = doc.line_of(where) or 1
    if not RULE_ID.match(rule.id):
        raise RulebookError(f"rule id {rule.id!r} must be letters, digits, - and .",
                            file=doc.source, line=line, field=f"rule {rule.id}")
    for src in rule.sources:
        if not CITATION.match(src):
            raise RulebookError(
                f"source {src!r} is not a report citation such as §2.4.1, Fig 1.8, "
                "App 2 or fn 11", file=doc.source,
                line=doc.line_of((*where, "sources")), field=f"rule {rule.id}")
    ctx = _Ctx(doc, (*where, "when"), rule.id)
    alternatives = tuple(Alternative(tuple(a)) for a in _dnf(rule.when, ctx))
    if len(alternatives) > MAX_ALTERNATIVES:
        raise RulebookError(f"`when` expands to {len(alternatives)} alternatives; "
                            f"at most {MAX_ALTERNATIVES}", file=doc.source,
                            line=ctx.line(), field=f"rule {rule.id}")
    return rule, alternatives


def rule_file_errors(doc: yamlio.Document) -> list[RulebookError]:
    """Every error found in one rule file checked on its own (index, catalogue, rules or
    cases). Checks across files (flags, dependencies) need the whole rulebook."""
    data = doc.data
    try:
        if not isinstance(data, dict):
            return [RulebookError("a rule file is a mapping", file=doc.source, line=1)]
        if "rulebook" in data:
            _model(Index, data, doc, ())
            return []
        if "cases" in data:
            _model(CaseFileSpec, data, doc, ())
            return []
        if "roles" in data:
            _model(Catalogue, data, doc, ())
            return []
        if "facts" in data:
            _options(_model(Actionable, data, doc, ()), doc)
            return []
        rf = _model(RuleFile, data, doc, ())
    except RulebookError as err:
        return [err]
    errors: list[RulebookError] = []
    ids: dict[str, int] = {}
    for i, raw in enumerate(rf.rules):
        try:
            rule, _ = _read_rule(raw, doc, ("rules", i))
        except RulebookError as err:
            errors.append(err)
            continue
        line = doc.line_of(("rules", i)) or 1
        if rule.id in ids:
            errors.append(RulebookError(f"duplicate rule id {rule.id!r} (also on line "
                                        f"{ids[rule.id]})", file=doc.source, line=line,
                                        field=f"rule {rule.id}"))
        ids.setdefault(rule.id, line)
    return errors


def _model(model: type[Any], data: Any, doc: yamlio.Document,
           where: tuple[str | int, ...]) -> Any:
    if not isinstance(data, dict):
        raise RulebookError(f"expected a mapping, not {type(data).__name__}", file=doc.source,
                            line=doc.line_of(where))
    try:
        return model.model_validate(data)
    except ValidationError as err:
        e = err.errors()[0]
        loc = (*where, *e["loc"])
        rule_id = data.get("id") if isinstance(data, dict) else None
        field = dotted(e["loc"]) or None
        if rule_id:
            field = f"rule {rule_id}: {field}" if field else f"rule {rule_id}"
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            allowed = list(_fields_at(model, e["loc"][:-1]))
            msg = f"unknown key {e['loc'][-1]!r}{did_you_mean(e['loc'][-1], allowed)}"
        elif e["type"] == "missing":
            msg = "is required but missing"
        raise RulebookError(msg, file=doc.source, line=doc.line_of(loc), field=field) from None


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> Iterable[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        ann = info.annotation
        args = getattr(ann, "__args__", ())
        current = next((a for a in (ann, *args) if isinstance(a, type)
                        and issubclass(a, BaseModel)), None)
        if current is None:
            return []
    return list(current.model_fields)


def _emits(rule: Rule) -> tuple[str, ...]:
    """Flags a rule's firing asserts: its own `flag`, plus the implied ones."""
    t = rule.then
    out = []
    if t.flag:
        out.append(t.flag)
    if t.light:
        out.append(f"stage{t.light.stage}.{t.light.colour}")
    if t.requirement:
        out.append(f"req.{rule.id}")
    if t.current_rung is not None:
        out.append(f"current.{t.current_rung}")
    if t.target_rung is not None and rule.per == "role":
        out.append(f"target.{t.target_rung}")  # a role's target, read by rules on that role
    if t.need:
        out.append(f"need.{t.need}")
    if t.missing:
        out.append(f"missing.{t.missing}")
    return tuple(out)


def _unmet_rule(rule: Rule, source: str, line: int, order: int,
                seen: dict[str, str]) -> CompiledRule:
    """`unmet: {action}` on a requirement: an action rule firing when no role meets it."""
    assert rule.unmet is not None and rule.then.requirement is not None
    req = rule.then.requirement
    action = rule.unmet.action
    if action.unlocks_rung is None:
        action = action.model_copy(update={"unlocks_rung": req.rung})
    gen_id = f"{rule.id}.unmet"
    seen[gen_id] = source
    generated = Rule(id=gen_id, kind="action", title=f"Unmet: {rule.title}",
                     sources=rule.sources, when={"not_flag": f"req.{rule.id}"},
                     then=Then(action=action))
    alt = Alternative((FlagAtom(f"req.{rule.id}", negated=True),))
    return CompiledRule(generated, source, line, order, (alt,), (), generated_from=rule.id)


# ---------------------------------------------------------------------------------------
# Conditions -> disjunctive normal form
# ---------------------------------------------------------------------------------------


@dataclass
class _Ctx:
    doc: yamlio.Document
    where: tuple[str | int, ...]
    rule_id: str

    def at(self, *more: str | int) -> _Ctx:
        return _Ctx(self.doc, (*self.where, *more), self.rule_id)

    def line(self) -> int | None:
        return self.doc.line_of(self.where)

    def fail(self, msg: str) -> RulebookError:
        return RulebookError(msg, file=self.doc.source, line=self.line(),
                             field=f"rule {self.rule_id}: when")


# `requirements_met` expands after all rules are read; until then it is a placeholder flag.
_REQ_PLACEHOLDER = "__requirements__"


def _dnf(cond: Any, ctx: _Ctx, depth: int = 0) -> list[list[Atom]]:
    if depth > MAX_NESTING:
        raise ctx.fail(f"conditions nested more than {MAX_NESTING} deep")
    if not isinstance(cond, dict) or not cond:
        raise ctx.fail("a condition is a mapping such as {fact: PATH, is: VALUE}, "
                       "{all: [...]}, {any: [...]}, {flag: NAME} or {not_flag: NAME}")
    if "fact" in cond:
        return [[_leaf(cond, ctx)]]
    if len(cond) != 1:
        raise ctx.fail(f"one condition per mapping, got {', '.join(map(str, cond))}")
    (key, value), = cond.items()
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise ctx.fail(f"`{key}` takes a non-empty list of conditions")
        parts = [_dnf(c, ctx.at(key, i), depth + 1) for i, c in enumerate(value)]
        if key == "any":
            return [alt for p in parts for alt in p]
        out: list[list[Atom]] = [[]]
        for p in parts:
            out = [a + b for a in out for b in p]
            if len(out) > MAX_ALTERNATIVES * 4:
                raise ctx.fail("condition too large once expanded")
        return out
    if key in ("flag", "not_flag"):
        if not isinstance(value, str) or not FLAG_NAME.match(value):
            raise ctx.fail(f"`{key}` takes a flag name such as stage3.green, not {value!r}")
        return [[FlagAtom(value, negated=key == "not_flag")]]
    if key == "exists":
        if value not in ("role", "other_role"):
            raise ctx.fail("`exists` takes role or other_role")
        return [[Exists(value)]]
    if key == "requirements_met":
        if not isinstance(value, dict) or "rung" not in value or \
                set(value) - {"rung", "type"}:
            raise ctx.fail("`requirements_met` takes {rung: N} or {rung: N, type: structural}")
        rung, kind = value["rung"], value.get("type")
        if rung not in (1, 2, 3, 4, 5) or kind not in (None, "soft", "structural"):
            raise ctx.fail("`requirements_met` needs rung 1-5 and type soft or structural")
        return [[FlagAtom(f"{_REQ_PLACEHOLDER}.{rung}.{kind or 'all'}")]]
    hint = did_you_mean(key, ["all", "any", "flag", "not_flag", "requirements_met", "fact",
                              "exists"])
    raise ctx.fail(f"unknown condition {key!r}{hint}")


def _leaf(cond: dict[str, Any], ctx: _Ctx) -> Leaf:
    path = cond["fact"]
    ops = [k for k in cond if k != "fact"]
    if not isinstance(path, str):
        raise ctx.fail(f"`fact` takes a fact path, not {path!r}")
    if len(ops) != 1:
        raise ctx.fail(f"a fact test takes one operator ({', '.join(OPERATORS)})")
    op = ops[0]
    if op not in OPERATORS:
        raise ctx.fail(f"unknown operator {op!r}{did_you_mean(op, OPERATORS)}")
    generic = generic_of(path)
    spec = FACT_PATHS.get(generic)
    head = path.partition(".")[0]
    if spec is None or head in ("roles", "other_roles"):
        known = [p.replace("roles[].", "role.").replace("other_roles[].", "other_role.")
                 for p in FACT_PATHS]
        raise ctx.fail(f"unknown fact path {path!r}{did_you_mean(path, known)}")
    return Leaf(path, op, _encode_operand(path, op, cond[op], spec, ctx),
                _shown(path, op, cond[op]))


def _shown(path: str, op: str, value: Any) -> str:
    words = {"is": "is", "is_not": "is not", "in": "is one of", "not_in": "is none of",
             "at_least": "is at least", "at_most": "is at most", "above": "is above",
             "below": "is below", "not_empty": "is not empty"}
    if op == "not_empty":
        return f"{path} is not empty"
    if isinstance(value, list):
        value = ", ".join(map(_word, value))
    return f"{path} {words[op]} {_word(value)}"


def _word(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _encode_operand(path: str, op: str, value: Any, spec: ValueSpec, ctx: _Ctx) -> Any:
    def one(v: Any) -> Any:
        if spec.kind == "bool":
            if not isinstance(v, bool):
                raise ctx.fail(f"{path} is true or false, not {v!r}")
            return v
        if spec.kind == "scale":
            assert spec.scale is not None
            scale = SCALES[spec.scale]
            if v not in scale:
                raise ctx.fail(f"{v!r} is not on the {spec.scale} scale ({', '.join(scale)})"
                               f"{did_you_mean(v, scale)}")
            return scale.index(v)
        if spec.kind == "choice":
            if v not in spec.values:
                raise ctx.fail(f"{v!r} is not one of {', '.join(spec.values)}"
                               f"{did_you_mean(v, spec.values)}")
            return v
        if spec.kind == "int":
            if not isinstance(v, int) or isinstance(v, bool):
                raise ctx.fail(f"{path} compares with a whole number, not {v!r}")
            return v
        raise ctx.fail(f"{path} cannot be compared with {op}")

    if op == "not_empty":
        if spec.kind != "list" or value is not True:
            raise ctx.fail(f"`not_empty: true` applies to list facts; {path} is not one")
        return 0
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise ctx.fail(f"`{op}` takes a non-empty list")
        return tuple(one(v) for v in value)
    if op in ("at_least", "at_most", "above", "below") and spec.kind not in ("scale", "int"):
        raise ctx.fail(f"`{op}` needs an ordered fact (a scale or a number); {path} is not")
    return one(value)


# ---------------------------------------------------------------------------------------
# Cross-checks and stratification
# ---------------------------------------------------------------------------------------


def _cross_check(book: Rulebook) -> None:

    def fail(r: CompiledRule, msg: str) -> RulebookError:
        return RulebookError(msg, file=r.file, line=r.line, field=f"rule {r.id}")

    # requirements_met placeholders -> the requirement flags of that rung
    reqs: dict[tuple[int, str], list[str]] = {}
    for r in book.rules:
        req = r.rule.then.requirement
        if req is not None:
            reqs.setdefault((req.rung, req.type), []).append(f"req.{r.id}")
            reqs.setdefault((req.rung, "all"), []).append(f"req.{r.id}")
    for r in book.rules:
        new_alts = []
        for alt in r.alternatives:
            atoms: list[Atom] = []
            for a in alt.atoms:
                if isinstance(a, FlagAtom) and a.name.startswith(_REQ_PLACEHOLDER):
                    _, rung, kind = a.name.rsplit(".", 2)
                    # a rung with no requirements of the kind asked holds vacuously
                    atoms.extend(FlagAtom(n) for n in reqs.get((int(rung), kind), []))
                else:
                    atoms.append(a)
            if not atoms:
                raise fail(r, "`when` asks for nothing once requirements_met is expanded "
                              "(that rung has no requirements of that kind)")
            new_alts.append(Alternative(tuple(atoms)))
        r.alternatives = tuple(new_alts)

    for r in book.rules:
        for name in r.emits:
            book.emitters.setdefault(name, []).append(r)
    for r in book.rules:
        for alt in r.alternatives:
            for a in alt.flags:
                book.consumers.setdefault(a.name, []).append((r, alt))
                if a.name not in book.emitters:
                    raise fail(r, f"flag {a.name!r} is emitted by no rule"
                                  f"{did_you_mean(a.name, list(book.emitters))}")

    # scope: `per: role` rules are evaluated for each role and emit that role's flags;
    # in every other rule a role flag means "some role has it" (or, negated, "none has").
    for r in book.rules:
        if r.rule.per == "role":
            r.scope = "role"
            book.role_flags.update(r.emits)
    for r in book.rules:
        if r.scope == "role" and not all(_binds_role(a, book.role_flags)
                                         for a in r.alternatives):
            raise fail(r, "`per: role` needs every alternative to test role facts or "
                          "role flags")

    _stratify(book, fail)
    _check_outputs(book)

    actions: dict[str, CompiledRule] = {}
    for r, action in book.actions():
        other = actions.get(action.id)
        if other is not None and other.rule.then.action != action:
            raise fail(r, f"action {action.id!r} is also defined, differently, by rule "
                          f"{other.id}")
        actions[action.id] = r
    for r, action in book.actions():
        for dep in action.depends_on:
            if dep not in actions:
                raise fail(r, f"depends_on names no action: {dep!r}"
                              f"{did_you_mean(dep, list(actions))}")
    _check_cycles(book, actions, fail)
    # findings and actions share one list of ids in the JSON and in `explain`: one id,
    # one thing
    for r in book.rules:
        finding = r.rule.then.finding
        if finding is not None and finding.id in actions:
            raise fail(r, f"finding id {finding.id!r} is also an action's id (rule "
                          f"{actions[finding.id].id}); give one of them another id")
    for r in book.rules:
        if r.rule.kind in ("action",) and r.rule.then.action is None:
            raise fail(r, "an action rule needs `then: {action: ...}`")


def _check_outputs(book: Rulebook) -> None:
    """Every assessment needs a light for each stage and a current and a target rung: a
    rulebook that cannot give them is refused when it loads, not on every profile."""
    lights = {r.rule.then.light.stage for r in book.rules if r.rule.then.light is not None}
    lacking = [f"a light for stage {n}" for n in range(1, 7) if n not in lights]
    for attr, words in (("current_rung", "a current rung"), ("target_rung", "a target rung")):
        if not any(getattr(r.rule.then, attr) is not None for r in book.rules):
            lacking.append(words)
    if lacking:
        first = book.rules[0] if book.rules else None
        raise RulebookError("the rulebook gives no rule for " + ", ".join(lacking),
                            file=first.file if first else str(book.directory),
                            line=None, field="rulebook")


def _binds_role(alt: Alternative, role_flags: set[str]) -> bool:
    return "role" in alt.owners() or any(
        isinstance(a, FlagAtom) and not a.negated and a.name in role_flags for a in alt.atoms)


def _stratify(book: Rulebook, fail: Any) -> None:
    """Each rule runs one stratum after every rule emitting a flag it reads."""
    state: dict[str, int] = {}  # 0 visiting, 1 done
    strata: dict[str, int] = {}

    def visit(r: CompiledRule, chain: list[str]) -> int:
        if state.get(r.id) == 1:
            return strata[r.id]
        if state.get(r.id) == 0:
            raise fail(r, "flags depend on each other in a cycle: " + " -> ".join(chain))

        state[r.id] = 0
        level = 0
        for alt in r.alternatives:
            for a in alt.flags:
                for e in book.emitters[a.name]:
                    level = max(level, visit(e, [*chain, e.id]) + 1)
        if level > MAX_STRATA:
            raise fail(r, f"flags are derived from flags more than {MAX_STRATA} rules deep; "
                          "the engine cannot run so long a chain")
        state[r.id] = 1
        strata[r.id] = level
        r.stratum = level
        return level

    for r in book.rules:
        visit(r, [r.id])


def _check_cycles(book: Rulebook, actions: dict[str, CompiledRule], fail: Any) -> None:
    graph = {aid: r.rule.then.action.depends_on for aid, r in actions.items()
             if r.rule.then.action is not None}
    colour: dict[str, int] = {}  # 1 on the path being walked, 2 done
    for start in sorted(graph):
        if colour.get(start):
            continue
        # depth first without recursion: a chain of any length is walked
        path: list[str] = [start]
        todo: list[list[str]] = [list(graph.get(start, ()))]
        colour[start] = 1
        while todo:
            if not todo[-1]:
                colour[path.pop()] = 2
                todo.pop()
                continue
            dep = todo[-1].pop(0)
            if colour.get(dep) == 1:
                raise fail(actions[dep], "depends_on forms a cycle: " + " -> ".join(
                    [*path[path.index(dep):], dep]))
            if colour.get(dep) == 2:
                continue
            colour[dep] = 1
            path.append(dep)
            todo.append(list(graph.get(dep, ())))
