"""Build hook: compile advisor's three busiest modules to C with mypyc.

mypyc compiles the same typed source (the one mypy --strict checks) to C extensions; a
warm assessment takes about a fifth less time (README, Performance). Everything else
about the package is declared in pyproject.toml.

- A wheel, and so a plain `pip install .`, is compiled. It needs a C compiler, which
  installing durable-rules (sources only) needs anyway.
- An editable install (`pip install -e .`, as the Makefile sets up for development)
  is not: an edit then takes effect at once, with no stale extension shadowing it.
- `ADVISOR_COMPILE=0` builds a wheel that is not compiled either.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from setuptools import setup

COMPILED = ["advisor/facts.py", "advisor/engine.py", "advisor/assess.py"]

# The setuptools commands that build extension modules: compiling on any other (the
# metadata steps pip runs first, an editable install) would be wasted or harmful.
_BUILDS = {"bdist_wheel", "build", "build_ext", "install"}


def _extensions() -> list[Any]:
    if os.environ.get("ADVISOR_COMPILE", "1") == "0" or not _BUILDS & set(sys.argv):
        return []
    from mypyc.build import mypycify

    # mypy reads no configuration here (the strict one, in pyproject.toml, loads
    # pydantic's plugin, which the build does not install): third-party modules are
    # read as untyped, so compiled code reaches them through Python's generic API, as
    # interpreted code does.
    return mypycify(["--config-file=", "--ignore-missing-imports", *COMPILED],
                    opt_level="3", group_name="advisor")


setup(ext_modules=_extensions())
