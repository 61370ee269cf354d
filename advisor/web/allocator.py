"""How a server process asks the C allocator to hand memory back.

The server parses and renders assessments of a few hundred KB each on up to 40 threads.
With glibc's defaults each thread may get its own arena (up to eight a core), and freed
blocks of that size stay in the arenas rather than going back to the system: in a
ten-minute soak the server's memory grew steadily while the Python objects it held did
not (docs/performance.md). Two settings glibc documents for such servers (mallopt(3))
stop that:

- `M_ARENA_MAX` 2: threads share two arenas;
- `M_MMAP_THRESHOLD` 128 KiB, fixed: a block that large is mapped on its own and
  returned when freed (by default the threshold rises to the largest block freed, so
  big blocks end up in the arenas).

The same as setting `MALLOC_ARENA_MAX=2` and `MALLOC_MMAP_THRESHOLD_=131072` before
starting, which glibc reads only when a process starts; this applies them to the running
process. Either variable set by whoever runs the server is left as they set it. On a C
library other than glibc (macOS, musl) nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from collections.abc import Callable

#: mallopt(3)'s parameter numbers (glibc's malloc.h), the value for each, and the
#: environment variable that says the same
SETTINGS = (("MALLOC_ARENA_MAX", -8, 2), ("MALLOC_MMAP_THRESHOLD_", -3, 128 * 1024))


def tune() -> list[str]:
    """Apply the settings not already given in the environment; the names of those
    applied (none when the C library is not glibc)."""
    mallopt = _mallopt()
    if mallopt is None:
        return []
    applied = []
    for variable, parameter, value in SETTINGS:
        if variable not in os.environ and mallopt(parameter, value) == 1:
            applied.append(variable)
    return applied


def _mallopt() -> Callable[[int, int], int] | None:
    """glibc's mallopt, or None on another C library."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.gnu_get_libc_version  # noqa: B018 (only glibc has it)
        function = libc.mallopt
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_int)
    function.restype = ctypes.c_int
    return function


__all__ = ["SETTINGS", "tune"]
