"""The headline: a proposal's readiness verdict with its reasons, and for every profile
the role's rung, its target, the lights counted, the first actions and questions.

Expected values are worked out by hand from rules/headline.yaml and the bundled
profiles (comments say how)."""

from __future__ import annotations

from typing import Any

from advisor import yamlio
from advisor.assess import assess
from advisor.paths import set_in
from advisor.profile import Profile
from tests.conftest import PROFILES


def headline(name: str, **changes: Any) -> Any:
    data = yamlio.load(PROFILES / name).data
    for path, value in changes.items():
        set_in(data, path, value)
    result = assess(Profile.model_validate(data))
    assert list(result)[:4] == ["output_version", "profile", "assessed", "rulebook"]
    assert list(result)[4] == "headline"  # first, after what identifies the assessment
    return result["headline"]


def test_an_audit_gets_its_rung_lights_first_actions_and_questions_not_a_verdict() -> None:
    h = headline("hmp-high-down-clu.yaml")
    assert h["verdict"] is None
    assert h["summary"] == ["Ambassador: rung 0 of 5 (non-engagement); target rung 3.",
                            "Stage lights: 2 green, 4 orange, 0 red."]
    assert h["lights"] == {"green": 2, "orange": 4, "red": 0}
    # whom the role serves, whether it is the right role, then what holders are for
    assert h["top_actions"] == ["F153", "LL2-reselect", "R1a"]
    # bridging decides rung 3, the target; civic representation and staff backing rung 5
    assert h["top_questions"] == ["roles[0].functions.bridging",
                                  "roles[0].functions.civic_representation",
                                  "roles[0].staff_back_role"]


def test_a_thin_proposal_is_ready_only_with_conditions_and_says_which() -> None:
    h = headline("thin-proposal.yaml")
    assert h["verdict"] == "ready-with-conditions"
    # it aims at 4 with structure for 2; funding ends 2027-01-31, before 2027-03-12, when a
    # cycle begun on the assessment date (2026-11-20) would end; and its role's rung 1
    # facts are unknown, the first being whether residents were told what holders do
    assert h["reasons"][:2] == [
        "It aims higher than its structure supports now (the aspiration is above the "
        "target).",
        "Its funding ends before a first programme cycle would end."]
    assert h["reasons"][2].endswith("the first: Have residents been told what holders are "
                                    "for?")
    assert h["top_questions"][0] == "roles[0].expectations_communicated"


def test_a_proposal_with_no_role_is_not_ready() -> None:
    h = headline("no-role-yet.yaml", kind="proposal")
    assert h["verdict"] == "not-ready"
    assert h["reasons"] == ["No peer involvement role is selected yet, or it is not known "
                            "whether one is."]
    assert h["summary"][0] == "No role selected or known: rung 0 of 5 (non-engagement); " \
        "target rung 1."


def test_a_proposal_with_unsupervised_holders_is_not_ready() -> None:
    h = headline("thin-proposal.yaml", **{"roles[0].supervision": "none"})
    assert h["verdict"] == "not-ready"
    assert len(h["reasons"]) == 1 and h["reasons"][0].startswith("Nothing is in place")


def test_a_proposal_with_everything_in_place_is_ready() -> None:
    # the peer-led wing as a proposal: rung 5 with structure for it, every function its
    # target needs, aiming at 5, funding ongoing, nothing unknown
    h = headline("peer-led-wing.yaml", kind="proposal")
    assert h["verdict"] == "ready"


def test_a_proposal_whose_target_comes_from_the_floor_has_a_condition() -> None:
    # the Peer mentor is at rung 3 with structure only for 3: its target 4 is the floor
    h = headline("two-roles.yaml", kind="proposal")
    assert h["verdict"] == "ready-with-conditions"
    assert h["reasons"][0].startswith("The target rung is one above where the role")
