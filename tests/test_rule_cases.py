"""Every rule has a case where it fires and one where it does not (Gatekeeper-style)."""

from __future__ import annotations

from advisor.assess import default_rulebook
from tests.conftest import all_cases


def test_every_rule_has_a_firing_and_a_non_firing_case() -> None:
    cases = all_cases()
    fires = {r for c in cases for r in c.get("fires", [])}
    quiet = {r for c in cases for r in c.get("does_not_fire", [])}
    rules = [r.id for r in default_rulebook().rules]
    lacking = [f"{r}: no case where it {'fires' if r not in fires else 'does not fire'}"
               for r in rules if r not in fires or r not in quiet]
    assert not lacking, "rules without both kinds of case:\n" + "\n".join(lacking)


def test_case_names_are_sentences() -> None:
    for case in all_cases():
        name = case["name"]
        assert name[0].isupper() and len(name.split()) >= 5, name
