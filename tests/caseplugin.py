"""pytest plugin: each case in rules/cases/*.yaml is a test item with a short diagnosis."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from advisor.assess import default_rulebook
from advisor.cases import Case, load_cases, run_case


class CaseFailure(Exception):
    pass


class CaseItem(pytest.Item):
    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        result = run_case(self.case, default_rulebook())
        if result.problems:
            raise CaseFailure("\n".join(result.problems))

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailure):
            return f"case: {self.name}\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.line, f"case: {self.name}"


class CaseFile(pytest.File):
    def collect(self) -> Any:
        for case in load_cases(default_rulebook()):
            if case.file == self.path:
                yield CaseItem.from_parent(self, name=case.name, case=case)


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.File | None:
    if file_path.suffix == ".yaml" and file_path.parent.name == "cases" \
            and file_path.parent.parent.name == "rules":
        return CaseFile.from_parent(parent, path=file_path)
    return None
