"""Reading the rulebook as people do: list, show in plain words, lint, and coverage of the
report items (BRIEF §4). The CLI renders what these functions return."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from advisor.cases import Case, load_cases, run_case
from advisor.paths import rule_generic as generic_of
from advisor.profile import FACT_PATHS
from advisor.render.words import TERMS
from advisor.rulebook import (
    Alternative,
    CompiledRule,
    FlagAtom,
    Leaf,
    Rulebook,
    horizon_at,
    leaf_holds,
)
from advisor.words import HORIZONS, SCALES

# -- list and show --------------------------------------------------------------------


def list_rules(book: Rulebook, kind: str | None = None,
               source: str | None = None) -> list[CompiledRule]:
    """Rules in rulebook order, filtered by kind and by a cited section (prefix match:
    `§2.4` finds `§2.4.1`)."""
    out = []
    for r in book.rules:
        if kind and r.rule.kind != kind:
            continue
        if source and not any(_cites(s, source) for s in r.rule.sources):
            continue
        out.append(r)
    return out


def _cites(cited: str, wanted: str) -> bool:
    return cited == wanted or cited.startswith(wanted + ".")


def describe_condition(rule: CompiledRule) -> list[str]:
    """The rule's `when`, one line per alternative, in words."""
    return [_describe_alt(alt, rule) for alt in rule.alternatives]


def _describe_alt(alt: Alternative, rule: CompiledRule) -> str:
    parts: list[str] = []
    for atom in alt.atoms:
        if isinstance(atom, Leaf):
            parts.append(atom.shown)
        elif isinstance(atom, FlagAtom):
            who = "this role has" if rule.scope == "role" else "some role or the wing has"
            if atom.name.startswith("req."):
                text = f"requirement {atom.name[4:]} is met"
                parts.append(f"not ({text})" if atom.negated else text)
            elif atom.negated:
                parts.append(f"no rule has derived {atom.name}")
            else:
                parts.append(f"{who} derived {atom.name}" if rule.scope == "role"
                             else f"{atom.name} was derived")
        else:
            parts.append(f"a {atom.section.replace('_', ' ')} is selected")
    return " and ".join(parts) or "always"


def describe_terms(rule: CompiledRule) -> list[str]:
    """What the words in the rule's output mean: soft and structural for a requirement,
    and the target and the aspiration its rung counts toward."""
    t = rule.rule.then
    if t.requirement:
        words = ["soft", "structural", "target", "aspiration"]
    elif t.target_rung is not None or t.aspiration_gap:
        words = ["target", "aspiration"]
    else:
        words = []
    return [f"{word} means {TERMS[word]}" for word in words]


def describe_output(rule: CompiledRule, *, terms: bool = True) -> list[str]:
    """What the rule gives when it fires, in words; with `terms`, what its words mean."""
    t = rule.rule.then
    out = []
    if t.light:
        out.append(f"stage {t.light.stage} light: {t.light.colour}")
    if t.requirement:
        out.append(f"rung {t.requirement.rung} {t.requirement.type} requirement: "
                   f"{t.requirement.text}")
    if t.finding:
        out.append(f"finding {t.finding.id} ({t.finding.kind}): {' '.join(t.finding.text.split())}")
    if t.action:
        a = t.action
        out.append(f"action {a.id} (owner: {a.owner}; "
                   f"{'horizon ' + a.horizon if a.horizon else 'for rung ' + str(a.unlocks_rung)})"
                   f": {' '.join(a.text.split())}")
        out.append(f"done when: {a.done_when}")
        if a.depends_on:
            out.append(f"after: {', '.join(a.depends_on)}")
    if t.current_rung is not None:
        out.append(f"current rung {t.current_rung}")
    if t.target_rung is not None:
        out.append(f"target rung {t.target_rung}")
    for key in ("need", "missing", "supplies"):
        if getattr(t, key):
            out.append(f"role fit: {key} {getattr(t, key)}")
    if t.aspiration_gap:
        out.append("aspiration gap")
    out += [f"derives {name}" for name in rule.emits]
    return out + describe_terms(rule) if terms else out


# -- lint -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    level: Literal["error", "warning"]
    where: str
    message: str

    def line(self) -> str:
        return f"{self.where}: {self.level}: {self.message}"


def lint(book: Rulebook, *, cases: bool = True) -> list[Problem]:
    """Static checks beyond what loading refuses (loading errors are errors too), and,
    with `cases`, the rule cases (`case_problems`)."""
    problems: list[Problem] = []
    problems += _unread_facts(book)
    problems += _dead_rules(book)
    problems += _unreachable_rungs(book)
    problems += _actions(book)
    if cases:
        problems += case_problems(book)
    return problems


def shown(file: str | Path) -> str:
    """A file as a report names it: relative to the working folder when inside it."""
    path = Path(file)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _where(r: CompiledRule) -> str:
    return f"{shown(r.file)}:{r.line}: rule {r.id}"


# -- the rule cases -------------------------------------------------------------------


def case_problems(book: Rulebook) -> list[Problem]:
    """Every rule case run against the rulebook: each expectation that fails (at the
    case's line, naming the case), a case naming no rule (with did-you-mean), and a rule
    without a case where it fires or one where it does not (at the rule's line)."""
    cases = load_cases(book)
    out: list[Problem] = []
    for case in cases:
        for failure in run_case(case, book).failures:
            line = case.rule_lines.get(failure.rule or "", case.line)
            where = f"{shown(case.file)}:{line}"
            if failure.rule is not None:
                where += f": rule {failure.rule}"
            out.append(Problem("error", where, f"case '{case.name}': {failure.message}"))
    return out + uncovered_rules(book, cases)


def uncovered_rules(book: Rulebook, cases: Iterable[Case]) -> list[Problem]:
    """Rules lacking a case where they fire, or one where they do not."""
    named = list(cases)
    fires = {r for c in named for r in c.spec.fires}
    quiet = {r for c in named for r in c.spec.does_not_fire}
    out = []
    for r in book.rules:
        lacking = [what for what, have in (("fires", fires), ("does not fire", quiet))
                   if r.id not in have]
        if lacking:
            out.append(Problem("error", _where(r), "no case where it "
                                                   + " and none where it ".join(lacking)))
    return out


def _unread_facts(book: Rulebook) -> list[Problem]:
    """Facts no rule reads, leaving out text and the facts the model marks descriptive
    (context for a reader: `advisor.profile.Descriptive`)."""
    read = {generic_of(p) for p in book.read_paths()}
    read.update(source for path in list(read) for source in FACT_PATHS[path].derived_from)
    return [Problem("warning", "profile", f"no rule reads the fact {path}")
            for path, spec in FACT_PATHS.items()
            if path not in read and spec.kind != "text" and not spec.descriptive]


def _domain(leaf: Leaf) -> set[Any] | None:
    spec = FACT_PATHS[generic_of(leaf.path)]
    if spec.kind == "bool":
        return {True, False}
    if spec.kind == "scale":
        assert spec.scale is not None
        return set(range(len(SCALES[spec.scale])))
    if spec.kind == "choice":
        return set(spec.values)
    if spec.kind in ("int", "list"):
        return set(range(spec.high + 2 if spec.kind == "int" else 3))
    return None


def _holds(leaf: Leaf, v: Any) -> bool:
    return leaf_holds(leaf.op, leaf.value, v)


def alternative_is_contradictory(alt: Alternative) -> str | None:
    """Why no profile can satisfy this alternative, or None."""
    names = {(a.name, a.negated) for a in alt.flags}
    for name, negated in names:
        if not negated and (name, True) in names:
            return f"both needs and forbids {name}"
    by_path: dict[str, list[Leaf]] = {}
    for leaf in alt.leaves:
        by_path.setdefault(leaf.path, []).append(leaf)
    for path, leaves in by_path.items():
        domain = _domain(leaves[0])
        if domain is not None and not any(all(_holds(lf, v) for lf in leaves) for v in domain):
            return f"no value of {path} satisfies {'; '.join(lf.shown for lf in leaves)}"
    return None


def _dead_rules(book: Rulebook) -> list[Problem]:
    out = []
    for r in book.rules:
        reasons = [alternative_is_contradictory(a) for a in r.alternatives]
        if all(reasons):
            out.append(Problem("error", _where(r), f"can never fire: {reasons[0]}"))
        else:
            out += [Problem("warning", _where(r), f"alternative {n + 1} can never hold: {why}")
                    for n, why in enumerate(reasons) if why]
    return out


def _unreachable_rungs(book: Rulebook) -> list[Problem]:
    out = []
    dead = {r.id for r in book.rules
            if all(alternative_is_contradictory(a) for a in r.alternatives)}
    for rung in range(1, 6):
        reqs = [r for r in book.rules if r.rule.then.requirement is not None
                and r.rule.then.requirement.rung <= rung]
        blocked = [r.id for r in reqs if r.id in dead]
        current = [r for r in book.rules if r.rule.then.current_rung == rung
                   and r.id not in dead]
        if blocked:
            out.append(Problem("error", "ladder", f"rung {rung} is unreachable: "
                                                  f"{', '.join(blocked)} can never be met"))
        elif not current:
            out.append(Problem("error", "ladder", f"rung {rung} is unreachable: no rule "
                                                  f"sets the current rung to {rung}"))
    return out


def _actions(book: Rulebook) -> list[Problem]:
    out = []
    actions = {a.id: (r, a) for r, a in book.actions()}
    for r, a in book.actions():
        if a.horizon is None and a.unlocks_rung is None:
            out.append(Problem("error", _where(r), f"action {a.id} has neither a horizon nor "
                                                   "a rung it unlocks"))
        for dep in a.depends_on:
            if dep not in actions:
                continue
            d = actions[dep][1]
            late = [t for t in range(1, 6)
                    if HORIZONS.index(horizon_at(d, t)) > HORIZONS.index(horizon_at(a, t))]
            if late:
                out.append(Problem(
                    "error", _where(r),
                    f"action {a.id} depends on {dep}, which falls in a later horizon "
                    f"(for target rung {late[0]}: {horizon_at(d, late[0])} after "
                    f"{horizon_at(a, late[0])})"))
    return out


# -- coverage -------------------------------------------------------------------------


@dataclass
class ItemCoverage:
    item: str
    section: str
    rules: list[str] = field(default_factory=list)
    fires_on: list[str] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return bool(self.rules) and bool(self.fires_on)


def encodes(rule: CompiledRule, item: str, section: str) -> bool:
    """A rule encodes a report item when it emits a finding or action with the item's id
    (or a more specific `ID-suffix` id) and cites the item's section."""
    t = rule.rule.then
    ids = [x.id for x in (t.finding, t.action) if x is not None]
    if not any(i == item or i.startswith(item + "-") for i in ids):
        return False
    return any(_cites(s, section) for s in rule.rule.sources)


def coverage(book: Rulebook, runs: Iterable[tuple[str, set[str]]]) -> list[ItemCoverage]:
    """For each report item: the rules encoding it and the named runs (profiles, cases)
    on which one of them fired. `runs` yields (name, rule ids that fired)."""
    items = [ItemCoverage(i, s) for i, s in book.index.report_items.items()]
    for cov in items:
        cov.rules = [r.id for r in book.rules if encodes(r, cov.item, cov.section)]
    for name, fired in runs:
        for cov in items:
            if fired & set(cov.rules):
                cov.fires_on.append(name)
    return items
