"""The web service's commands (`advisor serve`, `advisor users`, `advisor db`).

They are kept beside the web app and added to the `advisor` group by `advisor.cli`; each
imports the app, the database layer and the server inside its body, so that `advisor
assess` never pays for them.
"""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
