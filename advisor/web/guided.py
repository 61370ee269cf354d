"""The guided assessment on the web: `advisor interview`'s questions, one section of the
profile per page.

Nothing here is a second copy of the questions: the pages are `advisor.interview`'s
questions (same wording, allowed answers, "why we ask" and skip logic) grouped by the
profile section each belongs to, and every answer is read by `interview.parse_answer` and
checked by `interview.refusal`, so a bad answer gets the CLI's own message.

A draft's state is the answers given so far, by question path, with the evidence notes
and what people say. The profile is built from it the way the interview builds its file:
the questions asked in order, each answer set as the interview sets it, a question not
answered set to unknown as Enter would, and the file written by `interview.dump`. So the
same answers give the same bytes as `advisor interview`, and an answer a later one made
irrelevant (a forum question once there is no forum) is left out, as the interview would
never have asked it.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cachetools import LRUCache, cached

from advisor.interview import (
    REQUIRED,
    BadAnswer,
    Question,
    dump,
    parse_answer,
    questions,
    refusal,
    set_answer,
    settled,
    start,
)
from advisor.paths import MISSING
from advisor.profile import SECTIONS

State = dict[str, Any]
VOICES = (("residents", "What residents say"), ("holders", "What role holders say"),
          ("staff", "What staff say"))
_FIXED = {"kind", "site.prison", "wing.name"}  # set when the assessment is started
# the yes-or-no answers that make `interview.questions` skip others (no wing forum, no
# Prisoner Council); a role's title or other roles' add questions
_OPENING = {"governance.wing_forum", "governance.prisoner_council"}


def _title(description: str | None) -> str:
    """A section's description without its references: `The wing (§1.1)` -> `The wing`."""
    return (description or "").split(" (", 1)[0]


PAGE_TITLES: dict[str, str] = {
    **{s.name: _title(s.description) for s in SECTIONS},
    "assessed": "When, and by whom, the wing was assessed",
    "site": "The prison",
    "aspiration_rung": "What you aim for",
}


def section_of(q: Question) -> str:
    """The page a question belongs on: the profile section its path starts with."""
    head = q.path.split(".", 1)[0]
    return head.split("[", 1)[0]


def new_state(kind: str, prison: str, wing: str) -> State:
    return {"answers": {"kind": kind, "site.prison": prison, "wing.name": wing},
            "evidence": {}, "voices": {}, "done": []}


def profile_data(state: Mapping[str, Any]) -> dict[str, Any]:
    """The profile the answers make, built as `advisor interview` builds its file (a
    required question never answered raises BadAnswer)."""
    answers = state["answers"]
    data = start(None)
    asked: set[str] = set()
    listed = questions(data)
    while True:  # as `advisor interview` loops: the first question not asked or settled
        q = next((q for q in listed if q.path not in asked and not settled(data, q.path)),
                 None)
        if q is None:
            break
        asked.add(q.path)
        value = answers[q.path] if q.path in answers else parse_answer(q, "")
        set_answer(data, q.path, value)
        if q.kind in ("roles", "others") or q.path in _OPENING:  # the only answers that
            listed = questions(data)  # open or skip questions (the byte test checks)
    paths = [q.path for q in questions(data)]
    evidence = {p: state["evidence"][p] for p in paths if p in state["evidence"]}
    voices = {p: state["voices"][p] for p in paths if p in state["voices"]}
    if evidence:
        data["evidence"] = evidence
    if voices:
        data["voices"] = voices
    return data


def profile_yaml(state: Mapping[str, Any]) -> str:
    return dump(profile_data(state))


_WORKING: LRUCache[str, dict[str, Any]] = LRUCache(maxsize=64)  # the last few, by state


def _state_key(state: Mapping[str, Any]) -> str:
    return json.dumps({k: state.get(k) for k in ("answers", "evidence", "voices")},
                      sort_keys=True, default=str)


@cached(_WORKING, key=_state_key, lock=threading.Lock())
def _working(state: Mapping[str, Any]) -> dict[str, Any]:
    """The answers so far as a profile, for working out which questions are asked (a
    required answer still missing is left as the placeholder the interview skips).

    Kept for the last few states seen (by their JSON): one page asks for it once per
    question and again per page listed, and each costs a whole interview's walk. What it
    returns is shared: copy it before changing it."""
    answers = dict(state["answers"])
    for path in REQUIRED:
        answers.setdefault(path, "unknown")
    return profile_data({**state, "answers": answers})


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    questions: tuple[Question, ...]


def pages(state: Mapping[str, Any]) -> list[Page]:
    """The pages of the assessment, in order, given the answers so far."""
    grouped: dict[str, list[Question]] = {}
    for q in questions(_working(state)):
        if q.path not in _FIXED:
            grouped.setdefault(section_of(q), []).append(q)
    return [Page(k, PAGE_TITLES.get(k, k), tuple(qs)) for k, qs in grouped.items()]


def page(state: Mapping[str, Any], key: str) -> Page | None:
    return next((p for p in pages(state) if p.key == key), None)


def next_page(state: Mapping[str, Any]) -> Page | None:
    """The first page not yet submitted: where an assessment resumes (None: all done)."""
    done = set(state["done"])
    return next((p for p in pages(state) if p.key not in done), None)


# -- the form ------------------------------------------------------------------------

def role_title(state: Mapping[str, Any], path: str) -> str | None:
    """The title of the role a question is about (`other_roles[1].paid` -> `Insider`),
    so that a page asking the same questions of several roles says which is which; None
    for a question about the wing."""
    match = re.match(r"(roles|other_roles)\[(\d+)\]", path)
    if match is None:
        return None
    listed = _working(state).get(match.group(1))
    index = int(match.group(2))
    if not isinstance(listed, list) or index >= len(listed):
        return None
    title = listed[index].get("title") if isinstance(listed[index], dict) else None
    return str(title) if title else None


#: an answer not known, as the pages offer it
DONT_KNOW = "I don't know"


def dont_know(q: Question) -> bool:
    """Whether "I don't know" is offered (everything but the names the file needs)."""
    return q.path not in REQUIRED


def shown(q: Question, value: Any) -> tuple[str, bool]:
    """An answer as the form shows it: (the text or choice, whether "I don't know")."""
    if value is MISSING:
        return "", False
    if value == "unknown" or (value is None and q.path == "aspiration_rung"):
        return "", True
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if q.kind == "roles":
        return (value[0]["title"] if value else "none"), False
    if q.kind == "others":
        return (", ".join(r["title"] for r in value) if value else "none"), False
    if isinstance(value, list):
        return (", ".join(value) if value or q.kind == "choices" else "none"), False
    return str(value), False


def current(state: Mapping[str, Any], q: Question) -> tuple[str, bool]:
    return shown(q, state["answers"].get(q.path, MISSING))


def unanswered(state: Mapping[str, Any]) -> dict[str, int]:
    """For each page, how many of its questions have no answer yet, or "I don't know":
    what finishing now would store as not known. A page sent blank counts its questions
    here, though it is sent."""
    answers = state["answers"]
    return {p.key: sum(1 for q in p.questions
                       if q.path not in answers or shown(q, answers[q.path])[1])
            for p in pages(state)}


@dataclass
class Outcome:
    """What a submitted page did: errors by question path (with the text given, to show
    again), and whether answers opened questions the page did not show yet."""

    errors: dict[str, str] = field(default_factory=dict)
    given: dict[str, str] = field(default_factory=dict)
    more: bool = False
    conflicts: dict[str, Conflict] = field(default_factory=dict)


@dataclass(frozen=True)
class Conflict:
    """An answer someone else saved after this page was made, that differs from the one
    sent: neither is kept over the other unseen, the page shows both to choose from."""

    theirs: Any     # the answer now saved
    by: str         # who saved it (their email), and when (ISO, UTC)
    at: str
    yours: Any      # the answer sent


def answer_mark(state: Mapping[str, Any], path: str) -> str:
    """What a page carries of an answer as it was when the page was made (its `was:`
    field), to tell on sending whether someone else changed it since: "" if none."""
    answers = state["answers"]
    return json.dumps(answers[path], sort_keys=True) if path in answers else ""


def saved_by(state: Mapping[str, Any], path: str) -> tuple[str, str]:
    """Who last saved an answer and when (ISO, UTC): ("", "") if not known."""
    found = state.get("saved", {}).get(path)
    return (str(found[0]), str(found[1])) if found else ("", "")


def raw_answer(q: Question, form: Mapping[str, Any]) -> str | None:
    """The answer as the interview would have read it typed, or None if the page did
    not carry the question."""
    name = q.path
    # "I don't know" ticked beside a typed or ticked answer: the answer given wins, and is
    # checked like any other, so nothing typed is ever dropped unsaid
    if form.get(f"dk:{name}") and dont_know(q) and not (
            form.get(f"many:{name}") or str(form.get(name) or "").strip()):
        return ""
    if q.kind == "choices":
        if f"shown:{name}" not in form:
            return None
        picked = form.get(f"many:{name}") or []
        return ",".join(picked)
    value = form.get(name)
    if value is None:
        return None if f"shown:{name}" not in form else ""
    return str(value)


def checked_answer(data: dict[str, Any], q: Question, raw: str) -> Any:
    """`raw` as the profile takes it for `q`, checked against the rest of `data` as the
    interview checks it: a `BadAnswer` with the interview's own words if it does not do."""
    value = parse_answer(q, raw)
    problem = refusal(data, q.path, value)
    if problem is not None:
        raise BadAnswer(problem)
    return value


def apply_page(state: State, key: str, form: Mapping[str, Any], *, by: str = "",
               at: str = "") -> Outcome:
    """Read one submitted page into `state` (answers that pass; notes), marking it done
    when every answer passed and no new question opened. `form` maps a field to its
    text, and a `many:` field to the list of ticked choices.

    An answer someone else changed since the page was made (its `was:` field differs
    from the answer saved now) is not saved over theirs when it differs from it: it is a
    conflict, shown with both; the page sent back from that says which to keep with
    `keep:` ("theirs" or "yours"). Each answer saved records `by` and `at` (who, when)."""
    from pydantic import TypeAdapter

    from advisor.profile import Note

    out = Outcome()
    note = TypeAdapter(Note)
    before = page(state, key)
    if before is None:
        return out
    working = copy.deepcopy(_working(state))  # changed below as answers are taken
    asked = {q.path for q in questions(working)}
    for q in before.questions:
        raw = raw_answer(q, form)
        if raw is None or q.path not in asked:  # not shown, or an earlier answer skips it
            continue
        try:
            value = checked_answer(working, q, raw)
        except BadAnswer as err:
            out.errors[q.path] = str(err)
            out.given[q.path] = raw
            continue
        old = state["answers"].get(q.path, MISSING)
        was = form.get(f"was:{q.path}")
        if form.get(f"keep:{q.path}") == "theirs":  # a conflict settled for the saved one
            pass
        elif was is not None and was != answer_mark(state, q.path) and value != old:
            who, when = saved_by(state, q.path)
            out.conflicts[q.path] = Conflict(old, who, when, value)
        else:
            state["answers"][q.path] = value
            if value != old and by:
                state.setdefault("saved", {})[q.path] = [by, at]
            if q.kind in ("roles", "others") or q.path in _OPENING:  # opens or skips others
                working = copy.deepcopy(_working(state))
                asked = {x.path for x in questions(working)}
            else:
                set_answer(working, q.path, value)
        _notes(state, q.path, form, note, out)
    after = page(state, key)
    shown_before = {q.path for q in before.questions}
    out.more = after is not None and any(q.path not in shown_before for q in after.questions)
    if not out.errors and not out.more and not out.conflicts and key not in state["done"]:
        state["done"].append(key)
    return out


def _notes(state: State, path: str, form: Mapping[str, Any], note: Any, out: Outcome) -> None:
    """The evidence and what people say beside one question, kept whatever its answer."""
    from pydantic import ValidationError

    _note(state["evidence"], path, str(form.get(f"evidence:{path}", "")).strip(), note, out)
    said: dict[str, str] = {}
    for who, _ in VOICES:
        text = str(form.get(f"{who}:{path}", "")).strip()
        if text:
            try:
                said[who] = note.validate_python(text)
            except ValidationError as err:
                out.errors[f"{who}:{path}"] = err.errors()[0]["msg"]
                out.given[f"{who}:{path}"] = text
    if said:
        state["voices"][path] = said
    else:
        state["voices"].pop(path, None)


def _note(store: dict[str, Any], path: str, text: str, adapter: Any, out: Outcome) -> None:
    from pydantic import ValidationError

    if not text:
        store.pop(path, None)
        return
    try:
        store[path] = adapter.validate_python(text)
    except ValidationError as err:
        out.errors[f"evidence:{path}"] = err.errors()[0]["msg"]
        out.given[f"evidence:{path}"] = text


def complete(state: Mapping[str, Any]) -> bool:
    return next_page(state) is None


__all__ = ["DONT_KNOW", "PAGE_TITLES", "VOICES", "Conflict", "Outcome", "Page", "answer_mark",
           "apply_page", "complete", "current", "dont_know", "new_state", "next_page", "page",
           "pages", "profile_data", "profile_yaml", "raw_answer", "saved_by", "section_of",
           "shown"]
