"""Differential test: the engine and the reference evaluator agree on every profile."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from advisor.assess import default_rulebook
from advisor.collate import collate
from advisor.engine import engine_for
from advisor.profile import Profile
from advisor.render import to_json
from tests import oracle
from tests.conftest import PROFILES
from tests.strategies import profiles


def _both(profile: Profile) -> tuple[str, str]:
    book = default_rulebook()
    by_engine = collate(book, profile, engine_for(book).run(profile))
    by_oracle = collate(book, profile, oracle.run(book, profile))
    return to_json(by_engine), to_json(by_oracle)


def test_bundled_profiles_agree() -> None:
    from advisor.profile import load_profile

    for path in sorted(PROFILES.glob("*.yaml")):
        engine, reference = _both(load_profile(path))
        assert engine == reference, path.name


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_engine_and_oracle_agree(data: dict[str, Any]) -> None:
    engine, reference = _both(Profile.model_validate(data))
    assert engine == reference


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_same_firings_up_to_order_and_repeats(data: dict[str, Any]) -> None:
    book = default_rulebook()
    profile = Profile.model_validate(data)
    assert set(engine_for(book).run(profile)) == set(oracle.run(book, profile))
