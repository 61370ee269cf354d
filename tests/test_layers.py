"""The package reads as its pipeline, and imports run one way along it.

Each module sits in one stage; a module may import only from its own stage or the ones
before it, and no modules may import one another in a circle, however indirectly (with
imports inside functions counted too). A new module must be given its stage here, so
where it belongs is decided once. Run by `make lint`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "advisor"

STAGES: dict[str, tuple[str, ...]] = {
    # words, paths, errors and reading and writing files: used by every stage
    "foundations": ("advisor", "advisor.errors", "advisor.words", "advisor.paths",
                    "advisor.shipped", "advisor.yamlio", "advisor.files", "advisor.startup"),
    # 1. a site profile in: the model, its versions, the bundled examples
    "profile": ("advisor.profile", "advisor.upgrade", "advisor.examples"),
    # 2. the rulebook: its files read, checked and compiled
    "rulebook": ("advisor.rulebook",),
    # 3. evaluation: the profile's facts into the engine, what fired out
    "engine": ("advisor.facts", "advisor.engine"),
    # 4. collation: what fired into the assessment object
    "collation": ("advisor.result", "advisor.collate"),
    # 5. the composition root: the compiled rulebook (and its cache), the pipeline run
    "root": ("advisor.cache", "advisor.assess"),
    # 6. renderers: the assessment in words
    "render": ("advisor.render.words", "advisor.render.jsonout", "advisor.render.terminal",
               "advisor.render.markdown", "advisor.render.html", "advisor.render.csvout",
               "advisor.render.charts", "advisor.render"),
    # 7. tools built on the pipeline
    "tools": ("advisor.cases", "advisor.ruletools", "advisor.explain", "advisor.compare",
              "advisor.whatif",
              "advisor.path", "advisor.batch", "advisor.intake", "advisor.interview",
              "advisor.reference"),
    # 8. the web service: stored assessments and the app that serves them
    "service": ("advisor.web", "advisor.web.models", "advisor.web.db", "advisor.web.passwords",
                "advisor.web.allocator",
                "advisor.web.store", "advisor.web.guided", "advisor.web.security",
                "advisor.web.pages", "advisor.web.tracking", "advisor.web.portfolio",
                "advisor.web.history", "advisor.web.explore", "advisor.web.app",
                "advisor.web.migrations",
                "advisor.web.migrations.env",
                "advisor.web.migrations.versions",
                "advisor.web.migrations.versions.v0001_first_schema",
                "advisor.web.migrations.versions.v0002_results_kept",
                "advisor.web.migrations.versions.v0003_action_tracking",
                "advisor.web.migrations.versions.v0004_results_assessed_on",
                "advisor.web.commands"),
    # 9. the command line
    "cli": ("advisor.cli", "advisor.interview_cli", "advisor.__main__"),
}
ORDER = {module: n for n, modules in enumerate(STAGES.values()) for module in modules}


def _module_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Module -> the advisor modules it imports, anywhere in it."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_of(path)
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                    and node.module.split(".")[0] == "advisor":
                # `from advisor.render import words` imports the module `words`; `from
                # advisor.render import render` a name defined by the package itself
                subs = [f"{node.module}.{a.name}" for a in node.names]
                found.update(m for m in subs if m in ORDER)
                if any(m not in ORDER for m in subs):
                    found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.split(".")[0] == "advisor")
        graph[module] = {m for m in found if m in ORDER and m != module}
    return graph


GRAPH = _imports()


def test_every_module_has_its_stage() -> None:
    missing = sorted(set(GRAPH) - set(ORDER))
    assert not missing, f"give these modules a stage in tests/test_layers.py: {missing}"


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_run_one_way_along_the_pipeline(module: str) -> None:
    against = sorted(m for m in GRAPH[module] if ORDER[m] > ORDER[module])
    stage = {m: s for s, ms in STAGES.items() for m in ms}
    assert not against, (f"{module} ({stage[module]}) imports from a later stage: "
                         + ", ".join(f"{m} ({stage[m]})" for m in against))


def test_no_modules_import_one_another_in_a_circle() -> None:
    done: set[str] = set()

    def walk(module: str, path: list[str]) -> None:
        if module in path:
            cycle = [*path[path.index(module):], module]
            pytest.fail("modules import one another in a circle: " + " -> ".join(cycle))
        if module in done:
            return
        for target in sorted(GRAPH.get(module, ())):
            walk(target, [*path, module])
        done.add(module)

    for module in sorted(GRAPH):
        walk(module, [])
