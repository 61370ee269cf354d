"""A wing's plan, tracked (issue 20, point 2): each action of the latest assessment with a
lead, a due date, a status (a dropped one says why) and notes; the tracking follows the
action by id into the next assessment; an action no longer proposed shows as met, its
tracking kept; overdue work flagged in words and by a mark, counted at the top; a stale
form refused, not saved over someone's change; the plan as a CSV checklist and a printed
one.

The audits are tests/web/test_history.py's (High Down, 1 March 2025, then a year on):
the first plan has 31 actions, the later one 25; R1d (an open, shared way of recruiting,
action 11 of the first plan, 7 of the later) is in both; R1a (agreeing what holders are
expected to do) is completed by the later audit, and F154 (mapping relationships) is no
longer proposed without being completed. The clock stands at 2 March 2026.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any

import pytest

from advisor.web import tracking
from advisor.web.history import wing_history, wing_plan
from advisor.web.models import ActionTracking
from advisor.web.store import StoreError
from tests.test_report_words import _no_internal_words
from tests.web.conftest import World
from tests.web.helpers import assess_text
from tests.web.test_history import audit, store_audit, text_of, two_audits

R1D = "Agree as a staff team an open, shared way of recruiting and selecting holders, and " \
      "publish it on the wing."
#: R1D's first words, as the error summary names the action
R1D_SHORT = "Agree as a staff team an open, shared way of recruiting and…"
R1A = "Agree, as a staff team and with residents, what holders of the role are expected to " \
      "do once trained, and tell everyone on the wing."


def track(world: World, action_id: str, role: str = "delivery", **fields: str) -> Any:
    """Send the plan's form for one action as `role`, from the version the page shows."""
    client = world.client(role)
    page = client.get(f"/wings/{world.wing_a}/plan")
    form = {"lead": "", "due": "", "status": "not-started", "reason": "", "notes": "",
            "version": _version(page.text, action_id)}
    form.update(fields)
    return client.post(f"/wings/{world.wing_a}/plan/{action_id}", form)


def _version(html: str, action_id: str) -> str:
    found = re.search(rf'action="/wings/\d+/plan/{re.escape(action_id)}#error-summary">\s*'
                      r'<input type="hidden"'
                      r' name="csrf" value="[^"]*">\s*<input type="hidden" name="version" '
                      r'value="(\d+)"', html)
    return found[1] if found else "0"


def row(world: World, action_id: str) -> ActionTracking | None:
    return next((t for t in world.store.trackings([world.wing_a])
                 if t.action_id == action_id), None)


def first_audit(world: World) -> None:
    store_audit(world, audit("2025-03-01"))


# -- the logic -----------------------------------------------------------------------------


def test_a_due_date_is_a_real_day_or_nothing() -> None:
    assert tracking.parse_due("") is None and tracking.parse_due("  ") is None
    assert tracking.parse_due("2026-03-31") == dt.date(2026, 3, 31)
    for bad in ("31/03/2026", "next week", "2026-02-30", "2026-3-1", "1999-12-31",
                "2101-01-01"):
        with pytest.raises(StoreError) as err:
            tracking.parse_due(bad)
        assert err.value.field == "due", bad


def test_dates_are_written_as_people_write_them() -> None:
    assert tracking.day_words(dt.date(2026, 3, 2)) == "2 March 2026"
    assert tracking.day_words(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)) == "30 November 2026"


def _t(action_id: str, **kw: Any) -> ActionTracking:
    values = {"lead": "", "due": None, "status": "not-started", "reason": "", "notes": "",
              "version": 1, "updated_at": dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)} | kw
    return ActionTracking(wing_id=1, action_id=action_id, **values)


def test_met_actions_are_those_no_longer_proposed_with_their_earlier_text() -> None:
    earlier = {"actions": [{"id": "A", "text": "Do A", "owner": "x"},
                           {"id": "B", "text": "Do B", "owner": "x"}]}
    newer = {"actions": [{"id": "B", "text": "Do B, reworded", "owner": "y"},
                         {"id": "C", "text": "Do C", "owner": "y"}]}
    latest = {"actions": [{"id": "C", "text": "Do C", "owner": "y"}]}
    trackings = [_t("A"), _t("B"), _t("C"), _t("Z")]
    met = tracking.met_actions(latest, trackings, [earlier, newer])
    # newest plan first, then older, then those no stored plan holds
    assert [m.tracking.action_id for m in met] == ["B", "A", "Z"]
    assert [m.action["text"] if m.action else None for m in met] == [
        "Do B, reworded", "Do A", None]


def test_overdue_is_past_due_neither_done_nor_dropped_and_still_proposed() -> None:
    latest = {"actions": [{"id": x} for x in ("A", "B", "C", "D", "E")]}
    day = dt.date(2026, 3, 2)
    trackings = [_t("A", due=dt.date(2026, 3, 1)), _t("B", due=day),
                 _t("C", due=dt.date(2026, 3, 1), status="done"),
                 _t("D", due=dt.date(2026, 3, 1), status="dropped", reason="r"),
                 _t("E", due=dt.date(2026, 3, 1), status="in-progress"),
                 _t("Z", due=dt.date(2020, 1, 1))]
    assert tracking.overdue_actions(latest, trackings, day) == ["A", "E"]


def test_the_csv_checklist_has_the_tracking_and_no_formula() -> None:
    r = assess_text(json.dumps(audit("2026-03-01", later=True)))
    trackings = [_t("R1d", lead="=HYPERLINK(\"x\")", due=dt.date(2026, 3, 1),
                    status="in-progress", notes="+44 call"),
                 _t("R1a", lead="Sam", status="done")]
    met = tracking.met_actions(r, trackings, [assess_text(json.dumps(audit("2025-03-01")))])
    text = tracking.plan_csv(r, trackings, met, dt.date(2026, 3, 2))
    assert text.startswith("\ufeffNumber,Action,When,Owner,Done when,After,Rests on,"
                           "To find out,Sources,Lead,Due date,Status,Notes,Why dropped,"
                           "Overdue,Last changed,Action id\r\n")
    assert "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == 1 + 25 + 1  # the header, the plan, one met
    by_id = {x[-1]: x for x in rows[1:]}
    assert by_id["R1d"][:3] == ["7", R1D, "Now"]
    assert by_id["R1d"][9:] == ["'=HYPERLINK(\"x\")", "2026-03-01", "In progress",
                                "'+44 call", "", "Overdue", "2026-03-02", "R1d"]
    assert by_id["R1a"][1:3] == [R1A, "Met: no longer proposed"]
    assert by_id["R1a"][9:13] == ["Sam", "", "Done", ""]
    assert by_id["LL2-reselect"][9:] == ["", "", "Not started", "", "", "", "", "LL2-reselect"]


# -- the plan page -------------------------------------------------------------------------


def test_the_plan_page_lists_the_latest_plan_by_horizon(world: World) -> None:
    two_audits(world)
    page = world.client("delivery").get(f"/wings/{world.wing_a}/plan")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "The actions of the self-audit of 1 March 2026 (Ambassador: rung now 1, target " \
           "rung 3)" in shown
    assert shown.index("Now: up to the target, rung 3 (participation)") < shown.index(
        "Next:") < shown.index("Later:")
    assert len(re.findall(r'<li value="\d+" id="action-', page.text)) == 25
    assert "No action is overdue." in shown
    assert "25 actions: Not started 25, in progress 0, done 0, dropped 0." in shown
    assert R1D in shown
    _no_internal_words(shown, "the plan page")


def test_a_team_tracks_an_action_and_sees_it(world: World) -> None:
    first_audit(world)
    sent = track(world, "R1d", lead="Jo Bloggs", due="2026-04-30", status="in-progress",
                 notes="Draft with the Council\nby April")
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/wings/{world.wing_a}/plan#action-R1d"
    saved = row(world, "R1d")
    assert saved is not None
    assert (saved.lead, saved.due, saved.status, saved.notes, saved.version) == (
        "Jo Bloggs", dt.date(2026, 4, 30), "in-progress", "Draft with the Council\nby April", 1)
    shown = text_of(world.client("commissioner").get(f"/wings/{world.wing_a}/plan").text)
    item = shown[shown.index(R1D):]
    assert item.startswith(f"{R1D} Owner CFO staff team Done when")
    assert "Lead Jo Bloggs Due 30 April 2026 Where it stands In progress" in item


def test_a_due_date_that_is_not_a_date_is_refused_beside_its_field(world: World) -> None:
    first_audit(world)
    sent = track(world, "R1d", lead="Jo", due="30/04/2026", status="in-progress")
    assert sent.status_code == 400
    assert row(world, "R1d") is None  # nothing saved
    item = sent.text[sent.text.index('id="action-R1d"'):]
    item = item[:item.index("</li>")]
    assert "<details class=\"track\" open>" in item
    assert 'aria-describedby="due-11-error"' in item
    assert '<p class="error" id="due-11-error">give the due date as year-month-day' in item
    assert 'value="Jo"' in item and 'value="30/04/2026"' in item  # what was typed is kept


def test_dropping_needs_a_reason(world: World) -> None:
    first_audit(world)
    refused = track(world, "R1d", status="dropped")
    assert refused.status_code == 400 and "say why the action was dropped" in refused.text
    assert track(world, "R1d", status="dropped", reason="The Council runs it").status_code == 303
    shown = text_of(world.client("delivery").get(f"/wings/{world.wing_a}/plan").text)
    assert "Where it stands Dropped: The Council runs it" in shown


def test_a_stale_form_is_refused_and_the_other_change_shown(world: World) -> None:
    first_audit(world)
    team = world.client("delivery")
    page = team.get(f"/wings/{world.wing_a}/plan")
    stale = _version(page.text, "R1d")
    assert track(world, "R1d", "admin", lead="Admin's lead", status="done").status_code == 303
    sent = team.post(f"/wings/{world.wing_a}/plan/R1d",
                     {"lead": "Mine", "due": "", "status": "in-progress", "reason": "",
                      "notes": "my notes", "version": stale})
    assert sent.status_code == 409
    saved = row(world, "R1d")
    assert saved is not None and (saved.lead, saved.status) == ("Admin's lead", "done")
    item = text_of(sent.text[sent.text.index('id="action-R1d"'):])
    # who saved it in between, and when (the clock stands at 2 March 2026, 09:00 UTC)
    said = ("admin@example.org saved this action on 2 March 2026, 09:00 UTC, while you were "
            "editing it: their change is shown; make yours again")
    assert said in item
    assert "Last changed 2 March 2026, 09:00 UTC by admin@example.org" in item
    assert "What you sent, not saved: Lead Mine" in item
    assert 'name="version" value="1"' in sent.text  # the form now carries their version
    # and said first on the page, linking to the action
    summary = _summary(sent.text)
    assert text_of(summary) == (
        f"Not saved: action 11, “{R1D_SHORT}” Admin{said[5:]} Nothing you sent for "
        "action 11 was saved: what you sent is shown beside it.")
    assert 'href="#action-R1d"' in summary


def _summary(html: str) -> str:
    """The error summary, checked to be the first thing in the page's main part."""
    main = html[html.index("<main"):]
    main = main[main.index(">") + 1:].lstrip()
    assert main.startswith('<div class="error-summary" id="error-summary" role="alert" '
                           'tabindex="-1"'), main[:200]
    return main[:main.index("</div>") + 6]


def test_a_failed_save_is_said_first_on_the_page_with_a_link_to_the_field(
        world: World) -> None:
    """Action 11 sits far down a 31-action plan: the answer to a refused save opens on a
    summary naming the action by its number and first words, linking to the field."""
    first_audit(world)
    sent = track(world, "R1d", lead="Jo", due="30/04/2026", status="in-progress")
    assert sent.status_code == 400
    assert "<title>Not saved: Plan:" in sent.text
    summary = _summary(sent.text)
    assert text_of(summary).startswith(
        f"Not saved: action 11, “{R1D_SHORT}” Give the due date as year-month-day, like "
        "2026-03-31, or leave it empty")
    assert 'href="#due-11"' in summary and 'id="due-11"' in sent.text
    # the form sends the browser to the summary (a saved change goes back to its action)
    assert f'action="/wings/{world.wing_a}/plan/R1d#error-summary"' in sent.text
    refused = track(world, "R1d", status="dropped")
    assert refused.status_code == 400
    summary = _summary(refused.text)
    assert "Say why the action was dropped" in summary and 'href="#reason-11"' in summary
    assert 'id="reason-11"' in refused.text
    no_status = track(world, "R1d", status="")
    assert 'href="#status-11"' in _summary(no_status.text)
    assert 'id="status-11" name="status" value="not-started"' in no_status.text
    # nothing refused, no summary
    assert 'class="error-summary"' not in world.client("delivery").get(
        f"/wings/{world.wing_a}/plan").text


def test_last_changed_names_the_account_and_the_moment(world: World) -> None:
    first_audit(world)
    assert track(world, "R1d", lead="Jo").status_code == 303
    shown = text_of(world.client("commissioner").get(f"/wings/{world.wing_a}/plan").text)
    item = shown[shown.index(R1D):]
    assert "Last changed 2 March 2026, 09:00 UTC by delivery@example.org" in item
    world.clock.at = dt.datetime(2026, 3, 3, 17, 30, tzinfo=dt.UTC)
    assert track(world, "R1d", "admin", lead="Sam").status_code == 303
    shown = text_of(world.client("delivery").get(f"/wings/{world.wing_a}/plan").text)
    assert "Last changed 3 March 2026, 17:30 UTC by admin@example.org" in shown


def test_a_reader_sees_the_plan_and_cannot_change_it(world: World) -> None:
    first_audit(world)
    reader = world.client("commissioner")
    page = reader.get(f"/wings/{world.wing_a}/plan")
    assert page.status_code == 200 and "<details class=\"track\"" not in page.text
    assert reader.post(f"/wings/{world.wing_a}/plan/R1d",
                       {"status": "done", "version": "0"}).status_code == 403


def test_an_action_the_plan_does_not_hold_is_not_found(world: World) -> None:
    first_audit(world)
    assert track(world, "NOT-AN-ACTION", status="done").status_code == 404


def test_overdue_actions_are_flagged_and_counted(world: World) -> None:
    first_audit(world)
    assert track(world, "R1d", due="2026-03-01", status="in-progress").status_code == 303
    assert track(world, "F151", due="2026-03-01", status="done").status_code == 303
    assert track(world, "R1a", due="2026-03-02").status_code == 303  # due today: not late
    html = world.client("delivery").get(f"/wings/{world.wing_a}/plan").text
    shown = text_of(html)
    assert "1 action is overdue (past the due date, neither done nor dropped):" in shown
    assert "Overdue: it was due 1 March 2026." in shown
    assert html.count('class="plan-item is-overdue"') == 1
    assert 'id="action-R1d" class="plan-item is-overdue"' in html
    wing = text_of(world.client("delivery").get(f"/wings/{world.wing_a}").text)
    assert "1 overdue" in wing
    world.clock.at = dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC)  # a month earlier
    assert "No action is overdue." in text_of(
        world.client("delivery").get(f"/wings/{world.wing_a}/plan").text)


def test_tracking_follows_the_action_into_the_next_assessment(world: World) -> None:
    first_audit(world)
    assert track(world, "R1d", lead="Jo", due="2026-06-30",
                 status="in-progress").status_code == 303
    assert track(world, "R1a", lead="Sam", status="done", notes="Told at the community "
                 "meeting").status_code == 303
    assert track(world, "F154", status="dropped", reason="No mapping tool").status_code == 303
    store_audit(world, audit("2026-03-01", later=True))
    page = world.client("delivery").get(f"/wings/{world.wing_a}/plan")
    shown = text_of(page.text)
    # still proposed: where it was, now action 7, saying it was action 11
    assert 'value="7" id="action-R1d"' in page.text
    item = shown[shown.index(R1D):]
    assert item.startswith(f"{R1D} Was action 11 in the plan of the self-audit of 1 March "
                           "2025. Owner")
    assert "Lead Jo Due 30 June 2026 Where it stands In progress" in item
    assert shown.count("Was action") == 1  # untracked actions renumbered say nothing
    assert "Actions are numbered as in the latest plan" in shown
    # the wing page says what each count counts: 2 tracked actions met (R1a completed,
    # F154 no longer proposed), of the 4 the latest assessment completed
    wing = text_of(world.client("delivery").get(f"/wings/{world.wing_a}").text)
    assert ("progress : 25 actions. 2 of the actions your team tracked are "
            "met: no longer proposed. The latest assessment completed 4 actions of the plan "
            "before it in all.") in wing
    # no longer proposed: met, with its tracking, and why it went
    met = shown[shown.index("Met: no longer proposed Actions the team tracked"):]
    assert R1A in met and "F154" not in met
    assert "Why it went the facts behind it now hold Lead Sam" in met
    assert "Where it stands Done Notes Told at the community meeting" in met
    assert ("Why it went no longer proposed without being completed: part of what it was "
            "about is now not known") in met
    assert "Where it stands Dropped: No mapping tool" in met
    plan = wing_plan(wing_history(world.store.results(world.wing_a)),
                     world.store.trackings([world.wing_a]), dt.date(2026, 3, 2))
    assert sorted(m.tracking.action_id for m in plan.met) == ["F154", "R1a"]


def test_an_action_proposed_again_finds_its_tracking(world: World) -> None:
    """Met in the year-on audit, R1a is proposed again when a third audit finds the wing
    as the study did: its tracking was kept, so it is back in the plan with it."""
    first_audit(world)
    assert track(world, "R1a", lead="Sam", status="done").status_code == 303
    store_audit(world, audit("2026-03-01", later=True))
    assert 'id="action-R1a"' not in world.client("delivery").get(
        f"/wings/{world.wing_a}/plan").text
    store_audit(world, audit("2027-03-01"))
    html = world.client("delivery").get(f"/wings/{world.wing_a}/plan").text
    start = html.rindex("<li", 0, html.index('id="action-R1a"'))
    item = text_of(html[start:html.index("</li>", start)])
    assert item.startswith(R1A) and "Lead Sam Due no date set Where it stands Done" in item
    assert '<section id="met"' not in html


def test_the_plan_downloads_as_a_csv_checklist(world: World) -> None:
    first_audit(world)
    assert track(world, "R1d", lead="@lead", due="2026-03-01",
                 status="in-progress").status_code == 303
    got = world.client("commissioner").get(f"/wings/{world.wing_a}/plan.csv")
    assert got.status_code == 200
    assert got.headers["content-type"] == "text/csv; charset=utf-8"
    assert got.headers["content-disposition"] == (
        'attachment; filename="hmp-high-down-community-living-unit-clu-plan.csv"')
    assert got.content.startswith(b"\xef\xbb\xbfNumber,Action,")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 31
    r1d = next(x for x in rows if x[-1] == "R1d")
    assert r1d[0] == "11" and r1d[9:13] == ["'@lead", "2026-03-01", "In progress", ""]
    assert r1d[14] == "Overdue"


def test_a_wing_without_an_assessment_has_no_plan_yet(world: World) -> None:
    reader = world.client("commissioner")
    page = reader.get(f"/wings/{world.wing_a}/plan")
    assert page.status_code == 200
    assert "This wing has no stored assessment yet, so no plan." in text_of(page.text)
    assert reader.get(f"/wings/{world.wing_a}/plan.csv").status_code == 404


def test_the_printed_checklist_has_the_tracking_columns(world: World) -> None:
    first_audit(world)
    assert track(world, "R1d", lead="Jo", due="2026-03-01", status="in-progress",
                 notes="call Tue").status_code == 303
    html = world.client("delivery").get(f"/wings/{world.wing_a}/plan").text
    printed = html[html.index('<section class="plan-print">'):]
    assert printed.count("<tr data-check=") == 31
    heads = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', printed)
    assert heads == ["#", "Action, and how to tell it is done", "Owner", "Lead", "Due",
                     "Status", "Notes"]
    r1d = printed[printed.index('<tr data-check="R1d">'):]
    r1d = text_of(r1d[:r1d.index("</tr>")])
    assert r1d.endswith("CFO staff team Jo 1 March 2026 ⚠ overdue In progress call Tue")


def test_reloading_a_refused_save_opens_the_plan_at_its_action(world: World) -> None:
    """A refused save is shown at /wings/ID/plan/ACTION (the form's address): reloading
    that address asks for it again, and gets the plan at the action."""
    first_audit(world)
    for role in ("delivery", "commissioner"):
        reloaded = world.client(role).get(f"/wings/{world.wing_a}/plan/R1a")
        assert reloaded.status_code == 303
        assert reloaded.headers["location"] == f"/wings/{world.wing_a}/plan#action-R1a"
