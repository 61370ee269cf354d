"""The `advisor` command's start-up and Python's cycle collector.

Start-up (imports, pydantic building its models, the compiled rulebook unpickled) makes
tens of thousands of long-lived objects and next to no garbage, yet the cycle collector
would walk them all several times: about 30 ms of a 180 ms run. The command pauses it
(`pause`) until start-up is over (`started`), then freezes what start-up built out of
its way and lets it run as usual. Only the command's own processes do this: the library
never touches the collector (an assessment makes no reference cycles, so what it builds
is freed on return anyway).
"""

from __future__ import annotations

import gc


def pause() -> None:
    """Start-up begins: pause the cycle collector."""
    gc.disable()


def started() -> None:
    """Start-up is over: if the collector is paused, freeze what exists now (modules,
    models, the rulebook) and let it run again. Nothing to do if it is running."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
