"""The worked examples, and what it would take: pages that store nothing.

- The gallery (`/examples`): the bundled profiles, and the rulebook's own cases grouped
  by the part of the rulebook they show, under their sentence names.
- Step by step (`/examples/{name}/steps`, `/examples/cases/{case}`): one assessment in
  the order a trainer teaches it (facts, stages, rungs, target, plan, open questions), as
  `advisor explain` walks it.
- What if (`.../whatif`): every fact of the profile as the interview asks it, the current
  answer chosen; sent by GET, the answers are read as the interview reads them
  (`guided.checked_answer`), applied as `advisor whatif` applies them
  (`whatif.apply_changes`), and what moved is `compare.diff`'s, in words.
- The least change (`.../path?rung=N`): `path.find_path` and `path.actions_for`, in words.

A stored result may be explored by whoever may read it (`readable`): nothing is stored,
so a commissioner may ask what it would take for any wing. A trainer sees examples only.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import Response

from advisor.interview import BadAnswer, Question
from advisor.profile import Profile
from advisor.web import guided
from advisor.web.pages import Context, page, report_body
from advisor.web.pages import audience as audience_of
from advisor.web.security import EVERYONE, READERS, need, readable
from advisor.web.store import Signed

Data = dict[str, Any]

#: the rulebook's case files, in the rulebook's order, each under what it shows
CASE_SECTIONS = {
    "stages": "The six stages and their lights",
    "ladder": "The ladder: rungs, targets and what each rung asks",
    "findings": "Good practice, challenges and lessons",
    "observations": "What is shown beside the rung",
    "recommendations": "The plan's actions",
    "role-fit": "Role fit",
    "headline": "The summary, and a proposal's readiness",
}
#: the parts of the profile a what-if does not offer: who and when, and names
_NOT_OFFERED = {"kind", "site.prison", "wing.name"}
_NOT_OFFERED_KINDS = {"text", "roles", "others"}
STEPS = (("facts", "The facts"), ("stages", "The six stages"), ("rungs", "The ladder's rungs"),
         ("target", "The target, and the aim"), ("plan", "The plan"),
         ("questions", "Open questions"))


# -- what is explored: a bundled example, a rule case or a stored assessment ----------------

@dataclass(frozen=True)
class Subject:
    """A profile to explore, with where its pages are and what to call it."""

    title: str
    base: str                 # the URL its what-if and path pages hang from
    profile: Profile
    data: Data                # the profile as data, every fact given (changes apply to it)
    report: str | None = None  # its full report's page, if it has one
    steps: str | None = None   # its step-by-step page, if it has one
    intro: tuple[str, ...] = ()  # what a case is: its base and the changes it makes


def _subject(title: str, base: str, profile: Profile, **kw: Any) -> Subject:
    return Subject(title, base, profile, profile.model_dump(mode="json"), **kw)


def wing_title(profile: Profile) -> str:
    """What a profile is called: its wing and prison as it names them."""
    return f"{profile.wing.name}, {profile.site.prison}"


@functools.cache
def example_title(path: Path) -> str:
    """A bundled example by its wing and prison, not its file name:
    `Community Living Unit (CLU), HMP High Down` (read once: the gallery lists them all at
    every view, and the bundled files do not change while the advisor runs)."""
    from advisor.profile import load_profile

    return wing_title(load_profile(path))


def example_subject(name: str) -> Subject:
    from advisor.examples import examples
    from advisor.profile import load_profile

    found = [e for e in examples() if e.name == name]
    if not found:
        raise HTTPException(404, "There is no such worked example.")
    profile = load_profile(found[0].path)
    return _subject(wing_title(profile), f"/examples/{name}", profile,
                    report=f"/examples/{name}", steps=f"/examples/{name}/steps")


def case_slug(name: str) -> str:
    """A case's sentence name as a URL's last part: `High Down's Ambassadors meet ...` ->
    `high-down-s-ambassadors-meet-...`."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def cases_by_section(context: Context) -> list[tuple[str, list[Any]]]:
    """The rule cases grouped by the rulebook section (case file) they show, in order."""
    from advisor.cases import load_cases

    grouped: dict[str, list[Any]] = {}
    for case in load_cases(context.rulebook):
        grouped.setdefault(case.file.stem, []).append(case)
    order = list(CASE_SECTIONS)
    keys = sorted(grouped, key=lambda k: (order.index(k) if k in order else len(order), k))
    return [(CASE_SECTIONS.get(k, k.replace("-", " ").capitalize()), grouped[k]) for k in keys]


def case_subject(context: Context, slug: str) -> Subject:
    from advisor.cases import MINIMAL, PROFILES_DIR
    from advisor.errors import RulebookError
    from advisor.profile import Profile, load_profile

    found = [c for _, cases in cases_by_section(context) for c in cases
             if case_slug(c.name) == slug]
    if not found:
        raise HTTPException(404, "There is no such worked example.")
    case = found[0]
    try:
        profile = case.profile()
    except RulebookError as err:
        raise HTTPException(404, "This worked example does not make a profile.") from err
    base = case.spec.base or case.base
    if base == "minimal":
        start = (f"It starts from a proposal that names only the prison and the wing "
                 f"({MINIMAL['site']['prison']}, {MINIMAL['wing']['name']}): every other "
                 "fact is not known.")
        was = Profile.model_validate(MINIMAL).model_dump(mode="json")
    else:
        example = load_profile(PROFILES_DIR / base)
        start = f"It starts from the worked example {wing_title(example)}."
        was = example.model_dump(mode="json")
    intro = [start]
    if case.spec.set:
        intro.append("It changes:")
        intro += [_change_words(profile.model_dump(mode="json"), path, value, was)
                  for path, value in case.spec.set.items()]  # as the case file gives them
    else:
        intro.append("It changes nothing: it shows that example as it is.")
    name = " ".join(case.name.split())
    return _subject(name, f"/examples/cases/{slug}", profile, intro=tuple(intro),
                    steps=f"/examples/cases/{slug}")


def stored_subject(context: Context, signed: Signed, result_id: int) -> Subject:
    from advisor import yamlio
    from advisor.errors import InputError
    from advisor.profile import profile_from_document

    found = context.store.result(result_id)
    wing = readable(signed, context.store.wing(found.wing_id) if found else None)
    assert found is not None
    try:
        profile = profile_from_document(yamlio.parse(found.profile_yaml, "profile.yaml"))
    except InputError as err:  # a profile stored by an older advisor that no longer reads
        raise HTTPException(400, "This assessment's profile no longer reads: assess it "
                                 "again first.") from err
    return _subject(f"{wing.name}, {wing.prison}", f"/results/{found.id}", profile,
                    report=f"/results/{found.id}")


# -- the facts, as the interview asks them ---------------------------------------------

@dataclass(frozen=True)
class Field:
    """One fact on the what-if form: its question, the role it is about, and its answer
    (as the form shows it), with the message if the answer sent does not read."""

    q: Question
    role: str | None
    text: str = ""
    unknown: bool = False
    picked: tuple[str, ...] = ()
    error: str | None = None
    n: int = 0


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    fields: tuple[Field, ...]


def fact_questions(data: Data) -> list[tuple[str, str, Question]]:
    """Every fact a what-if may change, as (group key, group title, question), in the
    interview's order: each selected role's questions and each other role's under the
    role's title. Questions the interview skips (no forum: no forum access) are kept: a
    change may open them."""
    from advisor.interview import questions
    from advisor.web.guided import PAGE_TITLES, section_of

    opened = {**data, "governance": {**data.get("governance", {}),
                                     "wing_forum": "unknown", "prisoner_council": "unknown"}}
    out: list[tuple[str, str, Question]] = []
    roles = data.get("roles") or []
    for q in questions(opened):
        if q.path in _NOT_OFFERED or q.kind in _NOT_OFFERED_KINDS or q.path.startswith(
                "assessed."):
            continue
        if q.path.startswith("roles[0]."):
            for i, role in enumerate(roles):
                path = f"roles[{i}]." + q.path.removeprefix("roles[0].")
                out.append((f"roles[{i}]", f"{PAGE_TITLES['roles']}: {role['title']}",
                            dataclasses.replace(q, path=path)))
            continue
        match = re.match(r"other_roles\[(\d+)\]", q.path)
        if match:
            title = data["other_roles"][int(match.group(1))]["title"]
            out.append((match.group(0), f"{PAGE_TITLES['other_roles']}: {title}", q))
            continue
        key = section_of(q)
        out.append((key, PAGE_TITLES.get(key, key), q))
    return out


def role_title(data: Data, path: str) -> str | None:
    match = re.match(r"(roles|other_roles)\[(\d+)\]", path)
    if match is None:
        return None
    return str(data[match.group(1)][int(match.group(2))]["title"])


def current_value(data: Data, path: str) -> Any:
    from advisor.paths import MISSING, get

    value = get(data, path)
    return "unknown" if value is MISSING else value


def said(value: Any, unknown: str = "not known") -> str:
    """A value in words: yes, no, not known (or `unknown`'s words), none, the scale's
    words, a date as every page writes one (3 December 2026)."""
    import datetime as dt

    from advisor.assess import show
    from advisor.render.words import value_words
    from advisor.web.pages import day

    if value is None or value == "unknown":
        return unknown
    if isinstance(value, dt.date):
        return day(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return day(dt.date.fromisoformat(value))
        except ValueError:
            pass
    return value_words(show(value))


def _titles(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return [v.get("title", "untitled") for v in value]
    return value


def _change_words(data: Data, path: str, value: Any, was: Data) -> str:
    """A case's change as its question, and the example's answer and the case's in words:
    `Ambassador: How are holders supervised? From ad hoc to none.` (`was`: the example the
    case starts from)."""
    whole = re.fullmatch(r"(roles|other_roles)\[\d+\]", path)
    if whole and isinstance(value, dict):
        what = "selected role" if whole.group(1) == "roles" else "peer role on the wing"
        return f"Another {what} is added, {value.get('title', 'untitled')}, with answers " \
               "of its own (see step 1)."
    before = said(_titles(current_value(was, path)))
    after = said(_titles(value))
    label = _question(data, path)
    lead = f"{label}{'' if label.endswith('?') else ':'}"
    if before == after:
        return f"{lead} Still {after}, as the example has it."
    return f"{lead} From {before} to {after}."


def _shown(q: Question, value: Any) -> dict[str, Any]:
    from advisor.web.guided import shown

    text, unknown = shown(q, value)
    picked = tuple(value) if q.kind == "choices" and isinstance(value, list) else ()
    return {"text": "" if unknown else text, "unknown": unknown, "picked": picked}


def _read(q: Question, params: Any, data: Data) -> tuple[Any, str | None, dict[str, Any]]:
    """The answer sent for `q`: (value, message if it does not read, how to show it)."""
    if q.kind == "choices":
        ticked = [v for v in params.getlist(q.path) if v]
        chosen = [v for v in ticked if v != "unknown"]
        raw = ",".join(chosen) if chosen else ("unknown" if ticked else "")
        form = {"text": "", "unknown": not chosen and bool(ticked), "picked": tuple(chosen)}
        if not chosen and not ticked:
            return [], None, form
    else:
        raw = str(params.get(q.path, ""))
        unknown = raw.strip().lower() in ("unknown", "")
        form = {"text": "" if unknown else raw, "unknown": unknown, "picked": ()}
    try:
        value = guided.checked_answer(data, q, raw)
    except BadAnswer as err:
        return None, str(err), form
    return value, None, form


def form_groups(data: Data, params: Any | None) -> tuple[list[Group], list[tuple[str, Any]],
                                                         int]:
    """The form's groups of fields; with the answers sent (`params`), the changes they
    make (path, value) in form order and how many answers did not read."""
    groups: dict[str, tuple[str, list[Field]]] = {}
    changes: list[tuple[str, Any]] = []
    errors = 0
    for n, (key, title, q) in enumerate(fact_questions(data), 1):
        now = current_value(data, q.path)
        shown = _shown(q, now)
        error = None
        if params is not None and q.path in params:
            value, error, shown = _read(q, params, data)
            if error:
                errors += 1
            elif value != now and not (value == "unknown" and now is None):
                changes.append((q.path, value))
        field = Field(q, role_title(data, q.path), error=error, n=n, **shown)
        groups.setdefault(key, (title, []))[1].append(field)
    return [Group(k, t, tuple(fs)) for k, (t, fs) in groups.items()], changes, errors


# -- what moved, in words ----------------------------------------------------------------

def moved(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """`compare.diff` of two assessments in the words the reports use."""
    from advisor.compare import diff
    from advisor.render.words import LIGHT_SYMBOL, LIGHT_WORD, fact_label
    from advisor.words import RUNG_NAMES, STAGE_TITLES

    d = diff(before, after)
    rungs = []
    for key, label in (("current_rung", "Rung now"), ("target_rung", "Target")):
        x = d[key]
        way = "unchanged" if x["from"] == x["to"] else ("up" if x["to"] > x["from"] else "down")
        rungs.append({"label": label, "way": way,
                      "before": f"{x['from']} ({RUNG_NAMES[x['from']]})",
                      "after": f"{x['to']} ({RUNG_NAMES[x['to']]})"})
    lights = [{"stage": f"Stage {x['stage']}: {STAGE_TITLES[x['stage']]}", "way": x["direction"],
               "before": f"{LIGHT_SYMBOL[x['from']]} {LIGHT_WORD[x['from']]}",
               "after": f"{LIGHT_SYMBOL[x['to']]} {LIGHT_WORD[x['to']]}",
               "from": x["from"], "to": x["to"]} for x in d["lights"]]

    def text(a: Mapping[str, Any]) -> str:
        return " ".join(str(a["text"]).split())

    return {"verdict": verdict_moved(before, after), "rungs": rungs, "lights": lights,
            "added": [text(a) for a in d["actions_added"]],
            "removed": [text(a) for a in d["actions_removed"]],
            "settled": [fact_label(before, p) for p in d["questions_settled"]],
            "raised": [fact_label(after, p) for p in d["questions_opened"]]}


def verdict_moved(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any] | None:
    """A proposal's readiness verdict before and after, in words, which way it went, and
    when it changes, the reasons the headline gives for the new one; None when neither
    assessment has a verdict (a self-audit, an example)."""
    from advisor.render.words import headline_reasons, verdict_words
    from advisor.result import VERDICTS

    was, now = before["headline"].get("verdict"), after["headline"].get("verdict")
    if not was and not now:
        return None
    if was == now:
        way = "unchanged"
    elif was in VERDICTS and now in VERDICTS:  # readiest first: a lower index is up
        way = "up" if VERDICTS.index(now) < VERDICTS.index(was) else "down"
    else:
        way = "changed"
    return {"way": way, "before": verdict_words(before) or "no verdict",
            "after": verdict_words(after) or "no verdict",
            "reasons": [] if way == "unchanged" else headline_reasons(after)}


def whatif(book: Any, subject: Subject, params: Any | None) -> dict[str, Any]:
    """Everything the what-if page shows: the form, and with answers sent, what they
    change and what moves."""
    from advisor.assess import assess
    from advisor.errors import InputError
    from advisor.whatif import apply_changes

    groups, changes, errors = form_groups(subject.data, params)
    out: dict[str, Any] = {"groups": groups, "errors": errors, "asked": params is not None,
                           "changes": [], "moved": None, "problem": None}
    if params is None or errors:
        return out
    out["changes"] = [{"question": _question(subject.data, path),
                       "before": said(current_value(subject.data, path), guided.DONT_KNOW),
                       "after": said(value, guided.DONT_KNOW)}
                      for path, value in changes]
    if not changes:
        return out
    try:
        changed = apply_changes(subject.data, changes, "what if")
    except InputError as err:  # each answer read, but together they make no profile
        out["problem"] = err.message.split(": ", 1)[-1]
        return out
    out["moved"] = moved(assess(subject.profile, book), assess(changed, book))
    return out


def _question(data: Data, path: str) -> str:
    from advisor.render.words import asked

    role = role_title(data, path)
    return f"{role}: {asked(path)}" if role else asked(path)


# -- the least change to reach a rung ----------------------------------------------------

def effort_scale(book: Any) -> str:
    """What an effort counts, in one sentence, from the weights the rulebook gives the
    changes it may propose (`actionable.yaml`), soft ones and structural ones."""
    weights: dict[str, list[int]] = {}
    for options in book.options.values():
        for o in options:
            weights.setdefault(o.type, []).append(o.effort)

    def span(kind: str) -> str:
        low, high = min(weights[kind]), max(weights[kind])
        return str(low) if low == high else f"{low} to {high}"

    parts = []
    if "soft" in weights:
        parts.append(f"{span('soft')} for a soft change, which the team can make itself")
    if "structural" in weights:
        parts.append(f"{span('structural')} for a structural one, which needs decisions "
                     "from people beyond the team")
    return ("Effort adds up the weight the rulebook gives each change: " + ", and ".join(parts)
            + "; a bigger step on the same fact weighs more.")


def least_change(book: Any, subject: Subject, rung: int) -> dict[str, Any]:
    """`path.find_path` in words: each way of least effort, each change as its question,
    from and to in words, its effort, and the plan's actions it answers by their text."""
    from advisor.path import actions_for, find_path
    from advisor.profile import value_at

    r = find_path(book, subject.profile, rung)
    texts = {g.rule.then.action.id: " ".join(g.rule.then.action.text.split())
             for g in book.rules if g.rule.then.action is not None}
    ways = []
    for changes in r.solutions:
        ways.append([{"question": _question(subject.data, c.path),
                      "before": said(value_at(subject.profile, c.path)),
                      "after": said(c.value), "effort": c.effort, "type": c.type,
                      "actions": list(dict.fromkeys(texts[a] for a, _ in
                                                    actions_for(book, c, r.unmet)
                                                    if a in texts))}
                     for c in changes])
    return {"rung": rung, "current": r.current_rung, "reachable": r.reachable,
            "effort": r.effort, "scale": effort_scale(book), "ways": ways, "more": r.more_ties,
            "why_not": r.why_not}


def stage_examples(r: Mapping[str, Any], own: str) -> tuple[list[str], dict[int, list[str]]]:
    """The rule cases to show with the six stages: those several stages name, once for all
    of them, and each stage's own; never the case being shown (`own`)."""
    from advisor.render.words import worked_examples

    named = {s["stage"]: [e for e in worked_examples(r, f"stage {s['stage']}") if e != own]
             for s in r["stages"]}
    seen: dict[str, int] = {}
    for names in named.values():
        for e in dict.fromkeys(names):
            seen[e] = seen.get(e, 0) + 1
    shared = [e for e, n in seen.items() if n > 1]
    return shared, {s: [e for e in names if e not in shared] for s, names in named.items()}


# -- the routes -----------------------------------------------------------------------------

def _submitted(request: Request) -> Any | None:
    params = request.query_params
    return params if any(k != "rung" for k in params) else None


def add_routes(app: FastAPI, context: Context) -> None:
    book = context.rulebook

    def whatif_page(request: Request, subject: Subject) -> Response:
        return page(request, "whatif.html.j2", subject=subject, version=book.version,
                    **whatif(book, subject, _submitted(request)))

    def path_page(request: Request, subject: Subject, rung: str | None) -> Response:
        from advisor.assess import assess
        from advisor.render import words
        from advisor.words import RUNG_NAMES

        now = assess(subject.profile, book)
        answer, error = None, None
        if rung is not None:
            if rung.strip() in {str(n) for n in range(1, 6)}:
                answer = least_change(book, subject, int(rung))
            else:
                error = "Choose a rung from 1 to 5."
        return page(request, "explore_path.html.j2", subject=subject, answer=answer,
                    error=error, chosen=rung, RUNG_NAMES=RUNG_NAMES, now=now, words=words,
                    version=book.version,
                    status=400 if error else 200)

    def steps_page(request: Request, subject: Subject) -> Response:
        from advisor.assess import assess
        from advisor.render import words
        from advisor.render.words import LIGHT_SYMBOL, LIGHT_WORD
        from advisor.words import RUNG_MEANINGS, RUNG_NAMES, SOURCE_NAMES, STAGE_TITLES

        r = assess(subject.profile, book)
        facts: dict[str, list[tuple[str, str]]] = {}
        for _, title, q in fact_questions(subject.data):
            value = current_value(subject.data, q.path)
            facts.setdefault(title, []).append((_question(subject.data, q.path), said(value)))
        unknown = sum(value == "not known" for items in facts.values() for _, value in items)
        known = sum(len(items) for items in facts.values()) - unknown
        shared, each_stage = stage_examples(r, subject.title)
        # what it is a record of, without the file it was read from: it has a title
        record = words.record_line({**r, "profile": {**r["profile"], "file": None}})
        return page(request, "steps.html.j2", subject=subject, r=r, words=words, record=record,
                    facts=list(facts.items()), known=known, unknown=unknown, STEPS=STEPS,
                    case_slug=case_slug, shared_examples=shared, stage_examples=each_stage,
                    LIGHT_SYMBOL=LIGHT_SYMBOL, LIGHT_WORD=LIGHT_WORD,
                    RUNG_MEANINGS=RUNG_MEANINGS, RUNG_NAMES=RUNG_NAMES,
                    SOURCE_NAMES=SOURCE_NAMES, STAGE_TITLES=STAGE_TITLES)

    @app.get("/examples")
    def example_list(request: Request,
                     signed: Annotated[Signed, Depends(need(*EVERYONE))]) -> Response:
        from advisor.examples import examples

        return page(request, "examples.html.j2",
                    examples=[(e, example_title(e.path)) for e in examples()],
                    sections=cases_by_section(context), case_slug=case_slug)

    # the cases first: `/examples/cases/...` is theirs, not an example called `cases`
    @app.get("/examples/cases/{case}")
    def case_steps(request: Request, case: str,
                   signed: Annotated[Signed, Depends(need(*EVERYONE))]) -> Response:
        return steps_page(request, case_subject(context, case))

    @app.get("/examples/cases/{case}/whatif")
    def case_whatif(request: Request, case: str,
                    signed: Annotated[Signed, Depends(need(*EVERYONE))]) -> Response:
        return whatif_page(request, case_subject(context, case))

    @app.get("/examples/cases/{case}/path")
    def case_path(request: Request, case: str,
                  signed: Annotated[Signed, Depends(need(*EVERYONE))],
                  rung: str | None = None) -> Response:
        return path_page(request, case_subject(context, case), rung)

    @app.get("/examples/{name}")
    def example(request: Request, name: str,
                signed: Annotated[Signed, Depends(need(*EVERYONE))],
                audience: str | None = None) -> Response:
        from advisor.assess import assess

        subject = example_subject(name)
        result = assess(subject.profile, book)
        return page(request, "report.html.j2", title=subject.title,
                    report=report_body(result, audience_of(audience)), audience=audience,
                    base=subject.base, downloads=[], result=None, wing=None,
                    explore=True, steps=subject.steps)

    @app.get("/examples/{name}/steps")
    def example_steps(request: Request, name: str,
                      signed: Annotated[Signed, Depends(need(*EVERYONE))]) -> Response:
        return steps_page(request, example_subject(name))

    @app.get("/examples/{name}/whatif")
    def example_whatif(request: Request, name: str,
                       signed: Annotated[Signed, Depends(need(*EVERYONE))]) -> Response:
        return whatif_page(request, example_subject(name))

    @app.get("/examples/{name}/path")
    def example_path(request: Request, name: str,
                     signed: Annotated[Signed, Depends(need(*EVERYONE))],
                     rung: str | None = None) -> Response:
        return path_page(request, example_subject(name), rung)

    @app.get("/results/{result_id}/whatif")
    def result_whatif(request: Request, result_id: int,
                      signed: Annotated[Signed, Depends(need(*READERS))]) -> Response:
        return whatif_page(request, stored_subject(context, signed, result_id))

    @app.get("/results/{result_id}/path")
    def result_path(request: Request, result_id: int,
                    signed: Annotated[Signed, Depends(need(*READERS))],
                    rung: str | None = None) -> Response:
        return path_page(request, stored_subject(context, signed, result_id), rung)


__all__ = ["CASE_SECTIONS", "STEPS", "Field", "Group", "Subject", "add_routes", "case_slug",
           "case_subject", "cases_by_section", "effort_scale", "example_subject",
           "example_title", "fact_questions", "form_groups", "least_change", "moved", "said",
           "stage_examples", "stored_subject", "verdict_moved", "whatif", "wing_title"]
