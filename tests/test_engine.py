"""The engine adapter keeps one durable session and empties it after each assessment:
nothing of one assessment may reach the next, whatever order they come in or however
one of them ends."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from advisor.assess import default_rulebook
from advisor.engine import Engine
from advisor.errors import AssessmentError
from advisor.facts import Firing
from advisor.profile import Profile, load_profile
from benchmarks.bench import random_profile
from tests.conftest import PROFILES


def _bundled() -> list[Profile]:
    return [load_profile(Path(p)) for p in sorted(PROFILES.glob("*.yaml"))]


def _fresh(profile: Profile) -> set[Firing]:
    """What fires in an engine that has never assessed anything else."""
    return set(Engine(default_rulebook()).run(profile))


def test_results_do_not_depend_on_what_was_assessed_before() -> None:
    profiles = _bundled() + [random_profile(random.Random(n)) for n in range(6)]
    expected = [_fresh(p) for p in profiles]
    engine = Engine(default_rulebook())
    rng = random.Random(3)
    for _ in range(4):
        order = list(range(len(profiles)))
        rng.shuffle(order)
        for i in order:
            assert set(engine.run(profiles[i])) == expected[i]


def test_the_session_holds_only_its_sentinel_between_assessments() -> None:
    engine = Engine(default_rulebook())
    for profile in _bundled():
        engine.run(profile)
        assert engine._sid is not None
        for part in engine._parts:
            facts = engine._dre.get_facts(part.handle, engine._sid)
            assert "__begin__" in facts
            assert facts.count('"kind"') == 1, facts  # the sentinel and nothing else


class _FailingAssert:
    """The engine module, with the n-th assertion raising as the C engine does."""

    def __init__(self, real: Any, fail_at: int) -> None:
        self.real, self.left = real, fail_at

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def _count(self) -> None:
        self.left -= 1
        if self.left == 0:
            raise self.real.error("Could not assert facts, error code: 303")

    def assert_fact(self, handle: int, text: str) -> Any:
        self._count()
        return self.real.assert_fact(handle, text)

    def assert_facts(self, handle: int, text: str) -> Any:
        self._count()
        return self.real.assert_facts(handle, text)


def _asserts_in_one_run(engine: Engine, profile: Profile) -> int:
    real = engine._dre
    counter = engine._dre = _FailingAssert(real, 0)
    engine.run(profile)
    engine._dre = real
    return -counter.left


@pytest.mark.parametrize("when", ["first", "middle", "last"])
def test_an_engine_error_mid_assessment_leaves_nothing_behind(when: str) -> None:
    high_down, *others = _bundled()
    engine = Engine(default_rulebook())
    engine.run(others[0])
    calls = _asserts_in_one_run(engine, high_down)
    assert calls > 3  # the profile's facts, rounds of flags, the gates
    fail_at = {"first": 1, "middle": calls // 2, "last": calls}[when]
    real = engine._dre
    engine._dre = _FailingAssert(real, fail_at)
    with pytest.raises(AssessmentError, match="error code: 303"):
        engine.run(high_down)
    engine._dre = real
    assert engine._sid is None  # the half-filled session was deleted
    assert set(engine.run(high_down)) == _fresh(high_down)
    assert set(engine.run(others[0])) == _fresh(others[0])


def _broken(message: str, known: dict[str, Any]) -> Firing:
    raise KeyError("boom")


def test_a_failure_while_recording_a_firing_leaves_nothing_behind() -> None:
    high_down = _bundled()[0]
    engine = Engine(default_rulebook())
    firers = engine._firers
    engine._firers = dict.fromkeys(firers, _broken)
    with pytest.raises(AssessmentError, match="recording a firing failed"):
        engine.run(high_down)
    engine._firers = firers
    assert engine._sid is None
    assert set(engine.run(high_down)) == _fresh(high_down)


def test_an_engine_error_opening_the_session_is_reported_as_such() -> None:
    high_down = _bundled()[0]
    engine = Engine(default_rulebook())
    real = engine._dre
    engine._dre = _FailingAssert(real, 1)  # the sentinel itself fails
    with pytest.raises(AssessmentError, match="the engine failed"):
        engine.run(high_down)
    engine._dre = real
    assert set(engine.run(high_down)) == _fresh(high_down)


# -- a rulebook too big for one durable ruleset -------------------------------------------


def _split_engines() -> list[Engine]:
    book = default_rulebook()
    return [Engine(book, max_load=12), Engine(book, max_load=30)]


def test_a_big_rulebook_is_split_and_assesses_the_same(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from advisor import engine as module
    from tests import oracle

    monkeypatch.setattr(module, "MAX_PART_RULES", 40)
    by_rules = Engine(default_rulebook(), max_load=module.MAX_LOAD_PER_KIND)  # compiled anew
    monkeypatch.undo()
    engines = [by_rules, *_split_engines()]
    whole = Engine(default_rulebook())
    assert whole.parts == 1
    # 39 engine rules per part beside the sentinel (149 today: 4 parts)
    assert engines[0].parts == -(-whole.size // 39)
    assert engines[1].parts > engines[2].parts > 1
    # a limit just at the heaviest fact kind's load fits in one part; one less does not
    assert Engine(default_rulebook(), max_load=whole.heaviest).parts == 1
    assert Engine(default_rulebook(), max_load=whole.heaviest - 1).parts > 1
    profiles = _bundled() + [random_profile(random.Random(n)) for n in range(20)]
    for profile in profiles:
        expected = set(oracle.run(default_rulebook(), profile))
        for engine in engines:
            assert set(engine.run(profile)) == expected


def test_split_sessions_are_emptied_and_reopened_together() -> None:
    engine = _split_engines()[0]
    high_down, *others = _bundled()
    engine.run(others[0])
    real = engine._dre
    engine._dre = _FailingAssert(real, _asserts_in_one_run(engine, high_down) // 2)
    with pytest.raises(AssessmentError):
        engine.run(high_down)
    engine._dre = real
    assert engine._sid is None
    assert set(engine.run(high_down)) == _fresh(high_down)
    for part in engine._parts:
        assert engine._dre.get_facts(part.handle, engine._sid).count('"kind"') == 1


def test_an_alternative_too_big_for_any_part_is_refused_clearly() -> None:
    from advisor.errors import RulebookError

    with pytest.raises(RulebookError, match=r"more conditions on one fact than .* \(3\)"):
        Engine(default_rulebook(), max_load=3)


class _Colliding:
    """The engine module, calling one of the profile's facts a duplicate (its 32-bit
    hash) the first time they are asserted together."""

    def __init__(self, real: Any) -> None:
        self.real, self.collided = real, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def assert_facts(self, handle: int, text: str) -> Any:
        code, state = self.real.assert_facts(handle, text)
        if not self.collided:
            self.collided = True
            return 2, state
        return code, state


def test_a_fact_taken_for_a_duplicate_is_asserted_again_one_by_one() -> None:
    high_down = _bundled()[0]
    engine = Engine(default_rulebook())
    engine.run(high_down)
    real = engine._dre
    engine._dre = _Colliding(real)
    assert set(engine.run(high_down)) == _fresh(high_down)
    assert engine._dre.collided
    engine._dre = real
    assert set(engine.run(high_down)) == _fresh(high_down)
    for part in engine._parts:
        assert engine._dre.get_facts(part.handle, engine._sid).count('"kind"') == 1


class _HashClash(_Colliding):
    """Also calls the first role fact asserted alone a duplicate, without storing it: the
    adapter must assert it again with a nonce, and read the firings it makes (whose
    message then holds a text it never built) by parsing them."""

    def __init__(self, real: Any) -> None:
        super().__init__(real)
        self.clashed = ""

    def assert_fact(self, handle: int, text: str) -> Any:
        if not self.clashed and '"kind":"role"' in text:
            self.clashed = text
            return 2, 0
        return self.real.assert_fact(handle, text)


def test_a_fact_mended_with_a_nonce_gives_the_same_firings() -> None:
    high_down = _bundled()[0]
    engine = Engine(default_rulebook())
    engine._dre = _HashClash(engine._dre)
    firings = engine.run(high_down)
    assert engine._dre.clashed
    assert set(firings) == _fresh(high_down)
    assert any(f.role == 0 for f in firings)  # the mended role fact was matched


class _Codes:
    """The engine module, keeping the code of every batch of facts asserted."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.codes: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def assert_facts(self, handle: int, text: str) -> Any:
        code, state = self.real.assert_facts(handle, text)
        self.codes.append(code)
        return code, state


@pytest.mark.parametrize("max_load", [None, 12])
def test_every_fact_a_part_is_given_is_handled_there(max_load: int | None) -> None:
    """`assert_facts` reports only its last non-zero code, so an unhandled fact (code 1)
    after a false duplicate (code 2) would hide the duplicate. Every batch must come
    back 0: then a 2 always shows, and `_Collision` catches it."""
    engine = Engine(default_rulebook(), max_load=max_load)
    spy = engine._dre = _Codes(engine._dre)
    for profile in _bundled() + [random_profile(random.Random(n)) for n in range(20)]:
        engine.run(profile)
    assert len(spy.codes) > 20
    assert set(spy.codes) == {0}


class _Respaced:
    """The engine module, writing each action's message with spaces after the braces
    and colons: a shape the adapter's quick look at the rule name does not expect."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    @staticmethod
    def _respace(message: str | None) -> str | None:
        return None if message is None else json.dumps(json.loads(message), indent=1)

    def start_action_for_state(self, handle: int, state: int) -> Any:
        result = self.real.start_action_for_state(handle, state)
        return result and (result[0], self._respace(result[1]))

    def complete_and_start_action(self, handle: int, state: int) -> Any:
        return self._respace(self.real.complete_and_start_action(handle, state))


def test_a_message_of_another_shape_is_still_read_in_full() -> None:
    high_down = _bundled()[0]
    engine = Engine(default_rulebook())
    engine._dre = _Respaced(engine._dre)
    assert set(engine.run(high_down)) == _fresh(high_down)


# Run in a fresh interpreter (within this process the engine is loaded already): the
# engine module found but failing to load, as durable-rules built on 3.13 without the
# define does.
_UNLOADABLE = """
import importlib.abc, importlib.machinery, runpy, sys

MESSAGE = sys.argv.pop(1)

class Unloadable(importlib.abc.Loader):
    def create_module(self, spec):
        raise ImportError(MESSAGE)

    def exec_module(self, module):
        pass

class Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, *_):
        if name == "durable_rules_engine":
            return importlib.machinery.ModuleSpec(name, Unloadable())

sys.meta_path.insert(0, Finder())
sys.argv = ["advisor", *sys.argv[1:]]
runpy.run_module("advisor", run_name="__main__")
"""
_REBUILD = ("; rebuild it with CPPFLAGS='-DPyEval_CallObject(c,a)=PyObject_CallObject(c,a)' "
            "pip install --force-reinstall --no-cache-dir --no-deps durable-rules==2.0.28")


@pytest.mark.parametrize(("error", "advice"), [
    ("durable_rules_engine.so: undefined symbol: PyEval_CallObject", _REBUILD),
    ("libfoo.so: cannot open shared object file", ""),
])
def test_an_engine_that_cannot_load_is_reported_in_one_line(error: str, advice: str) -> None:
    """durable-rules 2.0.28 builds on CPython 3.13 but, built without the define the
    README gives, cannot load there (a C function it calls was removed): say so, and how
    to rebuild it, rather than fail inside."""
    run = subprocess.run([sys.executable, "-c", _UNLOADABLE, error, "assess",
                          str(PROFILES / "hmp-high-down-clu.yaml")],
                         capture_output=True, text=True, check=False)
    assert (run.returncode, run.stdout) == (1, "")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert run.stderr == (f"advisor: the rules engine, durable-rules, does not load on "
                          f"Python {version} ({error}){advice}\n")
