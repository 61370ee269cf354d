"""The terminal side of `advisor interview`: prompts, saving and the final assessment.

A new profile is written from the answers alone. A file that was there before
(`--resume`, `--edit`) is rewritten through ruamel.yaml's round-trip mode, as `advisor
upgrade` does, so its comments (a template's questions, the `$schema` line, the user's
own notes) and the order of its keys stay as they were; only the answers change.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from advisor import yamlio
from advisor.errors import InputError
from advisor.interview import (
    BadAnswer,
    Question,
    dump,
    parse_answer,
    prompt_for,
    questions,
    refusal,
    set_answer,
    settled,
    start,
    why,
)
from advisor.rulebook import Rulebook


class _File:
    """The profile being written: the plain answers the questions are worked out from,
    and, for a file that existed, its round-trip document, which is what gets written."""

    def __init__(self, path: Path, data: dict[str, Any], text: str | None) -> None:
        from advisor import upgrade

        self.path = path
        self.data = data
        self.yaml = upgrade.round_trip() if text is not None else None
        self.doc = self.yaml.load(text) if self.yaml is not None else None

    def answer(self, path: str, value: Any) -> None:
        set_answer(self.data, path, value)
        if self.doc is not None:
            set_answer(self.doc, path, value)
        self.save()

    def save(self) -> None:
        from advisor import upgrade
        from advisor.files import write_atomic

        text = dump(self.data) if self.doc is None else upgrade.dump(self.yaml, self.doc)
        write_atomic(self.path, text)


def _writable(path: Path) -> None:
    """Refuse a file its owner made read-only (a rename would replace it regardless)."""
    mode = path.stat().st_mode
    if not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise InputError("is read-only, so the interview cannot save answers to it; make it "
                         f"writable first (chmod u+w {path})", file=str(path))


def _ask(q: Question, book: Rulebook, number: int, data: dict[str, Any]) -> Any:
    while True:
        raw = click.prompt(f"{number}. {prompt_for(q)} (? for why)", default="",
                           show_default=False, prompt_suffix="\n> ")
        if raw.strip() == "?":
            click.echo(f"   Why we ask: {why(q, book)}")
            continue
        try:
            value = parse_answer(q, raw)
        except BadAnswer as err:
            click.echo(f"   {err}")
            continue
        problem = refusal(data, q.path, value)
        if problem is None:
            return value
        click.echo(f"   {problem}")


@contextlib.contextmanager
def _only_interview(path: Path) -> Iterator[None]:
    """Hold a lock beside the profile while the interview runs: two interviews on one
    file would each save over the other's answers."""
    import fcntl

    lock = path.with_name(f".{path.name}.interview-lock")
    try:
        fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError as err:
        raise InputError(f"cannot lock it for the interview ({err.strerror})",
                         file=str(path)) from err
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError("another interview is writing this file; finish or stop that "
                             "one first", file=str(path)) from None
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)
    finally:
        os.close(fd)


def run_interview(path: Path, *, resume: bool, edit_field: str | None, kind: str | None,
                  force: bool, book: Rulebook) -> None:
    if not path.parent.is_dir():
        raise InputError(f"cannot write: folder {path.parent} does not exist", file=str(path))
    with _only_interview(path):
        _run(path, resume=resume, edit_field=edit_field, kind=kind, force=force, book=book)


def _run(path: Path, *, resume: bool, edit_field: str | None, kind: str | None,
         force: bool, book: Rulebook) -> None:
    if path.exists() and not (resume or edit_field or force):
        raise InputError("already exists; add --resume to carry on, --edit FIELD to change "
                         "one answer, or --force to start again", file=str(path))
    if path.exists():
        _writable(path)
    if (resume or edit_field) and path.exists():
        text = yamlio.read_text(path, "profile")
        data = yamlio.parse(text, str(path)).data
        if not isinstance(data, dict) or "profile_version" not in data:
            raise InputError("is not a site profile (it has no profile_version), so the "
                             "interview cannot carry it on", file=str(path))
        file = _File(path, data, text)
    elif resume or edit_field:
        raise InputError("no such profile to resume", file=str(path))
    else:
        file = _File(path, start(kind), None)
        file.save()
    try:
        if edit_field:
            match = [q for q in questions(file.data) if q.path == edit_field]
            if not match:
                known = [q.path for q in questions(file.data)]
                from advisor.profile import did_you_mean

                raise InputError(f"no question for {edit_field!r}"
                                 f"{did_you_mean(edit_field, known)}")
            file.answer(edit_field, _ask(match[0], book, 1, file.data))
        else:
            asked: set[str] = set()  # each question once: Enter keeps a fact unknown
            while True:
                listed = questions(file.data)
                pending = [q for q in listed
                           if q.path not in asked and not settled(file.data, q.path)]
                if not pending:
                    break
                q = pending[0]
                asked.add(q.path)
                file.answer(q.path, _ask(q, book, listed.index(q) + 1, file.data))
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
