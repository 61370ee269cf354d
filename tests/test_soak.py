"""Thousands of assessments in one process keep memory flat (RSS, not time: no flakes)."""

from __future__ import annotations

import gc
import random

import pytest

from advisor import cli, startup
from advisor.assess import assess, default_rulebook
from benchmarks.bench import random_profile, rss_mb


@pytest.mark.slow
def test_memory_stays_flat_over_thousands_of_assessments() -> None:
    book = default_rulebook()
    rng = random.Random(7)
    pool = [random_profile(rng) for _ in range(100)]
    for p in pool:
        assess(p, book)  # warm: engine built, caches filled
    before = rss_mb()
    for i in range(3000):
        assess(pool[i % len(pool)], book)
    growth = rss_mb() - before
    # Without deleting each session the engine holds ~0.8 MB per assessment
    # (DURABLE_RULES.md §3): 3,000 would be ~2.4 GB. Allow allocator noise only.
    assert growth < 4.0, f"RSS grew {growth:.1f} MB over 3,000 assessments"


def test_what_is_kept_per_rulebook_stops_growing_with_bigger_wings() -> None:
    """Facts read per role number and role count are worked out once and kept with the
    rulebook, but only for wings of a few roles: profiles with more (up to 20 of each)
    are assessed the same way without adding to what the process keeps."""
    from advisor.collate import _plan
    from advisor.profile import Profile
    from tests.conftest import high_down_data

    book = default_rulebook()
    plan = _plan(book)

    def kept() -> int:
        alts = [alt for r in book.rules for alt in r.alternatives]
        return (len(plan.bases) + sum(len(w.read) for ws in plan.absences.values() for w in ws)
                + sum(len(alt._paths) for alt in alts))

    def wing(roles: int) -> Profile:
        data = high_down_data()
        data["roles"] = [data["roles"][0] | {"title": f"Role {i}"} for i in range(roles)]
        data["other_roles"] = (data["other_roles"] * roles)[:20]
        return Profile.model_validate(data)

    assess(wing(9), book)  # keeps what roles 0 to 7 read
    bound = kept()
    for roles in (12, 16, 20):  # 20: the most a profile may list
        result = assess(wing(roles), book)
        assert result["assessed_role"] is not None
    assert kept() == bound  # nothing more kept for bigger wings


def test_an_assessment_leaves_nothing_for_the_cycle_collector() -> None:
    """Every object an assessment makes is freed when it returns (no reference cycles):
    otherwise each one waits for the cycle collector, whose full passes over the
    process's objects cost milliseconds."""
    book = default_rulebook()
    rng = random.Random(11)
    profiles = [random_profile(rng) for _ in range(20)]
    for p in profiles:
        assess(p, book)  # warm: engine built, caches filled
    gc.collect()
    gc.disable()
    try:
        for p in profiles:
            assess(p, book)
            assess(p, book, explain=False)
            assess(p, book, reasons=False)
        left = gc.collect()
    finally:
        gc.enable()
    assert left == 0, f"{left} objects were only reachable through reference cycles"


def test_the_console_script_pauses_the_collector_for_start_up_only(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from advisor.profile import load_profile
    from advisor.render import to_json
    from tests.conftest import HIGH_DOWN

    seen: list[bool] = []
    real = startup.started

    def spy() -> None:
        seen.append(gc.isenabled())
        real()

    monkeypatch.setattr(cli, "started", spy)
    monkeypatch.setattr("sys.argv", ["advisor", "assess", str(HIGH_DOWN), "--format", "json"])
    try:
        with pytest.raises(SystemExit) as done:
            cli.run()
        assert done.value.code == 0
        assert seen[0] is False  # start-up ran with the collector paused
        assert gc.isenabled()  # and it runs again once the rulebook is loaded
        assert gc.get_freeze_count() > 0  # what start-up built is out of its way
    finally:
        gc.unfreeze()
        gc.enable()
    assert capsys.readouterr().out == to_json(assess(load_profile(HIGH_DOWN)))
