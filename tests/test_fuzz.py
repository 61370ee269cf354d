"""Fuzzing the input: whatever a file holds, the advisor assesses it or exits 2 with one
clear line; never a traceback, never an engine error code, never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.cli import main
from tests.strategies import profiles

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

NASTY = st.one_of(
    st.text(max_size=40),                                   # random unicode
    st.just(1e300), st.just(float("nan")), st.just(float("inf")), st.just(-float("inf")),
    st.just(1e-7), st.just(2**70), st.just(-1),
    st.sampled_from(["8", "1e3", "true", "yes", "formal ", "FORMAL", "unknown"]),
    st.booleans(), st.none(), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["id", "sid", "kind", "x"]), st.integers(), max_size=2),
    st.just("x" * 10_000),
)
JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                       lambda kids: st.lists(kids, max_size=4)
                       | st.dictionaries(st.text(max_size=8), kids, max_size=4), max_leaves=20)


def check(tmp_path: Path, content: bytes, allowed: tuple[int, ...] = (0, 2)) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["assess", str(path), "--format", "json"])
    assert result.exit_code in allowed, (result.exit_code, result.stderr, content[:300])
    assert "Traceback" not in result.stderr
    assert "error code" not in result.stderr
    if result.exit_code == 0:
        json.loads(result.stdout)
        assert result.stderr == ""
    else:
        assert result.stdout == ""
        assert result.stderr.startswith("advisor: ") and result.stderr.count("\n") == 1


def _dump(data: Any) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(tmp_path: Path, content: bytes) -> None:
    check(tmp_path, content)


@FUZZ
@given(st.text(max_size=400))
def test_random_text(tmp_path: Path, content: str) -> None:
    check(tmp_path, content.encode("utf-8", "surrogatepass")
          if not any(0xD800 <= ord(c) <= 0xDFFF for c in content) else b"")


@FUZZ
@given(JSONISH)
def test_random_yaml_documents(tmp_path: Path, data: Any) -> None:
    check(tmp_path, _dump(data))


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@FUZZ
@given(profiles(), st.data())
def test_mutated_valid_profiles(tmp_path: Path, data: dict[str, Any],
                                draw: st.DataObject) -> None:
    for _ in range(draw.draw(st.integers(1, 3))):
        paths = _paths(data)
        path = draw.draw(st.sampled_from(paths))
        parent = _parent(data, path)
        how = draw.draw(st.sampled_from(["drop", "replace", "add-key", "many-roles"]))
        if how == "drop" and isinstance(parent, dict):
            del parent[path[-1]]
        elif how == "replace":
            parent[path[-1]] = draw.draw(NASTY)
        elif how == "add-key" and isinstance(parent, dict):
            parent[draw.draw(st.sampled_from(["id", "sid", "kind", "_nonce", "a.b"]))] = 1
        elif how == "many-roles":
            data["roles"] = [{"title": f"R{i}"} for i in range(300)]
    check(tmp_path, _dump(data))


def test_the_numbers_the_engine_cannot_take_never_reach_it(tmp_path: Path) -> None:
    """Exponent-form numbers, NaN and infinities are refused by the profile checks
    (DURABLE_RULES.md: error codes 204 and 202 otherwise)."""
    base = (Path(__file__).parent.parent / "profiles" / "two-roles.yaml").read_text(
        encoding="utf-8")
    for value in ("1e300", "1.0e-7", ".nan", ".inf", "-.inf", "1e16"):
        content = base.replace("weeks: 8", f"weeks: {value}", 1)
        assert content != base
        check(tmp_path, content.encode(), allowed=(2,))


YAML_TRICKS = st.sampled_from([
    "!!str ", "!!int ", "!!bool ", "!!float ", "!!null ", "!!binary ", "!!timestamp ",
    "!!python/object/apply:os.system ", "!custom ", "&anchor ", "&a !!str ",
])
BIG_VALUES = st.sampled_from([
    "9" * 5000, "-" + "9" * 4301, "0x" + "f" * 4000, "0o" + "7" * 5000,
    "[" * 400 + "]" * 400, "{a: " * 300 + "1" + "}" * 300, "010", "20:00", "1_000", "0b101",
])


@FUZZ
@given(profiles(), st.data())
def test_tags_anchors_huge_numbers_and_deep_nesting_anywhere(
        tmp_path: Path, data: dict[str, Any], draw: st.DataObject) -> None:
    """Written into a valid profile's text at random: a tag or an anchor before a value,
    or a value past Python's digit limit or nested hundreds deep. Each is assessed or
    refused with one line, never an exit 1."""
    lines = _dump(data).decode("utf-8").splitlines()
    spots = [n for n, line in enumerate(lines) if ": " in line or line.lstrip().startswith("- ")]
    for _ in range(draw.draw(st.integers(1, 3))):
        n = draw.draw(st.sampled_from(spots))
        head, sep, value = lines[n].partition(": ") if ": " in lines[n] else \
            lines[n].partition("- ")
        trick = draw.draw(YAML_TRICKS) + value if draw.draw(st.booleans()) else \
            draw.draw(BIG_VALUES)
        lines[n] = f"{head}{sep}{trick}"
    check(tmp_path, ("\n".join(lines) + "\n").encode("utf-8"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["stages.yaml", "ladder.yaml", "findings.yaml", "role-fit.yaml"]),
       st.integers(0, 10_000), st.sampled_from([
           "!!python/object/apply:os.system ['touch PWNED']", "&x 1", "*x", "!!str x",
           "{all: " * 40 + "{flag: stage1.green}" + "}" * 40, "9" * 5000, "[" * 100 + "]" * 100,
           "{depends_on: [" + ", ".join(f"X{i}" for i in range(2000)) + "]}"]))
def test_hostile_rule_folders_are_refused_with_one_line(tmp_path_factory: Any, name: str,
                                                        where: int, hostile: str) -> None:
    """A rule file with something hostile written into one of its values: the rulebook
    loads and assesses, or the command exits 2 naming the file; it never runs code,
    spins or crashes."""
    import shutil

    from advisor.rulebook import DEFAULT_RULES_DIR

    rules = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    lines = (rules / name).read_text(encoding="utf-8").splitlines()
    spots = [n for n, line in enumerate(lines) if ": " in line and not line.lstrip()
             .startswith("#")]
    n = spots[where % len(spots)]
    head, _, _ = lines[n].partition(": ")
    lines[n] = f"{head}: {hostile}"
    (rules / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    profile = Path(__file__).parent.parent / "profiles" / "hmp-high-down-clu.yaml"
    result = CliRunner().invoke(main, ["assess", str(profile), "--rules", str(rules),
                                       "--format", "json"])
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr[:300])
    assert "Traceback" not in result.stderr
    assert not (Path.cwd() / "PWNED").exists()
    if result.exit_code == 2:
        assert result.stdout == "" and result.stderr.count("\n") == 1
        assert str(rules) in result.stderr
