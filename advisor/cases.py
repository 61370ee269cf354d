"""Worked cases beside the rules (`rules/cases/*.yaml`).

A case file names a base profile (a file in `profiles/`, or `minimal`) and a list of
cases. Each case has a name a trainer could read aloud, optional changes (`set:` fact
path -> value), and what it expects: rules that fire, rules that do not, and optionally
the current and target rung. The same cases are pytest items and appear in
`advisor rules show`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from advisor import yamlio
from advisor.errors import RulebookError
from advisor.paths import dotted, set_in
from advisor.profile import Profile, did_you_mean, profile_errors, profile_from_document
from advisor.rulebook import CaseFileSpec, CaseSpec, Rulebook
from advisor.shipped import shipped

PROFILES_DIR = shipped("profiles")
MINIMAL: dict[str, Any] = {"profile_version": 2, "kind": "proposal",
                           "site": {"prison": "HMP Example"}, "wing": {"name": "A wing"}}


@dataclass
class Case:
    spec: CaseSpec
    base: str
    file: Path
    line: int
    # the line of each rule id the case names (its first mention), for FILE:LINE reports
    rule_lines: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    def profile(self) -> Profile:
        """The case's profile; a `set` that makes no valid profile is the case file's
        error (exit 2), naming the case."""
        data = self.data()
        try:
            return Profile.model_validate(data)
        except ValidationError as err:
            first = profile_errors(err, yamlio.Document(data, str(self.file)))[0]
            raise RulebookError(f"case '{self.name}' makes an invalid profile: "
                                f"{first.field + ': ' if first.field else ''}{first.message}",
                                file=str(self.file), line=self.line) from None

    def data(self) -> dict[str, Any]:
        base = self.spec.base or self.base
        if base == "minimal":
            data = copy.deepcopy(MINIMAL)
        else:
            doc = yamlio.load(PROFILES_DIR / base, "profile")
            profile_from_document(doc)  # a broken base profile is reported as such
            data = doc.data
        for path, value in self.spec.set.items():
            try:
                set_in(data, path, value)
            except (KeyError, IndexError, TypeError, ValueError):
                raise RulebookError(f"case '{self.name}' sets {path}, which its base "
                                    f"profile {base} has no place for",
                                    file=str(self.file), line=self.line) from None
        return data


@dataclass(frozen=True)
class Failure:
    """One expectation of a case that does not hold: the rule it concerns (None for a
    rung) and what went wrong."""

    rule: str | None
    message: str


@dataclass
class CaseResult:
    case: Case
    fired: set[str]
    current_rung: int
    target_rung: int
    failures: list[Failure] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """The failures as the short diagnosis a pytest item shows."""
        return [f.message for f in self.failures]


def load_cases(book: Rulebook) -> list[Case]:
    """Every case in the rulebook's `cases/` folder, in file order."""
    out: list[Case] = []
    for path in sorted((book.directory / "cases").glob("*.yaml")):
        doc = yamlio.load(path, "case file")
        try:
            spec = CaseFileSpec.model_validate(doc.data)
        except ValidationError as err:
            e = err.errors()[0]
            raise RulebookError(e["msg"], file=str(path), line=doc.line_of(tuple(e["loc"])),
                                field=dotted(tuple(e["loc"]))) from None
        for i, case in enumerate(spec.cases):
            line = doc.line_of(("cases", i)) or 1
            lines: dict[str, int] = {}
            for key in ("fires", "does_not_fire"):
                for j, rule in enumerate(getattr(case, key)):
                    lines.setdefault(rule, doc.line_of(("cases", i, key, j)) or line)
            out.append(Case(case, spec.base, path, line, lines))
    return out


def run_case(case: Case, book: Rulebook) -> CaseResult:
    """Assess the case's profile and compare with what it expects."""
    from advisor.collate import collate
    from advisor.engine import engine_for

    profile = case.profile()
    firings = engine_for(book).run(profile)
    result = collate(book, profile, firings)
    fired = {f.rule for f in firings if not f.maybe}
    out = CaseResult(case, fired, result["current_rung"], result["target_rung"])
    known = [r.id for r in book.rules]
    spec = case.spec
    fail = out.failures.append
    for r in dict.fromkeys([*spec.fires, *spec.does_not_fire]):
        if r not in book.rule_index():
            fail(Failure(r, f"no such rule {r}{did_you_mean(r, known)}"))
    for r in spec.fires:
        if r in book.rule_index() and r not in fired:
            fail(Failure(r, f"expected {r} to fire; it did not"))
    for r in spec.does_not_fire:
        if r in fired:
            fail(Failure(r, f"expected {r} not to fire; it did"))
    if spec.current_rung is not None and spec.current_rung != out.current_rung:
        fail(Failure(None, f"expected current rung {spec.current_rung}; got "
                           f"{out.current_rung}"))
    if spec.target_rung is not None and spec.target_rung != out.target_rung:
        fail(Failure(None, f"expected target rung {spec.target_rung}; got "
                           f"{out.target_rung}"))
    return out
