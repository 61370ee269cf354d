"""`advisor rules list|show|lint|coverage`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor.assess import default_rulebook
from advisor.cli import _runs, main
from advisor.rulebook import DEFAULT_RULES_DIR, load_rulebook
from advisor.ruletools import coverage, lint


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _copy_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    return rules


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_list_filters_by_kind_and_section() -> None:
    code, out, _ = _invoke("rules", "list", "--kind", "stage")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 18  # six stages, three lights each
    assert all(" stage " in line for line in lines)
    code, out, _ = _invoke("rules", "list", "--source", "§2.4.2")
    ids = {line.split()[0] for line in out.splitlines()}
    # the three recommendations, and the role-fit rules that point at paid wing roles
    assert ids == {"R2a", "R2b", "R2c", "FIT-supply-bridging", "FIT-supply-civic"}
    code, out, _ = _invoke("rules", "list", "--source", "§2.4")
    assert {"R2a", "R3a", "R1d", "REQ-1-expectations"} <= {ln.split()[0] for ln in
                                                            out.splitlines()}


def test_show_explains_a_rule_in_words_with_its_cases() -> None:
    code, out, _ = _invoke("rules", "show", "S3-orange")
    assert code == 0
    assert "S3-orange: Holders' part in delivery is planned or informal" in out
    assert "sources: Fig 1.8, §1.5.1, §1.5.2" in out
    assert "evaluation.graduates_guest_next_course is one of planned, yes" in out
    assert "no rule has derived stage3.green" in out
    assert "stage 3 light: orange" in out
    assert "High Down as the report found it is green at stages 1 and 2" in out


def test_show_of_a_generated_unmet_rule_names_its_requirement() -> None:
    code, out, _ = _invoke("rules", "show", "REQ-1-expectations.unmet")
    assert code == 0
    assert "made from requirement REQ-1-expectations" in out
    assert "not (requirement REQ-1-expectations is met)" in out
    assert "action R1a" in out


def test_show_unknown_rule_suggests_a_near_miss() -> None:
    code, out, err = _invoke("rules", "show", "S3-ornge")
    assert code == 2 and out == ""
    assert "no rule 'S3-ornge' (did you mean 'S3-orange'?)" in err


def test_bundled_rulebook_lints_without_errors_or_warnings() -> None:
    problems = lint(default_rulebook())
    assert [p.line() for p in problems] == []
    code, out, _ = _invoke("rules", "lint")
    assert code == 0
    assert out == "0 errors, 0 warnings\n"


def test_a_fact_no_rule_reads_warns_unless_the_model_marks_it_descriptive(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from advisor import ruletools
    from advisor.profile import FACT_PATHS

    # the wing's beds are context for a reader: marked descriptive in the model, with why
    assert "sets the scene" in FACT_PATHS["wing.beds"].descriptive
    assert "no rule reads the fact wing.beds" not in [p.message for p in
                                                      lint(default_rulebook(), cases=False)]
    # the same fact, not marked, and no rule reading it: a warning
    unmarked = {**FACT_PATHS, "wing.beds": dataclasses.replace(FACT_PATHS["wing.beds"],
                                                               descriptive="")}
    monkeypatch.setattr(ruletools, "FACT_PATHS", unmarked)
    warnings = [p.line() for p in lint(default_rulebook(), cases=False)]
    assert warnings == ["profile: warning: no rule reads the fact wing.beds"]


def test_lint_finds_a_rule_that_can_never_fire(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    _edit(rules / "stages.yaml", "    when: {fact: governance.policy_input, is: true}",
          "    when: {all: [{fact: governance.policy_input, is: true},"
          " {fact: governance.policy_input, is: false}]}")
    problems = [p.line() for p in lint(load_rulebook(rules)) if p.level == "error"]
    assert any("rule S6-green: error: can never fire: no value of governance.policy_input"
               in p for p in problems), problems
    code, out, _ = _invoke("rules", "lint", "--rules", str(rules))
    assert code == 1
    # the dead rule, and the case that expects it to fire (and S6-orange not to)
    assert "3 errors" in out
    assert "rule S6-green: error: case 'A council seat held through the role" in out


def test_lint_finds_an_unreachable_rung(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    _edit(rules / "ladder.yaml", "when: {fact: role.profile_defined, is: true}",
          "when: {all: [{fact: role.profile_defined, is: true},"
          " {fact: role.profile_defined, is_not: true}]}")
    problems = [p.message for p in lint(load_rulebook(rules)) if p.level == "error"]
    assert "rung 2 is unreachable: REQ-2-profile can never be met" in problems
    assert "rung 5 is unreachable: REQ-2-profile can never be met" in problems
    assert not any("rung 1 is unreachable" in p for p in problems)


def test_lint_finds_a_dependency_in_a_later_horizon(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    # R2b (a route map) comes after R2a (the pathway); both are "next". Make R2b "now".
    _edit(rules / "recommendations" / "continuum.yaml", "        horizon: next\n"
          "        stage: 3\n        done_when: The map is on the wing",
          "        horizon: now\n        stage: 3\n        done_when: The map is on the wing")
    problems = [p.message for p in lint(load_rulebook(rules)) if p.level == "error"]
    assert any(m.startswith("action R2b depends on R2a, which falls in a later horizon")
               for m in problems), problems


def test_every_report_item_is_covered_and_fires() -> None:
    book = default_rulebook()
    table = coverage(book, _runs(book))
    missing = [c.item for c in table if not c.covered]
    assert missing == []
    assert len(table) == 31
    by_item = {c.item: c for c in table}
    assert "R2c" in by_item["R2c"].rules
    assert "hmp-high-down-clu.yaml" in by_item["FN11"].fires_on
    code, out, _ = _invoke("rules", "coverage")
    assert code == 0
    assert out.strip().splitlines()[-1] == "31/31 report items covered (100%)"


def test_coverage_fails_when_an_item_has_no_rule(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    _edit(rules / "index.yaml", "  FN11: fn 11\n", "  FN11: fn 11\n  X99: §2.9\n")
    code, out, _ = _invoke("rules", "coverage", "--rules", str(rules))
    assert code == 1
    assert "MISSING X99" in out


# -- rules test: the cases, for rule authors who write no Python ------------------------


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_rules_test_passes_on_the_bundled_rulebook() -> None:
    code, out, err = _invoke("rules", "test")
    assert (code, err) == (0, "")
    assert "cases hold; every one of" in out


def test_rules_test_reports_each_problem_at_its_file_and_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = _copy_rules(tmp_path)
    cases = rules / "cases" / "stages.yaml"
    # a typo in a rule id; an expectation that fails; the only case where S6-green fires
    # no longer says so
    _edit(cases, "fires: [S1-green, S2-green, S3-orange,", "fires: [S1-green, S2-green, "
          "S3-orang,")
    _edit(cases, "    fires: [S1-orange, S2-orange]", "    fires: [S1-orange, S2-green]")
    _edit(cases, "    fires: [S5-green, S6-green]", "    fires: [S5-green]")
    monkeypatch.chdir(tmp_path)  # FILE is shown relative to the working folder
    code, out, err = _invoke("rules", "test", "rules")
    assert code == 1 and out == ""
    typo = _line_of(cases, "S3-orang,")
    wrong = _line_of(cases, "fires: [S1-orange, S2-green]")
    rule = _line_of(rules / "stages.yaml", "- id: S6-green")
    assert err.splitlines() == [
        f"rules/cases/stages.yaml:{typo}: rule S3-orang: case 'High Down as the report "
        "found it is green at stages 1 and 2 and orange from 3 to 6': no such rule "
        "S3-orang (did you mean 'S3-orange'?)",
        f"rules/cases/stages.yaml:{wrong}: rule S2-green: case 'A course with no phase 2 "
        "activities and no reflective work is orange at stages 1 and 2': expected "
        "S2-green to fire; it did not",
        f"rules/stages.yaml:{rule}: rule S6-green: no case where it fires",
        f"3 problems in the cases of {len(default_rulebook().rules)} rules"]
    # lint includes the same checks, as errors
    code, out, _ = _invoke("rules", "lint", "--rules", "rules")
    assert code == 1
    assert f"rules/stages.yaml:{rule}: rule S6-green: error: no case where it fires" in out
    assert "3 errors" in out


def test_rules_test_names_a_rule_with_no_case_either_way(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    for case_file in (rules / "cases").glob("*.yaml"):
        text = case_file.read_text(encoding="utf-8")
        case_file.write_text(text.replace("S6-green, ", "").replace(", S6-green", ""),
                             encoding="utf-8")
    code, _, err = _invoke("rules", "test", str(rules))
    assert code == 1
    assert "rule S6-green: no case where it fires and none where it does not fire\n" in err


def test_rules_test_refuses_an_invalid_case_file(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    cases = rules / "cases" / "stages.yaml"
    _edit(cases, "      governance.policy_input: true\n",
          "      governance.policy_input: true\n      roles[0].paid: maybe\n")
    code, out, err = _invoke("rules", "test", str(rules))
    assert code == 2 and out == ""
    line = _line_of(cases, "- name: A council seat held through the role")
    assert err.startswith(f"advisor: {cases}:{line}: case 'A council seat")
    assert "makes an invalid profile: roles[0].paid: 'maybe' is not true, false or " \
           "unknown" in err
    _edit(cases, "roles[0].paid: maybe", "roles[3].paid: true")
    code, _, err = _invoke("rules", "test", str(rules))
    assert code == 2 and "sets roles[3].paid, which its base profile" in err
    _edit(cases, "fires: [S5-green, S6-green]", "fires: S5-green")
    code, _, err = _invoke("rules", "test", str(rules))
    assert code == 2 and f"{cases}:" in err
