"""Thousands of assessments in one process keep memory flat (RSS, not time: no flakes)."""

from __future__ import annotations

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
