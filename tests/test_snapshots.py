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


@pytest.fixture(scope="module")
def contents() -> dict[str, list[str]]:
    return snapshots.current_contents()


def test_this_version_is_recorded_with_its_rules_and_cases(
        contents: dict[str, list[str]]) -> None:
    kept = snapshots.recorded_contents(default_rulebook().version)
    if kept is None:
        pytest.skip("this version was recorded before rule ids and case names were kept")
    assert kept == contents, HOW


def _sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str,
             changelog: str, results: dict[str, str],
             recorded: dict[str, list[str]] | None,
             now: dict[str, list[str]]) -> Path:
    """The tool working on a copy: `results` stored as the current version's reviewed
    snapshots (and, until a test says otherwise, the results now), recorded with the
    rule ids and case names `recorded` (or, None, as an older entry of a digest alone);
    `now` the rules and cases the rulebook has now."""
    import json

    from advisor import assess as assess_module

    snaps = tmp_path / "snapshots"
    snaps.mkdir()
    for name, text in results.items():
        (snaps / name.replace(".yaml", ".json")).write_text(text, encoding="utf-8")
    entries: dict[str, object] = {"1.0.0": "0" * 64}
    d = snapshots.digest(results)
    entries[_bump("none")] = d if recorded is None else {"digest": d, **recorded}
    (snaps / "versions.json").write_text(json.dumps(entries), encoding="utf-8")
    log = tmp_path / "CHANGELOG.md"
    log.write_text(changelog, encoding="utf-8")
    monkeypatch.setattr(snapshots, "SNAPSHOTS", snaps)
    monkeypatch.setattr(snapshots, "VERSIONS", snaps / "versions.json")
    monkeypatch.setattr(snapshots, "CHANGELOG", log)
    monkeypatch.setattr(snapshots, "current_contents", lambda: now)
    monkeypatch.setattr(snapshots, "current_results", lambda: results)  # unless told

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
    """The bundled rulebook's version bumped by `part` (none, patch, minor, major), so
    these tests never pin a version the rulebook will one day reach."""
    major, minor, patch = map(int, default_rulebook().version.split("."))
    return {"none": default_rulebook().version, "patch": f"{major}.{minor}.{patch + 1}",
            "minor": f"{major}.{minor + 1}.0", "major": f"{major + 1}.0.0"}[part]


@pytest.mark.parametrize("part, entries, refusal", [
    ("none", ["none"], "already recorded"),                # same version, new results
    ("minor", ["none", "minor"], "needs a major version"),  # too small a bump
    ("major", ["none"], "no '## {version}' entry"),         # no changelog entry
])
def test_tool_refuses_a_moved_light_without_the_policy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, results: dict[str, str],
        contents: dict[str, list[str]], capsys: pytest.CaptureFixture[str], part: str,
        entries: list[str], refusal: str) -> None:
    version = _bump(part)
    changelog = "".join(f"## {_bump(e)}\n" for e in entries)
    _sandbox(tmp_path, monkeypatch, version, changelog, results, contents, contents)
    monkeypatch.setattr(snapshots, "current_results", lambda: _moved(results))
    assert snapshots.main() == 1
    assert refusal.format(version=version) in capsys.readouterr().err


def test_tool_records_a_major_bump_with_its_entry(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, results: dict[str, str],
        contents: dict[str, list[str]]) -> None:
    major = _bump("major")
    snaps = _sandbox(tmp_path, monkeypatch, major, f"## {_bump('none')}\n## {major}\n",
                     results, contents, contents)
    moved = _moved(results)
    monkeypatch.setattr(snapshots, "current_results", lambda: moved)
    assert snapshots.main() == 0
    assert major in snapshots.recorded() and len(snapshots.recorded()) >= 2
    assert (snaps / "hmp-high-down-clu.json").read_text(encoding="utf-8") == \
        moved["hmp-high-down-clu.yaml"]


# -- a new or removed rule or case needs a minor bump; a patch is wording only -----------


def _without(contents: dict[str, list[str]], kind: str) -> dict[str, list[str]]:
    """The contents with the first rule (or case) left out, as if it were new now."""
    return {**contents, kind: contents[kind][1:]}


def _retitled(results: dict[str, str]) -> dict[str, str]:
    """The same results with one action's text reworded: a patch-sized change."""
    out = dict(results)
    name = "hmp-high-down-clu.yaml"
    out[name] = out[name].replace('"text": "', '"text": "Reworded: ', 1)
    assert out[name] != results[name]
    return out


@pytest.mark.parametrize("kind, words", [("rules", "added rule"), ("cases", "added case")])
def test_tool_refuses_a_patch_bump_for_a_new_rule_or_case(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, results: dict[str, str],
        contents: dict[str, list[str]], capsys: pytest.CaptureFixture[str], kind: str,
        words: str) -> None:
    patch = _bump("patch")
    _sandbox(tmp_path, monkeypatch, patch, f"## {patch}\n", results,
             _without(contents, kind), contents)
    assert snapshots.main() == 1
    err = capsys.readouterr().err
    assert f"{words} {contents[kind][0]!r}" in err
    assert f"needs at least a minor version above {_bump('none')}" in err


def test_tool_refuses_a_patch_bump_for_a_removed_case(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, results: dict[str, str],
        contents: dict[str, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    patch = _bump("patch")
    gone = {**contents, "cases": [*contents["cases"], "A case that no longer exists now"]}
    _sandbox(tmp_path, monkeypatch, patch, f"## {patch}\n", results, gone, contents)
    assert snapshots.main() == 1
    assert "removed case 'A case that no longer exists now'" in capsys.readouterr().err


def test_tool_records_a_minor_bump_for_a_new_rule_with_its_rules_and_cases(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, results: dict[str, str],
        contents: dict[str, list[str]]) -> None:
    minor = _bump("minor")
    _sandbox(tmp_path, monkeypatch, minor, f"## {minor}\n", results,
             _without(contents, "rules"), contents)
    assert snapshots.main() == 0
    assert snapshots.recorded_contents(minor) == contents
    assert snapshots.recorded()[minor] == snapshots.digest(results)
    assert snapshots.recorded()["1.0.0"] == "0" * 64  # an older entry, read as it was


def test_tool_records_a_patch_bump_for_wording(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, results: dict[str, str],
        contents: dict[str, list[str]]) -> None:
    patch = _bump("patch")
    _sandbox(tmp_path, monkeypatch, patch, f"## {patch}\n", results, contents, contents)
    monkeypatch.setattr(snapshots, "current_results", lambda: _retitled(results))
    assert snapshots.main() == 0
    assert snapshots.recorded()[patch] == snapshots.digest(_retitled(results))


def test_tool_judges_an_older_entry_by_its_number_of_rules(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, results: dict[str, str],
        contents: dict[str, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    """An entry recorded before rule ids were kept: the stored results' rule count."""
    patch = _bump("patch")
    now = {**contents, "rules": [*contents["rules"], "NEW-rule"]}
    _sandbox(tmp_path, monkeypatch, patch, f"## {patch}\n", results, None, now)
    assert snapshots.main() == 1
    n = len(contents["rules"])
    assert f"the number of rules went from {n} to {n + 1}" in capsys.readouterr().err
    (tmp_path / "again").mkdir()
    _sandbox(tmp_path / "again", monkeypatch, patch, f"## {patch}\n", results, None,
             contents)
    monkeypatch.setattr(snapshots, "current_results", lambda: _retitled(results))
    assert snapshots.main() == 0


def test_tool_refuses_a_new_case_under_the_recorded_version(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, results: dict[str, str],
        contents: dict[str, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    """A new case moves no result, so only the recorded case names show it."""
    _sandbox(tmp_path, monkeypatch, _bump("none"), f"## {_bump('none')}\n", results,
             _without(contents, "cases"), contents)
    assert snapshots.main() == 1
    err = capsys.readouterr().err
    assert f"rulebook {_bump('none')} was recorded with other rules or cases" in err
    assert f"added case {contents['cases'][0]!r}" in err
