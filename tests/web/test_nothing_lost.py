"""Nothing lost (issue 21.2): two people answering the same question at once see each
other's answer rather than overwrite it; a database locked or full refuses the page
whole, in plain words; a server killed mid-save keeps every answer it acknowledged."""

from __future__ import annotations

import html
import json
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from advisor.web.models import Audit, Draft
from tests.web.browsing import free_port
from tests.web.conftest import PASSWORD, Client, World
from tests.web.test_guided import page_form, start


def whole_form(page: str, answers: dict[str, Any]) -> dict[str, Any]:
    """What a browser sends from a page: `page_form`'s answers, with the hidden fields
    that carry each answer as the page showed it, and any choice ticked on the page."""
    form = page_form(page, answers)
    for name, value in re.findall(r'<input type="hidden" name="(was:[^"]+)" value="([^"]*)">',
                                  page):
        form[html.unescape(name)] = html.unescape(value)
    for name, value in re.findall(r'name="(keep:[^"]+)" value="(\w+)" checked', page):
        form[name] = value
    return form


def state(world: World, draft: str) -> dict[str, Any]:
    row = world.store.draft(int(draft.rsplit("/", 1)[1]))
    assert isinstance(row, Draft)
    found: dict[str, Any] = json.loads(row.state)
    return found


def two_tabs(world: World) -> tuple[Client, Client, str]:
    world.store.add_user("second@example.org", PASSWORD, "delivery", wings=(world.wing_a,))
    first, second = world.client("delivery"), world.client()
    second.sign_in("second@example.org")
    return first, second, start(first, world.wing_a)


def test_the_same_question_answered_in_two_tabs_shows_both_and_overwrites_neither(
        world: World) -> None:
    first, second, draft = two_tabs(world)
    url = f"{draft}/site"
    mine = first.get(url).text  # both open the page before either sends it
    theirs = second.get(url).text
    world.clock.advance(minutes=5)
    sent = second.post(url, whole_form(theirs, {"site.population": "1100",
                                                "site.category": ["B"]}))
    assert sent.status_code == 303
    # the first sends a different population, the same category, and a note
    form = whole_form(mine, {"site.population": "900", "site.category": ["B"]})
    form["evidence:site.population"] = "The governor's figures, February"
    clash = first.post(url, form)
    assert clash.status_code == 409
    assert ("1 answer was changed by someone else while you had this page open: both are "
            "shown below.") in clash.text
    assert ("Changed while you were answering: saved by second@example.org at 09:05 UTC: "
            "“1100”; yours: “900”. Which do you keep?") in clash.text
    assert 'name="site.population" value="900"' in clash.text  # yours, still in the field
    after = state(world, draft)
    assert after["answers"]["site.population"] == 1100  # theirs is not overwritten
    assert after["answers"]["site.category"] == ["B"]  # the same answer: no conflict
    assert after["evidence"]["site.population"] == "The governor's figures, February"
    # keeping yours (the choice the page comes back with) saves it
    world.clock.advance(minutes=2)
    kept = first.post(url, whole_form(clash.text, {"site.population": "900",
                                                   "site.category": ["B"]}))
    assert kept.status_code == 303, kept.text
    after = state(world, draft)
    assert after["answers"]["site.population"] == 900
    assert after["saved"]["site.population"] == ["delivery@example.org",
                                                 "2026-03-02T09:07:00+00:00"]


def test_choosing_the_saved_answer_keeps_theirs_and_saves_the_rest(world: World) -> None:
    first, second, draft = two_tabs(world)
    url = f"{draft}/wing"
    mine, theirs = first.get(url).text, second.get(url).text
    assert second.post(url, whole_form(theirs, {"wing.beds": "60"})).status_code == 303
    clash = first.post(url, whole_form(mine, {"wing.beds": "40"}))
    assert clash.status_code == 409
    assert "saved by second@example.org at 09:00 UTC: “60”; yours: “40”" in clash.text
    form = whole_form(clash.text, {"wing.beds": "40"})
    form["keep:wing.beds"] = "theirs"
    assert first.post(url, form).status_code == 303
    assert state(world, draft)["answers"]["wing.beds"] == 60


def test_answers_not_changed_by_anyone_else_are_saved_beside_a_conflict(
        world: World) -> None:
    first, second, draft = two_tabs(world)
    url = f"{draft}/site"
    mine = first.get(url).text
    # the other tab sends the population alone (say, an older copy of the page)
    second.get(url)
    alone = second.post(url, {"shown:site.population": "1", "site.population": "1100",
                              "was:site.population": ""})
    assert alone.status_code in (200, 303)
    clash = first.post(url, whole_form(mine, {"site.population": "900",
                                              "site.category": ["A", "B"]}))
    assert clash.status_code == 409
    after = state(world, draft)
    assert after["answers"]["site.population"] == 1100
    assert after["answers"]["site.category"] == ["A", "B"]


def test_the_same_answer_from_two_tabs_is_no_conflict(world: World) -> None:
    first, second, draft = two_tabs(world)
    url = f"{draft}/wing"
    mine, theirs = first.get(url).text, second.get(url).text
    assert second.post(url, whole_form(theirs, {"wing.beds": "60"})).status_code == 303
    assert first.post(url, whole_form(mine, {"wing.beds": "60"})).status_code == 303


# -- the database locked or full ------------------------------------------------------

def _counts(world: World, draft: str) -> tuple[str, int]:
    row = world.store.draft(int(draft.rsplit("/", 1)[1]))
    assert row is not None
    with world.store.begin() as db:
        audits = int(db.scalar(select(func.count()).select_from(Audit)) or 0)
    return row.state, audits


def _refused_plainly(response: Any) -> None:
    assert response.status_code == 503
    assert "The answers on this page were not saved" in response.text
    assert "try again in a moment" in response.text
    assert "Traceback" not in response.text and "sqlite" not in response.text.lower()
    assert response.headers["Retry-After"] == "5"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_locked_database_refuses_the_page_whole_and_says_so(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    client = world.client("delivery")
    draft = start(client, world.wing_a)
    url = f"{draft}/wing"
    page = client.get(url).text
    before = _counts(world, draft)
    engine = world.store.engine

    @event.listens_for(engine, "connect")
    def impatient(conn: Any, _: Any) -> None:  # after the app's own 5 s: 0.2 s here
        conn.execute("PRAGMA busy_timeout=200")

    engine.dispose()
    holder = sqlite3.connect(str(engine.url.database), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
        with caplog.at_level(logging.ERROR, logger="advisor.web"):
            response = client.post(url, whole_form(page, {"wing.beds": "60"}),
                                   headers={"referer": f"http://testserver{url}"})
        _refused_plainly(response)
        assert f'<a href="{url}">Back to the page you were on</a>' in response.text
        assert any("database is locked" in r.getMessage() for r in caplog.records)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _counts(world, draft) == before  # nothing half-written
    again = client.post(url, whole_form(page, {"wing.beds": "60"}))
    assert again.status_code == 303
    assert state(world, draft)["answers"]["wing.beds"] == 60


def test_a_full_disk_mid_save_rolls_the_page_back_and_says_so(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    client = world.client("delivery")
    draft = start(client, world.wing_a)
    url = f"{draft}/wing"
    page = client.get(url).text
    before = _counts(world, draft)
    engine = world.store.engine
    writes: list[str] = []

    def full(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)
            if len(writes) == 2:  # the first write of the page is made: the disk fills
                raise sqlite3.OperationalError("database or disk is full")

    event.listen(engine, "before_cursor_execute", full)
    try:
        with caplog.at_level(logging.ERROR, logger="advisor.web"):
            response = client.post(url, whole_form(page, {"wing.beds": "60"}))
    finally:
        event.remove(engine, "before_cursor_execute", full)
    _refused_plainly(response)
    assert sorted(w.split()[0] for w in writes) == ["INSERT", "UPDATE"]  # the draft, its record
    assert any("database or disk is full" in r.getMessage() for r in caplog.records)
    assert _counts(world, draft) == before  # the draft's UPDATE went with the rest


def test_a_page_read_while_the_database_is_unavailable_says_to_try_again(
        world: World) -> None:
    client = world.client("delivery")
    engine = world.store.engine

    def gone(*_: Any) -> None:
        raise sqlite3.OperationalError("unable to open database file")

    event.listen(engine, "before_cursor_execute", gone)
    try:
        response = client.get(f"/wings/{world.wing_a}")
    finally:
        event.remove(engine, "before_cursor_execute", gone)
    assert response.status_code == 503
    assert "This page could not be read from the database just now" in response.text


# -- the server killed mid-save -------------------------------------------------------

def _advisor(*args: str, stdin: str | None = None) -> None:
    done = subprocess.run([sys.executable, "-m", "advisor", *args], input=stdin,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


def _serve(data: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    import httpx

    with log.open("ab") as out:
        server = subprocess.Popen([sys.executable, "-m", "advisor", "serve", "--data",
                                   str(data), "--host", "127.0.0.1", "--port", str(port)],
                                  stdout=out, stderr=out)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/signin", timeout=1)
            return server
        except httpx.TransportError:
            assert server.poll() is None, log.read_text()
            time.sleep(0.1)
    server.kill()
    raise AssertionError(f"the server did not start: {log.read_text()}")


def _signed_in(port: int) -> tuple[Any, str]:
    """A browser signed in to the server on `port`, and its form token."""
    import httpx

    http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5,
                        follow_redirects=False)
    token = re.search(r'name="csrf" value="([^"]+)"', http.get("/signin").text)
    assert token is not None
    signed = http.post("/signin", data={"email": "team@example.org", "password": PASSWORD,
                                        "csrf": token[1], "next": "/"})
    assert signed.status_code == 303, signed.text
    found = re.search(r'name="csrf" value="([^"]+)"', http.get("/wings/1").text)
    assert found is not None
    return http, found[1]


def test_a_server_killed_mid_save_keeps_every_answer_it_acknowledged(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _advisor("db", "upgrade", "--data", str(data))
    _advisor("users", "add", "team@example.org", "--role", "delivery", "--wing",
             "HMP Test/A wing", "--password-stdin", "--data", str(data),
             stdin=PASSWORD + "\n")
    port = free_port()
    log = tmp_path / "server.log"
    server = _serve(data, port, log)
    acknowledged: list[tuple[int, int]] = []  # (draft, beds) each answered with a 303
    stop = threading.Event()
    try:
        http, csrf = _signed_in(port)

        sender = threading.Thread(target=_send_answers, args=(http, csrf, stop,
                                                                 acknowledged),
                                  daemon=True)
        sender.start()
        deadline = time.monotonic() + 20
        while len(acknowledged) < 15 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(server.pid, signal.SIGKILL)  # mid-way: the sender is still sending
        server.wait(10)
        stop.set()
        sender.join(10)
        assert not sender.is_alive()
        http.close()
    finally:
        stop.set()
        if server.poll() is None:
            server.kill()
            server.wait(10)
    assert len(acknowledged) >= 15, log.read_text()
    database = data / "advisor.sqlite3"
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = {draft: json.loads(text)["answers"].get("wing.beds") for draft, text in
                  conn.execute("SELECT id, state FROM drafts")}
    conn.close()
    for draft, beds in acknowledged:
        assert stored.get(draft) == beds, (draft, beds)
    # and the server comes back on the same database, every answer there to see
    server = _serve(data, port, log)
    try:
        http, _ = _signed_in(port)
        draft, beds = acknowledged[-1]
        shown = http.get(f"/drafts/{draft}/wing")
        http.close()
        assert f'name="wing.beds" value="{beds}"' in shown.text
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


def _send_answers(http: Any, csrf: str, stop: threading.Event,
                  acknowledged: list[tuple[int, int]]) -> None:
    """Start a draft and answer its wing's beds, again and again, until the server goes:
    each answer that got its 303 is noted (draft, beds)."""
    import httpx

    beds = 1
    while not stop.is_set():
        try:
            made = http.post("/wings/1/drafts", data={"kind": "self-audit",
                                                      "csrf": csrf})
            draft = int(made.headers["location"].rsplit("/", 1)[1])
            sent = http.post(f"/drafts/{draft}/wing", data={
                "csrf": csrf, "shown:wing.beds": "1", "wing.beds": str(beds),
                "was:wing.beds": ""})
        except (httpx.TransportError, KeyError):
            return  # the server is gone
        if sent.status_code == 303:
            acknowledged.append((draft, beds))
        beds += 1


# -- in the browser ---------------------------------------------------------------------

@pytest.mark.browser
def test_in_the_browser_a_conflict_is_chosen_and_a_refused_page_is_plain(
        served: tuple[str, Any]) -> None:
    """Two people on the same part of one assessment in Chromium: the second to save
    sees both answers and keeps the other's; then the database refuses a page, and the
    page that says so reads well too. axe-core finds nothing serious on either."""
    from tests import browser as harness
    from tests.web.browsing import in_browser

    base, world = served
    world.store.add_user("second@example.org", PASSWORD, "delivery", wings=(world.wing_a,))
    team = world.store.user(world.users["delivery"])
    wing = world.store.wing(world.wing_a)
    assert team is not None and wing is not None
    draft = world.store.start_draft(wing, "self-audit", guided_state(wing), by=team).id
    url = f"{base}/drafts/{draft}/wing"

    def walk(browser: Any) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        mine, theirs = (_tab(browser, base, email, url)
                        for email in ("delivery@example.org", "second@example.org"))
        theirs.fill('input[name="wing.beds"]', "60")
        theirs.click("button:has-text('Save and go on')")
        mine.fill('input[name="wing.beds"]', "40")
        mine.click("button:has-text('Save and go on')")
        seen["conflict"] = mine.locator("fieldset.conflict legend").inner_text()
        seen["conflict axe"] = harness.axe(mine)
        mine.check('input[name="keep:wing.beds"][value="theirs"]')
        mine.click("button:has-text('Save and go on')")
        seen["after"] = mine.url
        mine.goto(url)

        def full(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.startswith("UPDATE drafts"):
                raise sqlite3.OperationalError("database or disk is full")

        event.listen(world.store.engine, "before_cursor_execute", full)
        try:
            mine.fill('input[name="wing.beds"]', "70")
            mine.click("button:has-text('Save and go on')")
            seen["refused"] = mine.locator("main").inner_text()
            seen["refused axe"] = harness.axe(mine)
        finally:
            event.remove(world.store.engine, "before_cursor_execute", full)
        return seen

    seen = in_browser(walk)
    assert seen["conflict"] == ("Changed while you were answering: saved by "
                                "second@example.org at 09:00 UTC: “60”; yours: “40”. Which "
                                "do you keep?")
    assert not seen["conflict axe"], harness.describe(seen["conflict axe"])
    assert not seen["after"].endswith("/wing")  # on to the next part
    assert "The answers on this page were not saved" in seen["refused"]
    assert not seen["refused axe"], harness.describe(seen["refused axe"])
    row = world.store.draft(draft)
    assert row is not None
    assert json.loads(row.state)["answers"]["wing.beds"] == 60


def _tab(browser: Any, base: str, email: str, url: str) -> Any:
    """A browser of its own, signed in as `email`, at `url`."""
    context = browser.new_context(bypass_csp=True)  # so axe can be injected
    tab = context.new_page()
    tab.goto(f"{base}/signin")
    tab.fill("#email", email)
    tab.fill("#password", PASSWORD)
    tab.click("button:has-text('Sign in')")
    tab.goto(url)
    return tab


def guided_state(wing: Any) -> dict[str, Any]:
    from advisor.web import guided

    return guided.new_state("self-audit", wing.prison, wing.name)
