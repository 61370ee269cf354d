"""Rewriting a profile file in the current format, keeping what its author wrote.

Loading already upgrades an older profile in memory (`profile.UPGRADES`); this is for
writing the upgrade back. The file is read and written by ruamel.yaml's round-trip
mode, so every comment, the key order, quoting and flow style stay as they were; only
what an upgrade step changes, the version number and the schema line differ.
"""

from __future__ import annotations

import io
import re
from typing import Any

from advisor.profile import CURRENT_VERSION, UPGRADES

_SCHEMA_LINE = re.compile(
    r"^(# yaml-language-server: \$schema=\S*profile-v)(\d+)(\.schema\.json)", re.MULTILINE)


def _null(representer: Any, _: None) -> Any:
    """`null` written as the word, as people write it (ruamel leaves it empty)."""
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def round_trip() -> Any:
    """ruamel.yaml's round-trip mode as advisor rewrites a profile: comments, key order,
    quoting and flow style kept, no line re-wrapped, `null` written as the word."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 16  # never re-wrap a long line or comment
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(type(None), _null)
    return yaml


def dump(yaml: Any, data: Any) -> str:
    """The text of `data` loaded by `yaml` (from `round_trip`)."""
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def upgrade_text(text: str, version: int) -> str:
    """The text of a profile of format `version` (already checked by the strict loader)
    rewritten in the current format."""
    yaml = round_trip()
    data = yaml.load(text)
    while version < CURRENT_VERSION:
        data = UPGRADES[version](data)  # each step changes the mapping it is given
        version += 1
    data["profile_version"] = CURRENT_VERSION
    return _SCHEMA_LINE.sub(rf"\g<1>{CURRENT_VERSION}\g<3>", dump(yaml, data), count=1)
