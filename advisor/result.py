"""The assessment object, typed: what `advisor.collate.collate` returns and every renderer
reads, key by key, as docs/output.md describes it (JSON output version 1).

These are TypedDicts rather than classes, because the object *is* the JSON: built once,
written with orjson as it stands, and read by renderers as plain data; mypy checks every
key a module builds or reads against them.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict, get_args


class ProfileRef(TypedDict):
    prison: str
    wing: str
    kind: str
    roles: list[str]  # the selected roles' titles, in the profile's order
    other_roles: list[str]
    file: str | None  # the profile's file name when it was read from a file


class Assessed(TypedDict):
    on: str
    by: str


class RulebookRef(TypedDict):
    version: str
    rules: int


class Lights(TypedDict):
    green: int
    orange: int
    red: int


Verdict = Literal["ready", "ready-with-conditions", "not-ready"]
#: a proposal's verdicts, readiest first
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)


class Headline(TypedDict):
    verdict: Verdict | None
    reasons: list[str]
    summary: list[str]
    lights: Lights
    top_actions: list[str]
    top_questions: list[str]


class AssessedRole(TypedDict):
    index: int
    title: str


class Unmet(TypedDict):
    requirement: str
    kind: str  # soft | structural
    text: str
    because: list[str]


class Rung(TypedDict):
    rung: int
    name: str
    met: bool
    unmet: list[Unmet]


class Stage(TypedDict):
    stage: int
    source: str  # micro | meso | macro
    light: str  # green | orange | red
    rule: str
    because: list[str]
    sources: list[str]


class Finding(TypedDict):
    id: str
    kind: str
    text: str
    rule: str
    because: list[str]
    sources: list[str]
    beside_rung: bool


class Action(TypedDict):
    id: str
    text: str
    horizon: str  # now | next | later
    owner: str
    unlocks_rung: int | None
    stage: int | None
    depends_on: list[str]
    done_when: str
    rule: str
    because: list[str]
    sources: list[str]


class OpenQuestion(TypedDict):
    fact: str
    question: str
    rank: int
    could_change: list[str]


class Candidate(TypedDict):
    title: str
    supplies: list[str]
    on_wing: bool


class RoleFit(TypedDict):
    needed: list[str]
    missing: list[str]
    candidates: list[Candidate]


class Assessment(TypedDict):
    """The whole object. Every key is always there but `explanations`, which summaries
    leave out."""

    output_version: int
    profile: ProfileRef
    assessed: Assessed | None
    rulebook: RulebookRef
    headline: Headline
    current_rung: int
    target_rung: int
    aspiration_rung: int | None
    aspiration_gap: bool | None
    assessed_role: AssessedRole | None
    rungs: list[Rung]
    stages: list[Stage]
    findings: list[Finding]
    actions: list[Action]
    open_questions: list[OpenQuestion]
    role_fit: RoleFit
    evidence: dict[str, str]
    voices: dict[str, dict[str, str]]
    explanations: NotRequired[dict[str, Any]]
