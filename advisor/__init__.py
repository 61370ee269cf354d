"""advisor: a rules-based expert system for peer involvement on CFO prison wings."""

from __future__ import annotations

__version__ = "0.1.0"

# The busiest modules, which setup.py compiles with mypyc when it builds a wheel.
COMPILED = ("assess", "engine", "facts")


def build() -> str:
    """How those modules run in this install: `compiled with mypyc` (a built wheel, as
    `pip install .` makes), `interpreted` (an editable install) or, should a broken
    install mix the two, which are compiled. Nothing is imported to find out."""
    from importlib.machinery import EXTENSION_SUFFIXES
    from importlib.util import find_spec

    compiled = []
    for name in COMPILED:
        spec = find_spec(f"advisor.{name}")
        if spec is not None and str(spec.origin).endswith(tuple(EXTENSION_SUFFIXES)):
            compiled.append(name)
    if not compiled:
        return "interpreted"
    if len(compiled) == len(COMPILED):
        return "compiled with mypyc"
    return f"partly compiled ({', '.join(compiled)})"
