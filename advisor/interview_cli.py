"""The terminal side of `advisor interview`: prompts, saving and the final assessment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from advisor import yamlio
from advisor.errors import InputError
from advisor.interview import (
    BadAnswer,
    Question,
    answered,
    dump,
    parse_answer,
    prompt_for,
    questions,
    set_answer,
    start,
    why,
)
from advisor.rulebook import Rulebook


def _save(path: Path, data: dict[str, Any]) -> None:
    from advisor.cli import write_atomic

    write_atomic(path, dump(data))


def _ask(q: Question, book: Rulebook, number: int) -> Any:
    while True:
        raw = click.prompt(f"{number}. {prompt_for(q)} (? for why)", default="",
                           show_default=False, prompt_suffix="\n> ")
        if raw.strip() == "?":
            click.echo(f"   Why we ask: {why(q, book)}")
            continue
        try:
            return parse_answer(q, raw)
        except BadAnswer as err:
            click.echo(f"   {err}")


def run_interview(path: Path, *, resume: bool, edit_field: str | None, kind: str | None,
                  force: bool, book: Rulebook) -> None:
    if path.exists() and not (resume or edit_field or force):
        raise InputError("already exists; add --resume to carry on, --edit FIELD to change "
                         "one answer, or --force to start again", file=str(path))
    if (resume or edit_field) and path.exists():
        data = yamlio.load(path, "profile").data
        if not isinstance(data, dict):
            raise InputError("is not a profile this interview wrote", file=str(path))
    elif resume or edit_field:
        raise InputError("no such profile to resume", file=str(path))
    else:
        data = start(kind)
        _save(path, data)
    try:
        if edit_field:
            match = [q for q in questions(data) if q.path == edit_field]
            if not match:
                known = [q.path for q in questions(data)]
                from advisor.profile import did_you_mean

                raise InputError(f"no question for {edit_field!r}"
                                 f"{did_you_mean(edit_field, known)}")
            set_answer(data, edit_field, _ask(match[0], book, 1))
            _save(path, data)
        else:
            while True:
                asked = questions(data)
                pending = [q for q in asked if not answered(data, q.path)]
                if not pending:
                    break
                q = pending[0]
                set_answer(data, q.path, _ask(q, book, len(asked) - len(pending) + 1))
                _save(path, data)
    except click.Abort:
        click.echo(f"\nStopped. Your answers so far are saved in {path}; carry on with "
                   f"'advisor interview -o {path} --resume'.", err=True)
        raise SystemExit(130) from None
    click.echo(f"Saved {path}. Checking it and assessing the wing:\n")
    from advisor.assess import assess
    from advisor.profile import load_profile
    from advisor.render import render

    result = assess(load_profile(path), book)
    click.echo(render(result, "terminal", width=100), nl=False)
