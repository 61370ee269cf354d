"""The compiled-rulebook cache makes runs faster and never changes or breaks one."""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import shutil
from pathlib import Path

import pytest

from advisor import cache
from advisor.assess import assess
from advisor.errors import AdvisorError
from advisor.profile import load_profile
from advisor.render import to_json
from advisor.rulebook import DEFAULT_RULES_DIR, load_rulebook
from tests.conftest import HIGH_DOWN


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, copy)
    return copy


@pytest.fixture
def where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(folder))
    return folder


def _report(rules: Path) -> str:
    return to_json(assess(load_profile(HIGH_DOWN), cache.load_compiled(rules)))


def _never_load(*_: object) -> None:
    raise AssertionError("the rule files were read although the cache holds them")


def test_a_second_run_reads_the_cache_and_assesses_the_same(
        rules: Path, where: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _report(rules)
    assert len(list(where.glob("rulebook-*.pickle"))) == 1
    monkeypatch.setattr(cache, "load_rulebook", _never_load)
    assert _report(rules) == first


def test_an_edited_rule_file_is_compiled_afresh(rules: Path, where: Path) -> None:
    before = _report(rules)
    stages = rules / "stages.yaml"
    text = stages.read_text(encoding="utf-8")
    title = "Edited title for the cache test"
    stages.write_text(text.replace("title: ", f"title: {title} ", 1), encoding="utf-8")
    after = _report(rules)
    assert title not in before and title in after
    assert len(list(where.glob("rulebook-*.pickle"))) == 2


@pytest.mark.parametrize("junk", [b"", b"not a pickle", b"\x80\x05N."])
def test_a_damaged_cache_file_is_replaced(rules: Path, where: Path, junk: bytes) -> None:
    expected = _report(rules)
    (file,) = where.glob("rulebook-*.pickle")
    file.write_bytes(junk)
    assert _report(rules) == expected
    assert file.read_bytes() != junk


def test_an_unwritable_cache_is_no_obstacle(rules: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way", encoding="utf-8")
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(blocker / "cache"))
    assert '"current_rung": 0' in _report(rules)


def test_an_empty_setting_turns_the_cache_off(rules: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() is None
    _report(rules)
    assert not (tmp_path / "xdg").exists()


def test_the_default_place_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADVISOR_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "advisor"


def test_a_broken_rulebook_is_never_cached(rules: Path, where: Path) -> None:
    (rules / "stages.yaml").write_text("rules: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(AdvisorError, match="not valid YAML"):
            cache.load_compiled(rules)
    assert not list(where.glob("rulebook-*.pickle"))


def test_only_the_newest_few_are_kept(rules: Path, where: Path) -> None:
    stages = rules / "stages.yaml"
    text = stages.read_text(encoding="utf-8")
    for n in range(10):
        stages.write_text(text + f"\n# edit {n}\n", encoding="utf-8")
        cache.load_compiled(rules)
    assert len(list(where.glob("rulebook-*.pickle"))) == 8


def test_a_rulebook_that_cannot_be_stored_still_assesses(
        rules: Path, where: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    def refuse(*_: object, **__: object) -> None:
        raise pickle.PicklingError("cannot store this")

    monkeypatch.setattr(pickle, "dumps", refuse)
    assert '"current_rung": 0' in _report(rules)
    assert not list(where.glob("*rulebook-*"))  # no half-written file left behind


def test_the_key_covers_every_module_of_the_package_found_by_walking(
        rules: Path, tmp_path: Path) -> None:
    """No list of modules is kept by hand: code moved into a new module (here, one in a
    sub-package) is a new key, so a stale rulebook is never served."""
    package = tmp_path / "advisor"
    shutil.copytree(Path(cache.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    before = cache.fingerprint(rules, package)
    assert cache.fingerprint(rules, package) == before  # the same files, the same key
    (package / "render" / "moved.py").write_text("X = 1\n", encoding="utf-8")
    after = cache.fingerprint(rules, package)
    assert after != before
    (package / "render" / "moved.py").write_text("X = 2\n", encoding="utf-8")
    edited = cache.fingerprint(rules, package)
    assert edited not in (before, after)
    (package / "render" / "__pycache__").mkdir()  # byte code is not source
    (package / "render" / "__pycache__" / "moved.cpython.pyc").write_bytes(b"\0")
    (package / ".notes.py").write_text("", encoding="utf-8")  # nor is a hidden file
    assert cache.fingerprint(rules, package) == edited


def test_the_key_covers_every_file_under_the_rules_folder(rules: Path) -> None:
    before = cache.fingerprint(rules)
    (rules / "recommendations" / "new-topic.yml").write_text("rules: []\n",
                                                             encoding="utf-8")
    assert cache.fingerprint(rules) != before


class _Planted:
    """A pickle that, loaded, would leave a file behind: what an attacker plants."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (os.system, (f"touch {self.marker}",))


def _plant(file: Path, marker: Path, signed_with: bytes | None = None) -> None:
    payload = pickle.dumps(_Planted(marker))
    tag = hmac.new(signed_with, payload, hashlib.sha256).digest() if signed_with else \
        b"\0" * 32
    file.write_bytes(tag + payload)


def test_a_planted_pickle_is_never_loaded(rules: Path, where: Path, tmp_path: Path) -> None:
    """A pickle at the key's path, written by someone without the user's key, never runs:
    its signature does not verify, and the rule files are read instead."""
    expected = _report(rules)
    (file,) = where.glob("rulebook-*.pickle")
    marker = tmp_path / "PWNED"
    _plant(file, marker, signed_with=b"x" * 32)
    assert _report(rules) == expected
    assert not marker.exists()


def test_a_cache_folder_others_can_write_is_not_used(rules: Path, where: Path,
                                                     tmp_path: Path) -> None:
    where.mkdir()
    where.chmod(0o777)
    expected = to_json(assess(load_profile(HIGH_DOWN), load_rulebook(rules)))
    key = os.urandom(32)
    (where / "key").write_bytes(key)
    marker = tmp_path / "PWNED"
    _plant(where / f"rulebook-{cache.fingerprint(rules.resolve())}.pickle", marker,
           signed_with=key)  # even correctly signed: the folder is not the user's alone
    assert _report(rules) == expected
    assert not marker.exists()
    assert not list(where.glob("rulebook-*.pickle"))[1:]  # nothing more written there


def test_a_key_others_can_read_is_not_trusted(rules: Path, where: Path) -> None:
    _report(rules)
    (where / "key").chmod(0o644)
    assert cache._key(where) is None


def test_the_cache_folder_and_its_key_are_private(rules: Path, where: Path) -> None:
    _report(rules)
    assert where.stat().st_mode & 0o777 == 0o700
    assert (where / "key").stat().st_mode & 0o777 == 0o600
    (file,) = where.glob("rulebook-*.pickle")
    assert file.stat().st_mode & 0o077 == 0
