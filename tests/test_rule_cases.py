"""Every rule has a case where it fires and one where it does not (Gatekeeper-style)."""

from __future__ import annotations

from advisor.assess import default_rulebook
from advisor.cases import load_cases
from advisor.ruletools import uncovered_rules


def test_every_rule_has_a_firing_and_a_non_firing_case() -> None:
    """The check `advisor rules test` makes (the cases themselves are pytest items)."""
    book = default_rulebook()
    lacking = [p.line() for p in uncovered_rules(book, load_cases(book))]
    assert not lacking, "rules without both kinds of case:\n" + "\n".join(lacking)


def test_case_names_are_sentences() -> None:
    for case in load_cases(default_rulebook()):
        name = case.name
        assert name[0].isupper() and len(name.split()) >= 5, name


def test_every_rung_has_a_witness_case() -> None:
    """Every rung 0-5 is reachable: some case asserts a profile whose current rung it is."""
    witnessed = {c.spec.current_rung for c in load_cases(default_rulebook())}
    assert witnessed >= {0, 1, 2, 3, 4, 5}, f"no witness for rungs {set(range(6)) - witnessed}"
