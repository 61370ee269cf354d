"""The web service's templates and migrations go into a wheel: every file under
advisor/web is a module of a listed package or matches that package's package-data."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "advisor" / "web"


def test_every_file_of_the_web_service_is_shipped() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    tools = config["tool"]["setuptools"]
    packages = set(tools["packages"])
    data: dict[str, list[str]] = tools["package-data"]
    missing = []
    for path in sorted(p for p in WEB.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        rel = path.relative_to(ROOT)
        # the package a file belongs to: its nearest folder that is a listed package
        folder = rel.parent
        while ".".join(folder.parts) not in packages and folder != Path("advisor"):
            folder = folder.parent
        package = ".".join(folder.parts)
        inside = str(rel.relative_to(folder))
        if path.suffix == ".py" and rel.parent == folder:
            continue
        if not any(fnmatch.fnmatch(inside, pattern) for pattern in data.get(package, [])):
            missing.append(str(rel))
    assert not missing, f"not shipped in a wheel (add to pyproject.toml): {missing}"
