"""`advisor batch`: every profile under a folder, summarised, in one or several processes.

Results keep file order whatever the number of workers, so `--jobs N` gives the same
bytes as one process. Each worker builds its own engine (the engine's state is per
process); only small summary rows travel back, so memory stays flat.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from advisor.errors import AdvisorError
from advisor.startup import started

_book: Any = None


def _init(rules_dir: str | None) -> None:
    global _book  # noqa: PLW0603 - one rulebook per worker process
    from advisor.assess import default_rulebook
    from advisor.cache import load_compiled

    _book = load_compiled(Path(rules_dir)) if rules_dir else default_rulebook()
    started()  # in `advisor` and in the workers it forks: the rulebook is frozen too


def _one(path: str) -> tuple[str, dict[str, Any] | None, str | None]:
    from advisor.assess import assess
    from advisor.profile import load_profile
    from advisor.whatif import summary_row

    try:
        result = assess(load_profile(Path(path)), _book, explain=False, reasons=False)
        return path, summary_row(Path(path), result), None
    except AdvisorError as err:
        return path, None, err.one_line()


def _results(files: list[Path], jobs: int, rules_dir: Path | None
             ) -> Iterator[tuple[str, dict[str, Any] | None, str | None]]:
    names = [str(f) for f in files]
    if jobs == 1:
        _init(str(rules_dir) if rules_dir else None)
        yield from map(_one, names)
        return
    with ProcessPoolExecutor(jobs, initializer=_init,
                             initargs=(str(rules_dir) if rules_dir else None,)) as pool:
        results = pool.map(_one, names, chunksize=64)  # submits all: every worker forked
        started()  # here, only the summary rows are left to gather
        yield from results


def run_batch(folder: Path, fmt: str, jobs: int, rules_dir: Path | None,
              progress: bool = False) -> tuple[str, list[str], int]:
    """The summary text, the failures (one line each) and how many files were read."""
    import click

    files = sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml"))
    rows: list[dict[str, Any]] = []
    failures: list[str] = []
    results = _results(files, jobs, rules_dir)
    # on stderr, never stdout: the summary may be going there (`-o -`)
    with click.progressbar(results, length=len(files), label="assessing",
                           file=sys.stderr if progress else io.StringIO()) as bar:
        for _path, row, error in bar:
            if row is not None:
                rows.append(row)
            else:
                failures.append(str(error))
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n", failures, len(files)
    buffer = io.StringIO()
    fields = ["file", "prison", "wing", "kind", "current_rung", "target_rung",
              *[f"stage{i}" for i in range(1, 7)], "actions_now", "actions_next",
              "actions_later", "open_questions"]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue(), failures, len(files)
