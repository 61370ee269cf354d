"""The web app: pages rendered on the server from Jinja2 templates, no scripts.

`create_app(store)` builds it; `advisor serve` runs it under uvicorn. Each route names
who may use it (`advisor.web.security`); what it does is the library's: questions from
`advisor.interview` (through `advisor.web.guided`), profiles read by `advisor.profile`,
assessments by `advisor.assess`, reports by `advisor.render`.
"""

from __future__ import annotations

import importlib
import json
import logging
import re
import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel

from advisor.rulebook import Rulebook
from advisor.web import guided
from advisor.web.models import KINDS, ROLES, Draft, Result, Wing
from advisor.web.pages import (
    CSP,
    MAX_REQUEST,
    REPORT_CSP,
    Context,
    assess_text,
    page,
    report_body,
    see_other,
    slug,
    style,
)
from advisor.web.pages import audience as audience_of
from advisor.web.security import (
    COOKIE,
    EVERYONE,
    PUBLIC,
    READERS,
    SIGNIN_COOKIE,
    WRITERS,
    Settings,
    SignInNeeded,
    address,
    can_write,
    need,
    readable,
    writable,
)
from advisor.web.store import Signed, Store, StoreError

log = logging.getLogger("advisor.web")

#: routes anyone may use, by path: every other route must declare `need(...)`
PUBLIC_ROUTES = {("GET", "/signin"), ("POST", "/signin"), ("GET", "/style.css"),
                 ("GET", "/setup"), ("POST", "/setup")}

#: the pages beside the core ones, each a module with `add_routes(app, context)`
FEATURES = ("advisor.web.portfolio", "advisor.web.history", "advisor.web.explore")


def _formats() -> list[tuple[str, str, str]]:
    """The downloads a stored assessment offers: (file suffix, format, label)."""
    from advisor.render import RENDERERS

    out = [("profile.yaml", "", "Profile (YAML)"), ("assessment.json", "json", "JSON"),
           ("report.md", "markdown", "Markdown"), ("report.html", "html", "Report (HTML)")]
    if "csv" in RENDERERS:
        out.append(("plan.csv", "csv", "Action plan (CSV)"))
    return out


def create_app(store: Store, *, settings: Settings | None = None,  # noqa: PLR0915
               book: Rulebook | None = None) -> FastAPI:
    """The app over `store`. Its routes are closures over the store, the settings and the
    rulebook, so one process may hold several apps (the tests do): hence one long body."""
    from advisor.assess import default_rulebook

    app = FastAPI(title="advisor", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    app.state.settings = settings or Settings()
    rulebook = book or default_rulebook()

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_REQUEST:  # an upload is 1 MB at most
            response: Response = page(request, "error.html.j2", 413, title="Too large",
                                      message="That is more than a profile can be (1 MB). "
                                              "Go back and choose the profile file.")
        else:
            response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        if "frame-ancestors" not in response.headers["Content-Security-Policy"]:
            # no page of the advisor is framed by another site, downloads included
            response.headers["Content-Security-Policy"] += "; frame-ancestors 'none'"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(SignInNeeded)
    async def sign_in_needed(request: Request, _: SignInNeeded) -> Response:
        # a form sent after the session ended is not saved: say so, and come back to it
        unsent = "" if request.method == "GET" else "&unsent=1"
        return see_other(f"/signin?next={quote(request.url.path)}{unsent}")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, err: HTTPException) -> Response:
        titles = {400: "That did not work", 403: "Not allowed", 404: "Not found",
                  405: "Not allowed", 429: "Too many attempts"}
        return page(request, "error.html.j2", err.status_code,
                    title=titles.get(err.status_code, "Something went wrong"),
                    message=err.detail if isinstance(err.detail, str) else "")

    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(StarletteHTTPException)
    async def starlette_error(request: Request, err: StarletteHTTPException) -> Response:
        return await http_error(request, HTTPException(err.status_code, err.detail))

    from sqlalchemy.exc import OperationalError

    @app.exception_handler(OperationalError)
    async def database_unavailable(request: Request, err: OperationalError) -> Response:
        # the database locked too long, out of disk, or gone: the transaction was rolled
        # back whole by the store, so say plainly that nothing on the page was kept
        log.error("database unavailable on %s %s: %s", request.method, request.url.path,
                  str(err.orig or err).strip().splitlines()[0] if str(err.orig or err).strip()
                  else type(err).__name__)
        if request.method == "POST":
            message = ("The answers on this page were not saved: the database could not "
                       "take them just now. Go back, try again in a moment, and if it goes "
                       "on, tell whoever runs the advisor.")
        else:
            message = ("This page could not be read from the database just now. Try again "
                       "in a moment, and if it goes on, tell whoever runs the advisor.")
        if not hasattr(request.state, "signed"):  # the session could not be read either
            request.state.signed = None
        response = page(request, "error.html.j2", 503, title="Not saved: try again"
                        if request.method == "POST" else "Try again in a moment",
                        message=message, back=_came_from(request))
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_form(request: Request, err: RequestValidationError) -> Response:
        return page(request, "error.html.j2", 400, title="That did not work",
                    message="The form was incomplete. Go back and send it again.")

    # -- public: the style sheet, signing in, the first-run set-up -----------------------

    for feature in FEATURES:  # before the core routes: theirs are the more particular
        importlib.import_module(feature).add_routes(app, Context(store, app.state.settings,
                                                                 rulebook))

    @app.get("/style.css")
    def style_sheet() -> Response:
        return Response(style(), media_type="text/css",
                        headers={"Cache-Control": "max-age=3600"})

    @app.get("/signin")
    def signin_form(request: Request, next: str = "/", unsent: bool = False) -> Response:
        if store.user_count() == 0 and app.state.settings.setup_token:
            return page(request, "error.html.j2", title="No accounts yet",
                        message="Open the set-up link 'advisor serve' printed to make the "
                                "first administrator, or run 'advisor users add'.")
        return _signin_page(request, next, unsent=unsent)

    def _signin_page(request: Request, next: str, status: int = 200, error: str = "", *,
                     email: str = "", unsent: bool = False) -> Response:
        token = secrets.token_urlsafe(32)
        response = page(request, "signin.html.j2", status, signin_token=token,
                        next=_local(next), error=error, email=email, unsent=unsent)
        _set_cookie(request, response, SIGNIN_COOKIE, token, max_age=3600)
        return response

    @app.post("/signin")
    def signin(request: Request, form: Annotated[SignInForm, Form()]) -> Response:
        from advisor.web.passwords import dummy_verify, verify_password

        expected = request.cookies.get(SIGNIN_COOKIE, "")
        if not expected or not secrets.compare_digest(expected, form.csrf):
            return _signin_page(request, form.next, 400, "The form had expired; sign in "
                                "again.", email=form.email)
        email = form.email.strip().lower()
        by_email, by_address = store.failures(email, address(request),
                                              app.state.settings.window)
        s = app.state.settings
        if by_email >= s.per_email or by_address >= s.per_address:
            minutes = int(s.window.total_seconds() // 60)
            return _signin_page(request, form.next, 429,
                                "Too many failed attempts to sign in. Wait "
                                f"{minutes} minutes, then try again.", email=form.email)
        user = store.user_by_email(email)
        if user is None:
            dummy_verify()
        if user is None or not verify_password(user.password_hash, form.password):
            store.record_failure(email, address(request))
            return _signin_page(request, form.next, 401, "That email and password do not "
                                "match an account.", email=form.email)
        token = store.sign_in(user, replacing=request.cookies.get(COOKIE))
        response = see_other(_local(form.next))
        _set_cookie(request, response, COOKIE, token,
                    max_age=int(app.state.settings.lifetime.total_seconds()))
        _end_cookie(request, response, SIGNIN_COOKIE)
        return response

    @app.get("/setup")
    def setup_form(request: Request, token: str = "") -> Response:
        _check_setup(token)
        return page(request, "setup.html.j2", token=token, errors={}, email="")

    @app.post("/setup")
    def setup(request: Request, form: Annotated[SetupForm, Form()]) -> Response:
        _check_setup(form.token)
        try:
            if form.password != form.again:
                raise StoreError("the two passwords differ", "again")
            store.add_user(form.email, form.password, "admin")
        except StoreError as err:
            return page(request, "setup.html.j2", 400, token=form.token,
                        errors={err.field or "email": err.message}, email=form.email)
        return see_other("/signin")

    def _check_setup(token: str) -> None:
        expected = app.state.settings.setup_token
        if not expected or store.user_count() > 0 \
                or not secrets.compare_digest(token.encode(), expected.encode()):
            raise HTTPException(404, "There is no such page.")

    # -- signed in: signing out ---------------------------------------------

    @app.post("/signout")
    def signout(request: Request,
                signed: Annotated[Signed, Depends(need(*EVERYONE))]) -> Response:
        store.sign_out(signed)
        response = see_other("/signin")
        _end_cookie(request, response, COOKIE)
        return response

    # -- wings, drafts and the guided assessment -----------------------------------------

    @app.post("/wings/{wing_id}/drafts")
    def start_draft(wing_id: int, signed: Annotated[Signed, Depends(need(*WRITERS))],
                    form: Annotated[KindForm, Form()]) -> Response:
        wing = writable(signed, store.wing(wing_id))
        if form.kind not in KINDS:
            raise HTTPException(400, "Choose a self-audit or a proposal.")
        state = guided.new_state(form.kind, wing.prison, wing.name)
        draft = store.start_draft(wing, form.kind, state, by=signed.user)
        return see_other(f"/drafts/{draft.id}")

    def _draft(signed: Signed, draft_id: int) -> tuple[Draft, Wing, dict[str, Any]]:
        draft = store.draft(draft_id)
        wing = writable(signed, store.wing(draft.wing_id) if draft else None)
        assert draft is not None
        if draft.finished_at is not None:
            raise HTTPException(404, "This assessment is finished: its result is kept on "
                                     "the wing's page.")
        state: dict[str, Any] = json.loads(draft.state)
        return draft, wing, state

    @app.get("/drafts/{draft_id}")
    def resume(draft_id: int, signed: Annotated[Signed, Depends(need(*WRITERS))]) -> Response:
        draft, _, state = _draft(signed, draft_id)
        nxt = guided.next_page(state)
        return see_other(f"/drafts/{draft.id}/" + (nxt.key if nxt else "finish"))

    @app.get("/drafts/{draft_id}/finish")
    def review(request: Request, draft_id: int,
               signed: Annotated[Signed, Depends(need(*WRITERS))]) -> Response:
        draft, wing, state = _draft(signed, draft_id)
        all_pages = guided.pages(state)
        return page(request, "finish.html.j2", draft=draft, wing=wing, pages=all_pages,
                    done=set(state["done"]), open=guided.unanswered(state),
                    missing=[p.title for p in all_pages if p.key not in state["done"]])

    @app.post("/drafts/{draft_id}/finish")
    def finish(draft_id: int, signed: Annotated[Signed, Depends(need(*WRITERS))]) -> Response:
        from advisor.render import to_json

        draft, wing, state = _draft(signed, draft_id)
        text = guided.profile_yaml(state)
        result = assess_text(text, "profile.yaml", rulebook)
        stored = store.add_result(wing, kind=draft.kind, source="guided", profile_yaml=text,
                                  rulebook_version=rulebook.version,
                                  result_json=to_json(result), by=signed.user, draft=draft)
        return see_other(f"/results/{stored.id}")

    @app.get("/drafts/{draft_id}/{key}")
    def section(request: Request, draft_id: int, key: str,
                signed: Annotated[Signed, Depends(need(*WRITERS))]) -> Response:
        draft, wing, state = _draft(signed, draft_id)
        found = guided.page(state, key)
        if found is None:
            raise HTTPException(404, "This assessment has no such part.")
        return _section_page(request, draft, wing, state, found=found,
                             outcome=guided.Outcome())

    @app.post("/drafts/{draft_id}/{key}")
    async def answer(request: Request, draft_id: int, key: str,
                     signed: Annotated[Signed, Depends(need(*WRITERS))]) -> Response:
        from starlette.concurrency import run_in_threadpool

        draft, wing, state = await run_in_threadpool(_draft, signed, draft_id)
        before = guided.page(state, key)
        if before is None:
            raise HTTPException(404, "This assessment has no such part.")
        form = await request.form()
        fields: dict[str, Any] = {}
        for name in form:
            values = [v for v in form.getlist(name) if isinstance(v, str)]
            fields[name] = values if name.startswith("many:") else (values[-1] if values
                                                                   else "")
        try:  # the answers that pass are saved, whatever else on the page does not
            outcome, state = await run_in_threadpool(
                lambda: store.update_draft(draft.id, lambda s: guided.apply_page(
                    s, key, fields, by=signed.user.email, at=store.now().isoformat()),
                    f"answered '{before.title}'", by=signed.user))
        except StoreError as err:
            raise HTTPException(404, "This assessment is finished: its result is kept on "
                                     "the wing's page.") from err
        if outcome.errors or outcome.more or outcome.conflicts:
            found = guided.page(state, key) or before
            return _section_page(request, draft, wing, state, found=found, outcome=outcome,
                                 status=400 if outcome.errors else
                                 409 if outcome.conflicts else 200)
        nxt = guided.next_page(state)
        return see_other(f"/drafts/{draft.id}/" + (nxt.key if nxt else "finish"))

    def _section_page(request: Request, draft: Draft, wing: Wing, state: dict[str, Any], *,
                      found: guided.Page, outcome: guided.Outcome,
                      status: int = 200) -> Response:
        from advisor.interview import why

        all_pages = guided.pages(state)
        keys = [p.key for p in all_pages]
        index = keys.index(found.key) if found.key in keys else 0
        items = []
        for q in found.questions:
            text, unknown = guided.current(state, q)
            conflict = outcome.conflicts.get(q.path)
            if conflict is not None:  # the field shows theirs beside it, and holds yours
                text, unknown = guided.shown(q, conflict.yours)
            elif q.path in outcome.given:
                text, unknown = outcome.given[q.path], False
            items.append({"q": q, "text": text, "unknown": unknown,
                          "was": guided.answer_mark(state, q.path),
                          "conflict": conflict and {
                              "theirs": _said(q, conflict.theirs),
                              "yours": _said(q, conflict.yours),
                              "by": conflict.by or "someone else",
                              "at": _clock_time(conflict.at)},
                          "picked": [t.strip() for t in text.split(",")],
                          "why": _plain_why(why(q, rulebook), rulebook),
                          "error": outcome.errors.get(q.path),
                          "role": guided.role_title(state, q.path),
                          "evidence": outcome.given.get(f"evidence:{q.path}",
                                                        state["evidence"].get(q.path, "")),
                          "voices": {w: outcome.given.get(
                              f"{w}:{q.path}", state["voices"].get(q.path, {}).get(w, ""))
                              for w, _ in guided.VOICES},
                          "voice_errors": {w: outcome.errors.get(f"{w}:{q.path}")
                                           for w, _ in guided.VOICES},
                          "evidence_error": outcome.errors.get(f"evidence:{q.path}")})
        return page(request, "section.html.j2", status, draft=draft, wing=wing,
                    section=found, items=items, number=index + 1, total=len(all_pages),
                    pages=all_pages, done=set(state["done"]), more=outcome.more,
                    error_count=len(outcome.errors), conflict_count=len(outcome.conflicts))

    # -- stored results ------------------------------------------------------

    def _result(signed: Signed, result_id: int) -> tuple[Result, Wing]:
        found = store.result(result_id)
        wing = readable(signed, store.wing(found.wing_id) if found else None)
        assert found is not None
        return found, wing

    @app.get("/results/{result_id}")
    def result_page(request: Request, result_id: int,
                    signed: Annotated[Signed, Depends(need(*READERS))],
                    audience: str | None = None) -> Response:
        found, wing = _result(signed, result_id)
        data = json.loads(found.result_json)
        if found.source != "upload":  # answered on the web: no file of the team's to name
            data["profile"].pop("file", None)
        return page(request, "report.html.j2", title=f"{wing.name}, {wing.prison}",
                    report=report_body(data, audience_of(audience)), audience=audience,
                    base=f"/results/{found.id}", downloads=_formats(), result=found,
                    wing=wing, can_change=can_write(signed, wing.id),
                    current_version=rulebook.version)

    @app.get("/results/{result_id}/{filename}")
    def download(result_id: int, filename: str,
                 signed: Annotated[Signed, Depends(need(*READERS))],
                 audience: str | None = None) -> Response:
        from advisor.render import render

        found, wing = _result(signed, result_id)
        formats = {suffix: fmt for suffix, fmt, _ in _formats()}
        if filename not in formats:
            raise HTTPException(404, "There is no such download.")
        stem = slug(f"{wing.prison}-{wing.name}-{found.id}")
        types = {"profile.yaml": "application/yaml", "assessment.json": "application/json",
                 "report.md": "text/markdown", "report.html": "text/html",
                 "plan.csv": "text/csv"}
        if filename == "profile.yaml":
            body = found.profile_yaml
        elif filename == "assessment.json":
            body = found.result_json
        else:
            body = render(json.loads(found.result_json), formats[filename],
                          audience=audience_of(audience))
        headers = {}
        if filename == "report.html":
            headers["Content-Security-Policy"] = REPORT_CSP
        else:
            headers["Content-Disposition"] = f'attachment; filename="{stem}-{filename}"'
        return Response(body.encode(), media_type=f"{types[filename]}; charset=utf-8",
                        headers=headers)

    @app.post("/results/{result_id}/reassess")
    def reassess(result_id: int, signed: Annotated[Signed, Depends(need(*WRITERS))]
                 ) -> Response:
        from advisor.render import to_json

        found, wing = _result(signed, result_id)
        writable(signed, wing)
        data = assess_text(found.profile_yaml, "profile.yaml", rulebook)
        stored = store.add_result(wing, kind=found.kind, source="reassessed",
                                  profile_yaml=found.profile_yaml,
                                  rulebook_version=rulebook.version,
                                  result_json=to_json(data), by=signed.user)
        return see_other(f"/results/{stored.id}")

    # -- administration ------------------------------------------------------------------

    @app.get("/admin/users")
    def users(request: Request, signed: Annotated[Signed, Depends(need("admin"))]) -> Response:
        return _users_page(request, {}, {})

    def _users_page(request: Request, errors: dict[str | None, str], given: dict[str, Any],
                    status: int = 200) -> Response:
        return page(request, "users.html.j2", status, users=store.users(),
                    wings=store.wings(), roles=ROLES, errors=errors, given=given)

    @app.post("/admin/users")
    def add_user(request: Request, signed: Annotated[Signed, Depends(need("admin"))],
                 form: Annotated[UserForm, Form()]) -> Response:
        try:
            wings = (int(form.wing),) if form.wing else ()
            store.add_user(form.email, form.password, form.role, wings=wings, by=signed.user)
        except (StoreError, ValueError) as err:
            field = getattr(err, "field", "wing")
            message = getattr(err, "message", "choose a wing from the list")
            return _users_page(request, {field: message}, form.model_dump(exclude={"password"}),
                               400)
        return see_other("/admin/users")

    @app.post("/admin/users/{user_id}/role")
    def set_role(request: Request, user_id: int,
                 signed: Annotated[Signed, Depends(need("admin"))],
                 form: Annotated[RoleForm, Form()]) -> Response:
        try:
            store.set_role(user_id, form.role, by=signed.user)
        except StoreError as err:
            return _users_page(request, {f"user-{user_id}": err.message}, {}, 400)
        return see_other("/admin/users")

    @app.post("/admin/users/{user_id}/wings")
    def grant(request: Request, user_id: int, signed: Annotated[Signed, Depends(need("admin"))],
              form: Annotated[GrantForm, Form()]) -> Response:
        try:
            store.grant_wing(user_id, int(form.wing or 0), by=signed.user)
        except (StoreError, ValueError) as err:
            return _users_page(request, {f"user-{user_id}": getattr(err, "message",
                                                                    "choose a wing")}, {}, 400)
        return see_other("/admin/users")

    @app.post("/admin/users/{user_id}/wings/{wing_id}/remove")
    def take(request: Request, user_id: int, wing_id: int,
             signed: Annotated[Signed, Depends(need("admin"))]) -> Response:
        try:
            store.take_wing(user_id, wing_id, by=signed.user)
        except StoreError as err:
            return _users_page(request, {f"user-{user_id}": err.message}, {}, 400)
        return see_other("/admin/users")

    @app.post("/admin/users/{user_id}/remove")
    def remove(request: Request, user_id: int,
               signed: Annotated[Signed, Depends(need("admin"))]) -> Response:
        if user_id == signed.user.id:
            return _users_page(request, {f"user-{user_id}": "you cannot remove your own "
                                                            "account"}, {}, 400)
        try:
            store.remove_user(user_id, by=signed.user)
        except StoreError as err:
            return _users_page(request, {f"user-{user_id}": err.message}, {}, 400)
        return see_other("/admin/users")

    @app.get("/admin/audit")
    def audit(request: Request, signed: Annotated[Signed, Depends(need("admin"))]) -> Response:
        return page(request, "audit.html.j2", entries=store.audit_log())

    for route in app.routes:  # every route says who may use it: see advisor.web.security
        _check_declared(route)
    return app


def served_app() -> FastAPI:
    """The app as each worker process of `advisor serve --workers N` makes it: over the
    database, and with the set-up token, that `serve` put in the environment; the
    process's allocator told to hand memory back (`advisor.web.allocator`)."""
    import os

    from advisor.web import allocator, db

    allocator.tune()
    store = Store(db.engine_for(os.environ[db.SERVED_DATABASE]))
    return create_app(store, settings=Settings(
        setup_token=os.environ.get(db.SERVED_SETUP) or None))


def _check_declared(route: Any) -> None:
    from fastapi.routing import APIRoute

    from advisor.web.security import Need

    if not isinstance(route, APIRoute):
        return
    needs = [d.call for d in route.dependant.dependencies if isinstance(d.call, Need)]
    for method in route.methods or ():
        if (method, route.path) in PUBLIC_ROUTES:
            if needs:
                raise AssertionError(f"{method} {route.path} is public and needs a role")
        elif len(needs) != 1:
            raise AssertionError(f"{method} {route.path} must say who may use it: "
                                 "Depends(need(...)), or list it in PUBLIC_ROUTES")


def access(route: Any) -> tuple[str, ...] | str:
    """Who may use a route: the roles its `need` names, or PUBLIC."""
    from advisor.web.security import Need

    needs = [d.call for d in route.dependant.dependencies if isinstance(d.call, Need)]
    return needs[0].roles if needs else PUBLIC


# -- forms ---------------------------------------------------------------------------

class SignInForm(BaseModel):
    email: str = ""
    password: str = ""
    csrf: str = ""
    next: str = "/"


class SetupForm(BaseModel):
    token: str = ""
    email: str = ""
    password: str = ""
    again: str = ""


class KindForm(BaseModel):
    kind: str = ""
    csrf: str = ""


class UserForm(BaseModel):
    email: str = ""
    password: str = ""
    role: str = ""
    wing: str = ""
    csrf: str = ""


class RoleForm(BaseModel):
    role: str = ""
    csrf: str = ""


class GrantForm(BaseModel):
    wing: str = ""
    csrf: str = ""


# -- helpers -------------------------------------------------------------------------

def _local(target: str) -> str:
    """A redirect target within this site only (never `//elsewhere` or a full URL)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _came_from(request: Request) -> str | None:
    """The page of this site the browser came from (its Referer), to go back to."""
    from urllib.parse import urlsplit

    came = urlsplit(request.headers.get("referer", ""))
    if came.netloc != request.url.netloc or not came.path.startswith("/"):
        return None
    return _local(came.path + (f"?{came.query}" if came.query else ""))


def _set_cookie(request: Request, response: Response, name: str, value: str,
                max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")


def _said(q: Any, value: Any) -> str:
    """An answer in words, as the page offers it: "I don't know", a choice's label."""
    from advisor.web.pages import choice_words

    text, unknown = guided.shown(q, value)
    if unknown:
        return "I don't know"
    if not text:
        return "no answer"
    if q.kind in ("bool", "scale", "choice", "choices"):
        return ", ".join(choice_words(t.strip()) for t in text.split(","))
    return text


def _clock_time(at: str) -> str:
    """When an answer was saved, as the page says it: `09:05 UTC`."""
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(at).astimezone(dt.UTC).strftime("%H:%M UTC")
    except ValueError:
        return "an earlier time"


def _end_cookie(request: Request, response: Response, name: str) -> None:
    """Tell the browser to forget a cookie, with the flags it was set with."""
    response.delete_cookie(name, path="/", httponly=True, samesite="lax",
                           secure=request.url.scheme == "https")


def _plain_why(text: str, book: Rulebook) -> str:
    """`interview.why` in plain words: an action or finding by what it says, not its id."""
    actions = book.action_texts()
    findings = {r.rule.then.finding.id: r.rule.then.finding.text
                for r in book.rules if r.rule.then.finding}
    text = re.sub(r"whether action ([\w.-]+?) is needed",
                  lambda m: f"whether the plan asks: “{_first_sentence(actions.get(m[1]))}”",
                  text)
    return re.sub(r"finding ([\w-]+)",
                  lambda m: f"the finding “{_first_sentence(findings.get(m[1]))}”", text)


def _first_sentence(text: str | None) -> str:
    if not text:
        return "a step of the plan"
    first = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]
    return first.rstrip(".")


__all__ = ["CSP", "PUBLIC_ROUTES", "access", "create_app", "served_app"]
