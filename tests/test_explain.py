"""`advisor explain`: the reasoning in teaching order, and one conclusion at a time."""

from __future__ import annotations

from click.testing import CliRunner

from advisor.cli import main
from tests.conftest import HIGH_DOWN, PROFILES


def _explain(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, ["explain", *args])
    return r.exit_code, r.stdout, r.stderr


def test_walkthrough_is_in_teaching_order() -> None:
    code, out, _ = _explain(str(HIGH_DOWN))
    assert code == 0
    steps = ["Step 1. The facts", "Step 2. The six stages", "Step 3. The ladder",
             "Step 4. The target rung", "Step 5. The plan", "Step 6. Open questions"]
    positions = [out.index(s) for s in steps]
    assert positions == sorted(positions)
    assert "Stage 3 (B meso (bridging): contribute to core delivery) is ORANGE" in out
    assert "So the current rung is 0" in out
    assert "The target is rung 3" in out
    # evidence notes appear beside the facts they support
    assert "roles[0].engagement.phase1 = none (evidence: interviews" in " ".join(out.split())


def test_following_a_rule_that_did_not_fire_shows_which_test_failed() -> None:
    code, out, _ = _explain(str(PROFILES / "two-roles.yaml"), "--rule", "REQ-3-phases")
    assert code == 0
    assert "It did not fire." in out
    assert "✗ role.engagement.phase1 is at least informal   [roles[1].engagement.phase1 = none]" \
        in out
    assert "✓ role.engagement.phase2 is at least informal   [roles[1].engagement.phase2 = " \
        "informal]" in out


def test_following_a_rule_blocked_by_an_unknown_names_it() -> None:
    code, out, _ = _explain(str(HIGH_DOWN), "--rule", "REQ-3-bridging")
    assert code == 0
    assert "? role.functions.bridging is one of yes, some" in out
    assert "could fire if these unknown facts were known: roles[0].functions.bridging" in out


def test_following_a_fired_rule_shows_its_chain() -> None:
    code, out, _ = _explain(str(HIGH_DOWN), "--rule", "TARGET-3")
    assert code == 0
    assert "It fired." in out
    flat = " ".join(out.split())
    assert "READY-3" in flat and "REQ-3-funding" in flat
    assert "delivery.ringfenced_funding = true" in flat


def test_following_an_action() -> None:
    code, out, _ = _explain(str(HIGH_DOWN), "--action", "R1c")
    flat = " ".join(out.split())
    assert code == 0
    assert flat.startswith("R1c (now, CFO staff team): Tie the role to the programme cycle")
    assert "req.REQ-3-phases (absent)" in flat
    assert "roles[0].engagement.phase2 = none (evidence: phase 2 activities" in flat


def test_unknown_rule_or_action_is_a_clear_error() -> None:
    code, out, err = _explain(str(HIGH_DOWN), "--rule", "S9-green")
    assert code == 2 and out == "" and "no rule 'S9-green'" in err
    code, out, err = _explain(str(HIGH_DOWN), "--action", "R1")
    assert code == 2 and out == "" and "action 'R1' is not in this plan" in err
