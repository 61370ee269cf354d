"""whatif, path (proved minimal against brute force), compare and batch."""

from __future__ import annotations

import csv
import io
import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from advisor import yamlio
from advisor.assess import assess, default_rulebook
from advisor.cli import main
from advisor.collate import collate
from advisor.engine import engine_for
from advisor.path import find_path
from advisor.paths import set_in
from advisor.profile import Profile, load_profile
from tests.conftest import HIGH_DOWN, PROFILES


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


# -- whatif ---------------------------------------------------------------------------


def test_whatif_shows_what_moves() -> None:
    r = _invoke("whatif", str(HIGH_DOWN), "--format", "json",
                "--set", "roles[0].expectations_communicated=true",
                "--set", "roles[0].visible_to_residents=true",
                "--set", "roles[0].engagement.day_to_day=informal",
                "--set", "roles[0].functions.bridging=some")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    # rung 1's three soft requirements now hold, so the role informs
    assert d["current_rung"] == {"from": 0, "to": 1}
    assert d["target_rung"] == {"from": 3, "to": 3}
    # a role known to bridge has what participation needs: no reason to reconsider it
    assert {a["id"] for a in d["actions_removed"]} == {"R1a", "R1c-visible", "LL1-daily",
                                                       "LL2-bridging", "LL2-reselect"}
    assert d["questions_settled"] == ["roles[0].functions.bridging"]
    # informal day-to-day work gives stage 4 another route to orange, not a new colour
    assert d["lights"] == []


def test_whatif_light_moves_up() -> None:
    r = _invoke("whatif", str(HIGH_DOWN), "--set", "governance.roles_in_wing_forum=true")
    assert r.exit_code == 0
    assert "stage 4: ORANGE -> GREEN (up)" in r.stdout
    # forum access is rung 4's structure; oversight is an action, not a gate (§2.4.1)
    assert "target rung: 3 -> 4 (up)" in r.stdout
    r = _invoke("whatif", str(HIGH_DOWN), "--set", "governance.strategic_oversight=true")
    assert "target rung: 3 (unchanged)" in r.stdout
    assert "need a formal structure for their oversight" in r.stdout  # by its text


@pytest.mark.parametrize("setting, message", [
    ("roles[0].supervison=structured", "not a fact path (did you mean"),
    ("roles[0].supervision=structurd", "'structurd' is not one of"),
    ("roles[3].supervision=structured", "cannot set roles[3].supervision"),
    ("governance.wing_forum", "--set takes PATH=VALUE"),
])
def test_whatif_refuses_bad_settings(setting: str, message: str) -> None:
    r = _invoke("whatif", str(HIGH_DOWN), "--set", setting)
    assert r.exit_code == 2 and r.stdout == ""
    assert message in r.stderr


# -- path: exact, against brute force -------------------------------------------------


def _options(book: Any, profile: Profile) -> list[tuple[str, Any, int]]:
    """Every single change the rulebook allows, for every role and the wing."""
    out = []
    for fact, options in book.options.items():
        paths = ([fact.replace("role.", f"roles[{i}].", 1)
                  for i in range(len(profile.role_list))]
                 if fact.startswith("role.") else [fact])
        for path in paths:
            out += [(path, o.value, o.effort) for o in options]
    return out


def _rung_after(book: Any, base: dict[str, Any], changes: tuple[tuple[str, Any, int], ...]
                ) -> int:
    data = json.loads(json.dumps(base))
    for path, value, _ in changes:
        set_in(data, path, value)
    p = Profile.model_validate(data)
    return int(collate(book, p, engine_for(book).run(p))["current_rung"])


def _brute_force(profile: Profile, to_rung: int
                 ) -> tuple[int, set[frozenset[tuple[str, str]]]]:
    """The least effort, and every change set of that effort, found by trying every
    combination of allowed changes in order of effort."""
    book = default_rulebook()
    base = profile.model_dump(mode="json")
    options = _options(book, profile)
    for budget in range(1, 40):
        found: set[frozenset[tuple[str, str]]] = set()
        for size in range(1, budget + 1):
            for combo in itertools.combinations(options, size):
                if sum(c[2] for c in combo) != budget or \
                        len({c[0] for c in combo}) < size:
                    continue
                if _rung_after(book, base, combo) >= to_rung:
                    found.add(frozenset((c[0], json.dumps(c[1])) for c in combo))
        if found:
            return budget, found
    raise AssertionError("no solution found")


@pytest.mark.parametrize("name, changes, to_rung", [
    ("hmp-high-down-clu.yaml", {}, 1),
    ("thin-proposal.yaml", {}, 1),
    ("two-roles.yaml", {"roles[1].feedback_role": "collects"}, 3),
    ("peer-led-wing.yaml", {"roles[0].initiative": "proposed"}, 5),
])
def test_path_is_minimal_and_lists_every_tie(name: str, changes: dict[str, Any],
                                             to_rung: int) -> None:
    data = yamlio.load(PROFILES / name).data
    for path, value in changes.items():
        set_in(data, path, value)
    profile = Profile.model_validate(data)
    result = find_path(default_rulebook(), profile, to_rung)
    effort, solutions = _brute_force(profile, to_rung)
    assert result.reachable
    assert result.effort == effort
    found = {frozenset((c.path, json.dumps(c.value)) for c in s) for s in result.solutions}
    assert found == solutions


def test_path_reports_high_down_to_participation() -> None:
    r = _invoke("path", str(HIGH_DOWN), "--to-rung", "3", "--format", "json")
    d = json.loads(r.stdout)
    # rung 1: told, visible, active day to day (1 each); rung 2: a profile (1) and
    # feedback, which analysing (2) also covers; rung 3: deciding with staff now and then
    # (2) and bridging (some, 2). Staff still deliver: no phase changes (App 1).
    assert d["reachable"] and d["effort"] == 10 and len(d["change_sets"]) == 1
    changes = {c["fact"]: c["to"] for c in d["change_sets"][0]}
    assert changes == {"roles[0].engagement.day_to_day": "informal",
                       "roles[0].expectations_communicated": True,
                       "roles[0].feedback_role": "analyses",
                       "roles[0].functions.bridging": "some",
                       "roles[0].decides_with_staff": "occasionally",
                       "roles[0].profile_defined": True,
                       "roles[0].visible_to_residents": True}
    by_fact = {c["fact"]: [a["id"] for a in c["actions"]] for c in d["change_sets"][0]}
    assert by_fact["roles[0].expectations_communicated"] == ["R1a"]
    assert by_fact["roles[0].decides_with_staff"] == ["A1-decide"]


def test_path_explains_what_cannot_be_reached() -> None:
    r = _invoke("path", str(PROFILES / "no-role-yet.yaml"), "--to-rung", "1")
    assert r.exit_code == 0
    said = " ".join(r.stdout.split())  # wrapped for an 80-column terminal
    assert "cannot be reached" in said and "no peer involvement role is selected" in said
    r = _invoke("path", str(PROFILES / "peer-led-wing.yaml"), "--to-rung", "3")
    assert "Already at rung 5" in r.stdout


# -- compare --------------------------------------------------------------------------


def test_compare_proposals_ranks_the_readiest() -> None:
    r = _invoke("compare", str(PROFILES / "thin-proposal.yaml"), str(PROFILES / "two-roles.yaml"),
                "--format", "json")
    d = json.loads(r.stdout)
    assert d["mode"] == "proposals"
    assert d["readiest"] == "two-roles.yaml"  # rung 3 against rung 0
    thin = next(p for p in d["profiles"] if p["name"] == "thin-proposal.yaml")
    assert thin["weak_stages"] == [4, 5, 6]


def test_compare_audits_of_one_wing_over_time(tmp_path: Path) -> None:
    later = tmp_path / "clu-2025.yaml"
    data = yamlio.load(HIGH_DOWN).data
    for path, value in [("roles[0].expectations_communicated", True),
                        ("roles[0].visible_to_residents", True),
                        ("roles[0].engagement.day_to_day", "informal"),
                        ("governance.senior_interest_in_user_voice", False)]:
        set_in(data, path, value)
    later.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
    r = _invoke("compare", str(HIGH_DOWN), str(later), "--format", "json")
    d = json.loads(r.stdout)
    assert d["mode"] == "audits over time"
    assert d["order"] == "given"  # High Down gives no date: the order of the command line
    step = d["changes"][0]
    assert step["current_rung"] == {"from": 0, "to": 1}
    assert step["lights"] == [{"stage": 6, "from": "orange", "to": "red", "direction": "down"}]
    # each removed action is completed or no longer proposed, never both (issue 18.7)
    assert set(step["actions_completed"]) == {"R1a", "R1c-visible", "LL1-daily"}
    assert step["actions_dropped"] == []
    for fmt in ("terminal", "markdown", "html"):
        out = _invoke("compare", str(HIGH_DOWN), str(later), "--format", fmt).stdout
        flat = " ".join(out.split())
        assert flat.count("Agree, as a staff team and with residents") == 1  # completed, once
        assert "stage 6" in out.lower()


# -- batch ----------------------------------------------------------------------------


def test_batch_summarises_and_carries_on_past_bad_files(tmp_path: Path) -> None:
    folder = tmp_path / "audits"
    shutil.copytree(PROFILES, folder)
    (folder / "sub").mkdir()
    (folder / "sub" / "broken.yaml").write_text("profile_version: 1\nkind: x\n",
                                                encoding="utf-8")
    out = tmp_path / "summary.csv"
    r = _invoke("batch", str(folder), "-o", str(out))
    assert r.exit_code == 2
    assert "assessed 5 of 6 profiles" in r.stderr
    assert "failed: " in r.stderr and "broken.yaml:1: site: is required but missing" in r.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 5
    hd = next(row for row in rows if row["file"].endswith("hmp-high-down-clu.yaml"))
    expected = assess(load_profile(HIGH_DOWN))
    assert hd["current_rung"] == "0" and hd["target_rung"] == "3"
    assert [hd[f"stage{i}"] for i in range(1, 7)] == [s["light"] for s in expected["stages"]]
    assert int(hd["actions_now"]) == sum(a["horizon"] == "now" for a in expected["actions"])
    assert int(hd["open_questions"]) == len(expected["open_questions"])
    parallel = tmp_path / "parallel.csv"
    _invoke("batch", str(folder), "-o", str(parallel), "--jobs", "2")
    assert parallel.read_bytes() == out.read_bytes()
    as_json = tmp_path / "summary.json"
    _invoke("batch", str(folder), "-o", str(as_json), "--format", "json")
    assert [row["wing"] for row in json.loads(as_json.read_text(encoding="utf-8"))] == \
        [row["wing"] for row in rows]
    # `-o -`: the summary alone on stdout, the same bytes; the report line on stderr
    r = _invoke("batch", str(folder), "-o", "-")
    assert r.exit_code == 2
    assert r.stdout == out.read_text(encoding="utf-8")
    assert "assessed 5 of 6 profiles into stdout" in r.stderr
    assert not (Path.cwd() / "-").exists()


def test_batch_progress_goes_to_stderr(tmp_path: Path) -> None:
    """The progress bar (shown when stderr is a terminal) never mixes into stdout."""
    from advisor.batch import run_batch

    folder = tmp_path / "audits"
    shutil.copytree(PROFILES, folder)
    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        _text, failures, count = run_batch(folder, "csv", 1, None, progress=True)
    assert (count, failures) == (5, [])
    assert out.getvalue() == b""
    assert b"assessing" in err.getvalue()
