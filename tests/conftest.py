from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from advisor import yamlio
from advisor.assess import assess, default_rulebook
from advisor.profile import Profile
from advisor.result import Assessment

# Compiled rulebooks go to a cache of the test run's own (inherited by the CLI runs in
# subprocesses), never to the user's ~/.cache, and removed when the run ends.
_CACHE = os.environ["ADVISOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="advisor-test-cache-")

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "profiles"
HIGH_DOWN = PROFILES / "hmp-high-down-clu.yaml"


def high_down_data() -> dict[str, Any]:
    """The bundled example as plain data, read the way the advisor reads it (YAML 1.2
    booleans: `yes` stays a word)."""
    data: dict[str, Any] = yamlio.load(HIGH_DOWN).data
    return data


def run(data: dict[str, Any]) -> Assessment:
    return assess(Profile.model_validate(data), default_rulebook())


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)


# The longest-running tests (a real pseudo-terminal per interview, thousands of generated
# profiles): `make test` runs them; `make check`, the quick loop, leaves them out.
_SLOW = ("test_interview_", "test_engine_and_oracle_agree", "test_mutated_valid_profiles",
         "test_tags_anchors_huge_numbers", "test_assessments_are_isolated",
         "test_improving_one_fact_never_lowers", "test_hostile_rule_folders",
         "test_a_long_chain_of_dependencies_loads", "test_workers_die",
         "test_the_wheel_ships", "test_the_installed_wheel")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.name.startswith(_SLOW):
            item.add_marker(pytest.mark.slow)
