"""`advisor batch` against hostile folders and a hostile end (issue 16).

- No CSV cell starts like a spreadsheet formula, whatever the names or file names hold.
- Workers die with the `advisor` process that started them, however it is ended.
- A folder that cannot be read is a failure line, counted, never skipped in silence.
- No file stops the run: an unexpected error, a worker that dies, a pipe or a device is
  that file's failure line, and the summary still comes, the same with one job or two.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from advisor import profile as profile_module
from advisor.cli import main
from tests.conftest import HIGH_DOWN, PROFILES, ROOT, high_down_data

# What a spreadsheet takes for the start of a formula (OWASP's list).
STARTS = ["=", "+", "-", "@", "\t", "\r"]
PAYLOAD = "cmd|' /C calc'!A0"


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def _write_profile(path: Path, prison: str | None = None, wing: str | None = None) -> None:
    data = high_down_data()
    if prison is not None:
        data["site"]["prison"] = prison
    if wing is not None:
        data["wing"]["name"] = wing
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# -- 1. no cell starts like a formula ---------------------------------------------------


@pytest.mark.parametrize("start", STARTS, ids=repr)
def test_no_csv_cell_starts_like_a_formula(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           start: str) -> None:
    """Prison and wing names starting with each formula character, in a folder whose name
    starts with it too (the file column starts with the folder as given): every cell is
    text in a spreadsheet, shown with a leading single quote; the JSON keeps the values."""
    monkeypatch.chdir(tmp_path)
    folder = Path(f"{start}cmd")  # a file name cannot hold the payload's slash
    folder.mkdir()
    _write_profile(folder / "a-prison.yaml", prison=start + PAYLOAD)
    _write_profile(folder / "b-wing.yaml", wing=start + PAYLOAD)
    shutil.copy(HIGH_DOWN, folder / "c-plain.yaml")
    r = _invoke("batch", "-o", "summary.csv", "--", str(folder))
    rows = _cells(Path("summary.csv").read_bytes().decode("utf-8"))
    assert rows[0][:3] == ["file", "prison", "wing"]
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(tuple(STARTS)), (row, cell)
    by_file = {row[0]: row for row in rows[1:]}
    plain = by_file[f"'{folder / 'c-plain.yaml'}"]
    assert plain[1:3] == ["HMP High Down", "Community Living Unit (CLU)"]
    if start == "\r":
        # profile text refuses a carriage return when it loads, before any CSV is made
        assert r.exit_code == 2, r.output
        assert r.stderr.count("holds the control character U+000D") == 2
        assert len(rows) == 2
        return
    assert r.exit_code == 0, r.output
    assert by_file[f"'{folder / 'a-prison.yaml'}"][1] == f"'{start}{PAYLOAD}"
    assert by_file[f"'{folder / 'b-wing.yaml'}"][2] == f"'{start}{PAYLOAD}"
    r = _invoke("batch", "-o", "-", "--format", "json", "--", str(folder))
    rows_json = json.loads(r.stdout)
    assert rows_json[0]["prison"] == start + PAYLOAD
    assert rows_json[0]["file"] == str(folder / "a-prison.yaml")


def test_only_cells_that_start_like_a_formula_change(tmp_path: Path) -> None:
    """A formula character after the first is left alone, as is the rest of the summary:
    the bundled profiles' CSV is what it always was."""
    folder = tmp_path / "audits"
    folder.mkdir()
    _write_profile(folder / "p.yaml", prison="HMP A=B+C-D@E", wing=" =not first")
    shutil.copy(HIGH_DOWN, folder / "q\rr.yaml")  # a carriage return inside: quoted
    rows = _cells(_invoke("batch", str(folder), "-o", "-").stdout)
    assert len(rows) == 3
    assert rows[1][1:3] == ["HMP A=B+C-D@E", " =not first"]
    assert [rows[1][0], rows[2][0]] == [str(folder / "p.yaml"), str(folder / "q\rr.yaml")]
    assert all(not cell.startswith("'") for row in rows for cell in row)
    plain = _invoke("batch", str(PROFILES), "-o", "-").stdout
    assert plain.count("\n") == 6 and "'" not in plain and '"' not in plain


# -- 2. workers die with their parent ---------------------------------------------------


def _process(pid: int) -> tuple[int, str, str] | None:
    """(parent pid, state, start time) of a live process, from /proc; None if it has
    gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), fields[0], fields[19]


def _children(parent: int) -> dict[int, str]:
    """The children of `parent`, each with its start time (a pid reused is not them)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (info := _process(int(entry.name))) and \
                info[0] == parent:
            found[int(entry.name)] = info[2]
    return found


def _alive(pid: int, started_at: str) -> bool:
    info = _process(pid)
    return info is not None and info[2] == started_at and info[1] != "Z"


def _kill_left(children: dict[int, str]) -> None:
    for pid, started_at in children.items():
        if _alive(pid, started_at):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def many_profiles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder that takes two workers several seconds: the run is still going when it
    is killed."""
    folder = tmp_path_factory.mktemp("many")
    text = HIGH_DOWN.read_bytes()
    for i in range(2000):
        (folder / f"p{i:04d}.yaml").write_bytes(text)
    return folder


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds processes in /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_die_with_a_killed_parent(many_profiles: Path, tmp_path: Path,
                                          how: signal.Signals) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.Popen(
        [sys.executable, "-m", "advisor", "batch", str(many_profiles), "-o",
         str(tmp_path / "summary.csv"), "--jobs", "2"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    children: dict[int, str] = {}
    try:
        deadline = time.monotonic() + 60
        while len(children) < 2 and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.05)
            children = _children(run.pid)
        assert len(children) >= 2, "the workers never started"
        time.sleep(0.5)  # they are at work
        assert run.poll() is None, "the run ended before it could be killed: give it more"
        run.send_signal(how)
        run.wait(10)
        # the caller's pipes close: nothing else holds them open
        closed = threading.Thread(target=run.stderr.read)  # type: ignore[union-attr]
        closed.start()
        closed.join(5)
        assert not closed.is_alive(), "a worker still holds the caller's stderr open"
        deadline = time.monotonic() + 5
        while any(_alive(*c) for c in children.items()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid, t in children.items() if _alive(pid, t)] == []
        assert not (tmp_path / "summary.csv").exists()
    finally:
        _kill_left(children)
        if run.poll() is None:
            run.kill()
        run.wait()
        assert run.stdout is not None and run.stderr is not None
        run.stdout.close()
        run.stderr.close()


# -- 3. a folder that cannot be read ----------------------------------------------------


@pytest.fixture
def unreadable(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Folders listed here cannot be listed (root reads any folder whatever its mode)."""
    names: set[str] = set()
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if str(path) in names:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    yield names


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_unreadable_subfolder_is_a_failure(tmp_path: Path, unreadable: set[str],
                                              jobs: str) -> None:
    folder = tmp_path / "audits"
    shutil.copytree(PROFILES, folder)
    (folder / "2025").mkdir()
    shutil.copy(HIGH_DOWN, folder / "2025" / "hidden.yaml")
    unreadable.add(str(folder / "2025"))
    r = _invoke("batch", str(folder), "-o", str(tmp_path / "summary.csv"), "--jobs", jobs)
    assert r.exit_code == 2, r.output
    assert "assessed 5 of 6 profiles" in r.stderr
    assert f"failed: {folder / '2025'}: cannot be read (Permission denied)" in r.stderr
    assert len(_cells((tmp_path / "summary.csv").read_text(encoding="utf-8"))) == 6


def test_an_unreadable_folder_given_is_a_failure(tmp_path: Path, unreadable: set[str]) -> None:
    unreadable.add(str(tmp_path))
    r = _invoke("batch", str(tmp_path), "-o", "-")
    assert r.exit_code == 2
    assert r.stdout.splitlines() == [",".join(_cells(r.stdout)[0])]  # the header alone
    assert f"failed: {tmp_path}: cannot be read (Permission denied)" in r.stderr
    assert "assessed 0 of 1 profiles" in r.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder whatever its mode")
def test_a_folder_without_read_permission_is_a_failure(tmp_path: Path) -> None:
    folder = tmp_path / "audits"
    shutil.copytree(PROFILES, folder)
    (folder / "locked").mkdir(mode=0)
    try:
        r = _invoke("batch", str(folder), "-o", "-")
    finally:
        (folder / "locked").chmod(0o755)
    assert r.exit_code == 2
    assert f"failed: {folder / 'locked'}: cannot be read (Permission denied)" in r.stderr


# -- 4. no file stops the run -----------------------------------------------------------


@pytest.fixture
def breaking(monkeypatch: pytest.MonkeyPatch) -> None:
    """boom.yaml raises an error nobody planned for; in a worker process, crash.yaml
    kills the process assessing it (workers are forked, so they share the patch)."""
    real = profile_module.load_profile
    parent = os.getpid()

    def load_profile(path: Path) -> Any:
        if path.name == "boom.yaml":
            raise RuntimeError("a bug\nacross lines")
        if path.name == "crash.yaml" and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path)

    monkeypatch.setattr(profile_module, "load_profile", load_profile)


@pytest.mark.usefixtures("breaking")
def test_an_unexpected_error_is_one_files_failure(tmp_path: Path) -> None:
    folder = tmp_path / "audits"
    shutil.copytree(PROFILES, folder)
    shutil.copy(HIGH_DOWN, folder / "boom.yaml")
    outputs = []
    for jobs in ("1", "2"):
        r = _invoke("batch", str(folder), "-o", "-", "--jobs", jobs)
        assert r.exit_code == 2, r.output
        outputs.append((r.stdout, r.stderr))
    assert outputs[0] == outputs[1]
    out, err = outputs[0]
    assert len(_cells(out)) == 6  # the header and the other five
    assert "assessed 5 of 6 profiles into stdout" in err
    assert (f"failed: {folder / 'boom.yaml'}: could not be assessed, an internal error "
            "(please report it): RuntimeError: a bug across lines\n") in err


@pytest.mark.usefixtures("breaking")
def test_a_worker_that_dies_is_one_files_failure(tmp_path: Path) -> None:
    """The worker dies mid-chunk: the file it was assessing is the failure, the files
    queued behind it are assessed by a new worker, and the rows keep file order."""
    folder = tmp_path / "audits"
    folder.mkdir()
    for i in range(60):
        shutil.copy(HIGH_DOWN, folder / f"p{i:02d}.yaml")
    shutil.copy(HIGH_DOWN, folder / "crash.yaml")  # sorts before p00: early in a chunk
    r = _invoke("batch", str(folder), "-o", "-", "--jobs", "2")
    assert r.exit_code == 2, r.output
    assert "assessed 60 of 61 profiles" in r.stderr
    assert (f"failed: {folder / 'crash.yaml'}: could not be assessed: the worker process "
            "assessing it stopped (killed by signal 9)") in r.stderr
    files = [row[0] for row in _cells(r.stdout)[1:]]
    assert files == [str(folder / f"p{i:02d}.yaml") for i in range(60)]


def test_a_rules_folder_that_fails_fails_alike_in_workers(tmp_path: Path) -> None:
    one = _invoke("batch", str(PROFILES), "-o", "-", "--rules", str(tmp_path))
    two = _invoke("batch", str(PROFILES), "-o", "-", "--rules", str(tmp_path), "--jobs", "2")
    assert (one.exit_code, one.stderr) == (two.exit_code, two.stderr)
    assert one.exit_code == 2 and "index.yaml: no such rule file" in one.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_pipes_devices_and_loops_are_failures_not_hangs(tmp_path: Path, jobs: str) -> None:
    """A pipe with no writer, a link to /dev/zero, a link to itself and a folder named like
    a profile: each a failure line, and the run ends (a subprocess, so a hang is a
    timeout, not a stuck test run)."""
    folder = tmp_path / "audits"
    shutil.copytree(PROFILES, folder)
    os.mkfifo(folder / "fifo.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "loop.yaml").symlink_to("loop.yaml")
    (folder / "folder.yaml").mkdir()
    (folder / "folder.yaml" / "inside.yaml").symlink_to(HIGH_DOWN)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, "-m", "advisor", "batch", str(folder), "-o", "-", "--jobs", jobs],
        capture_output=True, text=True, timeout=120, env=env, check=False)
    assert r.returncode == 2, r.stderr
    assert "assessed 6 of 9 profiles" in r.stderr
    failed = [line for line in r.stderr.splitlines() if line.startswith("failed: ")]
    assert [line.split(": ")[1] for line in failed] == [
        str(folder / name) for name in ("fifo.yaml", "loop.yaml", "zero.yaml")]
    assert "is not a regular file" in failed[0] and "is not a regular file" in failed[2]
    assert str(folder / "folder.yaml" / "inside.yaml") in r.stdout
