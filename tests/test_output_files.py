"""Where -o writes: all or nothing, never over a device, a pipe, a link or the input."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

from click.testing import CliRunner

from advisor.cli import main
from tests.conftest import HIGH_DOWN


def _assess(*args: str) -> object:
    return CliRunner().invoke(main, ["assess", str(HIGH_DOWN), "-f", "json", *args])


def test_a_device_named_as_the_output_is_written_to_not_replaced() -> None:
    result = _assess("-o", "/dev/null")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)  # still the device, even as root


def test_a_pipe_is_written_through_when_read_and_refused_when_not(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = _assess("-o", str(fifo))
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "is a pipe that nothing is reading" in result.stderr  # type: ignore[attr-defined]
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, there before the writer
    os.set_blocking(fd, True)
    received: list[bytes] = []

    def read() -> None:  # until the writer has come and gone (no writer yet reads as EOF)
        while True:
            chunk = os.read(fd, 65536)
            if chunk:
                received.append(chunk)
            elif received:
                return
            else:
                time.sleep(0.01)

    reader = threading.Thread(target=read)
    reader.start()
    result = _assess("-o", str(fifo))
    reader.join(timeout=10)
    os.close(fd)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert b'"output_version": 1' in b"".join(received)


def test_a_link_to_a_file_is_followed_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    assert _assess("-o", str(link)).exit_code == 0  # type: ignore[attr-defined]
    assert link.is_symlink()
    assert '"output_version": 1' in target.read_text(encoding="utf-8")


def test_the_profile_being_read_is_never_overwritten(tmp_path: Path) -> None:
    profile = tmp_path / "wing.yaml"
    profile.write_bytes(HIGH_DOWN.read_bytes())
    before = profile.read_bytes()
    result = CliRunner().invoke(main, ["assess", str(profile), "-o", str(profile)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "is the file being read" in result.stderr
    assert profile.read_bytes() == before


def test_a_new_file_gets_the_usual_permissions_and_a_replaced_one_keeps_its_own(
        tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "new.json"
        assert _assess("-o", str(fresh)).exit_code == 0  # type: ignore[attr-defined]
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = tmp_path / "shared.json"
        kept.write_text("old", encoding="utf-8")
        kept.chmod(0o664)
        assert _assess("-o", str(kept)).exit_code == 0  # type: ignore[attr-defined]
        assert stat.S_IMODE(kept.stat().st_mode) == 0o664
    finally:
        os.umask(old)


def test_a_terminal_that_cannot_show_every_character_still_gets_the_report() -> None:
    """A cp1252 or latin-1 terminal gets a ? for a light's symbol, not an error."""
    import subprocess
    import sys

    for encoding in ("cp1252", "latin-1"):
        run = subprocess.run([sys.executable, "-m", "advisor", "assess", str(HIGH_DOWN)],
                             capture_output=True, env={**os.environ,
                                                       "PYTHONIOENCODING": encoding},
                             check=False)
        assert run.returncode == 0, run.stderr
        assert "Ambassador: rung 0 of 5".encode(encoding) in run.stdout


def test_a_batch_summary_is_never_written_over_a_profile_it_reads(tmp_path: Path) -> None:
    folder = tmp_path / "audits"
    folder.mkdir()
    profile = folder / "wing.yaml"
    profile.write_bytes(HIGH_DOWN.read_bytes())
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(profile)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "is the file being read" in result.stderr
    assert profile.read_bytes() == HIGH_DOWN.read_bytes()
