"""The guided assessment in the browser: `advisor interview`'s questions a section a page,
saved page by page, resumed, and finished into the very profile the CLI writes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from advisor import interview_cli
from advisor.assess import default_rulebook
from advisor.interview import questions
from advisor.render import to_json
from advisor.web import guided
from advisor.web.models import Draft
from tests.web.conftest import Client, World
from tests.web.helpers import assess_text

PRISON, WING = "HMP High Down", "Community Living Unit (CLU)"

# Answers as a person types them at `advisor interview`; any question not here is left
# unknown (Enter on the command line, "I don't know" on the web).
ANSWERS: dict[str, Any] = {
    "kind": "self-audit", "site.prison": PRISON, "wing.name": WING,
    "assessed.on": "2026-02-27", "assessed.by": "Wing team",
    "site.category": ["B", "C"], "site.population": "1100",
    "wing.beds": "60", "wing.residents": ["life", "ipp"],
    "delivery.partnership": "yes", "delivery.ringfenced_funding": "yes",
    "delivery.phase1.weeks": "12", "delivery.phase1.reflective": "yes",
    "delivery.resident_led_initiatives": "recovery group, gym club",
    "delivery.funding_until": "ongoing",
    "roles": "Ambassador", "roles[0].paid": "no", "roles[0].holders": "4",
    "roles[0].functions.induction": "yes", "roles[0].functions.bridging": "some",
    "roles[0].recruitment": "staff-selected", "roles[0].supervision": "ad-hoc",
    "roles[0].engagement.phase1": "informal", "roles[0].visible_to_residents": "no",
    "roles[0].decides_with_staff": "occasionally",
    "other_roles": "Listener, Insider", "other_roles[0].paid": "no",
    "other_roles[1].engagement": "formal",
    "governance.wing_forum": "no",  # so the forum-access question is never asked
    "governance.prisoner_council": "yes", "governance.wing_on_council": "no",
    "pathway.levels": "none", "evaluation.graduates_guest_next_course": "planned",
    "aspiration_rung": "3",
}


def cli_profile(tmp_path: Path, answers: dict[str, Any],
                monkeypatch: pytest.MonkeyPatch) -> str:
    """The file `advisor interview --kind self-audit` writes when a person types
    `answers` (Enter for every other question)."""
    import click

    original = interview_cli._ask

    def typed(q: Any, book: Any, number: int, data: Any) -> Any:
        given = answers.get(q.path, "")
        raw = ", ".join(given) if isinstance(given, list) else given
        monkeypatch.setattr(click, "prompt", lambda *a, **k: raw)
        return original(q, book, number, data)

    monkeypatch.setattr(interview_cli, "_ask", typed)
    path = tmp_path / "cli.yaml"
    interview_cli.run_interview(path, resume=False, edit_field=None, kind="self-audit",
                                force=False, book=default_rulebook())
    return path.read_text(encoding="utf-8")


def page_form(html: str, answers: dict[str, Any]) -> dict[str, Any]:
    """The form a person fills in on one page: the answers given, "I don't know" for the
    rest."""
    form: dict[str, Any] = {}
    for path in re.findall(r'name="shown:([^"]+)"', html):
        given = answers.get(path)
        if given is None:
            form[f"dk:{path}"] = "1"
            if f'name="{path}" value="unknown"' in html:  # choices: the radio button
                form[path] = "unknown"
        elif isinstance(given, list):
            form[f"many:{path}"] = given
        else:
            form[path] = given
        form[f"shown:{path}"] = "1"
    return form


def start(client: Client, wing: int, kind: str = "self-audit") -> str:
    response = client.post(f"/wings/{wing}/drafts", {"kind": kind})
    assert response.status_code == 303
    location: str = response.headers["location"]
    assert re.fullmatch(r"/drafts/\d+", location)
    return location


def walk(client: Client, draft: str, answers: dict[str, Any], *,
         stop_after: int | None = None) -> list[str]:
    """Answer page after page; the titles of the pages answered."""
    seen: list[str] = []
    url = client.get(draft).headers["location"]
    while not url.endswith("/finish"):
        page = client.get(url)
        assert page.status_code == 200, page.text
        title = re.search(r"<h1>(.*?)</h1>", page.text)
        assert title is not None
        seen.append(title[1])
        response = client.post(url, page_form(page.text, answers))
        while response.status_code == 200:  # answers opened more questions on this page
            assert "open more questions in this part" in response.text
            response = client.post(url, page_form(response.text, answers))
        assert response.status_code == 303, response.text
        url = response.headers["location"]
        if stop_after is not None and len(seen) == stop_after:
            break
    return seen


def finish(client: Client, draft: str) -> int:
    response = client.post(f"{draft}/finish")
    assert response.status_code == 303
    found = re.fullmatch(r"/results/(\d+)", response.headers["location"])
    assert found is not None
    return int(found[1])


def test_the_pages_ask_the_interviews_questions_in_its_order() -> None:
    state = guided.new_state("self-audit", PRISON, WING)
    state["answers"].update(roles=[{"title": "Ambassador"}], other_roles=[{"title": "L"}])
    on_pages = [q.path for p in guided.pages(state) for q in p.questions]
    asked = [q.path for q in questions(guided.profile_data(state))]
    assert on_pages == [p for p in asked if p not in ("kind", "site.prison", "wing.name")]
    assert [p.title for p in guided.pages(state)] == [
        "When, and by whom, the wing was assessed", "The prison", "The wing",
        "The CFO wing model and its delivery",
        "The peer involvement role(s) selected", "Peer roles already on or around the wing",
        "Council and forum links", "The prison's accredited peer training pathway",
        "How the wing's programme is evaluated and supported", "What you aim for"]


def test_a_whole_assessment_on_the_web_stores_the_cli_profile_byte_for_byte(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = world.client("delivery")
    draft = start(client, world.wing_a)
    titles = walk(client, draft, ANSWERS)
    assert len(titles) == 10
    result_id = finish(client, draft)
    stored = world.store.result(result_id)
    assert stored is not None
    expected = cli_profile(tmp_path, ANSWERS, monkeypatch)
    assert stored.profile_yaml == expected
    assert "roles_in_wing_forum" not in expected  # skipped: the wing has no forum
    assert "other_roles:\n- title: Listener\n  paid: false\n" in expected
    # the stored result is the CLI's assessment of that file, with today's rulebook
    assert stored.result_json == to_json(assess_text(expected))
    assert stored.rulebook_version == default_rulebook().version
    assert (stored.kind, stored.source) == ("self-audit", "guided")
    # finished: the draft cannot be answered any more, and the wing lists the result
    assert client.get(f"{draft}/assessed").status_code == 404
    wing_page = client.get(f"/wings/{world.wing_a}").text
    assert f'href="/results/{result_id}"' in wing_page
    assert "Assessments in progress" not in wing_page


def test_closing_the_tab_loses_nothing_and_the_assessment_resumes_where_it_stopped(
        world: World) -> None:
    client = world.client("delivery")
    draft = start(client, world.wing_a)
    assert walk(client, draft, ANSWERS, stop_after=3) == [
        "When, and by whom, the wing was assessed", "The prison", "The wing"]
    later = world.client("delivery")  # another browser, signed in afresh
    wing_page = later.get(f"/wings/{world.wing_a}").text
    assert f'href="{draft}">carry on</a>' in wing_page
    resumed = later.get(draft)
    assert resumed.headers["location"] == f"{draft}/delivery"
    # an answered page shows its answers again
    prison = later.get(f"{draft}/site").text
    assert 'name="site.population" value="1100"' in prison
    assert re.search(r'name="many:site.category" value="B" checked', prison)
    assert not re.search(r'name="many:site.category" value="A" checked', prison)
    dates = later.get(f"{draft}/assessed").text
    assert 'name="assessed.on" value="2026-02-27"' in dates


def test_a_bad_answer_is_shown_beside_its_question_with_the_clis_message(
        world: World) -> None:
    client = world.client("delivery")
    draft = start(client, world.wing_a)
    url = f"{draft}/site"
    form = page_form(client.get(url).text, {"site.population": "0",
                                            "site.category": ["B"]})
    response = client.post(url, form)
    assert response.status_code == 400
    # the interview's own words (advisor.interview.refusal), beside the field
    assert re.search(r'<fieldset id="q2" class="bad" aria-describedby="q2-error">\s*'
                     r'<legend>How many people does the prison hold\?</legend>\s*'
                     r'<input type="hidden" name="shown:site.population" value="1">\s*'
                     r'<input type="hidden" name="was:site.population" value="">\s*'
                     r'<p class="error" id="q2-error">0 is out of range: give 1 to 100000</p>',
                     response.text)
    assert 'name="site.population" value="0"' in response.text  # kept to correct
    assert "1 answer needs changing" in response.text
    # the good answer on that page is saved; the bad one is not, and the page is not done
    draft_row = world.store.draft(int(draft.rsplit("/", 1)[1]))
    assert isinstance(draft_row, Draft)
    state = json.loads(draft_row.state)
    assert state["answers"]["site.category"] == ["B"]
    assert "site.population" not in state["answers"]
    assert "site" not in state["done"]
    words = client.post(f"{draft}/wing", page_form(client.get(f"{draft}/wing").text,
                                                   {"wing.beds": "sixty"}))
    assert '<p class="error" id="q1-error">answer with a whole number, or unknown</p>' \
        in words.text
    date = client.post(f"{draft}/assessed", page_form(client.get(f"{draft}/assessed").text,
                                                      {"assessed.on": "27/02/2026"}))
    assert ('<p class="error" id="q1-error">answer with a date written YYYY-MM-DD, or '
            "unknown</p>") in date.text


def test_evidence_and_what_people_say_go_into_the_profile_beside_the_fact(
        world: World) -> None:
    client = world.client("delivery")
    draft = start(client, world.wing_a)
    url = f"{draft}/site"
    form = page_form(client.get(url).text, {"site.population": "1100"})
    form["evidence:site.population"] = "Governor's report, January"
    form["residents:site.population"] = "It feels crowded"
    form["staff:site.population"] = " "
    assert client.post(url, form).status_code == 303
    result_id = finish(client, draft)
    stored = world.store.result(result_id)
    assert stored is not None
    assert stored.profile_yaml.endswith(
        "aspiration_rung: null\n"
        "evidence:\n  site.population: Governor's report, January\n"
        "voices:\n  site.population:\n    residents: It feels crowded\n")
    result = json.loads(stored.result_json)
    assert result["evidence"] == {"site.population": "Governor's report, January"}
    assert result["voices"] == {"site.population": {"residents": "It feels crowded"}}


def test_finishing_early_counts_the_unsent_parts_as_unknown(world: World) -> None:
    client = world.client("delivery")
    draft = start(client, world.wing_a, "proposal")
    review = client.get(f"{draft}/finish").text
    assert "You have not sent these parts yet: When, and by whom" in review
    result_id = finish(client, draft)
    stored = world.store.result(result_id)
    assert stored is not None
    assert stored.profile_yaml.startswith(
        "# Written by `advisor interview`. Edit freely; `advisor validate` checks it.\n"
        "profile_version: 2\nkind: proposal\nsite:\n  prison: HMP High Down\n"
        "  category: unknown\n  population: unknown\nwing:\n"
        "  name: Community Living Unit (CLU)\n")
    assert "\nroles: unknown\nother_roles: []\n" in stored.profile_yaml
    assert finish_again(client, draft) == 404


def finish_again(client: Client, draft: str) -> int:
    status: int = client.post(f"{draft}/finish").status_code
    return status


def test_each_other_role_is_named_beside_its_own_questions(world: World) -> None:
    """Two other roles are asked the same questions on one page: each question names its
    role, so a team cannot answer one role's questions for the other."""
    client = world.client("delivery")
    draft = start(client, world.wing_a)
    url = f"{draft}/other_roles"
    client.post(url, page_form(client.get(url).text, {"other_roles": "Listener, Insider"}))
    html = client.get(url).text
    listener = re.findall(r"<legend><strong>Listener</strong>: ([^<]+)</legend>", html)
    insider = re.findall(r"<legend><strong>Insider</strong>: ([^<]+)</legend>", html)
    assert listener and listener == insider  # the same questions, each role's own


def test_an_answer_given_with_i_dont_know_ticked_is_kept(world: World) -> None:
    client = world.client("delivery")
    draft = start(client, world.wing_a)
    url = f"{draft}/wing"
    form = page_form(client.get(url).text, {"wing.beds": "40"})
    form["dk:wing.beds"] = "1"  # ticked as well, by a tired hand
    client.post(url, form)
    row = world.store.draft(int(draft.rsplit("/", 1)[1]))
    assert isinstance(row, Draft)
    assert json.loads(row.state)["answers"]["wing.beds"] == 40


def test_choices_read_as_the_reports_say_them_and_send_their_values(world: World) -> None:
    client = world.client("delivery")
    draft = start(client, world.wing_a)
    url = f"{draft}/roles"
    client.post(url, page_form(client.get(url).text, {"roles": "Ambassador"}))
    html = client.get(url).text
    assert ('<input type="radio" name="roles[0].supervision" value="community-meeting"> '
            "Through a regular community meeting</label>") in html
    assert ('<input type="radio" name="roles[0].supervision" value="ad-hoc"> '
            "Case by case</label>") in html


def test_an_answer_changed_since_the_page_was_made_is_a_conflict_not_overwritten() -> None:
    state = guided.new_state("self-audit", PRISON, WING)
    path = "wing.beds"
    base = {f"shown:{path}": "1"}
    # someone saves 60 from a page made while nothing was answered
    first = guided.apply_page(state, "wing", {**base, path: "60", f"was:{path}": ""},
                              by="b@example.org", at="2026-03-02T09:05:00+00:00")
    assert not first.conflicts and state["answers"][path] == 60
    assert guided.saved_by(state, path) == ("b@example.org", "2026-03-02T09:05:00+00:00")
    assert guided.answer_mark(state, path) == "60"
    # another page made before that save sends 40: a conflict, 60 kept
    clash = guided.apply_page(state, "wing", {**base, path: "40", f"was:{path}": ""},
                              by="a@example.org", at="2026-03-02T09:06:00+00:00")
    assert clash.conflicts == {path: guided.Conflict(60, "b@example.org",
                                                     "2026-03-02T09:05:00+00:00", 40)}
    assert state["answers"][path] == 60
    # the same answer from an old page is no conflict; neither is one from a page
    # made after the save (its mark is 60): that saves 40
    assert not guided.apply_page(state, "wing", {**base, path: "60",
                                                 f"was:{path}": ""}).conflicts
    assert not guided.apply_page(state, "wing", {**base, path: "40", f"was:{path}": "60"},
                                 by="a@example.org", at="2026-03-02T09:07:00+00:00"
                                 ).conflicts
    assert state["answers"][path] == 40
    assert guided.saved_by(state, path) == ("a@example.org", "2026-03-02T09:07:00+00:00")
    # choosing theirs on the page that showed the conflict keeps theirs
    kept = guided.apply_page(state, "wing", {**base, path: "99", f"was:{path}": "",
                                             f"keep:{path}": "theirs"})
    assert not kept.conflicts and state["answers"][path] == 40
    # a form without the marks (an older page) is read as before: the answer is saved
    assert not guided.apply_page(state, "wing", {**base, path: "12"}).conflicts
    assert state["answers"][path] == 12
    # and none of this reaches the profile
    assert "saved" not in guided.profile_yaml(state)


def test_the_finish_page_counts_what_would_be_stored_as_not_known(world: World) -> None:
    """A page sent with its boxes empty is sent, not answered: the finish page says how
    many questions would be stored as not known, in all and by part."""
    client = world.client("delivery")
    draft = start(client, world.wing_a)
    site = client.get(f"{draft}/site").text  # two questions: category and population
    assert client.post(f"{draft}/site", page_form(site, {"site.population": "1100"})
                       ).status_code == 303
    wing = client.get(f"{draft}/wing").text  # two questions, both left "I don't know"
    assert client.post(f"{draft}/wing", page_form(wing, {})).status_code == 303
    finish = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", client.get(f"{draft}/finish").text))
    # a new self-audit: assessed 2 (its date and who are not asked yet), site 1, wing 2,
    # delivery 13, roles 1, other roles 1, governance 11, pathway 3, evaluation 4, aim 1:
    # 2 + 1 + 2 + 13 + 1 + 1 + 11 + 3 + 4 + 1 = 39
    assert "39 questions are not answered or answered \"I don't know\"" in finish
    assert "The prison: 1 of 2 not answered or “I don't know”" in finish
    assert "The wing: 2 of 2 not answered or “I don't know”" in finish
    assert "The peer involvement role(s) selected: not sent yet" in finish


def test_the_working_profile_kept_for_a_state_is_never_changed_by_a_page_sent() -> None:
    """`_working` keeps the profile of the last states seen and hands the same object
    out; answering a page works on a copy, so what is kept stays the state's own."""
    import copy

    from advisor.web import guided

    state = guided.new_state("self-audit", "HMP High Down", "CLU")
    kept = copy.deepcopy(guided._working(state))
    later = copy.deepcopy(state)
    outcome = guided.apply_page(later, "site", {"site.category": "B",
                                                "site.population": "1100"})
    assert not outcome.errors and later["answers"]["site.population"] == 1100
    assert guided._working(state) == kept  # the kept one is as it was
    guided._WORKING.clear()
    assert guided._working(state) == kept  # and equal to one worked out afresh
    assert guided._working(later)["site"]["population"] == 1100
