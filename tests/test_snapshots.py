"""A bundled profile's result may change only with a new rulebook version and changelog."""

from __future__ import annotations

import difflib
from pathlib import Path
from types import SimpleNamespace

import pytest

from advisor.assess import default_rulebook
from tests import snapshots

HOW = ("If the change is intended: bump the version in rules/index.yaml (major when a "
       "light, a rung or an action moved; minor for a new rule or case; patch for "
       "wording), add a '## VERSION' entry to rules/CHANGELOG.md, then run "
       "'make snapshots'.")


@pytest.fixture(scope="module")
def results() -> dict[str, str]:
    return snapshots.current_results()


def test_every_bundled_profile_has_a_snapshot(results: dict[str, str]) -> None:
    assert set(snapshots.stored_results()) == set(results), HOW


def test_results_match_the_reviewed_snapshots(results: dict[str, str]) -> None:
    stored = snapshots.stored_results()
    for name, text in results.items():
        if stored.get(name) != text:
            diff = "\n".join(list(difflib.unified_diff(
                (stored.get(name) or "").splitlines(), text.splitlines(), "snapshot",
                "now", lineterm="", n=1))[:30])
            pytest.fail(f"the result for {name} changed.\n{HOW}\n{diff}")


def test_this_version_is_recorded_with_a_changelog_entry(results: dict[str, str]) -> None:
    version = default_rulebook().version
    assert snapshots.recorded().get(version) == snapshots.digest(results), HOW
    assert snapshots.has_changelog_entry(version), HOW


def _sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str,
             changelog: str) -> Path:
    import shutil

    from advisor import assess as assess_module

    snaps = tmp_path / "snapshots"
    shutil.copytree(snapshots.SNAPSHOTS, snaps)
    log = tmp_path / "CHANGELOG.md"
    log.write_text(changelog, encoding="utf-8")
    monkeypatch.setattr(snapshots, "SNAPSHOTS", snaps)
    monkeypatch.setattr(snapshots, "VERSIONS", snaps / "versions.json")
    monkeypatch.setattr(snapshots, "CHANGELOG", log)

    book = SimpleNamespace(version=version)
    monkeypatch.setattr(assess_module, "default_rulebook", lambda: book)
    return snaps


def _moved(results: dict[str, str]) -> dict[str, str]:
    """The same results with High Down's stage 6 light moved: a major change."""
    out = dict(results)
    name = "hmp-high-down-clu.yaml"
    out[name] = out[name].replace('"light": "orange",\n      "rule": "S6-orange"',
                                  '"light": "red",\n      "rule": "S6-red"')
    assert out[name] != results[name]
    return out


def _bump(part: str) -> str:
    """The bundled rulebook's version bumped by `part` (none, minor, major), so these
    tests never pin a version the rulebook will one day reach."""
    major, minor, _ = map(int, default_rulebook().version.split("."))
    return {"none": default_rulebook().version, "minor": f"{major}.{minor + 1}.0",
            "major": f"{major + 1}.0.0"}[part]


@pytest.mark.parametrize("part, entries, refusal", [
    ("none", ["none"], "already recorded"),                # same version, new results
    ("minor", ["none", "minor"], "needs a major version"),  # too small a bump
    ("major", ["none"], "no '## {version}' entry"),         # no changelog entry
])
def test_tool_refuses_a_moved_light_without_the_policy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, results: dict[str, str],
        capsys: pytest.CaptureFixture[str], part: str, entries: list[str],
        refusal: str) -> None:
    version = _bump(part)
    changelog = "".join(f"## {_bump(e)}\n" for e in entries)
    _sandbox(tmp_path, monkeypatch, version, changelog)
    monkeypatch.setattr(snapshots, "current_results", lambda: _moved(results))
    assert snapshots.main() == 1
    assert refusal.format(version=version) in capsys.readouterr().err


def test_tool_records_a_major_bump_with_its_entry(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, results: dict[str, str]) -> None:
    major = _bump("major")
    snaps = _sandbox(tmp_path, monkeypatch, major, f"## {_bump('none')}\n## {major}\n")
    moved = _moved(results)
    monkeypatch.setattr(snapshots, "current_results", lambda: moved)
    assert snapshots.main() == 0
    assert major in snapshots.recorded() and len(snapshots.recorded()) >= 2
    assert (snaps / "hmp-high-down-clu.json").read_text(encoding="utf-8") == \
        moved["hmp-high-down-clu.yaml"]
