"""Loading refuses a broken rulebook, naming file, line and rule id (exit 2 on the CLI)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor.cli import main
from advisor.errors import InputError, RulebookError
from advisor.rulebook import DEFAULT_RULES_DIR, load_rulebook
from tests.conftest import HIGH_DOWN


def _broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    target = rules / file
    text = target.read_text(encoding="utf-8")
    assert old in text, old
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return rules


BROKEN = {
    "unknown fact path": (
        "stages.yaml", "{fact: delivery.phase1.reflective, is: true}",
        "{fact: delivery.phase1.reflectve, is: true}",
        "stages.yaml:42: rule S2-green: when: unknown fact path 'delivery.phase1.reflectve' "
        "(did you mean 'delivery.phase1.reflective'?)"),
    "unknown operator": (
        "stages.yaml", "{fact: delivery.phase1.weeks, above: 0}",
        "{fact: delivery.phase1.weeks, abov: 0}",
        "rule S1-green: when: unknown operator 'abov' (did you mean 'above'?)"),
    "value off the scale": (
        "ladder.yaml", "{fact: role.engagement.day_to_day, at_least: informal}",
        "{fact: role.engagement.day_to_day, at_least: infrmal}",
        "rule REQ-1-daily: when: 'infrmal' is not on the engagement scale"),
    "duplicate id": (
        "stages.yaml", "  - id: S1-orange\n", "  - id: S1-green\n",
        "stages.yaml:20: rule S1-green: duplicate rule id 'S1-green'"),
    "depends_on naming no action": (
        "ladder.yaml", "depends_on: [R1a]\n", "depends_on: [R1z]\n",
        "rule REQ-1-visible.unmet: depends_on names no action: 'R1z'"),
    "dependency cycle": (
        "ladder.yaml", "        depends_on: [LL2-select, LL2-reselect]\n",
        "        depends_on: [LL1-daily]\n",
        "depends_on forms a cycle: "),
    "unknown key in a rule": (
        "stages.yaml", "    kind: stage\n    title: Residents meet regularly",
        "    kind: stage\n    titel: x\n    title: Residents meet regularly",
        "rule S1-green: titel: unknown key 'titel' (did you mean 'title'?)"),
    "a source that is not a citation": (
        "stages.yaml", "sources: [Fig 1.8, §1.2.2]", "sources: [Figure eight]",
        "rule S1-green: source 'Figure eight' is not a report citation"),
    "a rule without sources": (
        "stages.yaml", "sources: [Fig 1.8, §1.2.2]", "sources: []",
        "rule S1-green: sources: List should have at least 1 item"),
    "one action id with two different texts": (
        "ladder.yaml", "        id: R1c-visible\n", "        id: R1a\n",
        "action 'R1a' is also defined, differently, by rule"),
    "a finding and an action with one id": (
        "findings.yaml", "        id: GP1-add\n", "        id: GP1\n",
        "findings.yaml:8: rule GP1: finding id 'GP1' is also an action's id (rule GP1-absent)"),
    "a flag nobody emits": (
        "stages.yaml", "not_flag: stage1.green\n", "not_flag: stage1.gren\n",
        "rule S1-orange: flag 'stage1.gren' is emitted by no rule"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_rulebook_is_refused(name: str, tmp_path: Path) -> None:
    file, old, new, expected = BROKEN[name]
    rules = _broken(tmp_path, file, old, new)
    with pytest.raises(RulebookError) as err:
        load_rulebook(rules)
    assert expected in err.value.one_line()


@pytest.mark.parametrize("name", ["unknown fact path", "dependency cycle"])
def test_cli_exits_2_on_a_broken_rulebook(name: str, tmp_path: Path) -> None:
    file, old, new, expected = BROKEN[name]
    rules = _broken(tmp_path, file, old, new)
    result = CliRunner().invoke(main, ["assess", str(HIGH_DOWN), "--rules", str(rules)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_bundled_rulebook_loads_and_is_stratified() -> None:
    book = load_rulebook()
    by_id = {r.id: r for r in book.rules}
    # negation reads only finished strata: a light's orange rule runs after its green one
    assert by_id["S3-orange"].stratum > by_id["S3-green"].stratum
    assert by_id["S3-red"].stratum > by_id["S3-orange"].stratum
    assert by_id["TARGET-1"].stratum > by_id["TARGET-2"].stratum


# -- hostile rule folders: refused when they load, or they work ------------------------


def _with_extra(tmp_path: Path, rules_text: str) -> Path:
    """The bundled rulebook plus one more file of rules."""
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    (rules / "extra.yaml").write_text("description: extra rules\nrules:\n" + rules_text,
                                      encoding="utf-8")
    index = rules / "index.yaml"
    index.write_text(index.read_text(encoding="utf-8").replace(
        "  - headline.yaml\n", "  - headline.yaml\n  - extra.yaml\n"), encoding="utf-8")
    return rules


def _flag_rule(n: int, when: str) -> str:
    return (f"  - id: CHAIN-{n}\n    kind: ladder\n    title: Link {n} of a chain\n"
            f"    sources: [App 1]\n    when: {when}\n    then: {{flag: chain.f{n}}}\n")


def test_a_chain_of_flags_too_long_for_the_engine_is_refused(tmp_path: Path) -> None:
    text = _flag_rule(0, "{fact: delivery.partnership, is: true}") + "".join(
        _flag_rule(n, f"{{flag: chain.f{n - 1}}}") for n in range(1, 432))
    with pytest.raises(RulebookError) as err:
        load_rulebook(_with_extra(tmp_path, text))
    assert "flags are derived from flags more than 64 rules deep" in err.value.one_line()


@pytest.mark.parametrize("depth, refusal", [
    (14, "rule CHAIN-0: when: conditions nested more than 12 deep"),
    (300, "rules[0].when...: is nested more than 32 levels deep"),  # the loader's own limit
])
def test_a_condition_nested_too_deep_is_refused(depth: int, refusal: str,
                                                tmp_path: Path) -> None:
    cond = "{fact: delivery.partnership, is: true}"
    for _ in range(depth):
        cond = f"{{all: [{cond}]}}"
    with pytest.raises(InputError) as err:
        load_rulebook(_with_extra(tmp_path, _flag_rule(0, cond)))
    assert "extra.yaml:" in err.value.one_line() and refusal in err.value.one_line()


def test_a_long_chain_of_dependencies_loads(tmp_path: Path) -> None:
    def action(n: int) -> str:
        deps = f"\n        depends_on: [CHAIN-A{n - 1}]" if n else ""
        return (f"  - id: CHAIN-A{n}\n    kind: action\n    title: Step {n} of a plan\n"
                f"    sources: [§2.3]\n    when: {{fact: delivery.partnership, is: true}}\n"
                f"    then:\n      action:\n        id: CHAIN-A{n}\n        text: Step {n}\n"
                f"        owner: CFO staff team\n        horizon: now\n"
                f"        done_when: Step {n} is done{deps}\n")
    book = load_rulebook(_with_extra(tmp_path, "".join(action(n) for n in range(2000))))
    assert book.by_id("CHAIN-A1999").rule.then.action is not None


def test_a_rulebook_that_cannot_give_a_rung_is_refused_when_it_loads(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    index = rules / "index.yaml"
    index.write_text(index.read_text(encoding="utf-8").replace("  - ladder.yaml\n", "")
                     .replace("  - role-fit.yaml\n", "").replace("  - headline.yaml\n", ""),
                     encoding="utf-8")
    for name in ("findings.yaml", "observations.yaml"):
        (rules / name).write_text("description: none\nrules: []\n", encoding="utf-8")
    for name in ("role-profile.yaml", "continuum.yaml", "pathways.yaml"):
        (rules / "recommendations" / name).write_text("description: none\nrules: []\n",
                                                      encoding="utf-8")
    with pytest.raises(RulebookError) as err:
        load_rulebook(rules)
    assert "no rule for a current rung, a target rung" in err.value.one_line()
