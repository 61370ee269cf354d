"""The portfolio, the home page: every wing a user may see, one row each with its latest
assessment (kind, role, rung now and target, the six lights, a proposal's verdict, when it
was assessed and stored, the actions overdue), sorted and filtered by the page's address;
the same rows as CSV; any two or more ticked, side by side (`advisor.compare`). Adding a
wing is here too.

The rows are worked out by pure functions (`portfolio_rows`, `View.apply`, `csv_text`)
over what a fixed number of queries read, however many wings there are: the wings, the
latest result of each (`Summaries.latest`), the work tracked on their actions and how many
assessments each has in progress (`drafts_in_progress`).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Any
from urllib.parse import urlencode

from cachetools import LRUCache
from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel

from advisor.result import VERDICTS
from advisor.web.models import ActionTracking, Draft, Result, Wing, assessed_on, latest_of
from advisor.web.pages import Context, day, page, see_other, stored_profile
from advisor.web.security import EVERYONE, READERS, WRITERS, need, readable, visible_wing_ids
from advisor.web.store import Signed, Store, StoreError
from advisor.web.tracking import overdue_of, proposed_ids

#: the sorts the page offers: key -> the order in words, ascending and descending
SORTS = {"prison": ("prison, A to Z", "prison, Z to A"),
         "wing": ("wing, A to Z", "wing, Z to A"),
         "kind": ("kind, proposals first", "kind, self-audits first"),
         "role": ("role assessed, A to Z", "role assessed, Z to A"),
         "rung": ("rung now, lowest first", "rung now, highest first"),
         "target": ("target rung, lowest first", "target rung, highest first"),
         "lights": ("stage lights, weakest first", "stage lights, strongest first"),
         "verdict": ("verdict, readiest first", "verdict, least ready first"),
         "assessed": ("date assessed, earliest first", "date assessed, latest first"),
         "stored": ("date stored, earliest first", "date stored, latest first"),
         "overdue": ("actions overdue, fewest first", "actions overdue, most first")}
ORDERS = ("asc", "desc")
FILTER_KINDS = {"proposal": "Proposals", "self-audit": "Self-audits",
                "none": "Not assessed yet"}
LIGHT_SCORE = {"red": 0, "orange": 1, "green": 2}
VERDICT_RANK: dict[str, int] = {v: n for n, v in enumerate(VERDICTS)}  # readiest first
KIND_RANK = {"proposal": 0, "self-audit": 1}
NOT_ASSESSED = "Not assessed yet"
IN_PROGRESS = "Assessment in progress"  # none stored yet, one being answered
FILTERS_FROM = 3  # the filters are offered for more wings than this (or when one is on)


@dataclass(frozen=True)
class Row:
    """One wing and its latest stored assessment (all None when it has none yet)."""

    wing_id: int
    prison: str
    wing: str
    result_id: int | None = None
    kind: str | None = None
    role: str | None = None  # the role assessed, by its title ("" when none is selected)
    current_rung: int | None = None
    target_rung: int | None = None
    lights: tuple[str, ...] = ()
    verdict: str | None = None  # a proposal's only
    assessed_on: dt.date | None = None  # as the profile says (None: not recorded)
    stored: dt.datetime | None = None
    overdue: int = 0
    drafts: int = 0  # assessments in progress (begun, not finished)

    @property
    def name(self) -> str:
        return f"{self.wing}, {self.prison}"


@dataclass(frozen=True)
class Summary:
    """What a row reads of a stored assessment."""

    kind: str
    role: str  # the role assessed, by its title ("" when none is selected)
    current_rung: int
    target_rung: int
    lights: tuple[str, ...]
    verdict: str | None  # a proposal's only
    assessed_on: dt.date | None
    actions: frozenset[str]  # the ids of the actions it proposes


def summary_of(result_json: str) -> Summary:
    r = json.loads(result_json)
    role = r.get("assessed_role")
    return Summary(r["profile"]["kind"], role["title"] if role else "", r["current_rung"],
                   r["target_rung"], tuple(sys.intern(s["light"]) for s in r["stages"]),
                   (r.get("headline") or {}).get("verdict"), assessed_on(r),
                   frozenset(proposed_ids(r)))


@dataclass(frozen=True)
class Latest:
    """A wing's latest stored assessment, as its row reads it."""

    id: int
    created_at: dt.datetime
    summary: Summary

    @classmethod
    def of(cls, result: Result) -> Latest:
        return cls(result.id, result.created_at, summary_of(result.result_json))


class Summaries:
    """Each wing's latest stored assessment in short, kept while it is the latest. A
    stored assessment never changes, so it is read from the database once: reading and
    parsing every wing's whole assessment at each view was most of the portfolio's time
    under load, and most of the memory it churned. One for each app (ids are a
    database's own), for the last 4,096 wings seen, about a KB each; checked by id and
    when it was stored, so a database restored under a running server gives no stale
    row."""

    def __init__(self, size: int = 4096) -> None:
        self._kept: LRUCache[int, Latest] = LRUCache(size)
        self._lock = threading.Lock()

    def latest(self, store: Store, wing_ids: list[int] | None) -> dict[int, Latest]:
        """The latest stored assessment of each wing given (or of every wing), as the
        wing's page and plan take it (`latest_of`): wing id -> it. Two queries: the ids
        and dates of all; then the text of those latest not kept yet, if any."""
        from sqlalchemy import select

        dates = select(Result.id, Result.wing_id, Result.assessed_on, Result.created_at)
        if wing_ids is not None:
            dates = dates.where(Result.wing_id.in_(wing_ids))
        with store.begin() as db:
            by_wing: dict[int, list[tuple[int, dt.date | None]]] = {}
            stored: dict[int, dt.datetime] = {}
            for rid, wing_id, on, at in db.execute(dates):
                by_wing.setdefault(wing_id, []).append((rid, on))
                stored[rid] = at
            wanted = {wing: r for wing, found in by_wing.items()
                      if (r := latest_of(found)) is not None}
            with self._lock:
                out = {wing: kept for wing, rid in wanted.items()
                       if (kept := self._kept.get(wing)) is not None
                       and (kept.id, kept.created_at) == (rid, stored[rid])}
            missing = {rid: wing for wing, rid in wanted.items() if wing not in out}
            if missing:
                read = {missing[rid]: Latest(rid, stored[rid], summary_of(text))
                        for rid, text in db.execute(select(Result.id, Result.result_json)
                                                    .where(Result.id.in_(list(missing))))}
                with self._lock:
                    self._kept.update(read)
                out |= read
        return {wing: out[wing] for wing in wanted}


def portfolio_rows(wings: Iterable[Wing], latest: Mapping[int, Latest],
                   trackings: Iterable[ActionTracking], today: dt.date,
                   drafts: Mapping[int, int] | None = None) -> list[Row]:
    """A row per wing, from its latest stored result (`latest`: wing id -> it), the
    work tracked on its actions, with the actions overdue on `today`, and the assessments
    it has in progress (`drafts`: wing id -> how many)."""
    drafts = drafts or {}
    tracked: dict[int, list[ActionTracking]] = {}
    for t in trackings:
        tracked.setdefault(t.wing_id, []).append(t)
    rows = []
    for w in wings:
        found = latest.get(w.id)
        if found is None:
            rows.append(Row(w.id, w.prison, w.name, drafts=drafts.get(w.id, 0)))
            continue
        r = found.summary
        rows.append(Row(
            w.id, w.prison, w.name, result_id=found.id, kind=r.kind, role=r.role,
            current_rung=r.current_rung, target_rung=r.target_rung, lights=r.lights,
            verdict=r.verdict, assessed_on=r.assessed_on, stored=found.created_at,
            overdue=len(overdue_of(r.actions, tracked.get(w.id, ()), today)),
            drafts=drafts.get(w.id, 0)))
    return rows


def _sort_value(row: Row, sort: str) -> Any:
    """What a row is sorted by (None: it has no value, and goes last either way)."""
    if sort == "prison":
        return (row.prison.casefold(), row.wing.casefold())
    if sort == "wing":
        return (row.wing.casefold(), row.prison.casefold())
    if row.result_id is None:
        return None
    if sort == "kind":
        return KIND_RANK.get(row.kind or "", len(KIND_RANK))
    if sort == "role":
        return (row.role or "").casefold()
    if sort == "rung":
        return (row.current_rung, row.target_rung)
    if sort == "target":
        return (row.target_rung, row.current_rung)
    if sort == "lights":
        return sum(LIGHT_SCORE[x] for x in row.lights)
    if sort == "verdict":
        return None if row.verdict is None else VERDICT_RANK.get(row.verdict)
    if sort == "assessed":
        return row.assessed_on
    if sort == "stored":
        return row.stored
    return row.overdue


@dataclass(frozen=True)
class View:
    """What the page shows, as its address says: the sort and the filters. Anything the
    page does not offer is taken as no filter (or the usual sort)."""

    sort: str = "prison"
    order: str = "asc"
    kind: str = ""  # proposal, self-audit, none
    verdict: str = ""  # ready, ready-with-conditions, not-ready
    light: str = ""  # green, orange, red: in the stage below, or in any stage
    stage: int = 0  # 1-6, or 0: any stage
    overdue: bool = False  # only wings with actions overdue
    q: str = ""  # words in the prison's or the wing's name

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> View:
        def pick(name: str, allowed: Iterable[str], default: str = "") -> str:
            value = query.get(name, default)
            return value if value in allowed else default

        stage = query.get("stage", "")
        return cls(sort=pick("sort", SORTS, "prison"), order=pick("order", ORDERS, "asc"),
                   kind=pick("kind", FILTER_KINDS), verdict=pick("verdict", VERDICT_RANK),
                   light=pick("light", LIGHT_SCORE),
                   stage=int(stage) if stage in {"1", "2", "3", "4", "5", "6"} else 0,
                   overdue=query.get("overdue", "") in ("yes", "1", "on"),
                   q=" ".join(query.get("q", "").split())[:200])

    def query(self, **changes: Any) -> list[tuple[str, str]]:
        """The address's parameters for this view (with `changes`), defaults left out."""
        view = replace(self, **changes)
        default = View()
        out = []
        for name in ("sort", "order", "kind", "verdict", "light", "stage", "overdue", "q"):
            value = getattr(view, name)
            if value != getattr(default, name):
                out.append((name, "yes" if value is True else str(value)))
        return out

    def url(self, path: str = "/", **changes: Any) -> str:
        query = urlencode(self.query(**changes))
        return f"{path}?{query}" if query else path

    @property
    def filtered(self) -> bool:
        return bool(self.kind or self.verdict or self.light or self.overdue or self.q)

    def keeps(self, row: Row) -> bool:
        if self.kind == "none" and row.result_id is not None:
            return False
        if self.kind not in ("", "none") and row.kind != self.kind:
            return False
        if self.verdict and row.verdict != self.verdict:
            return False
        if self.light:
            stages = [row.lights[self.stage - 1]] if self.stage and row.lights else row.lights
            if self.light not in stages:
                return False
        if self.overdue and not row.overdue:
            return False
        words = self.q.casefold()
        return not words or words in " ".join(row.prison.split()).casefold() \
            or words in " ".join(row.wing.split()).casefold()

    def apply(self, rows: Iterable[Row]) -> list[Row]:
        """The rows this view keeps, in its order: rows without a value for the sort go
        last in either order; rows alike stay by prison and wing."""
        kept = sorted((r for r in rows if self.keeps(r)),
                      key=lambda r: (_sort_value(r, "prison"), r.wing_id))
        valued = [r for r in kept if _sort_value(r, self.sort) is not None]
        valued.sort(key=lambda r: _sort_value(r, self.sort), reverse=self.order == "desc")
        return valued + [r for r in kept if _sort_value(r, self.sort) is None]


# -- in words ------------------------------------------------------------------------------


def kind_title(row: Row) -> str:
    if row.kind is None:
        return IN_PROGRESS if row.drafts else NOT_ASSESSED
    return kind_heading(row.kind)


def kind_heading(kind: str) -> str:
    """A stored assessment's kind as the portfolio heads it: `Self-audit`."""
    from advisor.render.words import KIND_WORDS

    return KIND_WORDS.get(kind, kind)


def role_title(row: Row) -> str:
    return "" if row.result_id is None else (row.role or "No role selected")


def verdict_title(row: Row) -> str:
    from advisor.render.words import VERDICT_WORDS

    if row.result_id is None:
        return ""
    return VERDICT_WORDS[row.verdict] if row.verdict else "Not a proposal"


def light_title(stage: int, light: str) -> str:
    """A stage's light in words: `Stage 1 (associate in meaningful activity groups):
    ● GREEN`."""
    from advisor.compare import light_words
    from advisor.words import STAGE_TITLES

    return f"Stage {stage} ({STAGE_TITLES[stage]}): {light_words(light)}"


CSV_COLUMNS = ("Wing id", "Prison", "Wing", "Kind", "Role assessed", "Rung now",
               "Rung now (name)", "Target rung", "Target rung (name)",
               *(f"Stage {n}" for n in range(1, 7)), "Verdict", "Assessed on", "Stored on",
               "Actions overdue", "Assessment id")


def csv_text(rows: Sequence[Row]) -> str:
    """The rows as CSV for a spreadsheet, as the action plan's CSV is written: a byte
    order mark, CRLF lines, values in words and every cell neutralised (ids kept)."""
    from advisor.render.csvout import cell
    from advisor.render.words import LIGHT_WORD
    from advisor.words import RUNG_NAMES

    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        assessed = r.result_id is not None
        lights = [LIGHT_WORD[x] for x in r.lights] if assessed else [""] * 6
        values = [str(r.wing_id), r.prison, r.wing, kind_title(r), role_title(r),
                  "" if r.current_rung is None else str(r.current_rung),
                  "" if r.current_rung is None else RUNG_NAMES[r.current_rung],
                  "" if r.target_rung is None else str(r.target_rung),
                  "" if r.target_rung is None else RUNG_NAMES[r.target_rung],
                  *lights, verdict_title(r),
                  r.assessed_on.isoformat() if r.assessed_on else
                  ("not recorded" if assessed else ""),
                  r.stored.date().isoformat() if r.stored else "",
                  str(r.overdue) if assessed else "",
                  "" if r.result_id is None else str(r.result_id)]
        writer.writerow([cell(" ".join(v.split())) for v in values])
    return out.getvalue()


def counts_line(rows: Sequence[Row]) -> str:
    """How many wings, and of which kind: `3 wings: 1 proposal, 1 self-audit, 1 not
    assessed yet`."""
    from advisor.compare import kind_words
    from advisor.render.words import KIND_WORDS, listed

    parts = []
    for kind in KIND_WORDS:  # an uploaded worked example is stored as one
        n = sum(r.kind == kind for r in rows)
        if n:
            parts.append(f"{n} {kind_words(kind, n)}")
    n = sum(r.result_id is None and not r.drafts for r in rows)
    if n:
        parts.append(f"{n} not assessed yet")
    n = sum(r.result_id is None and r.drafts > 0 for r in rows)
    if n:
        parts.append(f"{n} with an assessment in progress")
    wings = f"{len(rows)} wing" + ("" if len(rows) == 1 else "s")
    return f"{wings}: {listed(parts)}" if parts else wings


# -- the store's part ----------------------------------------------------------------------


def drafts_in_progress(store: Store, wing_ids: list[int] | None) -> dict[int, int]:
    """How many assessments each wing given (or every wing) has in progress, in one
    query: wing id -> count, wings with none left out."""
    from sqlalchemy import func, select

    query = (select(Draft.wing_id, func.count(Draft.id)).where(Draft.finished_at.is_(None))
             .group_by(Draft.wing_id))
    if wing_ids is not None:
        query = query.where(Draft.wing_id.in_(wing_ids))
    with store.begin() as db:
        return {wing_id: int(n) for wing_id, n in db.execute(query)}


def rows_for(store: Store, summaries: Summaries, signed: Signed) -> list[Row]:
    """The portfolio's rows for a user: the wings they may see."""
    ids = visible_wing_ids(signed)
    if ids == []:
        return []
    wings = store.wings(ids)
    return portfolio_rows(wings, summaries.latest(store, ids), store.trackings(ids),
                          store.now().date(), drafts_in_progress(store, ids))


# -- the pages -----------------------------------------------------------------------------


class WingForm(BaseModel):
    prison: str = ""
    name: str = ""
    csrf: str = ""


def compare_names(found: Sequence[tuple[Result, Wing]]) -> list[str]:
    """How the comparison names each assessment on the web: by its wing, as the portfolio
    does (`Willow wing, HMP Example Ford`), with the date it was assessed when a wing is
    there more than once, and when it was stored if that is not enough; numbered only if
    two are alike in all of that. A web user never saw a file, so none is named by one."""
    from advisor.compare import wing_name

    def wing_of(wing: Wing) -> str:
        return wing_name({"wing": wing.name, "prison": wing.prison})

    def assessed(result: Result) -> str:
        on = result.assessed_on
        return f"assessed {day(on)}" if on else "date not recorded"

    names = [wing_of(wing) for _, wing in found]
    if len(set(names)) < len(names):
        names = [f"{name}, {assessed(result)}" if names.count(name) > 1 else name
                 for name, (result, _) in zip(names, found, strict=True)]
    if len(set(names)) < len(names):
        names = [f"{name} (stored {day(result.created_at)})" if names.count(name) > 1
                 else name for name, (result, _) in zip(names, found, strict=True)]
    if len(set(names)) < len(names):
        names = [f"{n}. {name}" if names.count(name) > 1 else name
                 for n, name in enumerate(names, 1)]
    return names


def _in_days(c: dict[str, Any]) -> None:
    """The comparison's dates as the web writes them (`14 September 2026`), in place:
    `compare` has put the assessments in order by them already."""
    for row in c["profiles"]:
        with contextlib.suppress(ValueError):  # None (not recorded) stays as it is
            row["assessed_on"] = day(dt.date.fromisoformat(str(row["assessed_on"])))


def comparison_body(found: Sequence[tuple[Result, Wing]]) -> str:
    """`advisor compare`'s HTML for stored results, its body only, to show inside a page
    (its style is the page's: portfolio.css). Each assessment is named by its wing (see
    `compare_names`), the columns of wings side by side headed so, and the file names the
    command line shows are left out."""
    from advisor.compare import compare, render_compare

    names = compare_names(found)
    c = compare([(name, json.loads(result.result_json))
                 for (result, _), name in zip(found, names, strict=True)],
                [stored_profile(result.profile_yaml, name)
                 for (result, _), name in zip(found, names, strict=True)])
    _in_days(c)
    html = render_compare(c, "html", by_name=True)  # headed by the names above, no files
    body = html[html.index("<body>") + len("<body>"):html.rindex("</body>")]
    # one main landmark a page: the comparison's becomes a part of the app's
    return body.replace("<main>", '<div class="compare-main">').replace("</main>", "</div>")


def add_routes(app: FastAPI, context: Context) -> None:
    store = context.store
    summaries = Summaries()

    def home_page(request: Request, signed: Signed, *, status: int = 200,
                  errors: dict[str | None, str] | None = None,
                  given: dict[str, Any] | None = None) -> Response:
        view = View.from_query(request.query_params)
        every = rows_for(store, summaries, signed)
        rows = view.apply(every)
        assessed = sum(r.result_id is not None for r in rows)
        return page(request, "home.html.j2", status, rows=rows, every=every, view=view,
                    assessed=assessed, can_compare=assessed >= 2,
                    show_filters=len(every) > FILTERS_FROM or view.filtered,
                    counts=counts_line(every), errors=errors or {}, given=given or {},
                    can_add=signed.user.role in WRITERS, filter_kinds=FILTER_KINDS,
                    words=WORDS)

    @app.get("/")
    def home(request: Request, signed: Annotated[Signed, Depends(need(*EVERYONE))]
             ) -> Response:
        if signed.user.role == "trainer":
            return see_other("/examples")
        return home_page(request, signed)

    @app.post("/wings")
    def add_wing(request: Request, signed: Annotated[Signed, Depends(need(*WRITERS))],
                 form: Annotated[WingForm, Form()]) -> Response:
        try:
            wing = store.add_wing(form.prison, form.name, by=signed.user)
        except StoreError as err:
            return home_page(request, signed, status=400, errors={err.field: err.message},
                             given=form.model_dump())
        return see_other(f"/wings/{wing.id}")

    @app.get("/portfolio.csv")
    def portfolio_csv(request: Request, signed: Annotated[Signed, Depends(need(*READERS))]
                      ) -> Response:
        view = View.from_query(request.query_params)
        day = store.now().date().isoformat()
        return Response(csv_text(view.apply(rows_for(store, summaries, signed))).encode(),
                        media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition":
                                 f'attachment; filename="portfolio-{day}.csv"'})

    @app.get("/compare")
    def compare_page(request: Request, signed: Annotated[Signed, Depends(need(*READERS))]
                     ) -> Response:
        view = View.from_query(request.query_params)
        asked = list(dict.fromkeys(request.query_params.getlist("result")))
        found = []
        for text in asked:
            result = store.result(int(text)) if text.isdigit() and len(text) < 12 else None
            wing = readable(signed, store.wing(result.wing_id) if result else None)
            assert result is not None
            found.append((result, wing))
        if len(found) < 2:
            return page(request, "portfolio-compare.html.j2", 400, body=None, found=found,
                        back=view.url(), words=WORDS)
        return page(request, "portfolio-compare.html.j2", body=comparison_body(found),
                    found=found, back=view.url(), words=WORDS)


class _Words:
    """The words helpers the templates use."""

    kind = staticmethod(kind_title)
    role = staticmethod(role_title)
    verdict = staticmethod(verdict_title)
    light = staticmethod(light_title)
    kind_of = staticmethod(kind_heading)

    @staticmethod
    def rung_name(rung: int) -> str:
        from advisor.words import RUNG_NAMES

        return RUNG_NAMES[rung]

    @staticmethod
    def sorted(view: View) -> str:
        return SORTS[view.sort][ORDERS.index(view.order)]

    @staticmethod
    def verdict_word(verdict: str) -> str:
        from advisor.render.words import VERDICT_WORDS

        return VERDICT_WORDS[verdict]

    @staticmethod
    def symbol(light: str) -> str:
        from advisor.render.words import LIGHT_SYMBOL

        return LIGHT_SYMBOL[light]

    @staticmethod
    def light_word(light: str) -> str:
        from advisor.render.words import LIGHT_WORD

        return LIGHT_WORD[light]


WORDS = _Words()

__all__ = ["CSV_COLUMNS", "SORTS", "Latest", "Row", "Summaries", "Summary", "View", "add_routes",
           "compare_names", "comparison_body", "counts_line", "csv_text", "drafts_in_progress",
           "portfolio_rows", "rows_for"]
