"""Where the files shipped with advisor are: the rulebook, the example profiles and the
profile schema.

In the source tree they sit beside the package (`rules/`, `profiles/`, `schema/`), and an
editable install reads them there. A built wheel carries them inside the package, under
`advisor/_data/` (see `[tool.setuptools.package-dir]` in pyproject.toml), so a plain
`pip install` finds them too. The copy inside wins: beside an installed package is
site-packages, where another distribution's `rules/` could be.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shipped(name: str) -> Path:
    """The shipped directory `name`: `rules`, `profiles` or `schema`."""
    inside = _PACKAGE / "_data" / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


__all__ = ["shipped"]
