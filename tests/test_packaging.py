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
    """The project built as a wheel, from a copy (a build writes into its source tree)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("advisor", *SHIPPED):
        shutil.copytree(ROOT / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                            "--wheel-dir", str(tmp / "dist"), str(source)],
                           check=False, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    (found,) = (tmp / "dist").glob("advisor-*.whl")
    return found


def test_the_wheel_ships_every_rule_file_example_profile_and_schema(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [p for p in _tracked() if f"advisor/_data/{p}" not in names]
    assert not missing, f"left out of the wheel: {missing}"


def test_the_wheel_is_pure_python(wheel: Path) -> None:
    assert wheel.name.endswith("-py3-none-any.whl")  # not tagged for one Python
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if n.endswith((".so", ".pyd", ".c"))]


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
                                              data / "schema" / "profile-v2.schema.json"]

    profile = data / "profiles" / "hmp-high-down-clu.yaml"
    run = subprocess.run([sys.executable, "-m", "advisor", "assess", str(profile),
                          "--format", "json"], check=False, cwd=elsewhere, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    here = ROOT / "profiles" / "hmp-high-down-clu.yaml"
    expected = to_json(assess(load_profile(here), default_rulebook()))
    assert run.stdout == expected

    # the bundled examples by name, with no path into the installation
    def advisor(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "advisor", *args], check=False,
                              cwd=elsewhere, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done

    listed = advisor("examples").stdout
    assert [line.split()[0] for line in listed.splitlines()[:5]] == sorted(
        p.name for p in (ROOT / "profiles").glob("*.yaml"))
    assert "hmp-high-down-clu.yaml  a well-resourced wing" in listed
    assert advisor("assess", "--example", "high-down", "--format", "json").stdout == expected
    # a new profile's $schema line points beside it, not into the installation
    advisor("init", "wing.yaml")
    first = (elsewhere / "wing.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=profile-v2.schema.json"
    assert (elsewhere / "profile-v2.schema.json").read_bytes() == \
        (data / "schema" / "profile-v2.schema.json").read_bytes()


def test_the_version_is_the_packages() -> None:
    from click.testing import CliRunner

    from advisor import __version__
    from advisor.cli import main

    result = CliRunner().invoke(main, ["--version"])
    assert (result.exit_code, result.output) == (0, f"advisor, version {__version__}\n")
