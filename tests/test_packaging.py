"""A built wheel carries everything advisor reads at run time, and works on its own.

The rulebook, example profiles and schema live at the top of the source tree; an editable
install reads them there, but a plain `pip install .` (a wheel) has no tree beside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from advisor import COMPILED, build
from advisor.assess import assess, default_rulebook
from advisor.profile import load_profile
from advisor.render import to_json

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("rules", "profiles", "schema")


def _tracked() -> list[str]:
    """The files under the shipped directories that the repository holds."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout: which files are shipped is not known")
    out = subprocess.run(["git", "ls-files", "--", *SHIPPED], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return out.split()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a wheel, from a copy (a build writes into its source tree).
    Run on the compiled build (`make test-compiled`), the wheel that build came from;
    otherwise one built here without compiling, which takes a few seconds, not twenty."""
    made = os.environ.get("ADVISOR_WHEEL")
    if made:
        return Path(made)
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("advisor", *SHIPPED):
        shutil.copytree(ROOT / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                            "--wheel-dir", str(tmp / "dist"), str(source)],
                           check=False, capture_output=True, text=True,
                           env={**os.environ, "ADVISOR_COMPILE": "0"})
    assert built.returncode == 0, built.stderr
    (found,) = (tmp / "dist").glob("advisor-*.whl")
    return found


def test_the_wheel_ships_every_rule_file_example_profile_and_schema(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [p for p in _tracked() if f"advisor/_data/{p}" not in names]
    assert not missing, f"left out of the wheel: {missing}"


def test_the_wheel_is_compiled_exactly_when_it_should_be(wheel: Path) -> None:
    """setup.py compiles facts, engine and assess into a wheel unless ADVISOR_COMPILE=0,
    as this module's own build sets; the compiled test run brings the default build."""
    extensions = sorted(n.split(".")[0] for n in zipfile.ZipFile(wheel).namelist()
                        if n.endswith(".so"))
    if os.environ.get("ADVISOR_EXPECT_COMPILED") == "1":
        assert extensions == [*(f"advisor/{name}" for name in COMPILED), "advisor__mypyc"]
        assert "-cp3" in wheel.name  # tagged for this Python, not py3-none-any
    else:
        assert extensions == []
        assert wheel.name.endswith("-py3-none-any.whl")


def test_the_installed_wheel_assesses_from_anywhere_with_its_own_files(
        wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # the unpacked wheel first on the path, ahead of the editable install of this tree
    env = {**os.environ, "PYTHONPATH": str(site), "ADVISOR_CACHE_DIR": ""}
    where = subprocess.run(
        [sys.executable, "-c", "import advisor.assess as a, advisor.rulebook as r, "
         "advisor.cases as c, advisor.intake as i; print(a.__file__); "
         "print(r.DEFAULT_RULES_DIR); print(c.PROFILES_DIR); print(i.SCHEMA_PATH)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True).stdout.split("\n")
    data = (site / "advisor" / "_data").resolve()
    assert Path(where[0]).resolve().is_relative_to(site.resolve())
    assert [Path(w) for w in where[1:4]] == [data / "rules", data / "profiles",
                                              data / "schema" / "profile-v1.schema.json"]

    profile = data / "profiles" / "hmp-high-down-clu.yaml"
    run = subprocess.run([sys.executable, "-m", "advisor", "assess", str(profile),
                          "--format", "json"], check=False, cwd=elsewhere, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    here = ROOT / "profiles" / "hmp-high-down-clu.yaml"
    assert run.stdout == to_json(assess(load_profile(here), default_rulebook()))


def test_the_version_says_whether_this_advisor_runs_compiled() -> None:
    from click.testing import CliRunner

    from advisor import __version__
    from advisor.cli import main

    how = "compiled with mypyc" if os.environ.get("ADVISOR_EXPECT_COMPILED") == "1" \
        else "interpreted"
    result = CliRunner().invoke(main, ["--version"])
    assert (result.exit_code, result.output) == (0, f"advisor, version {__version__} ({how})\n")


def test_a_mixed_install_is_named_as_such(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util
    from importlib.machinery import ModuleSpec

    def find_spec(name: str) -> ModuleSpec:
        origin = "engine.cpython-311-x86_64-linux-gnu.so" if name == "advisor.engine" \
            else f"{name}.py"
        return ModuleSpec(name, None, origin=origin)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert build() == "partly compiled (engine)"
