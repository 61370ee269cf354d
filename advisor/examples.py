"""The bundled example profiles, by name, wherever advisor is installed.

Each example's header comment says what it teaches (`# What it teaches: ...`); its first
sentence is the one line `advisor examples` shows. A name given to `--example` may leave
out `.yaml` and be any part of a file name that picks one example (`high-down` is
`hmp-high-down-clu.yaml`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from advisor.errors import InputError
from advisor.profile import did_you_mean
from advisor.shipped import shipped

_TEACHES = "What it teaches:"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass(frozen=True)
class Example:
    name: str      # the file name, `hmp-high-down-clu.yaml`
    path: Path
    teaches: str   # the first sentence of its "What it teaches"


def examples(folder: Path | None = None) -> list[Example]:
    """Every bundled example profile, by file name."""
    folder = folder or shipped("profiles")
    return [Example(p.name, p, teaches(p.read_text(encoding="utf-8")))
            for p in sorted(folder.glob("*.yaml"))]


def teaches(text: str) -> str:
    """The first sentence of the `What it teaches:` paragraph of a profile's header
    comment (the comment lines before its first key), or an empty string."""
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line.lstrip("#").strip())
    words = " ".join(header)
    if _TEACHES not in words:
        return ""
    paragraph = words.split(_TEACHES, 1)[1].strip()
    return _SENTENCE_END.split(paragraph, maxsplit=1)[0]


def find_example(name: str, folder: Path | None = None) -> Path:
    """The bundled example `name` names: its file name, with or without `.yaml`, or a
    part of it that only one example's name has (its start first: `thin`, then anywhere:
    `high-down`). Anything else is an error saying which examples there are."""
    known = examples(folder)
    stems = [e.name.removesuffix(".yaml") for e in known]
    wanted = name.strip().removesuffix(".yaml").removesuffix(".yml")
    for matches in ([s for s in stems if s == wanted],
                    [s for s in stems if wanted and s.startswith(wanted)],
                    [s for s in stems if wanted and wanted in s]):
        if len(matches) == 1:
            return known[stems.index(matches[0])].path
        if len(matches) > 1:
            raise InputError(f"example {name!r} could be any of {', '.join(matches)}; give "
                             "more of its name")
    raise InputError(f"no bundled example {name!r}{did_you_mean(wanted, stems)}; the "
                     f"examples are {', '.join(stems)} (see 'advisor examples')")


__all__ = ["Example", "examples", "find_example", "teaches"]
