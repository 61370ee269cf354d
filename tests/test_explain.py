"""`advisor explain`: the reasoning in teaching order, and one conclusion at a time."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from advisor.assess import default_rulebook
from advisor.cli import main
from advisor.explain import rule_report
from advisor.profile import Profile
from tests.conftest import HIGH_DOWN, PROFILES, high_down_data


def _explain(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, ["explain", *args])
    return r.exit_code, r.stdout, r.stderr


def test_walkthrough_is_in_teaching_order() -> None:
    code, out, _ = _explain(str(HIGH_DOWN))
    assert code == 0
    steps = ["Step 1. The facts", "Step 2. The six stages", "Step 3. The ladder",
             "Step 4. The target rung", "Step 5. The plan", "Step 6. Open questions"]
    positions = [out.index(s) for s in ["In short", *steps]]
    assert positions == sorted(positions)
    assert "Stage 3 (B meso (bridging): contribute to core delivery) is ORANGE" in out
    assert "So the current rung is 0" in out
    assert "The target is rung 3" in out
    # facts are asked as the interview asks them, evidence notes beside them
    assert re.search(r"How are holders involved in the phase 1 course\? \S+ \(evidence: "
                     r"interviews", " ".join(out.split()))


def test_following_a_rule_that_did_not_fire_shows_which_test_failed() -> None:
    data = high_down_data()
    data["pathway"]["role_linked"] = True  # F155 needs levels (held) and no link (fails)
    out = rule_report(default_rulebook(), Profile.model_validate(data), "F155")
    assert "It did not fire." in out
    assert "✓ pathway.levels is not empty   [pathway.levels = [" in out
    assert "✗ pathway.role_linked is false   [pathway.role_linked = true]" in out


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
    # the target rests on the structural readiness of rung 3 and the rungs below it
    assert "READY-3" in flat and "READY-1" in flat
    assert "req.REQ-4-forum-access (absent)" in flat


def test_following_an_action() -> None:
    code, out, _ = _explain(str(HIGH_DOWN), "--action", "R1c")
    flat = " ".join(out.split())
    assert code == 0
    # by its number in the plan and its text; the rule by its title
    assert re.match(r"\d+\. \((now|next|later), CFO staff team\) Tie the role to the "
                    r"programme cycle", flat)
    assert "by the rule: Unmet: Holders have formal parts in delivering both phases" in flat
    assert "How are holders involved in phase 2 activities? none (evidence: phase 2 " \
           "activities" in flat


def test_unknown_rule_or_action_is_a_clear_error() -> None:
    code, out, err = _explain(str(HIGH_DOWN), "--rule", "S9-green")
    assert code == 2 and out == "" and "no rule 'S9-green'" in err
    code, out, err = _explain(str(HIGH_DOWN), "--action", "R1")
    assert code == 2 and out == "" and "action 'R1' is not in this plan" in err


@pytest.mark.parametrize("name", sorted(p.name for p in PROFILES.glob("*.yaml")))
def test_explain_and_path_fit_an_80_column_terminal(name: str) -> None:
    """Every line of the walk-through and of the least change to the rung above fits 80
    columns, run-on lines indented under their text."""
    path = str(PROFILES / name)
    for args in (["explain", path], ["path", path, "--to-rung", "5"]):
        out = CliRunner().invoke(main, args)
        assert out.exit_code == 0, out.output
        assert max(len(line) for line in out.stdout.splitlines()) <= 80, args
