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
