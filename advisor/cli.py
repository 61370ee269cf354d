"""The `advisor` command: a thin click layer over the library.

Each command parses its arguments, makes one library call, renders, and turns library
errors into one line on stderr with the error's own exit status (2 for bad input, 1 for
anything unexpected). Nothing is printed to stdout, and no file is written, unless the
whole result is ready.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from advisor.errors import AdvisorError, InputError

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int) -> None:
    click.echo(f"advisor: {message}", err=True)
    sys.exit(code)


def reports_errors(func: F) -> F:
    """Turn our errors into one stderr line and an exit status; never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AdvisorError as err:
            _fail(err.one_line(), err.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except Exception as err:  # the truly unexpected: say so, briefly, and exit 1
            if os.environ.get("ADVISOR_DEBUG"):
                raise
            _fail(f"internal error: {type(err).__name__}: {err} "
                  "(set ADVISOR_DEBUG=1 for the traceback)", 1)
        return None

    return wrapper  # type: ignore[return-value]


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename: all or nothing."""
    directory = path.parent if str(path.parent) else Path()
    if path.is_dir():
        raise InputError("is a folder; give a file name for the output", file=str(path))
    if not directory.is_dir():
        raise InputError(f"cannot write: folder {directory} does not exist", file=str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _rules_option(func: F) -> F:
    return click.option(
        "--rules", "rules_dir", type=click.Path(path_type=Path, file_okay=False),
        default=None, help="Rulebook folder (default: the bundled rules/).")(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="advisor")
def main() -> None:
    """Assess peer involvement on a CFO prison wing against the 2024 High Down study.

    Example: advisor assess profiles/hmp-high-down-clu.yaml
    """


@main.command()
@click.argument("profile", type=click.Path(path_type=Path, dir_okay=True, exists=False))
@click.option("--format", "-f", "fmt", type=click.Choice(["terminal", "json", "markdown"]),
              default="terminal", show_default=True, help="How to show the assessment.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Write to this file (atomically) instead of stdout.")
@click.option("--color/--no-color", default=None,
              help="Colour in terminal output (default: when stdout is a terminal).")
@_rules_option
@reports_errors
def assess(profile: Path, fmt: str, output: Path | None, color: bool | None,
           rules_dir: Path | None) -> None:
    """Assess one site profile: stage lights, rungs, action plan, open questions.

    Example: advisor assess profiles/hmp-high-down-clu.yaml --format json -o out.json
    """
    from advisor.assess import assess as run_assessment
    from advisor.assess import default_rulebook
    from advisor.profile import load_profile
    from advisor.render import render
    from advisor.rulebook import load_rulebook

    book = load_rulebook(rules_dir) if rules_dir else default_rulebook()
    result = run_assessment(load_profile(profile), book)
    if color is None:
        color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    width = None
    if output is None and sys.stdout.isatty():
        width = shutil.get_terminal_size().columns
    text = render(result, fmt, color=color, width=width)
    if output is not None:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
