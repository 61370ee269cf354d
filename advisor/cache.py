"""A cache of compiled rulebooks, so a command line run does not parse, validate and
compile the same rule files every time.

What is cached: the `Rulebook` object with its engine plan (`engine.compiled`), pickled.
It is keyed by a SHA-256 over every file under the rulebook directory and every module
of the advisor package, each found by walking (names and bytes, so no list of modules is
kept by hand and code moved between modules is a new key too), and the Python and
pydantic versions; any change to any of them is a new key. It is only ever written
after a rulebook loaded and compiled without error, atomically (temporary file, then
rename), and only read from the user's own cache directory:

    $ADVISOR_CACHE_DIR, else $XDG_CACHE_HOME/advisor, else ~/.cache/advisor

`ADVISOR_CACHE_DIR=` (empty) turns the cache off. Any problem reading or writing it
(missing, unreadable, corrupt, read-only disk) falls back to loading the rule files, so
the cache can make a run faster but never change or break one.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from advisor.rulebook import DEFAULT_RULES_DIR, Rulebook, load_rulebook

_PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path | None:
    """Where compiled rulebooks are kept, or None when caching is off."""
    configured = os.environ.get("ADVISOR_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "advisor"


def fingerprint(directory: Path, package: Path = _PACKAGE) -> str:
    """A key that changes whenever anything a compiled rulebook depends on changes: the
    files under `directory` and the Python modules of `package` (the advisor's own)."""
    import pydantic

    digest = hashlib.sha256()
    digest.update(f"{sys.version}|{pydantic.VERSION}|{directory}".encode())
    for root, suffix in ((package, ".py"), (directory, "")):
        digest.update(b"\1")
        for name in _files(root, suffix):
            digest.update(name.encode() + b"\0")
            digest.update(hashlib.sha256((root / name).read_bytes()).digest())
    return digest.hexdigest()


def _files(root: Path, suffix: str) -> list[str]:
    """The files under `root` whose names end in `suffix`, as sorted relative paths,
    leaving out hidden ones (an editor's swap file) and byte code."""
    out = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        rel = os.path.relpath(folder, root)
        out += [name if rel == "." else f"{rel}/{name}" for name in names
                if name.endswith(suffix) and not name.startswith(".")]
    return sorted(out)


def load_compiled(directory: Path | None = None) -> Rulebook:
    """The rulebook in `directory` with its engine plan, from the cache when it holds
    this exact rulebook, else loaded, compiled and stored for next time."""
    directory = (directory or DEFAULT_RULES_DIR).resolve()
    where = cache_dir()
    if where is None:
        return _compile(directory)
    try:
        file = where / f"rulebook-{fingerprint(directory)}.pickle"
    except OSError:  # a rule file vanished or is unreadable: let the loader say so
        file = None
    if file is not None:
        cached = _read(file)
        if cached is not None:
            return cached
    book = _compile(directory)
    if file is not None:
        _write(file, book)
    return book


def _compile(directory: Path) -> Rulebook:
    """Load the rule files, compile them for the engine and prepare what every
    assessment looks up."""
    from advisor.assess import prepare
    from advisor.engine import compiled

    book = load_rulebook(directory)
    compiled(book)
    prepare(book)
    return book


def _read(file: Path) -> Rulebook | None:
    try:
        with file.open("rb") as f:
            book = pickle.load(f)
    except Exception:  # absent, unreadable, truncated, from other code: load afresh
        return None
    return book if isinstance(book, Rulebook) else None


def _write(file: Path, book: Rulebook) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".rulebook-", dir=file.parent)
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(book, f, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(file)
        finally:
            tmp.unlink(missing_ok=True)
        _prune(file.parent, keep=file)
    except Exception:  # a read-only or full disk, anything at all: run uncached
        pass


def _prune(where: Path, keep: Path, most: int = 8) -> None:
    """Keep the newest few compiled rulebooks (each edit of a rule file makes one)."""
    old = sorted((p for p in where.glob("rulebook-*.pickle") if p != keep),
                 key=lambda p: p.stat().st_mtime, reverse=True)
    for p in old[most - 1:]:
        p.unlink(missing_ok=True)


__all__ = ["cache_dir", "fingerprint", "load_compiled"]
