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

Unpickling runs code, so the cache never unpickles bytes another user could have
written: the folder must be the user's own and writable by no one else (it is made
0700), and every file carries an HMAC-SHA256 of its bytes under a key of 32 random bytes
kept in the folder (0600, the user's own). A file that fails any of these is not read: a
planted pickle is never loaded, and the run goes on uncached.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import stat
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
    key = _key(where) if file is not None else None
    if file is not None and key is not None:
        cached = _read(file, key)
        if cached is not None:
            return cached
    book = _compile(directory)
    if file is not None and key is not None:
        _write(file, book, key)
    return book


def _own(info: os.stat_result, private: bool) -> bool:
    """Owned by this user, and writable (readable too, when `private`) by no one else."""
    others = 0o077 if private else 0o022
    return info.st_uid == os.getuid() and not info.st_mode & others


def _key(where: Path) -> bytes | None:
    """The user's key for this cache folder, made on first use; None when the folder or
    the key is not safely the user's own (then nothing is read from it or written)."""
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = where.lstat()
        if not (stat.S_ISDIR(folder.st_mode) and _own(folder, private=False)):
            return None
        path = where / "key"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            key = f.read(33)
        if not (stat.S_ISREG(info.st_mode) and _own(info, private=True)) or len(key) != 32:
            return None
        return key
    except OSError:
        return None


def _sign(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()


def _compile(directory: Path) -> Rulebook:
    """Load the rule files, compile them for the engine and prepare what every
    assessment looks up."""
    from advisor.collate import prepare
    from advisor.engine import compiled

    book = load_rulebook(directory)
    compiled(book)
    prepare(book)
    return book


def _read(file: Path, key: bytes) -> Rulebook | None:
    """The cached rulebook, only if the file is the user's own and its bytes carry the
    user's signature: nothing anyone else wrote is ever unpickled."""
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not (stat.S_ISREG(info.st_mode) and _own(info, private=False)):
                return None
            data = f.read()
        tag, payload = data[:32], data[32:]
        if not hmac.compare_digest(tag, _sign(key, payload)):
            return None
        book = pickle.loads(payload)
    except Exception:  # absent, unreadable, truncated, from other code: load afresh
        return None
    return book if isinstance(book, Rulebook) else None


def _write(file: Path, book: Rulebook, key: bytes) -> None:
    try:
        payload = pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL)
        fd, name = tempfile.mkstemp(prefix=".rulebook-", dir=file.parent)  # 0600
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(_sign(key, payload) + payload)
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
