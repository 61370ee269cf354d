from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import pytest

from advisor import yamlio
from advisor.assess import assess, default_rulebook
from advisor.profile import Profile
from advisor.rulebook import Rulebook

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "profiles"
HIGH_DOWN = PROFILES / "hmp-high-down-clu.yaml"


@pytest.fixture(scope="session")
def book() -> Rulebook:
    return default_rulebook()


def high_down_data() -> dict[str, Any]:
    """The bundled example as plain data, read the way the advisor reads it (YAML 1.2
    booleans: `yes` stays a word)."""
    data: dict[str, Any] = yamlio.load(HIGH_DOWN).data
    return data


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`changes` laid over `base`: mappings merge, everything else replaces."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def run(data: dict[str, Any]) -> dict[str, Any]:
    return assess(Profile.model_validate(data), default_rulebook())


# ---------------------------------------------------------------------------------------
# Rule cases: tests/cases/*.yaml, one pytest item per case, with a short diagnosis.
# ---------------------------------------------------------------------------------------

CASES_DIR = Path(__file__).resolve().parent / "cases"
MINIMAL: dict[str, Any] = {"profile_version": 1, "kind": "proposal",
                           "site": {"prison": "HMP Example"}, "wing": {"name": "A wing"}}


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set `roles[0].engagement.phase1`-style paths in plain profile data."""
    node: Any = data
    parts = path.replace("]", "").replace("[", ".").split(".")
    for here, nxt in itertools.pairwise(parts):
        key: Any = int(here) if here.isdigit() else here
        if isinstance(node, dict) and key not in node:
            node[key] = [] if nxt.isdigit() else {}
        node = node[key]
    last = parts[-1]
    if isinstance(node, list) and int(last) == len(node):
        node.append(value)
    else:
        node[int(last) if last.isdigit() else last] = value


def case_profile(base: str, changes: dict[str, Any] | None) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL) if base == "minimal" else yamlio.load(PROFILES / base).data
    for path, value in (changes or {}).items():
        set_path(data, path, value)
    return data


def fired_rules(data: dict[str, Any]) -> set[str]:
    from advisor.engine import engine_for

    book = default_rulebook()
    return {f.rule for f in engine_for(book).run(Profile.model_validate(data)) if not f.maybe}


class CaseFailure(Exception):
    pass


class CaseItem(pytest.Item):
    def __init__(self, *, spec: dict[str, Any], base: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.base = base

    def runtest(self) -> None:
        fired = fired_rules(case_profile(self.spec.get("base", self.base),
                                         self.spec.get("set")))
        known = {r.id for r in default_rulebook().rules}
        problems = [f"no such rule {r}" for r in [*self.spec.get("fires", []),
                                                 *self.spec.get("does_not_fire", [])]
                    if r not in known]
        problems += [f"expected {r} to fire; it did not"
                     for r in self.spec.get("fires", []) if r in known and r not in fired]
        problems += [f"expected {r} not to fire; it did"
                     for r in self.spec.get("does_not_fire", []) if r in fired]
        if problems:
            raise CaseFailure("\n".join(problems))

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailure):
            return f"case: {self.name}\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"case: {self.name}"


class CaseFile(pytest.File):
    def collect(self) -> Any:
        doc = yamlio.load(self.path).data
        for spec in doc["cases"]:
            yield CaseItem.from_parent(self, name=spec["name"], spec=spec, base=doc["base"])


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.File | None:
    if file_path.suffix == ".yaml" and file_path.parent == CASES_DIR:
        return CaseFile.from_parent(parent, path=file_path)
    return None


def all_cases() -> list[dict[str, Any]]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        doc = yamlio.load(path).data
        out += [{"base": doc["base"], **spec} for spec in doc["cases"]]
    return out
