"""The server asks glibc's allocator to hand memory back (advisor.web.allocator): its
memory grew steadily in a ten-minute soak while the Python objects it held did not."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from advisor.web import allocator

GLIBC = platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not GLIBC, reason="the settings are glibc's")
def test_both_settings_are_applied_unless_the_environment_gives_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    assert allocator.tune() == ["MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_"]
    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")  # whoever runs it decides
    assert allocator.tune() == ["MALLOC_MMAP_THRESHOLD_"]


@pytest.mark.skipif(not GLIBC, reason="the settings are glibc's")
def test_a_large_block_freed_goes_back_to_the_system() -> None:
    """With the threshold fixed, a freed 1 MB block leaves the process's memory; by
    default the first one freed raises the threshold and the next stays in the heap."""
    probe = """
import ctypes, sys
from advisor.web import allocator
if sys.argv[1] == "tuned":
    allocator.tune()
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = (ctypes.c_void_p,)
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks",
                "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
libc.mallinfo2.restype = Info
before = libc.mallinfo2().arena
for _ in range(2):
    block = libc.malloc(1 << 20)
    libc.free(block)
print(libc.mallinfo2().arena - before >= 1 << 20)
"""
    env = {"PATH": "/usr/bin:/bin"}
    held = {how: subprocess.run([sys.executable, "-c", probe, how], capture_output=True,
                                text=True, check=True, env=env).stdout.strip()
            for how in ("default", "tuned")}
    assert held == {"default": "True", "tuned": "False"}
