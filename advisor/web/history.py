"""A wing's page and its plan: the wing's stored assessments in the order they were made,
with the rung and the lights over time and what changed since the last one (as `advisor
compare` works it out); the plan of its latest assessment with the team's tracking of each
action, to work on, print and download; assessments in progress, starting one, and
uploading a profile file to assess.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import sys
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from advisor.compare import kind_words, light_words
from advisor.errors import AdvisorError
from advisor.rulebook import Rulebook
from advisor.web import tracking
from advisor.web.models import (
    KINDS,
    STATUS_TITLES,
    STATUSES,
    ActionTracking,
    Result,
    User,
    Wing,
    assessed_on,
)
from advisor.web.pages import (
    MAX_REQUEST,
    Context,
    file_error,
    page,
    see_other,
    slug,
    stored_profile,
)
from advisor.web.security import READERS, WRITERS, can_write, need, readable, writable
from advisor.web.store import Signed, Store, StoreError

# -- the history: pure functions over the stored assessments --------------------------


@dataclass(frozen=True)
class Stored:
    """What a history keeps of a stored assessment's record: not its texts (the
    assessment's data is the entry's, the profile is read only to compare)."""

    id: int
    kind: str
    source: str
    rulebook_version: str
    created_at: dt.datetime

    @classmethod
    def of(cls, result: Result) -> Stored:
        return cls(result.id, result.kind, result.source, result.rulebook_version,
                   result.created_at)


@dataclass(frozen=True)
class Entry:
    """One stored assessment of the wing, as its history shows it."""

    stored: Stored
    data: Mapping[str, Any]
    on: dt.date | None  # its `assessed.on`, when it has one
    label: str  # how charts and tables head it: its date in words

    @property
    def name(self) -> str:
        """The assessment in a sentence: `the self-audit of 1 March 2026`."""
        kind = kind_words(self.stored.kind)
        if self.on is not None:
            return f"the {kind} of {tracking.day_words(self.on)}"
        return f"the {kind} stored on {tracking.day_words(self.stored.created_at)}"

    @property
    def role(self) -> str:
        role = self.data.get("assessed_role")
        return str(role["title"]) if role else "No role selected"


@dataclass(frozen=True)
class Step:
    """What changed from one assessment to the next, as `advisor compare` says it: the
    lines under each heading, and the ids of the earlier plan's actions completed and those
    no longer proposed for another reason (with that reason's words)."""

    before: Entry
    after: Entry
    blocks: list[tuple[str, list[str]]]
    completed: list[str]
    dropped: dict[str, str]


@dataclass(frozen=True)
class History:
    entries: list[Entry]  # in the order they were made (see `wing_history`)
    dated: bool  # every one has a date; otherwise they are in the order stored
    steps: list[Step] = field(default_factory=list)  # oldest first

    @property
    def latest(self) -> Entry | None:
        return self.entries[-1] if self.entries else None


def wing_history(results: Sequence[Result]) -> History:
    """A wing's stored assessments in the order they were made, oldest first, and what
    changed at each step, computed by `advisor.compare` exactly as `advisor compare` does
    for the same assessments given in the order they were stored: by `assessed.on`, ties
    in the order stored; when any has no date, all in the order stored (an undated
    assessment has no place in time)."""
    from advisor.compare import DROPPED_WORDS, compare, step_blocks

    rows = sorted(results, key=lambda r: r.id)
    datas = {r.id: json.loads(r.result_json) for r in rows}
    if len(rows) < 2:
        entries = _entries(rows, datas)
        return History(entries, all(e.on is not None for e in entries))
    # compare tells one wing's audits by their names: a wing's are about it, whatever
    # case or spacing each profile gave its names in (an upload is checked so)
    names = {k: datas[rows[0].id]["profile"][k] for k in ("prison", "wing")}
    same = [(str(r.id), {**datas[r.id], "profile": {**datas[r.id]["profile"], **names}})
            for r in rows]
    compared = compare(same, [stored_profile(r.profile_yaml) for r in rows])
    by_id = {r.id: r for r in rows}
    ordered = [by_id[int(p["name"])] for p in compared["profiles"]]
    entries = _entries(ordered, datas)
    # the earlier ones are kept only as far as the pages read them (a history is kept
    # while its wing has no new assessment, and a whole assessment is a quarter of a MB)
    entries = [*(dataclasses.replace(e, data=_as_read(e.data)) for e in entries[:-1]),
               entries[-1]]
    at = {e.stored.id: e for e in entries}
    steps = [Step(at[int(change["from"])], at[int(change["to"])], blocks,
                  list(change["actions_completed"]),
                  {x["id"]: DROPPED_WORDS[x["reason"]] for x in change["actions_dropped"]})
             for change, (_, blocks) in zip(compared["changes"], step_blocks(compared),
                                            strict=True)]
    return History(entries, compared["order"] == "assessed_on", steps)


READ_OF_ACTIONS = ("id", "text", "owner", "done_when", "sources")


def _as_read(data: Mapping[str, Any]) -> dict[str, Any]:
    """What the wing's page, the plan and its CSV read of an assessment before the latest:
    its rungs, lights, role, date and its plan's actions in short."""
    return {"current_rung": data["current_rung"], "target_rung": data["target_rung"],
            "aspiration_rung": data.get("aspiration_rung"),
            "stages": [{"stage": s["stage"], "light": s["light"]} for s in data["stages"]],
            "assessed_role": data.get("assessed_role"), "assessed": data.get("assessed"),
            "profile": {"kind": data["profile"]["kind"]},
            "actions": [{k: _shared(a[k]) for k in READ_OF_ACTIONS if k in a}
                        for a in data.get("actions", [])]}


def _shared(value: Any) -> Any:
    """A text (or a list of texts) as one object however many kept assessments hold it:
    an action's words recur in every assessment that proposes it."""
    if isinstance(value, str):
        return sys.intern(value)
    if isinstance(value, list):
        return [_shared(v) for v in value]
    return value


def _entries(rows: Sequence[Result], datas: Mapping[int, Any]) -> list[Entry]:
    dates = [assessed_on(datas[r.id]) for r in rows]
    return [Entry(Stored.of(r), datas[r.id], d, label)
            for r, d, label in zip(rows, dates, _labels(dates), strict=True)]


def _labels(dates: Sequence[dt.date | None]) -> list[str]:
    """How the assessments made on these dates are headed: by the date in words, numbered
    all through when any date comes twice."""
    labels = [tracking.day_words(d) if d else "date not recorded" for d in dates]
    if len(set(labels)) < len(labels):
        labels = [f"{n}. {label}" for n, label in enumerate(labels, 1)]
    return labels


def extended_history(history: History, results: Sequence[Result]) -> History | None:
    """`history` with the assessments stored since it was worked out, or None when one of
    them would not come last in the order made (an earlier date, or no date where all had
    one): work the whole history out again then. `results` are the history's latest and
    those stored since. Only the steps from its latest are compared, so a wing's page
    after a new assessment reads two stored assessments, not every one."""
    latest = history.latest
    rows = sorted(results, key=lambda r: r.id)
    if latest is None or not rows or rows[0].id != latest.stored.id:
        return None
    part = wing_history(rows)
    if part.entries[0].stored.id != latest.stored.id:  # a new one was made before it
        return None
    entries = [*history.entries[:-1], *part.entries]
    dated = all(e.on is not None for e in entries)
    def made_order(e: Entry) -> tuple[Any, ...]:
        return (e.on, e.stored.id) if dated else (e.stored.id,)

    made = sorted(entries, key=made_order)
    if [e.stored.id for e in made] != [e.stored.id for e in entries]:
        return None
    at = {e.stored.id: dataclasses.replace(e, label=label)
          for e, label in zip(entries, _labels([e.on for e in entries]), strict=True)}
    steps = [dataclasses.replace(s, before=at[s.before.stored.id], after=at[s.after.stored.id])
             for s in [*history.steps, *part.steps]]
    return History([at[e.stored.id] for e in entries], dated, steps)


def lights_in_words(data: Mapping[str, Any]) -> list[str]:
    """The six lights, each as `1 ● GREEN`."""
    return [f"{s['stage']} {light_words(s['light'])}" for s in data["stages"]]


def charts(history: History) -> dict[str, str]:
    """The rung chart and the lights strip of the history (two assessments or more)."""
    from advisor.render.charts import RungPoint, lights_strip, rung_chart

    entries = history.entries
    return {
        "rung": rung_chart([RungPoint(e.label, e.data["current_rung"], e.data["target_rung"],
                                      e.data.get("aspiration_rung")) for e in entries],
                           title="The rung now, the target and the aspiration at each "
                                 "assessment"),
        "lights": lights_strip([(e.label, [s["light"] for s in e.data["stages"]])
                                for e in entries],
                               title="The six stage lights at each assessment"),
    }


# -- the plan of the latest assessment, with its tracking ------------------------------


@dataclass(frozen=True)
class Plan:
    """The plan of the wing's latest assessment (None: no assessment yet), the tracking of
    each of its actions by id, the ids overdue today, and the tracked actions it no longer
    proposes (met), with why the comparison says each went, when the last step says; the
    tracked actions whose number changed since the assessment before, with their number
    in its plan; and how many actions the last step completed (None: one assessment)."""

    latest: Entry | None
    tracked: dict[str, ActionTracking]
    overdue: list[str]
    met: list[tracking.Met]
    why_met: dict[str, str]
    today: dt.date
    renumbered: dict[str, int] = field(default_factory=dict)
    before: Entry | None = None  # the assessment before the latest
    completed: int | None = None


def wing_plan(history: History, trackings: Sequence[ActionTracking], today: dt.date) -> Plan:
    latest = history.latest
    mine = {t.action_id: t for t in trackings}
    if latest is None:
        return Plan(None, mine, [], tracking.met_actions({}, trackings, []), {}, today)
    earlier = [e.data for e in history.entries[:-1]]
    why: dict[str, str] = {}
    renumbered: dict[str, int] = {}
    before, completed = None, None
    if history.steps:
        step = history.steps[-1]
        why = dict.fromkeys(step.completed, "the facts behind it now hold")
        why |= {i: f"no longer proposed without being completed: {reason}"
                for i, reason in step.dropped.items()}
        before, completed = step.before, len(step.completed)
        now, then = tracking.action_numbers(latest.data), tracking.action_numbers(before.data)
        renumbered = {i: then[i] for i in sorted(mine)
                      if i in now and i in then and now[i] != then[i]}
    return Plan(latest, mine, tracking.overdue_actions(latest.data, trackings, today),
                tracking.met_actions(latest.data, trackings, earlier), why, today,
                renumbered, before, completed)


class TrackForm(BaseModel):
    lead: str = ""
    due: str = ""
    status: str = ""
    reason: str = ""
    notes: str = ""
    version: str = ""
    csrf: str = ""


class Histories:
    """Wings' histories, kept by the ids of their stored assessments. Those never change
    (the database refuses to), so the same ids give the same history: a wing's page and
    plan read the ids, and work the history out again only after a new assessment, then
    only from the latest kept when the new one comes last (`extended_history`). At most
    `size` kept, the least recently used dropped (measured: a plan with 155 assessments
    behind it took 232 ms to show, 52 ms kept; docs/performance.md)."""

    most_assessments = 1000  # held in all (each but a wing's latest in short)

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[int, tuple[int, ...]], History] = OrderedDict()

    def of(self, store: Store, wing_id: int) -> History:
        key = (wing_id, tuple(store.result_ids(wing_id)))
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found
        with self._lock:  # the wing's history before its newest assessments, if kept
            before = next(((len(k[1]), h) for k, h in self._kept.items()
                           if k[0] == wing_id and key[1][:len(k[1])] == k[1]), None)
        history = None
        if before is not None and (latest := before[1].latest) is not None:
            since = (latest.stored.id, *key[1][before[0]:])
            history = extended_history(before[1], store.results_in(wing_id, since))
        if history is None:
            history = wing_history(store.results(wing_id))
        with self._lock:
            for older in [k for k in self._kept if k[0] == wing_id]:  # before its new one
                del self._kept[older]
            self._kept[key] = history
            while len(self._kept) > self._size or (
                    len(self._kept) > 1 and sum(len(h.entries) for h in self._kept.values())
                    > self.most_assessments):
                self._kept.popitem(last=False)
        return history


def add_routes(app: FastAPI, context: Context) -> None:  # noqa: PLR0915 (routes as closures)
    store = context.store
    histories = Histories()

    def wing_page_for(request: Request, signed: Signed, wing: Wing, *, status: int = 200,
                      upload_error: str = "") -> Response:
        history = histories.of(store, wing.id)
        plan = wing_plan(history, store.trackings([wing.id]), store.now().date())
        return page(request, "wing.html.j2", status, wing=wing, drafts=store.drafts(wing.id),
                    history=history, plan=plan,
                    charts=charts(history) if len(history.entries) > 1 else None,
                    can_change=can_write(signed, wing.id), kinds=KINDS,
                    upload_error=upload_error,
                    lights_in_words=lights_in_words, light_words=light_words)

    @app.get("/wings/{wing_id}")
    def wing_page(request: Request, wing_id: int,
                  signed: Annotated[Signed, Depends(need(*READERS))]) -> Response:
        return wing_page_for(request, signed, readable(signed, store.wing(wing_id)))

    def plan_page_for(request: Request, signed: Signed, wing: Wing, *, status: int = 200,
                      editing: str = "", errors: dict[str, str] | None = None,
                      given: Mapping[str, str] | None = None,
                      conflict: Mapping[str, str] | None = None) -> Response:
        from advisor.render import words

        history = histories.of(store, wing.id)
        plan = wing_plan(history, store.trackings([wing.id]), store.now().date())
        return page(request, "plan.html.j2", status, wing=wing, plan=plan, words=words,
                    can_change=can_write(signed, wing.id), editing=editing,
                    errors=errors or {}, given=given or {}, conflict=conflict,
                    who=_emails(store, plan.tracked.values()),
                    statuses=STATUSES, STATUS_TITLES=STATUS_TITLES,
                    status_words=tracking.status_words,
                    action_text=context.rulebook.action_texts())

    @app.get("/wings/{wing_id}/plan")
    def plan_page(request: Request, wing_id: int,
                  signed: Annotated[Signed, Depends(need(*READERS))]) -> Response:
        return plan_page_for(request, signed, readable(signed, store.wing(wing_id)))

    @app.get("/wings/{wing_id}/plan.csv")
    def plan_download(wing_id: int,
                      signed: Annotated[Signed, Depends(need(*READERS))]) -> Response:
        wing = readable(signed, store.wing(wing_id))
        plan = wing_plan(histories.of(store, wing.id), store.trackings([wing.id]),
                         store.now().date())
        if plan.latest is None:
            raise HTTPException(404, "This wing has no stored assessment yet, so no plan.")
        body = tracking.plan_csv(plan.latest.data, plan.tracked.values(), plan.met, plan.today)
        stem = slug(f"{wing.prison}-{wing.name}-plan")
        return Response(body.encode(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'})

    @app.get("/wings/{wing_id}/plan/{action_id}")
    def plan_action(wing_id: int, action_id: str,
                    signed: Annotated[Signed, Depends(need(*READERS))]) -> Response:
        # the address a refused save is shown at: reloading it opens the plan there
        wing = readable(signed, store.wing(wing_id))
        return see_other(f"/wings/{wing.id}/plan#action-{quote(action_id)}")

    @app.post("/wings/{wing_id}/plan/{action_id}")
    def track(request: Request, wing_id: int, action_id: str,
              signed: Annotated[Signed, Depends(need(*WRITERS))],
              form: Annotated[TrackForm, Form()]) -> Response:
        wing = writable(signed, store.wing(wing_id))
        latest = histories.of(store, wing.id).latest
        if latest is None or action_id not in tracking.proposed_ids(latest.data):
            raise HTTPException(404, "The wing's latest assessment does not propose this "
                                     "action.")
        given = form.model_dump(exclude={"csrf"})
        version = int(form.version) if re.fullmatch(r"\d{1,9}", form.version.strip()) else None
        try:
            if version is None:
                raise StoreError("the form was incomplete: reload the plan and make your "
                                 "change again", "version")
            due = tracking.parse_due(form.due)
            store.track(wing, action_id, lead=form.lead, due=due, status=form.status,
                        reason=form.reason, notes=form.notes, by=signed.user,
                        version=version)
        except StoreError as err:
            conflict = given if err.field == "version" else None
            message = err.message
            if conflict and version is not None:  # saved by someone in between: say who
                message = _saved_meanwhile(store, wing, action_id) or message
            return plan_page_for(request, signed, wing, status=409 if conflict else 400,
                                 editing=action_id, errors={err.field or "status": message},
                                 given={} if conflict else given, conflict=conflict)
        return see_other(f"/wings/{wing.id}/plan#action-{action_id}")

    @app.post("/wings/{wing_id}/upload")
    async def upload(request: Request, wing_id: int,
                     signed: Annotated[Signed, Depends(need(*WRITERS))],
                     profile: Annotated[UploadFile | None, File()] = None) -> Response:
        from starlette.concurrency import run_in_threadpool

        from advisor.render import to_json

        wing = await run_in_threadpool(lambda: writable(signed, store.wing(wing_id)))
        # whole (the request is at most MAX_REQUEST): a file too big gets the CLI's words
        raw = await profile.read(MAX_REQUEST + 1) if profile is not None else b""
        name = _upload_name(profile) if profile is not None else ""
        try:
            if profile is None or not (profile.filename or raw):
                raise AdvisorError("choose a profile file to upload")
            text, result = await run_in_threadpool(_assess_upload, raw, name, context.rulebook)
            about = (result["profile"]["prison"], result["profile"]["wing"])
            if _same(about) != _same((wing.prison, wing.name)):
                raise AdvisorError(f"this profile is about {about[1]}, {about[0]}, not "
                                   f"{wing.name}, {wing.prison}: upload it to that wing's "
                                   "page", file=name)
        except AdvisorError as err:
            said = file_error(err)
            return await run_in_threadpool(lambda: wing_page_for(
                request, signed, wing, status=400, upload_error=said))
        stored = await run_in_threadpool(
            lambda: store.add_result(wing, kind=result["profile"]["kind"], source="upload",
                                     profile_yaml=text, rulebook_version=context.rulebook.version,
                                     result_json=to_json(result), by=signed.user))
        return see_other(f"/results/{stored.id}")


def _emails(store: Store, trackings: Iterable[ActionTracking]) -> dict[int, str]:
    """The email of each account that last changed one of `trackings`, by its id, in one
    query (an account since removed is not there)."""
    from sqlalchemy import select

    ids = sorted({t.updated_by for t in trackings if t.updated_by is not None})
    if not ids:
        return {}
    with store.begin() as db:
        return {int(i): str(email) for i, email in
                db.execute(select(User.id, User.email).where(User.id.in_(ids)))}


def _saved_meanwhile(store: Store, wing: Wing, action_id: str) -> str | None:
    """What a stale form is told: who saved the action in between, and when."""
    from advisor.web.pages import when

    found = [t for t in store.trackings([wing.id]) if t.action_id == action_id]
    if not found:
        return None
    t = found[0]
    who = _emails(store, found).get(t.updated_by or 0, "an account since removed")
    return (f"{who} saved this action on {when(t.updated_at)}, while you were editing it: "
            "their change is shown; make yours again")


def _assess_upload(raw: bytes, name: str, book: Rulebook) -> tuple[str, Any]:
    """Read an uploaded profile exactly as `advisor assess FILE` reads a file (the same
    checks, the same messages, naming the file as uploaded), then assess it."""
    from advisor.assess import assess
    from advisor.profile import load_profile
    from advisor.yamlio import read_text

    with tempfile.TemporaryDirectory(prefix="advisor-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(raw)
        try:
            text = read_text(path, "profile")
            profile = load_profile(path)
        except AdvisorError as err:
            if err.file == str(path):
                err.file = name
            raise
    return text, assess(profile, book)


def _upload_name(upload: UploadFile) -> str:
    name = Path((upload.filename or "").replace("\\", "/")).name
    return re.sub(r"[^\w.\- ]", "_", name)[:100].strip(". ") or "profile.yaml"


def _same(names: tuple[str, str]) -> tuple[str, ...]:
    """Names as compared: case and spacing aside."""
    return tuple(" ".join(n.split()).casefold() for n in names)
