"""What every page of the web app shares: the templates, the page and redirect answers,
the report shown inside a page, and `Context`, what a feature's routes are built over.

The app (`advisor.web.app`) holds the core pages (signing in, the guided assessment, stored
results, administration); each feature beside it (`FEATURES` there) is a module with
`add_routes(app, context)` that uses only what is here and the library. They are added
before the core routes, so a feature's particular path wins over a core route's pattern.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from advisor.errors import AdvisorError, visible
from advisor.rulebook import Rulebook
from advisor.web import guided
from advisor.web.models import ROLE_TITLES, SOURCE_TITLES
from advisor.web.security import Settings, current
from advisor.web.store import Store
from advisor.web.tracking import day_words as day  # the `day` filter: 3 December 2026

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
# the report as a file of its own keeps its inline style sheet
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"
MAX_REQUEST = 2 * 1024 * 1024  # a profile of 1 MB and the form around it
KIND_TITLES = {"self-audit": "Self-audit of a running wing", "proposal": "Proposal for a new wing",
               "example": "Worked example"}


@dataclass(frozen=True)
class Context:
    """What a feature's routes work over: the store, the settings and the rulebook."""

    store: Store
    settings: Settings
    rulebook: Rulebook


@functools.cache
def templates() -> Environment:
    env = Environment(loader=ChoiceLoader([PackageLoader("advisor.web", "templates"),
                                           PackageLoader("advisor", "templates")]),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(ROLE_TITLES=ROLE_TITLES, KIND_TITLES=KIND_TITLES,
                       SOURCE_TITLES=SOURCE_TITLES, VOICES=guided.VOICES,
                       dont_know=guided.dont_know, choice_words=choice_words)
    env.filters.update(day=day, when=when)
    return env


def when(value: dt.datetime | None) -> str:
    """A moment as every page writes one: `3 December 2026, 17:30 UTC` (the `when`
    filter); times are kept in UTC."""
    return "" if value is None else f"{day(value)}, {value:%H:%M} UTC"


def choice_words(value: str) -> str:
    """A choice's label in the words the reports use (`community-meeting` -> `Through a
    regular community meeting`); the form still sends the value itself."""
    from advisor.render.words import value_words

    said = value_words(value)
    return said[:1].upper() + said[1:]


@functools.cache
def style() -> str:
    """The report's style sheet, then the web app's: web.css, then one sheet per feature
    (history.css, portfolio.css, ...) in name order."""
    report = files("advisor").joinpath("templates", "report.css").read_text(encoding="utf-8")
    folder = files("advisor.web").joinpath("templates")
    sheets = sorted((t for t in folder.iterdir() if t.name.endswith(".css")),
                    key=lambda t: (t.name != "web.css", t.name))
    return "\n".join([report, *(t.read_text(encoding="utf-8") for t in sheets)])


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    signed = current(request)
    html = templates().get_template(template).render(
        signed=signed, csrf=signed.csrf if signed else "", **context)
    return HTMLResponse(html, status_code=status)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def audience(value: str | None) -> str | None:
    from advisor.render import AUDIENCES

    return value if value in AUDIENCES else None


def report_body(result: Any, audience: str | None) -> str:
    """The HTML report's body, to show inside a page (its style sheet is the page's)."""
    from advisor.render import render

    html = render(result, "html", audience=audience)
    start = html.index("<body>") + len("<body>")
    return html[start:html.rindex("</body>")]


def assess_text(text: str, name: str, book: Rulebook) -> Any:
    """The assessment of a profile given as YAML text, read as `advisor assess` reads it."""
    from advisor import yamlio
    from advisor.assess import assess
    from advisor.profile import profile_from_document

    return assess(profile_from_document(yamlio.parse(text, name)), book)


def stored_profile(text: str, name: str = "profile.yaml") -> dict[str, Any] | None:
    """A stored profile as plain data, as `advisor compare` reads a profile file (None
    if it no longer reads: a comparison then uses the assessments alone)."""
    from advisor import yamlio
    from advisor.profile import profile_from_document

    try:
        return profile_from_document(yamlio.parse(text, name)).model_dump(mode="python")
    except AdvisorError:
        return None


def file_error(err: AdvisorError) -> str:
    """What is wrong in an uploaded file, as a page says it: where (the file, its line)
    and the question the field answers, not the field's path (`hmp.yaml, line 65, the
    answer to "How do holders take part day to day?" for role 1: 'often' is not one of
    ...`). A command line error names the path, for the person editing the file."""
    from advisor.paths import LIST_SECTIONS, steps
    from advisor.render.words import question_of

    where = [visible(err.file)] if err.file else []
    if err.line:
        where.append(f"line {err.line}")
    question = question_of(err.field) if err.field else None
    if question is not None and err.field:
        said = f"the answer to \u201c{question}\u201d"
        first = steps(err.field)
        if len(first) > 1 and first[0] in LIST_SECTIONS and isinstance(first[1], int):
            said += f" for {'role' if first[0] == 'roles' else 'other role'} {first[1] + 1}"
        where.append(said)
    elif err.field:  # no question asks it (a name the file made up): as the file has it
        where.append(f"at \u201c{visible(err.field)}\u201d")
    text = visible(" ".join(err.message.split()))
    return f"{', '.join(where)}: {text}" if where else text[:1].upper() + text[1:]


def slug(text: str) -> str:
    """A file name's stem from free text."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "assessment"


__all__ = [
    "CSP",
    "KIND_TITLES",
    "MAX_REQUEST",
    "REPORT_CSP",
    "Context",
    "assess_text",
    "audience",
    "day",
    "file_error",
    "page",
    "report_body",
    "see_other",
    "slug",
    "stored_profile",
    "style",
    "templates",
    "when",
]
