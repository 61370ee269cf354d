"""Properties of the assessment over generated valid profiles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.assess import assess
from advisor.profile import Profile, load_profile
from advisor.render import to_json
from tests.conftest import HIGH_DOWN, ROOT, high_down_data, run
from tests.strategies import profiles

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(profiles())
def test_shape_and_bounds(data: dict[str, Any]) -> None:
    r = run(data)
    assert 0 <= r["current_rung"] <= 5
    assert 1 <= r["target_rung"] <= 5
    if r["current_rung"] < 5:
        assert r["target_rung"] >= r["current_rung"] + 1
    else:
        assert r["target_rung"] == 5
    assert [s["stage"] for s in r["stages"]] == [1, 2, 3, 4, 5, 6]
    assert all(s["light"] in ("green", "orange", "red") for s in r["stages"])
    assert [x["rung"] for x in r["rungs"]] == [1, 2, 3, 4, 5]
    for item in [*r["actions"], *r["findings"], *r["stages"]]:
        assert item["sources"], item
        assert item["because"], item
        assert all(" = " in b for b in item["because"]), item
    # the current rung is the chain of met rungs (App 1): every rung up to it is met
    met = [x["met"] for x in r["rungs"]]
    assert all(met[: r["current_rung"]])
    if r["current_rung"] < 5:
        assert not met[r["current_rung"]] or r["assessed_role"] is None
    if not data["roles"]:
        assert r["current_rung"] == 0 and r["target_rung"] == 1
        assert r["actions"][0]["id"] == "LL2-select"


@SETTINGS
@given(profiles())
def test_plan_is_ordered_and_dependencies_come_first(data: dict[str, Any]) -> None:
    actions = run(data)["actions"]
    ids = [a["id"] for a in actions]
    assert len(ids) == len(set(ids))
    order = ["now", "next", "later"]
    assert [a["horizon"] for a in actions] == sorted((a["horizon"] for a in actions),
                                                    key=order.index)
    for n, a in enumerate(actions):
        assert all(ids.index(d) < n for d in a["depends_on"])


@SETTINGS
@given(profiles())
def test_same_input_same_bytes(data: dict[str, Any]) -> None:
    assert to_json(run(data)) == to_json(run(data))


@SETTINGS
@given(profiles(), profiles())
def test_assessments_are_isolated(a: dict[str, Any], b: dict[str, Any]) -> None:
    alone = to_json(run(b))
    run(a)
    assert to_json(run(b)) == alone


@settings(max_examples=80, deadline=None)
@given(profiles())
def test_unknown_is_never_evidence(data: dict[str, Any]) -> None:
    """BRIEF §6: no fact test that fired read an unknown fact, and every open question
    is about a fact that is unknown."""
    from advisor.assess import default_rulebook
    from advisor.engine import engine_for
    from advisor.paths import concrete
    from advisor.profile import value_at

    book = default_rulebook()
    profile = Profile.model_validate(data)
    rules = {r.id: r for r in book.rules}
    for f in engine_for(book).run(profile):
        if f.maybe:
            continue
        for leaf in rules[f.rule].alternatives[f.alternative].leaves:
            value = value_at(profile, concrete(leaf.path, f.role, f.other_role))
            assert value not in ("unknown", None), (f.rule, leaf.path)
    for q in run(data)["open_questions"]:
        assert value_at(profile, q["fact"]) == "unknown"
        assert q["could_change"]


def test_json_is_identical_under_different_hash_seeds() -> None:
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-m", "advisor", "assess", str(HIGH_DOWN),
                               "--format", "json"], capture_output=True, env=env, cwd=ROOT,
                              check=True)
        outputs.add(proc.stdout)
    assert len(outputs) == 1
    output = outputs.pop()
    assert json.loads(output)["target_rung"] == 3
    # the console script (which pauses the cycle collector during start-up) gives the
    # library's bytes for the same file
    assert output.decode() == to_json(assess(load_profile(HIGH_DOWN)))


def test_key_order_of_the_input_does_not_matter() -> None:
    data = high_down_data()
    shuffled = dict(reversed(list(data.items())))
    shuffled["governance"] = dict(reversed(list(data["governance"].items())))
    assert to_json(run(data)) == to_json(run(shuffled))


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_many_assessments_in_one_process_do_not_interfere(draw: st.DataObject) -> None:
    batch = [draw.draw(profiles()) for _ in range(5)]
    first = [to_json(run(p)) for p in batch]
    assert [to_json(run(p)) for p in reversed(batch)] == list(reversed(first))


def _without_reasons(value: Any) -> Any:
    """The assessment with every `because` list emptied and no explanations."""
    if isinstance(value, dict):
        return {k: [] if k == "because" else _without_reasons(v)
                for k, v in value.items() if k != "explanations"}
    if isinstance(value, list):
        return [_without_reasons(v) for v in value]
    return value


@SETTINGS
@given(profiles())
def test_summaries_without_reasons_conclude_the_same(data: dict[str, Any]) -> None:
    """batch skips the reasons it never shows; what it concludes must not change."""
    from advisor.assess import assess, default_rulebook

    profile = Profile.model_validate(data)
    full = assess(profile, default_rulebook())
    lean = assess(profile, default_rulebook(), explain=False, reasons=False)
    assert "explanations" not in lean
    assert lean == _without_reasons(full)


@SETTINGS
@given(profiles(), st.sampled_from(["", "x", "..", "[0]", "[9]", "[a]", ".nope", "]"]))
def test_reading_a_fact_path_matches_walking_it(data: dict[str, Any], noise: str) -> None:
    """`value_at` reads well-formed paths with getters made once per path; it must give
    what walking the path a step at a time gives, and fail the same way when that fails."""
    from advisor.paths import steps
    from advisor.profile import FACT_PATHS, _walk, value_at

    profile = Profile.model_validate(data)
    paths = [g for g in FACT_PATHS if "[]" not in g]
    for g in FACT_PATHS:
        section, bracket, _ = g.partition("[]")
        if bracket:
            paths += [g.replace("[]", f"[{i}]") for i in range(len(getattr(profile, section)))]
    paths += ["roles", "other_roles", "roles[0]", "site"]
    for path in [*paths, *(p + noise for p in paths)]:  # noise on wing and role paths
        try:
            expected: Any = _walk(steps(path), profile)
        except Exception as err:  # the same failure either way
            expected = type(err)
        try:
            got: Any = value_at(profile, path)
        except Exception as err:  # the same failure either way
            got = type(err)
        assert got == expected, path
