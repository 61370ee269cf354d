"""Every command is documented: help that ends with an example, and a mention in the README
(sqlite-utils style)."""

from __future__ import annotations

import click
import pytest

from advisor.cli import main
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name, command in sorted(main.commands.items()):
        if isinstance(command, click.Group):
            out += [(f"{name} {sub}", c) for sub, c in sorted(command.commands.items())]
        out.append((name, command))
    return out


@pytest.mark.parametrize("name, command", _commands(), ids=[n for n, _ in _commands()])
def test_command_is_documented(name: str, command: click.Command) -> None:
    help_text = command.help or ""
    assert help_text.strip(), f"{name} has no help"
    assert "Example: advisor" in help_text, f"{name}'s help gives no example"
    assert f"advisor {name}" in README, f"the README never shows 'advisor {name}'"
