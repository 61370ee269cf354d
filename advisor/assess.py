"""The advisor as a library: assess a profile with the bundled rulebook, or another.

This is the composition root. It owns the compiled rulebook (`default_rulebook`, read
through the cache once per process) and runs the pipeline: the profile's facts into the
engine (`advisor.engine`), what fired collated into the assessment object
(`advisor.collate`). The CLI, the tools and programs call these.
"""

from __future__ import annotations

import functools
from pathlib import Path

from advisor.collate import collate, explain_rules, show
from advisor.profile import Profile, load_profile
from advisor.result import Assessment
from advisor.rulebook import Rulebook


def assess(profile: Profile, book: Rulebook | None = None, *, explain: bool = True,
           reasons: bool = True) -> Assessment:
    """Assess one profile with the engine and return the assessment object (see
    `advisor.collate.collate` for `explain` and `reasons`)."""
    from advisor.engine import engine_for

    book = book or default_rulebook()
    return collate(book, profile, engine_for(book).run(profile), explain=explain,
                   reasons=reasons)


def assess_file(path: Path, book: Rulebook | None = None) -> Assessment:
    return assess(load_profile(path), book)


@functools.cache
def default_rulebook() -> Rulebook:
    """The bundled rulebook, loaded once per process (compiled once per edit: see
    `advisor.cache`)."""
    from advisor.cache import load_compiled

    return load_compiled()


__all__ = ["assess", "assess_file", "default_rulebook", "explain_rules", "show"]
