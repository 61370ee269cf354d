"""Thousands of assessments in one process keep memory flat (RSS, not time: no flakes)."""

from __future__ import annotations

import gc
import random

import pytest

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
