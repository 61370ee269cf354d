"""The web service's load script (benchmarks/service.py, `make load`) still runs: three
people, two rounds of work each, against a real `advisor serve` on 127.0.0.1.

No figure is judged here (the script prints them; a slow machine is no failure): the run
must end by itself, report every kind of page, and count no error."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

# Every kind of page the script reports, as a person would name it
ALWAYS = ["sign-in page", "sign in (password check)", "home / portfolio", "wing (history)",
          "start an assessment", "assessment part (open)", "assessment part (answer)",
          "review before finishing", "finish an assessment", "result"]
# Pages other work adds, and signing out (a person does it now and then, at random)
SOMETIMES = ["portfolio (CSV)", "wing plan", "compare", "what-if", "path to a rung",
             "sign out"]


def test_the_load_script_drives_every_page_and_counts_no_error() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "service.py"), "load", "--users", "3",
         "--seconds", "40", "--cycles", "2", "--think", "0.01", "0.05"],
        capture_output=True, text=True, timeout=55, cwd=ROOT, check=False)
    out = run.stdout
    assert run.returncode == 0, out + run.stderr
    assert "3 people" in out and "SQLite" in out
    assert re.search(r"^machine: .*\d+ cores", out, re.M), out
    assert re.search(r"^date: \d{4}-\d\d-\d\d \d\d:\d\d UTC; load average", out, re.M), out
    rows = {}
    for kind in ALWAYS + SOMETIMES:
        found = re.search(rf"^{re.escape(kind)} +(.*)$", out, re.M)
        assert found is not None, f"{kind} not reported:\n{out}"
        rows[kind] = found[1]
    for kind in ALWAYS:  # count and errors, then the times
        count, errors = (int(n) for n in rows[kind].split()[:2])
        assert count > 0 and errors == 0, f"{kind}: {rows[kind]}"
    for kind in SOMETIMES:
        assert rows[kind] == "not served by this build" or rows[kind].split()[1] == "0", \
            f"{kind}: {rows[kind]}"
    # one team finished the assessment it had begun and one of its own, the other two of
    # its own; the commissioner went round twice
    assert re.search(r"rounds finished: 6;", out), out
    assert re.search(r"^finish an assessment +4 +0 ", out, re.M), out
    assert re.search(r"; errors: 0$", out, re.M), out


def test_a_server_error_in_the_figures_comes_with_the_servers_traceback() -> None:
    from benchmarks.service import tracebacks

    output = "\n".join([
        'INFO:     127.0.0.1:5 - "GET / HTTP/1.1" 200 OK',
        "ERROR:    Exception in ASGI application",
        "Traceback (most recent call last):",
        '  File "advisor/web/guided.py", line 9, in answer',
        "    raise ValueError(x)",
        "ValueError: 7",
        'INFO:     127.0.0.1:5 - "GET /wings/1 HTTP/1.1" 200 OK'])
    assert tracebacks(output) == ["\n".join(output.splitlines()[2:6])]
    assert tracebacks('INFO:     127.0.0.1:5 - "GET / HTTP/1.1" 200 OK') == []
