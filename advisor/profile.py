"""Site profile, format v2 (`docs/profile.md`), as strict pydantic v2 models. Version 1
files still load: `UPGRADES` brings them to version 2 in memory.

Every fact accepts `unknown`, and a missing optional fact *is* `unknown`. Values are
checked by small validators of our own rather than pydantic unions, so a tired user sees
one clear sentence ("'formall' is not one of ... (did you mean 'formal'?)") instead of
one error per union member.

The ordered scales (none < planned < informal < formal, ...) and the choices are the
domain's words, declared once in `advisor.words`.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from advisor import yamlio
from advisor.errors import ProfileError
from advisor.paths import dotted, steps
from advisor.paths import generic as generic_path
from advisor.words import CHOICES, SCALES, UNKNOWN

CURRENT_VERSION = 2


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 only adds optional facts (missing means unknown), so a v1 file's data is
    already v2 data once its version says so (`upgrade_data` sets it)."""
    return data


# Upgrades from version N to N + 1, applied in turn to plain data before validation, so a
# v1 file stays readable forever.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}

def did_you_mean(word: object, options: tuple[str, ...] | list[str]) -> str:
    """` (did you mean 'x'?)` for a near miss, else an empty string."""
    if not isinstance(word, str):
        return ""
    import difflib  # only ever needed for an error message

    close = difflib.get_close_matches(word.lower(), [o.lower() for o in options], n=1,
                                      cutoff=0.6)
    if not close:
        return ""
    original = next(o for o in options if o.lower() == close[0])
    return f" (did you mean {original!r}?)"


def _show(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"a number {len(hex(abs(value))) - 2} hex digits long"  # str() has a limit
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


# ---------------------------------------------------------------------------------------
# Value types. Each is an Annotated type with one validator and its JSON schema.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueSpec:
    """What one fact accepts; the compiler and schema generator read these."""

    kind: Literal["bool", "scale", "choice", "int", "list", "choices", "text", "date"]
    values: tuple[str, ...] = ()
    scale: str | None = None
    low: int = 0
    high: int = 0
    # a derived fact (no key of its own in a profile): the facts it is worked out from
    derived_from: tuple[str, ...] = ()
    # why the fact describes the wing for a reader and no rule need read it (a field's
    # `Descriptive` mark); `advisor rules lint` warns of any other fact no rule reads
    descriptive: str = ""


@dataclass(frozen=True)
class Descriptive:
    """Marks a field as descriptive (`Annotated[Tri, Descriptive("why")]`): context for
    a reader, from which the study draws no light, rung or action."""

    reason: str


def _tri(v: Any) -> bool | str:
    if isinstance(v, bool) or v == UNKNOWN:
        return v  # type: ignore[no-any-return]
    hint = ""
    if isinstance(v, str) and v.lower() in ("yes", "y", "no", "n", "on", "off", "true", "false"):
        hint = f" (did you mean {'true' if v.lower() in ('yes', 'y', 'on', 'true') else 'false'}?)"
    elif isinstance(v, str):
        hint = did_you_mean(v, ["true", "false", UNKNOWN])
    raise PydanticCustomError("tri", "{got} is not true, false or unknown{hint}",
                              {"got": _show(v), "hint": hint})


def _word(options: tuple[str, ...]) -> Callable[[Any], str]:
    allowed = (*options, UNKNOWN)

    def check(v: Any) -> str:
        if isinstance(v, str) and v in allowed:
            return v
        raise PydanticCustomError(
            "choice", "{got} is not one of {allowed}{hint}",
            {"got": _show(v), "allowed": ", ".join(allowed), "hint": did_you_mean(v, allowed)})

    return check


def _count(low: int, high: int) -> Callable[[Any], int | str]:
    def check(v: Any) -> int | str:
        if v == UNKNOWN:
            return UNKNOWN
        if isinstance(v, int) and not isinstance(v, bool) and low <= v <= high:
            return v
        if isinstance(v, int) and not isinstance(v, bool):
            raise PydanticCustomError("range", "{got} is out of range: give {low} to {high}",
                                      {"got": _show(v), "low": low, "high": high})
        raise PydanticCustomError(
            "count", "{got} is not a whole number from {low} to {high}, or unknown",
            {"got": _show(v), "low": low, "high": high})

    return check


# Characters text may not hold: control characters but tab and newline (an escape sequence
# could clear a terminal, retitle it or write to its clipboard), and the bidirectional
# overrides and isolates that make text read otherwise than it is stored.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Characters that show nothing: a name made only of these looks empty.
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060-\u2064\ufeff\u180e\u00ad]*")


def _text(max_len: int) -> Callable[[Any], str]:
    def check(v: Any) -> str:
        if isinstance(v, str) and (bad := _FORBIDDEN.search(v)):
            raise PydanticCustomError(
                "text", "holds the control character U+{code}, which text may not hold",
                {"code": f"{ord(bad.group()):04X}"})
        if isinstance(v, str) and _INVISIBLE.fullmatch(v) and v:
            raise PydanticCustomError("text", "is only invisible characters", {})
        if isinstance(v, str) and v.strip() and len(v) <= max_len:
            return v
        if isinstance(v, str) and len(v) > max_len:
            raise PydanticCustomError("text", "is {n} characters long; at most {max} allowed",
                                      {"n": len(v), "max": max_len})
        raise PydanticCustomError("text", "{got} is not a piece of text", {"got": _show(v)})

    return check


def _words_list(options: tuple[str, ...]) -> Callable[[Any], list[str] | str]:
    def check(v: Any) -> list[str] | str:
        if v == UNKNOWN:
            return UNKNOWN
        if not isinstance(v, list):
            raise PydanticCustomError("list", "{got} is not a list of {allowed}, or unknown",
                                      {"got": _show(v), "allowed": ", ".join(options)})
        for item in v:
            if not (isinstance(item, str) and item in options):
                raise PydanticCustomError(
                    "choice", "{got} is not one of {allowed}{hint}",
                    {"got": _show(item), "allowed": ", ".join(options),
                     "hint": did_you_mean(item, options)})
        return list(v)

    return check


def _texts_list(max_items: int, max_len: int) -> Callable[[Any], list[str] | str]:
    one = _text(max_len)

    def check(v: Any) -> list[str] | str:
        if v == UNKNOWN:
            return UNKNOWN
        if not isinstance(v, list):
            raise PydanticCustomError("list", "{got} is not a list of text, or unknown",
                                      {"got": _show(v)})
        if len(v) > max_items:
            raise PydanticCustomError("list", "has {n} items; at most {max} allowed",
                                      {"n": len(v), "max": max_items})
        return [one(item) for item in v]

    return check


_UNKNOWN_SCHEMA = {"const": UNKNOWN}


def _scale_schema(scale: str) -> WithJsonSchema:
    return WithJsonSchema({"enum": [*SCALES[scale], UNKNOWN]})


def _choice_schema(name: str) -> WithJsonSchema:
    return WithJsonSchema({"enum": [*CHOICES[name], UNKNOWN]})


def _count_schema(low: int, high: int) -> WithJsonSchema:
    return WithJsonSchema({"anyOf": [{"type": "integer", "minimum": low, "maximum": high},
                                     _UNKNOWN_SCHEMA]})


Tri = Annotated[bool | Literal["unknown"], PlainValidator(_tri),
                WithJsonSchema({"anyOf": [{"type": "boolean"}, _UNKNOWN_SCHEMA]}),
                ValueSpec("bool")]
EngagementLevel = Annotated[str, PlainValidator(_word(SCALES["engagement"])),
                            _scale_schema("engagement"),
                            ValueSpec("scale", SCALES["engagement"], scale="engagement")]
FeedbackRole = Annotated[str, PlainValidator(_word(SCALES["feedback_role"])),
                         _scale_schema("feedback_role"),
                         ValueSpec("scale", SCALES["feedback_role"], scale="feedback_role")]
Supervision = Annotated[str, PlainValidator(_word(SCALES["supervision"])),
                        _scale_schema("supervision"),
                        ValueSpec("scale", SCALES["supervision"], scale="supervision")]
Progression = Annotated[str, PlainValidator(_word(SCALES["progression"])),
                        _scale_schema("progression"),
                        ValueSpec("scale", SCALES["progression"], scale="progression")]
GuestLevel = Annotated[str, PlainValidator(_word(SCALES["guest"])), _scale_schema("guest"),
                       ValueSpec("scale", SCALES["guest"], scale="guest")]
FunctionLevel = Annotated[str, PlainValidator(_word(SCALES["function"])),
                          _scale_schema("function"),
                          ValueSpec("scale", SCALES["function"], scale="function")]
DecidesWithStaff = Annotated[str, PlainValidator(_word(SCALES["decides"])),
                             _scale_schema("decides"),
                             ValueSpec("scale", SCALES["decides"], scale="decides")]
Initiative = Annotated[str, PlainValidator(_word(SCALES["initiative"])),
                       _scale_schema("initiative"),
                       ValueSpec("scale", SCALES["initiative"], scale="initiative")]
Recruitment = Annotated[str, PlainValidator(_word(CHOICES["recruitment"])),
                        _choice_schema("recruitment"),
                        ValueSpec("choice", CHOICES["recruitment"])]
ProfileKind = Annotated[str, PlainValidator(_word(CHOICES["kind"])), _choice_schema("kind"),
                        ValueSpec("choice", CHOICES["kind"])]
Categories = Annotated[list[str] | Literal["unknown"],
                       PlainValidator(_words_list(CHOICES["category"])),
                       WithJsonSchema({"anyOf": [{"type": "array",
                                                  "items": {"enum": list(CHOICES["category"])}},
                                                 _UNKNOWN_SCHEMA]}),
                       ValueSpec("choices", CHOICES["category"])]
ResidentGroups = Annotated[list[str] | Literal["unknown"],
                           PlainValidator(_words_list(CHOICES["residents"])),
                           WithJsonSchema({"anyOf": [{"type": "array", "items": {
                               "enum": list(CHOICES["residents"])}}, _UNKNOWN_SCHEMA]}),
                           ValueSpec("choices", CHOICES["residents"])]
Name = Annotated[str, PlainValidator(_text(200)),
                 WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 200}),
                 ValueSpec("text")]
Note = Annotated[str, PlainValidator(_text(1000)),
                 WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 1000})]
TextList = Annotated[list[str] | Literal["unknown"], PlainValidator(_texts_list(50, 300)),
                     WithJsonSchema({"anyOf": [{"type": "array", "items": {"type": "string"},
                                                "maxItems": 50}, _UNKNOWN_SCHEMA]}),
                     ValueSpec("list")]
Population = Annotated[int | Literal["unknown"], PlainValidator(_count(1, 100_000)),
                       _count_schema(1, 100_000), ValueSpec("int", low=1, high=100_000)]
Beds = Annotated[int | Literal["unknown"], PlainValidator(_count(1, 10_000)),
                 _count_schema(1, 10_000), ValueSpec("int", low=1, high=10_000)]
Weeks = Annotated[int | Literal["unknown"], PlainValidator(_count(0, 104)),
                  _count_schema(0, 104), ValueSpec("int", low=0, high=104)]
GroupSize = Annotated[int | Literal["unknown"], PlainValidator(_count(0, 100)),
                      _count_schema(0, 100), ValueSpec("int", low=0, high=100)]
Holders = Annotated[int | Literal["unknown"], PlainValidator(_count(0, 1000)),
                    _count_schema(0, 1000), ValueSpec("int", low=0, high=1000)]


def _date(extra: tuple[str, ...] = ()) -> Callable[[Any], str]:
    words = (*extra, UNKNOWN)

    def check(v: Any) -> str:
        if isinstance(v, str) and v in words:
            return v
        if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            try:
                datetime.date.fromisoformat(v)
            except ValueError:
                pass
            else:
                return v
        also = "".join(f", {w}" for w in extra)
        raise PydanticCustomError("date", "{got} is not a date written YYYY-MM-DD{also} or "
                                  "unknown{hint}",
                                  {"got": _show(v), "also": also,
                                   "hint": did_you_mean(v, words) if extra else ""})

    return check


def _date_schema(extra: tuple[str, ...] = ()) -> WithJsonSchema:
    return WithJsonSchema({"anyOf": [{"type": "string", "format": "date"},
                                     {"enum": [*extra, UNKNOWN]}]})


Day = Annotated[str, PlainValidator(_date()), _date_schema(), ValueSpec("date")]
FundingEnd = Annotated[str, PlainValidator(_date(("ongoing",))), _date_schema(("ongoing",)),
                       ValueSpec("date", ("ongoing",))]


# Facts that set the scene for a reader of the report; the study draws nothing from them.
_CONTEXT = Descriptive("it sets the scene for a reader; the study draws no light, rung or "
                       "action from it")
_NO_RUNG_FUNCTION = Descriptive("an App 2 function that no stage or rung asks of a role "
                                "(bridging and civic representation are the ones that count)")


def ask(question: str, default: Any = UNKNOWN) -> Any:
    """A field's default (unknown) and the question it answers, with its report section."""
    return Field(default, description=question)


# ---------------------------------------------------------------------------------------
# The models
# ---------------------------------------------------------------------------------------


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Assessed(_Facts):
    on: Day = ask("On what date was this assessment made (YYYY-MM-DD)?")
    by: Name = ask("Who made the assessment?")


class Site(_Facts):
    prison: Name = Field(description="Which prison is this? (§1.1)")
    category: Annotated[Categories, _CONTEXT] = ask("Which categories does the prison hold? "
                                                    "(§1.1)")
    population: Annotated[Population, _CONTEXT] = ask("How many people does the prison hold? "
                                                      "(§1.1)")


class Wing(_Facts):
    name: Name = Field(description="Which wing is this? (§1.1)")
    beds: Annotated[Beds, _CONTEXT] = ask("How many beds does the wing have? (§1.1)")
    residents: Annotated[ResidentGroups, _CONTEXT] = ask("Which sentence groups live on the "
                                                         "wing? (§1.1)")


class Phase1(_Facts):
    weeks: Weeks = ask("How many weeks does the phase 1 course run? (§1.2.2)")
    group_size: Annotated[GroupSize, _CONTEXT] = ask("How many residents take each phase 1 "
                                                     "course? (§1.2.2)")
    reflective: Tri = ask("Does the course include reflective, problem-solving group work? "
                          "(§1.2.2, Fig 1.8 stage 2)")


class Phase2(_Facts):
    weeks: Weeks = ask("How many weeks does the phase 2 programme run? (§1.2.2)")
    community_activities: Tri = ask("Does phase 2 offer wing community activities where "
                                    "residents give back? (§1.2.2)")


class Delivery(_Facts):
    partnership: Tri = ask("Do HMPPS, the prime provider and partners deliver together? "
                           "(§2.1)")
    ringfenced_funding: Tri = ask("Is the wing's funding ringfenced? (§1.2.1, §2.1)")
    staff_buy_out: Tri = ask("Are prison staff released for CFO duties? (§2.1)")
    governor_sponsor: Tri = ask("Is there a governor-level sponsor? (§1.2.1)")
    lived_experience_input: Tri = ask("Do people with lived experience take part in core "
                                      "delivery? (§1.2.2, §2.1)")
    phase1: Phase1 = Field(default_factory=Phase1, description="The classroom course (§1.2.2)")
    phase2: Phase2 = Field(default_factory=Phase2,
                           description="The community activities programme (§1.2.2)")
    resident_led_initiatives: TextList = ask("Which initiatives do residents run themselves "
                                             "on the wing? (§1.5.2, §2.1)")
    funding_until: FundingEnd = ask("When does the wing's ringfenced funding end (a date, or "
                                    "ongoing)? (§1.2.1)")
    specialist_staff: Tri = ask("Does a dedicated team of specialist officers run the wing? "
                                "(§1.2.1, §1.5.4)")


class Functions(_Facts):
    induction: Annotated[FunctionLevel, _NO_RUNG_FUNCTION] = ask(
        "Does the role do induction, orientation or signposting? (App 2)")
    single_issue: Annotated[FunctionLevel, _NO_RUNG_FUNCTION] = ask(
        "Does the role focus on one condition, skill or task? (App 2)")
    bridging: FunctionLevel = ask("Does the role recruit, sustain and motivate others' "
                                  "participation? (App 2)")
    civic_representation: FunctionLevel = ask("Does the role have a formal place in a wing "
                                              "forum or the Prisoner Council? (App 2)")


class Training(_Facts):
    provider: Name | None = ask("Who delivers the role's training? (§1.3.2)", None)
    accredited: Tri = ask("Is the training externally accredited? (§1.3.2)")
    qualification: Name | None = ask("Which qualification does it give? (§1.3.2)", None)
    matches_role: Tri = ask("Does the training prepare holders for what the wing wants them "
                            "to do? (§1.3.1, §1.3.2)")
    independent: Tri = ask("Is the training delivered by an organisation outside the prison's "
                           "education contract, such as a charity? (§1.5.5, §2.4.2)")


class Engagement(_Facts):
    phase1: EngagementLevel = ask("How are holders involved in the phase 1 course? (§1.4.1)")
    phase2: EngagementLevel = ask("How are holders involved in phase 2 activities? (§1.4.2)")
    day_to_day: EngagementLevel = ask("How active are holders on the wing day to day? "
                                      "(§1.4.3)")


class Role(_Facts):
    title: Name = Field(description="What is the role called? (§1.3)")
    paid: Annotated[Tri, Descriptive("App 2 records whether a role is paid; the study ties "
                                     "no light or rung to pay")] = ask("Is the role paid? "
                                                                       "(App 2)")
    holders: Annotated[Holders, _CONTEXT] = ask("How many residents hold the role now?")
    functions: Functions = Field(default_factory=Functions,
                                 description="What the role does, in App 2's four functions")
    recruitment: Recruitment = ask("How are holders recruited? (§1.3.1, §2.4.1)")
    selection_names_attributes: Tri = ask("Do selection criteria name caring, listening and "
                                          "encouraging small steps? (§1.6)")
    profile_defined: Tri = ask("Is there a written role profile saying what holders do? "
                               "(§2.3)")
    expectations_communicated: Tri = ask("Have residents been told what holders are for? "
                                         "(§2.4.1)")
    training: Training = Field(default_factory=Training, description="The role's training "
                                                                     "(§1.3.2)")
    supervision: Supervision = ask("How are holders supervised? (§1.3, §2.4.1)")
    progression: Progression = ask("Is there a progression route for holders? (§1.3.3)")
    engagement: Engagement = Field(default_factory=Engagement,
                                   description="How holders take part (§1.4)")
    feedback_role: FeedbackRole = ask("What do holders do with residents' views: collect them, "
                                      "analyse and present them to staff, or design how "
                                      "they are gathered? (App 1)")
    visible_to_residents: Tri = ask("Do residents know who the holders are? (§1.4.3, "
                                    "§1.5.4)")
    holders_clear_on_role: Tri = ask("Can holders themselves say what the role is for? "
                                     "(§1.3.2, §1.4.3)")
    decides_with_staff: DecidesWithStaff = ask(
        "Do holders decide with staff who does what: occasionally, while staff still arrange "
        "and deliver, or regularly, planning each cycle as equal partners? (App 1)")
    initiative: Initiative = ask("Have holders brought residents' idea for a new peer-led "
                                 "activity to staff: proposed, or running with staff "
                                 "support? (App 1, §1.5.2)")
    staff_back_role: Tri = ask("Do wing staff back the role's standing with residents? "
                               "(§1.7.4)")


class OtherRole(_Facts):
    title: Name = Field(description="What is the role called? (App 2)")
    paid: Tri = ask("Is the role paid? (App 2)")
    engagement: EngagementLevel = ask("How involved is it in the wing's life and the CFO "
                                      "programme? (§1.5.2)")
    delivers_in_phases: EngagementLevel = ask("What part does it take in delivering the "
                                              "phase 1 course or phase 2 activities? "
                                              "(Fig 1.8 stage 3)")
    functions: Functions = Field(default_factory=Functions,
                                 description="What the role does, in App 2's four functions")


class Governance(_Facts):
    wing_forum: Tri = ask("Does the wing have a decision-making forum or community meeting? "
                          "(Fig 1.8 stage 4)")
    roles_in_wing_forum: Tri = ask("Do holders have formal access to the wing's "
                                   "decision-making forum? (§2.4.1)")
    prisoner_council: Tri = ask("Does the prison have a Prisoner Council? (§1.5.5)")
    wing_on_council: Tri = ask("Is the wing represented on the Prisoner Council? "
                               "(Fig 1.8 stage 5)")
    council_link_via_role: Tri = ask("Does the wing's council link run through the role? "
                                     "(Fig 1.8 stage 5)")
    council_aware_of_role: Tri = ask("Does the Prisoner Council know the role exists? "
                                     "(fn 11)")
    peer_forum_link: Tri = ask("Are holders linked into wider prison peer forums? (§2.4.3)")
    strategic_oversight: Tri = ask("Is there a formal oversight and supervision structure "
                                   "for peer roles? (§2.4.1)")
    policy_input: Tri = ask("Does residents' voice reach strategic policy settings? "
                            "(Fig 1.8 stage 6)")
    senior_interest_in_user_voice: Tri = ask("Do senior leaders actively want resident "
                                             "voice? (§1.5.5)")
    council_capacity: Tri = ask("Does the Prisoner Council have the capacity and wish to "
                                "take part in developing peer roles? (§1.5.5)")


class Pathway(_Facts):
    levels: TextList = ask("Which levels does the prison's accredited peer training pathway "
                           "have? (§1.5.5)")
    role_linked: Tri = ask("Can holders progress along that pathway? (§2.4.2)")
    route_map: Tri = ask("Is there a progression map tied to the programme cycle? (§2.4.2)")


class Evaluation(_Facts):
    target_group_identified: Tri = ask("Has the resident group needing most support been "
                                       "identified? (§1.5.3)")
    baseline_climate_mapping: Tri = ask("Were wing relationships mapped before the "
                                        "programme began? (§1.5.4)")
    new_arrival_support: Tri = ask("Do graduates help distressed new arrivals settle? "
                                   "(§1.7.3)")
    graduates_guest_next_course: GuestLevel = ask("Do graduates come back as guests on the "
                                                  "next course? (§1.5.1)")


MAX_ROLES = 20
MAX_OTHER_ROLES = 40


def _aspiration(v: Any) -> int | str | None:
    if v is None or v == UNKNOWN:
        return None
    if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 5:
        return v
    raise PydanticCustomError("rung", "{got} is not a rung from 0 to 5 (or null)",
                              {"got": _show(v)})


class Voices(_Facts):
    """What people say about one fact, in their own words (shown beside the fact)."""

    residents: Note | None = None
    holders: Note | None = None
    staff: Note | None = None

    @model_validator(mode="after")
    def _someone(self) -> Voices:
        if self.residents is None and self.holders is None and self.staff is None:
            raise PydanticCustomError("voice_empty", "give what residents, holders or staff say",
                                      {})
        return self


class Profile(_Facts):
    #: the name of the file the profile was read from (None when built in memory): not a
    #: fact, so not a field
    _source_name: str | None = PrivateAttr(default=None)

    profile_version: Literal[2] = Field(description="Format version of this file")
    kind: ProfileKind = Field(description="Is this a self-audit, a proposal or a worked "
                                          "example?")
    assessed: Assessed = Field(default_factory=Assessed,
                               description="When, and by whom, the wing was assessed")
    site: Site = Field(description="The prison (§1.1)")
    wing: Wing = Field(description="The wing (§1.1)")
    delivery: Delivery = Field(default_factory=Delivery,
                               description="The CFO wing model and its delivery (§1.2, §2.1)")
    roles: Annotated[list[Role], Field(max_length=MAX_ROLES)] | Literal["unknown"] = Field(
        default="unknown",
        description="The peer involvement role(s) selected (§1.3): [] when none is, "
                    "unknown when you do not know")
    other_roles: list[OtherRole] = Field(default_factory=list, max_length=MAX_OTHER_ROLES,
                                         description="Peer roles already on or around the "
                                                     "wing (App 2, §1.5.2)")
    governance: Governance = Field(default_factory=Governance,
                                   description="Council and forum links (§2.4.1, §2.4.3)")
    pathway: Pathway = Field(default_factory=Pathway,
                             description="The prison's accredited peer training pathway "
                                         "(§1.5.5)")
    evaluation: Evaluation = Field(default_factory=Evaluation,
                                   description="How the wing's programme is evaluated and "
                                               "supported (§1.5, §1.7.3)")
    aspiration_rung: Annotated[
        int | None,
        PlainValidator(_aspiration),
        WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0, "maximum": 5},
                                  {"type": "null"}, _UNKNOWN_SCHEMA]}),
        Field(description="The rung the team or proposal aims for, 0 to 5 (App 1)"),
    ] = None
    evidence: dict[str, Note] = Field(
        default_factory=dict, description="Where a fact comes from, keyed by fact path")
    voices: dict[str, Voices] = Field(
        default_factory=dict, description="What residents, holders and staff say about a "
                                          "fact, keyed by fact path")

    @model_validator(mode="after")
    def _evidence_paths(self) -> Profile:
        for section in ("evidence", "voices"):
            for key in getattr(self, section):
                problem = fact_path_problem(key, self)
                if problem:
                    raise PydanticCustomError(section, "{key}: {problem}",
                                              {"key": repr(key), "problem": problem,
                                               "section": section})
        return self

    # -- derived facts: worked out from others, read by rules like any fact -------------

    @property
    def source_name(self) -> str | None:
        """The name of the file the profile was read from, or None."""
        return self._source_name

    @property
    def role_list(self) -> list[Role]:
        """The selected roles ([] when none is selected or it is not known)."""
        return [] if isinstance(self.roles, str) else self.roles

    @property
    def role_selected(self) -> bool | str:
        """Whether a role is selected: unknown when `roles` is."""
        return UNKNOWN if isinstance(self.roles, str) else bool(self.roles)

    @property
    def funding_covers_next_cycle(self) -> bool | str:
        """Whether ringfenced funding lasts until the end of a programme cycle started on
        the assessment date (phase 1 then phase 2): unknown when any of those is."""
        until, start = self.delivery.funding_until, self.assessed.on
        if until == "ongoing":
            return True
        weeks = (self.delivery.phase1.weeks, self.delivery.phase2.weeks)
        if UNKNOWN in (until, start, *weeks):
            return UNKNOWN
        end = datetime.date.fromisoformat(start) + datetime.timedelta(
            weeks=sum(w for w in weeks if isinstance(w, int)))
        return datetime.date.fromisoformat(until) >= end


# ---------------------------------------------------------------------------------------
# Fact paths: `delivery.phase1.weeks`, `roles[0].engagement.phase1`, `roles[].x` (any role)
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Section:
    """A part of a profile that holds facts: a mapping (`delivery`) or a list of them
    (`roles`), in the order a profile lists them."""

    name: str
    model: type[BaseModel]
    listed: bool  # a list of entries, each one `model`
    description: str | None

    @property
    def prefix(self) -> str:
        """How its facts' generic paths begin: `delivery.`, `roles[].`."""
        return f"{self.name}[]." if self.listed else f"{self.name}."


def _members(ann: Any) -> list[Any]:
    """The types an annotation is made of: itself, its union members and their arguments
    (`list[Role] | Literal['unknown']` -> Role among them)."""
    out = [ann]
    for arg in getattr(ann, "__args__", ()):
        out += _members(arg)
    return out


def _sections() -> tuple[Section, ...]:
    """The profile's sections, found by walking the model: every field made of a model
    (a mapping of `voices` keyed by fact path is not a section)."""
    out = []
    for name, info in Profile.model_fields.items():
        ann = info.annotation
        if getattr(ann, "__origin__", None) is dict:
            continue
        members = _members(ann)
        models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
        if models:
            listed = any(getattr(m, "__origin__", None) is list for m in members)
            out.append(Section(name, models[0], listed, info.description))
    return tuple(out)


#: The profile's sections, in the profile's order (walked from the model, never listed).
SECTIONS: tuple[Section, ...] = _sections()
LIST_SECTIONS: dict[str, type[BaseModel]] = {s.name: s.model for s in SECTIONS if s.listed}


def _leaf_specs(model: type[BaseModel], prefix: str) -> Iterator[tuple[str, ValueSpec]]:
    for name, info in model.model_fields.items():
        spec = next((m for m in info.metadata if isinstance(m, ValueSpec)), None)
        why = next((m.reason for m in info.metadata if isinstance(m, Descriptive)), "")
        ann = info.annotation
        if spec is not None:
            yield f"{prefix}{name}", dataclasses.replace(spec, descriptive=why) if why else spec
        elif isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from _leaf_specs(ann, f"{prefix}{name}.")


def _catalogue() -> dict[str, ValueSpec]:
    out: dict[str, ValueSpec] = {}
    for section in SECTIONS:
        out.update(_leaf_specs(section.model, section.prefix))
    out["aspiration_rung"] = ValueSpec("int", low=0, high=5)
    out["kind"] = ValueSpec("choice", CHOICES["kind"])
    out.update(DERIVED)
    return out


#: Facts worked out from others (properties of `Profile`), with the question each answers.
DERIVED: dict[str, ValueSpec] = {
    "role_selected": ValueSpec("bool", derived_from=("roles",)),
    "funding_covers_next_cycle": ValueSpec(
        "bool", derived_from=("delivery.funding_until", "assessed.on",
                              "delivery.phase1.weeks", "delivery.phase2.weeks")),
}
DERIVED_QUESTIONS = {
    "role_selected": "Has a peer involvement role been selected for the wing? (§1.3)",
    "funding_covers_next_cycle": "Does the ringfenced funding last until the end of the next "
                                 "programme cycle? (§1.2.1)",
}
#: Facts read at the top of a profile rather than in a section.
META_FACTS = ("kind", "aspiration_rung", *DERIVED)


#: Every fact path a rule may read, in the generic form (`roles[].x`), with its value spec.
FACT_PATHS: dict[str, ValueSpec] = _catalogue()


def _asked(model: type[BaseModel], prefix: str) -> Iterator[tuple[str, str]]:
    for name, info in model.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from _asked(ann, f"{prefix}{name}.")
        elif info.description:
            yield f"{prefix}{name}", info.description


#: The plain question each fact answers, as the interview asks it, with the study section
#: it comes from (`How are holders supervised? (§1.3, §2.4.1)`), by generic path.
QUESTIONS: dict[str, str] = {
    **{path: q for section in SECTIONS for path, q in _asked(section.model, section.prefix)},
    "aspiration_rung": "Which rung of the ladder does the team or proposal aim for? (App 1)",
    "kind": "Is this a self-audit, a proposal or a worked example?",
    **DERIVED_QUESTIONS,
}


def fact_path_problem(path: str, profile: Profile | None = None) -> str | None:
    """Why `path` is not a fact path of this profile, or None when it is one."""
    for section in LIST_SECTIONS:
        if path.startswith(section + "["):
            close = path.find("]")
            index = path[len(section) + 1:close]
            if not (index.isascii() and index.isdigit()):
                return f"{section}[...] needs a role number, as in {section}[0]"
            items = getattr(profile, "role_list" if section == "roles" else section, [])
            if profile is not None and int(index) >= len(items):
                return f"there is no {section}[{index}] in this profile"
    generic = generic_path(path)
    if generic in FACT_PATHS or _is_branch(generic):
        return None
    return "not a fact path" + did_you_mean(generic, list(FACT_PATHS))


def _is_branch(generic: str) -> bool:
    return any(p.startswith(generic + ".") for p in FACT_PATHS)


def value_at(profile: Profile, path: str) -> Any:
    """The value at a concrete fact path (`roles[0].engagement.phase1`)."""
    return _getter(path)(profile)


@functools.lru_cache(maxsize=8192)
def _getter(path: str) -> Callable[[Any], Any]:
    """What reads a concrete fact path from a profile, made once per path (looked up for
    every fact an explanation shows): attribute lookups in C for a well-formed path, at
    most one index after its section; any other path is walked a step at a time."""
    match = _WELL_FORMED.fullmatch(path)
    if match is None:
        return functools.partial(_walk, steps(path))
    section, index, tail = match.groups()
    if index is None:
        return operator.attrgetter(path)
    at = int(index)
    if not tail:
        return lambda profile: getattr(profile, section)[at]
    inner = operator.attrgetter(tail[1:])
    return lambda profile: inner(getattr(profile, section)[at])


_WELL_FORMED = re.compile(r"(\w+)(?:\[(\d+)\])?((?:\.\w+)*)")  # section, index, .rest


def _walk(steps: tuple[str | int, ...], profile: Profile) -> Any:
    node: Any = profile
    for step in steps:
        node = node[step] if isinstance(step, int) else getattr(node, step)
    return node


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------


def load_profile(path: Path) -> Profile:
    """Read and validate a profile file; raise ProfileError naming file, line and field."""
    doc = yamlio.load(path, "profile")
    return profile_from_document(doc)


def profile_from_document(doc: yamlio.Document) -> Profile:
    data = doc.data
    if not isinstance(data, dict):
        raise ProfileError(f"a profile is a mapping of fields, not {_show(data)}",
                           file=doc.source, line=doc.line_of(()))
    if "profile_version" not in data:
        raise ProfileError(f"missing profile_version (add `profile_version: {CURRENT_VERSION}` "
                           "at the top)",
                           file=doc.source, line=1, field="profile_version")
    data = upgrade_data(data, doc)
    try:
        profile = Profile.model_validate(data)
    except ValidationError as err:
        raise _first_error(err, doc) from None
    profile._source_name = PurePath(doc.source).name  # reports name the file they read
    return profile


def supported_versions() -> list[int]:
    return sorted({CURRENT_VERSION, *UPGRADES})


def upgrade_data(data: dict[str, Any], doc: yamlio.Document) -> dict[str, Any]:
    """Bring an older profile's data up to the current version, one step at a time."""
    version = data.get("profile_version")
    if not isinstance(version, int) or isinstance(version, bool) or \
            version not in supported_versions():
        raise ProfileError(
            f"profile_version {_show(version)} is not supported; this advisor reads "
            f"version {', '.join(map(str, supported_versions()))}",
            file=doc.source, line=doc.line_of(("profile_version",)), field="profile_version")
    while version < CURRENT_VERSION:
        data = UPGRADES[version](dict(data))
        version += 1
        data["profile_version"] = version
    return data


def profile_errors(err: ValidationError, doc: yamlio.Document) -> list[ProfileError]:
    """Every validation error as a ProfileError, in file order."""
    out = [_as_profile_error(e, doc) for e in _plain_errors(err)]
    return sorted(out, key=lambda e: (e.line or 0, e.field or ""))


def _plain_errors(err: ValidationError) -> list[Any]:
    """pydantic's errors without the union's branch names in their locations, and without
    "is not 'unknown'" where the value was meant as a list (`roles`)."""
    errors: list[dict[str, Any]] = []
    for error in err.errors():
        loc = tuple(error["loc"])
        if loc[:1] == ("roles",) and len(loc) > 1 and isinstance(loc[1], str):
            loc = loc[:1] + loc[2:]  # the branch of `list[Role] | 'unknown'` taken
        errors.append({**error, "loc": loc})
    listed = {e["loc"][:1] for e in errors if e["type"] != "literal_error"}
    return [e for e in errors if not (e["type"] == "literal_error" and e["loc"] in listed)]


def _first_error(err: ValidationError, doc: yamlio.Document) -> ProfileError:
    """The error nearest the top of the file, worked out into words alone (a file of
    thousands of unknown keys must not cost a "did you mean" search for each)."""
    errors = _plain_errors(err)
    first = min(errors, key=lambda e: (doc.line_of(e["loc"]) or 0, dotted(e["loc"])))
    return _as_profile_error(first, doc)


def _as_profile_error(e: Any, doc: yamlio.Document) -> ProfileError:
    loc: tuple[str | int, ...] = tuple(e["loc"])
    field = yamlio.short(dotted(loc)) or None
    line = doc.line_of(loc)
    kind = e["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        msg = f"unknown field {_show(loc[-1])}{did_you_mean(loc[-1], allowed)}"
        if allowed and not did_you_mean(loc[-1], allowed):
            msg += f"; expected one of {', '.join(allowed)}"
    elif kind == "missing":
        msg = "is required but missing"
        line = doc.line_of(loc[:-1])
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        msg = f"expected a mapping of fields, not {_show(e.get('input'))}"
    elif kind == "list_type":
        also = ", or unknown" if loc == ("roles",) else ""
        msg = f"expected a list{also}, not {_show(e.get('input'))}"
    elif kind == "too_long":
        msg = f"has too many entries; at most {e['ctx'].get('max_length')} allowed"
    elif kind == "literal_error" and loc == ("profile_version",):
        msg = f"must be {CURRENT_VERSION}"
    elif kind in ("evidence", "voices"):
        msg = e["msg"]
        field = kind
        key = e["ctx"]["key"].strip("'\"")
        line = doc.line_of((kind, key))
    else:
        msg = e["msg"]
    return ProfileError(msg, file=doc.source, line=line, field=field)


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    model: Any = Profile
    keyed = False  # the next part is a key of a mapping of models (`voices`)
    for part in loc:
        if isinstance(part, int) or keyed:
            keyed = False
            continue
        info = model.model_fields.get(part)
        if info is None:
            return []
        ann = info.annotation
        keyed = getattr(ann, "__origin__", None) is dict
        found = [a for a in _members(ann) if isinstance(a, type) and issubclass(a, BaseModel)]
        if not found:
            return []
        model = found[0]
    return list(model.model_fields)


