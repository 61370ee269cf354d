"""Writing what the advisor makes: all or nothing, and never over what it should not touch.

`write_atomic` writes a file through a temporary file and a rename, so a reader never
sees half a report and a failure leaves the old file as it was. It only ever renames
over a regular file (or makes a new one): a device or a pipe named as the output
(`-o /dev/null`, `-o /dev/stdout`) is written to as it is, never replaced by a file; a
symbolic link to a file is followed, not replaced. It refuses to write over a file the
run reads (a report over its own profile). A new file gets the user's usual permissions
(the umask); a replaced file keeps its own.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from advisor.errors import InputError


def write_atomic(path: Path, text: str, *, inputs: Iterable[Path] = (),
                 check_only: bool = False) -> None:
    """Write `text` to `path`, all or nothing; never over any of `inputs`. With
    `check_only`, only say (by raising) whether it could be written, before the work."""
    name = str(path)
    try:
        info = path.stat()  # follows a link: what would be written is what counts
    except FileNotFoundError:
        info = None
    except OSError as err:
        raise InputError(f"cannot write there ({err.strerror})", file=name) from err
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise InputError("is a folder; give a file name for the output", file=name)
    for source in inputs:
        try:
            same = info is not None and path.samefile(source)
        except OSError:
            same = False
        if same:
            raise InputError(f"is the file being read ({source}); give another file for the "
                             "output", file=name)
    if check_only:
        return
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_through(path, text)
        return
    target = path.resolve() if path.is_symlink() else path
    directory = target.parent if str(target.parent) else Path()
    if not directory.is_dir():
        raise InputError(f"cannot write: folder {directory} does not exist", file=name)
    mode = stat.S_IMODE(info.st_mode) if info is not None else _usual_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_through(path: Path, text: str) -> None:
    """A device or a pipe: written to as it is. A pipe nobody reads is refused at once
    rather than waited on."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        if err.errno == errno.ENXIO:
            raise InputError("is a pipe that nothing is reading", file=str(path)) from err
        raise InputError(f"cannot write there ({err.strerror})", file=str(path)) from err
    os.set_blocking(fd, True)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def _usual_mode() -> int:
    """The permissions a new file gets from the user's umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


__all__ = ["write_atomic"]
