"""The bundled worked examples, each asserted against what it was written to teach."""

from __future__ import annotations

from typing import Any

import pytest

from advisor.assess import assess_file
from tests.conftest import PROFILES


def result(name: str) -> Any:
    return assess_file(PROFILES / name)


def lights(r: dict[str, Any]) -> list[str]:
    return [s["light"] for s in r["stages"]]


def test_every_example_says_what_it_teaches() -> None:
    for path in sorted(PROFILES.glob("*.yaml")):
        head = path.read_text(encoding="utf-8").splitlines()[:6]
        assert any("teaches" in line for line in head if line.startswith("#")), path.name


def test_peer_led_wing_reaches_the_top_by_a_holder_run_initiative() -> None:
    r = result("peer-led-wing.yaml")
    # Formal parts in both phases, feedback designed by holders, co-produced recruitment,
    # cycles planned with staff and forum access: rung 4 (App 1). Holders brought
    # residents' idea to staff and run it with staff backing, and the role represents
    # residents: rung 5. No Council link is needed for that rung.
    assert r["current_rung"] == 5
    assert r["target_rung"] == 5
    assert r["assessed_role"] == {"index": 0, "title": "Peer mentor"}
    assert all(rung["met"] for rung in r["rungs"])
    # the wing sits on the Council, not through the role; leaders want residents' voice
    assert lights(r) == ["green", "green", "green", "green", "orange", "orange"]
    assert [a["id"] for a in r["actions"]] == ["R3a", "R3c"]  # §2.4.3's links, later
    assert {a["horizon"] for a in r["actions"]} == {"later"}
    assert r["aspiration_gap"] is False  # it aims at 5 and is there
    assert r["role_fit"]["needed"] == ["bridging", "civic_representation"]
    assert r["role_fit"]["missing"] == []
    assert r["open_questions"] == []


def test_thin_proposal_turns_unknowns_into_risks() -> None:
    r = result("thin-proposal.yaml")
    assert r["profile"]["kind"] == "proposal"
    assert r["current_rung"] == 0
    # ad-hoc supervision is rung 1's structure; rung 2 asks for none; rung 3 needs a
    # regular meeting at least, which is not known to be in place
    assert r["target_rung"] == 2
    # phase 1 runs without reflective work and phase 2's activities are unknown; holders'
    # phase roles are planned; the forum, holders' daily work, council and leadership are
    # unknown, so stages 4-6 fall to red.
    assert lights(r) == ["orange", "orange", "orange", "red", "red", "red"]
    assert r["aspiration_rung"] == 4 and r["aspiration_gap"] is True
    assert any(f["id"] == "ASPIRATION" for f in r["findings"])
    facts = {q["fact"] for q in r["open_questions"]}
    assert {"governance.wing_forum", "delivery.staff_buy_out",
            "roles[0].expectations_communicated", "roles[0].decides_with_staff"} <= facts
    ids = {a["id"] for a in r["actions"]}
    assert "GP1-add" in ids  # no lived experience input
    # assessed 2026-11-20; an 8-week course then 8 weeks of phase 2 end on 2027-03-12,
    # after the funding ends on 2027-01-31
    end = next(a for a in r["actions"] if a["id"] == "GP2-funding-end")
    assert end["owner"] == "CFO commissioner" and end["horizon"] == "now"
    assert end["because"] == ["funding_covers_next_cycle = false"]
    assert r["assessed"] == {"on": "2026-11-20", "by": "CFO commissioning panel"}


def test_no_role_yet_starts_by_choosing_one() -> None:
    r = result("no-role-yet.yaml")
    assert r["current_rung"] == 0
    assert r["target_rung"] == 1
    assert r["assessed_role"] is None
    assert r["actions"][0]["id"] == "LL2-select"
    # what follows the choice waits for it
    first = {a["id"]: a for a in r["actions"]}
    assert first["R1a"]["depends_on"] == first["R1b-supervision"]["depends_on"] == \
        ["LL2-select"]
    assert all(u["because"] == ["roles = []"] for rung in r["rungs"] for u in rung["unmet"]
               if u["requirement"].startswith("REQ-1"))
    # a rung 1 target asks no particular function of a role (App 1)
    assert r["role_fit"] == {"needed": [], "missing": [], "candidates": []}


def test_two_roles_the_better_one_sets_the_rung() -> None:
    r = result("two-roles.yaml")
    # the Peer mentor decides with staff who does what, bridges, and analyses and presents
    # feedback while staff deliver both phases: participation (App 1)
    assert r["current_rung"] == 3
    assert r["target_rung"] == 4  # one above; no forum access, so no structure for more
    assert r["assessed_role"] == {"index": 1, "title": "Peer mentor"}
    rung4 = {u["requirement"]: u for u in r["rungs"][3]["unmet"]}
    assert {k: u["kind"] for k, u in rung4.items()} == {
        "REQ-4-phases": "soft", "REQ-4-design": "soft", "REQ-4-recruitment": "soft",
        "REQ-4-plans": "soft", "REQ-4-forum-access": "structural"}
    assert rung4["REQ-4-phases"]["because"] == ["roles[1].engagement.phase1 = none",
                                                "roles[1].engagement.phase2 = none"]
    # the Ambassador's gaps are not the wing's: no action to tell residents what holders
    # do, nor to start deciding with staff
    ids = {a["id"] for a in r["actions"]}
    assert "R1a" not in ids and "A1-decide" not in ids
    assert "A1-plan" in ids  # the next step: plan each cycle as equal partners


@pytest.mark.parametrize("name", ["hmp-high-down-clu.yaml", "two-roles.yaml"])
def test_markdown_and_terminal_show_the_same_plan(name: str) -> None:
    from advisor.render import render

    r = result(name)
    md = render(r, "markdown")
    term = render(r, "terminal", width=120)
    flat = " ".join(term.split())
    for n, a in enumerate(r["actions"], 1):  # by number and text: ids are for programs
        assert f"\n{n}. **{' '.join(a['text'].split())}** (" in md
        assert " ".join(a["text"].split()) in flat


# -- by name, from anywhere: `advisor examples` and `--example` --------------------------


def _cli(*args: str) -> Any:
    from click.testing import CliRunner

    from advisor.cli import main

    return CliRunner().invoke(main, list(args))


def test_examples_lists_every_bundled_profile_with_what_it_teaches() -> None:
    r = _cli("examples")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    for path in sorted(PROFILES.glob("*.yaml")):
        assert any(line.startswith(path.name + " ") for line in lines), path.name
    high_down = next(line for line in lines if line.startswith("hmp-high-down-clu.yaml"))
    assert high_down.split(None, 1)[1] == \
        "a well-resourced wing whose chosen peer role barely operates."
    assert "advisor assess --example" in r.stdout


def test_teaches_is_the_first_sentence_of_the_header_paragraph() -> None:
    from advisor.examples import teaches

    text = ("# yaml-language-server: $schema=x.json\n# A wing.\n# What it teaches: one "
            "thing, over\n# two lines (§1.2). Then more.\nkind: example\n# What it "
            "teaches: not in the header\n")
    assert teaches(text) == "one thing, over two lines (§1.2)."
    assert teaches("kind: example\n") == ""


@pytest.mark.parametrize("name", ["high-down", "hmp-high-down-clu", "hmp-high-down-clu.yaml",
                                  "hmp"])
def test_assess_takes_a_bundled_example_by_name(name: str) -> None:
    r = _cli("assess", "--example", name, "--format", "json")
    assert r.exit_code == 0, r.stderr
    from advisor.render import to_json

    assert r.stdout == to_json(result("hmp-high-down-clu.yaml"))


@pytest.mark.parametrize("args, message", [
    (["--example", "thin-proposl"], "no bundled example 'thin-proposl' (did you mean "
                                    "'thin-proposal'?); the examples are hmp-high-down-clu"),
    (["--example", "role"], "example 'role' could be any of no-role-yet, two-roles"),
    ([], "give a PROFILE file or --example NAME"),
    (["x.yaml", "--example", "two-roles"], "give a PROFILE file or --example NAME"),
])
def test_a_wrong_example_name_is_a_clear_error(args: list[str], message: str) -> None:
    r = _cli("assess", *args)
    assert r.exit_code == 2 and r.stdout == ""
    assert message in r.stderr


def test_explain_whatif_and_path_take_an_example_too() -> None:
    r = _cli("explain", "--example", "no-role", "--action", "LL2-select")
    assert r.exit_code == 0 and r.stdout.startswith("  1. (now, CFO staff team) Choose a peer")
    r = _cli("whatif", "-e", "peer-led", "--set", "roles[0].supervision=none")
    assert r.exit_code == 0 and "current rung: 5 -> 0" in r.stdout
    r = _cli("path", "-e", "two-roles", "--to-rung", "4", "--format", "json")
    assert r.exit_code == 0 and '"current_rung": 3' in r.stdout
