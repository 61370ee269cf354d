"""`advisor batch`: every profile under a folder, summarised, in one or several processes.

Results keep file order whatever the number of workers, so `--jobs N` gives the same
bytes as one process. Each worker builds its own engine (the engine's state is per
process); only small summary rows travel back, so memory stays flat.

Nothing one file does stops the run: an error of any kind is that file's failure line, a
worker that dies is replaced and the file it was assessing is named as the failure, and a
folder that cannot be read is a failure too, never skipped in silence. The walk only lists
folders; files are opened by the loader, which refuses devices and pipes without waiting.
Workers die with the `advisor` process that started them, however it ends, so none is
left holding the caller's pipes open.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Generator, Iterable
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from advisor.errors import AdvisorError, InputError
from advisor.startup import started

Result = tuple[str, dict[str, Any] | None, str | None]
Results = Generator[Result, None, None]
FIELDS = ["file", "prison", "wing", "kind", "current_rung", "target_rung",
          *[f"stage{i}" for i in range(1, 7)], "actions_now", "actions_next",
          "actions_later", "open_questions"]
# A spreadsheet reads a cell starting with one of these as a formula (`=cmd|' /C calc'!A0`
# runs a command); a leading single quote makes it text, shown as it was.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_book: Any = None


def _init(rules_dir: str | None) -> None:
    global _book  # noqa: PLW0603 - one rulebook per worker process
    from advisor.assess import default_rulebook
    from advisor.cache import load_compiled

    _book = load_compiled(Path(rules_dir)) if rules_dir else default_rulebook()
    started()  # in `advisor` and in the workers it forks: the rulebook is frozen too


def _one(path: str) -> Result:
    from advisor.assess import assess
    from advisor.profile import load_profile
    from advisor.whatif import summary_row

    try:
        result = assess(load_profile(Path(path)), _book, explain=False, reasons=False)
        return path, summary_row(Path(path), result), None
    except AdvisorError as err:
        return path, None, err.one_line()
    except Exception as err:  # a bug, but one file's: list it with the rest and carry on
        if os.environ.get("ADVISOR_DEBUG"):
            raise
        text = f"{type(err).__name__}: {err}"
        return path, None, InputError(
            f"could not be assessed, an internal error (please report it): {text[:300]}",
            file=path).one_line()


# -- workers --------------------------------------------------------------------------


def _die_with_parent(parent: int) -> None:
    """Make this worker end when `advisor` does, even if it is killed outright: on Linux
    the kernel sends SIGTERM when the parent dies; elsewhere a thread waits for it."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(pr_set_pdeathsig, ctypes.c_ulong(signal.SIGTERM), ctypes.c_ulong(0),
                      ctypes.c_ulong(0), ctypes.c_ulong(0)) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    else:
        watched = multiprocessing.parent_process()
        if watched is not None:
            sentinel = watched.sentinel

            def watch() -> None:
                wait([sentinel])  # ready when the parent has gone
                os._exit(1)

            threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # it died before the kernel was asked to tell us
        os._exit(1)


def _work(conn: Connection, rules_dir: str | None, parent: int) -> None:
    """A worker: start, say so (or why not), then assess each chunk of (index, path) it is
    sent, one result message per file, until it is sent None."""
    try:
        _die_with_parent(parent)
        _init(rules_dir)
    except AdvisorError as err:
        conn.send(("failed", err.exit_code, err.one_line()))
        return
    except Exception as err:
        conn.send(("failed", 1, f"a worker could not start: {type(err).__name__}: {err}"))
        return
    with contextlib.suppress(EOFError, OSError):  # the parent has gone: nothing to say
        conn.send(("ready",))
        while (chunk := conn.recv()) is not None:
            for index, path in chunk:
                conn.send(("done", index, _one(path)))


class _Worker:
    def __init__(self, ctx: Any, rules_dir: str | None) -> None:
        self.conn, theirs = ctx.Pipe()
        self.process = ctx.Process(target=_work, args=(theirs, rules_dir, os.getpid()),
                                   daemon=True)
        self.process.start()
        theirs.close()  # so that the worker's end closes when the worker does
        self.ready = False
        self.failed: tuple[Any, ...] | None = None  # why it could not start, if it says
        self.queued: deque[int] = deque()  # indices sent, in the order it assesses them

    def stop(self, now: bool) -> None:
        if not now:
            with contextlib.suppress(OSError):
                self.conn.send(None)
            self.process.join(2)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _start_failure(w: _Worker) -> AdvisorError:
    """Why a worker stopped before it was ready: its own error (a bad --rules folder is
    the user's, exit 2, as in one process), else how it ended."""
    if w.failed is not None:
        err = AdvisorError(w.failed[2])
        err.exit_code = w.failed[1]
        return err
    return AdvisorError(f"a worker process stopped while starting ({_ending(w.process)})")


def _ending(process: Any) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        return f"killed by signal {-code}"
    return f"exit status {code}"


def _parallel(names: list[str], jobs: int, rules_dir: Path | None) -> Results:
    """Results in file order, from `jobs` worker processes fed small chunks of files."""
    # fork where it is safe (fast, and every worker's parent is this process); spawn elsewhere
    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    rules = str(rules_dir) if rules_dir else None
    size = max(1, min(64, len(names) // (jobs * 8)))
    pending = deque(range(len(names)))
    done: dict[int, Result] = {}
    workers = [_Worker(ctx, rules) for _ in range(min(jobs, -(-len(names) // size)))]
    started()  # here, only the summary rows are left to gather
    finished = False
    try:
        given = 0
        while given < len(names):
            for w in workers:
                while len(w.queued) <= size and pending:
                    chunk = [pending.popleft() for _ in range(min(size, len(pending)))]
                    w.queued.extend(chunk)
                    w.conn.send([(i, names[i]) for i in chunk])
            wait([w.conn for w in workers] + [w.process.sentinel for w in workers])
            for w in [w for w in workers if _gather(w, names, done, pending)]:
                workers.remove(w)  # dead: replaced while there is work it could do
                if pending:
                    workers.append(_Worker(ctx, rules))
            while given in done:
                yield done.pop(given)
                given += 1
        finished = True
    finally:
        for w in workers:
            w.stop(now=not finished)


def _gather(w: _Worker, names: list[str], done: dict[int, Result], pending: deque[int]
            ) -> bool:
    """Take what the worker has sent; True if it has died (and must be replaced): then
    the file it was assessing is a failure and the rest it was sent go back in the queue."""
    dead = not w.process.is_alive()
    try:
        while w.conn.poll():
            message = w.conn.recv()
            if message[0] == "done":
                w.queued.popleft()  # the worker answers in the order it was sent
                done[message[1]] = message[2]
            elif message[0] == "ready":
                w.ready = True
            else:
                w.failed = message
    except (EOFError, OSError):
        dead = True
    if not dead:
        return False
    w.process.join()
    if not w.ready:
        raise _start_failure(w)
    if w.queued:
        index = w.queued.popleft()
        done[index] = (names[index], None, InputError(
            f"could not be assessed: the worker process assessing it stopped "
            f"({_ending(w.process)})", file=names[index]).one_line())
        pending.extendleft(reversed(w.queued))
    w.conn.close()
    return True


def _results(files: list[Path], jobs: int, rules_dir: Path | None) -> Results:
    names = [str(f) for f in files]
    if jobs == 1 or not names:
        _init(str(rules_dir) if rules_dir else None)
        yield from map(_one, names)
        return
    yield from _parallel(names, jobs, rules_dir)


# -- the folder and the summary -------------------------------------------------------


def find_profiles(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Every `.yaml` and `.yml` file under `folder`, sorted, and each folder that could not
    be read with its failure line. Links to folders are not followed (no loops, no file
    twice); no file is opened here, so a pipe or a device is never waited on."""
    files: list[Path] = []
    unreadable: list[tuple[Path, str]] = []
    stack = [folder]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as listing:
                entries = list(listing)
        except OSError as err:
            unreadable.append((here, InputError(
                f"cannot be read ({err.strerror or err}), so no profile in this folder "
                "was assessed", file=str(here)).one_line()))
            continue
        for entry in entries:
            path = here / entry.name
            if _is_folder(entry):
                stack.append(path)
            elif path.suffix in (".yaml", ".yml"):
                files.append(path)
    return sorted(files), sorted(unreadable)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False  # listed as a file if it is named like one: the loader says why not


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula gets a leading
    single quote."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    """The summary as CSV, lines ending in a newline. A cell holding a newline or a
    carriage return (a file name may) is quoted, so it never splits its row."""
    line = io.StringIO()
    writer = csv.writer(line, lineterminator="\r\n")  # quotes a cell holding either
    lines = []
    for cells in [FIELDS, *([safe_cell(row.get(f, "")) for f in FIELDS] for row in rows)]:
        line.seek(0)
        line.truncate()
        writer.writerow(cells)
        lines.append(line.getvalue().removesuffix("\r\n") + "\n")
    return "".join(lines)


def run_batch(folder: Path, fmt: str, jobs: int, rules_dir: Path | None,
              progress: bool = False) -> tuple[str, list[str], int]:
    """The summary text, the failures (one line each, in path order) and how many files
    and unreadable folders were counted."""
    import click

    files, unreadable = find_profiles(folder)
    rows: list[dict[str, Any]] = []
    failures: list[tuple[Path, str]] = list(unreadable)
    # on stderr, never stdout: the summary may be going there (`-o -`)
    with contextlib.closing(_results(files, jobs, rules_dir)) as results, \
            click.progressbar(results, length=len(files), label="assessing",
                              file=sys.stderr if progress else io.StringIO()) as bar:
        for path, row, error in bar:
            if row is not None:
                rows.append(row)
            else:
                failures.append((Path(path), str(error)))
    failures.sort(key=lambda f: f[0])
    count = len(files) + len(unreadable)
    lines = [line for _path, line in failures]
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n", lines, count
    return to_csv(rows), lines, count
