"""A wing's history (issue 20, point 1): its stored assessments in the order they were made
(`assessed.on`, ties in the order stored), the rung and the lights over time drawn on the
server with tables beside them, and what changed since the last assessment as `advisor
compare` computes it; a proposal and a self-audit told apart; uploads still work.

The two audits are tests/test_compare.py's: High Down assessed on 1 March 2025 as the
study found it (Ambassador, rung 0, target 3, lights G G O O O O, 31 actions), then a year
on with expectations agreed and told, holders known and active day to day, the group most
in need identified, the Lifer Rep formally involved, the baseline mapping no longer known
and senior interest in residents' voice lost: rung 1, target 3, stage 6 orange to red;
F153, R1a, LL1-daily and R1c-visible completed; F154 (now unknown) and R2c (only partly
changed) no longer proposed without being completed; nothing new (25 actions).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from advisor import yamlio
from advisor.paths import set_in
from advisor.render import to_json
from advisor.web.history import wing_history
from advisor.web.models import Result, assessed_on, latest_of
from tests.conftest import HIGH_DOWN
from tests.test_compare import A_YEAR_ON
from tests.test_report_words import _no_internal_words, _shown
from tests.web.conftest import World
from tests.web.helpers import assess_text

COMPLETED = ["F153", "R1a", "LL1-daily", "R1c-visible"]
# the four completed actions' texts begin so (rules/*.yaml)
COMPLETED_TEXTS = ["Work out with residents which group on the wing needs most support",
                   "Agree, as a staff team and with residents, what holders of the role",
                   "Agree with holders what they do on the wing from day to day",
                   "Make holders known: introduce them at the start of every course"]


def audit(on: str, *, later: bool = False, kind: str = "self-audit",
          prison: str = "HMP High Down") -> dict[str, Any]:
    """High Down as a profile (plain data) assessed on `on`: as the study found it, or a
    year on (`later`)."""
    data: dict[str, Any] = copy.deepcopy(yamlio.load(HIGH_DOWN).data)
    data["kind"], data["assessed"]["on"] = kind, on
    data["site"]["prison"] = prison
    if kind == "proposal":  # a proposal describes a wing yet to open
        data["roles"][0]["engagement"]["day_to_day"] = "planned"
    if later:
        for path, value in A_YEAR_ON:
            set_in(data, path, value)
    return data


def store_audit(world: World, data: dict[str, Any], wing_id: int | None = None) -> Result:
    """Store `data`'s assessment on wing A (or `wing_id`) as the delivery team uploaded it."""
    wing = world.store.wing(wing_id or world.wing_a)
    team = world.store.user(world.users["delivery"])
    assert wing is not None and team is not None
    text = json.dumps(data, default=str)  # JSON is YAML
    return world.store.add_result(wing, kind=data["kind"], source="upload", profile_yaml=text,
                                  rulebook_version="test", result_json=to_json(
                                      assess_text(text)), by=team)


def two_audits(world: World) -> tuple[Result, Result]:
    """The year-on audit stored first, the earlier one second: (earlier, later)."""
    later = store_audit(world, audit("2026-03-01", later=True))
    earlier = store_audit(world, audit("2025-03-01"))
    return earlier, later


def text_of(html: str) -> str:
    return _shown(html, "html")


# -- the history as data ---------------------------------------------------------------


def test_assessments_are_in_the_order_they_were_made_not_stored(world: World) -> None:
    earlier, later = two_audits(world)
    history = wing_history(world.store.results(world.wing_a))
    assert [e.stored.id for e in history.entries] == [earlier.id, later.id]
    assert history.dated
    assert [e.label for e in history.entries] == ["1 March 2025", "1 March 2026"]
    assert [e.name for e in history.entries] == ["the self-audit of 1 March 2025",
                                                 "the self-audit of 1 March 2026"]
    assert history.latest is not None and history.latest.stored.id == later.id
    assert [(e.data["current_rung"], e.data["target_rung"]) for e in history.entries] == [
        (0, 3), (1, 3)]


def test_what_changed_is_what_compare_computes(world: World) -> None:
    two_audits(world)
    (step,) = wing_history(world.store.results(world.wing_a)).steps
    assert step.completed == COMPLETED
    assert sorted(step.dropped) == ["F154", "R2c"]
    assert step.dropped["F154"] == "part of what it was about is now not known"
    headings = [what for what, _ in step.blocks]
    assert headings[:3] == ["Rung now: 0 → 1 (up)", "Target rung: 3 (unchanged)",
                            "Stage lights that moved:"]
    lines = dict(step.blocks)
    assert lines["Stage lights that moved:"] == [
        "Stage 6 (contribute lived experience to policy): ◐ ORANGE → ○ RED (down)"]
    done = lines["Actions completed: the facts behind them now hold"]
    assert [any(x.startswith(t) for x in done) for t in COMPLETED_TEXTS] == [True] * 4
    assert "New actions" not in lines  # nothing was added
    assert "Were wing relationships mapped before the programme began?" in lines[
        "Open questions raised"]


def test_the_same_date_keeps_the_order_stored(world: World) -> None:
    first = store_audit(world, audit("2026-03-01", later=True))
    second = store_audit(world, audit("2026-03-01"))
    history = wing_history(world.store.results(world.wing_a))
    assert [e.stored.id for e in history.entries] == [first.id, second.id]
    assert [e.label for e in history.entries] == ["1. 1 March 2026", "2. 1 March 2026"]
    (step,) = history.steps  # from the year-on audit back to the study's: rung 1 -> 0
    assert step.blocks[0][0] == "Rung now: 1 → 0 (down)"


def test_without_a_date_they_are_in_the_order_stored(world: World) -> None:
    later = store_audit(world, audit("2026-03-01", later=True))
    undated = store_audit(world, audit("unknown"))
    history = wing_history(world.store.results(world.wing_a))
    assert not history.dated
    assert [e.stored.id for e in history.entries] == [later.id, undated.id]
    assert history.entries[1].on is None and history.entries[1].label == "date not recorded"
    assert history.entries[1].name == "the self-audit stored on 2 March 2026"


def test_one_assessment_has_no_step(world: World) -> None:
    store_audit(world, audit("2025-03-01"))
    history = wing_history(world.store.results(world.wing_a))
    assert len(history.entries) == 1 and history.steps == []


def test_names_written_differently_are_still_the_same_wing(world: World) -> None:
    """An upload is checked against the wing case and spacing aside: compare sees one wing."""
    store_audit(world, audit("2025-03-01", prison="hmp  HIGH down"))
    store_audit(world, audit("2026-03-01", later=True))
    (step,) = wing_history(world.store.results(world.wing_a)).steps
    assert step.completed == COMPLETED


def test_a_proposal_and_a_self_audit_are_told_apart(world: World) -> None:
    store_audit(world, audit("2026-03-01", later=True))
    store_audit(world, audit("2024-09-01", kind="proposal"))
    history = wing_history(world.store.results(world.wing_a))
    assert [e.name for e in history.entries] == ["the proposal of 1 September 2024",
                                                 "the self-audit of 1 March 2026"]


def test_the_date_is_read_from_assessed_on() -> None:
    import datetime as dt

    assert assessed_on({"assessed": {"on": "2026-03-01"}}) == dt.date(2026, 3, 1)
    assert assessed_on({"assessed": {"on": "unknown"}}) is None
    assert assessed_on({"assessed": None}) is None


# -- the wing's page -------------------------------------------------------------------


def test_the_wing_page_shows_the_history_charts_and_changes(world: World) -> None:
    earlier, later = two_audits(world)
    page = world.client("commissioner").get(f"/wings/{world.wing_a}")
    assert page.status_code == 200
    html = page.text
    shown = text_of(html)
    # in date order, each with its kind, date, rungs and lights in words, and a link
    first = shown.index("Self-audit of a running wing, assessed 1 March 2025")
    second = shown.index("Self-audit of a running wing, assessed 1 March 2026")
    assert first < second
    assert "Ambassador: rung now 0, target rung 3." in shown
    assert "Ambassador: rung now 1, target rung 3." in shown
    assert ("Lights: 1 ● GREEN, 2 ● GREEN, 3 ◐ ORANGE, 4 ◐ ORANGE, 5 ◐ ORANGE, 6 ○ RED"
            in shown)
    assert f'href="/results/{earlier.id}"' in html and f'href="/results/{later.id}"' in html
    assert f'href="/wings/{world.wing_a}/plan"' in html
    # the charts, drawn on the server, each with a table beside it
    assert html.count('<svg id="rung-chart"') == 1 and html.count('<svg id="lights-strip"') == 1
    assert "The rung at each assessment" in shown
    assert "The stage lights at each assessment" in shown
    # what changed, in words
    changed = shown[shown.index("What changed since the last assessment"):]
    assert changed.startswith("What changed since the last assessment From the self-audit "
                              "of 1 March 2025 to the self-audit of 1 March 2026 Rung now: "
                              "0 → 1 (up) Target rung: 3 (unchanged)")
    assert "Actions no longer proposed, though not completed" in changed
    assert "Latest: the self-audit of 1 March 2026: Ambassador at rung 1 of 5" in shown
    assert "The plan and its progress" in shown and ": 25 actions." in shown
    _no_internal_words(shown, "the wing page")
    assert "<form" not in html.split("</nav>", 1)[1]  # a commissioner changes nothing


def test_three_assessments_show_the_latest_change_first(world: World) -> None:
    two_audits(world)
    store_audit(world, audit("2027-03-01"))  # back as the study found it: rung 0 again
    shown = text_of(world.client("delivery").get(f"/wings/{world.wing_a}").text)
    changed = shown[shown.index("What changed since the last assessment"):]
    assert changed.index("From the self-audit of 1 March 2026 to the self-audit of 1 March "
                         "2027 Rung now: 1 → 0 (down)") < changed.index("Earlier changes")
    assert "From the self-audit of 1 March 2025 to the self-audit of 1 March 2026" in \
        changed[changed.index("Earlier changes"):]


def test_one_assessment_says_what_a_second_will_show(world: World) -> None:
    store_audit(world, audit("2025-03-01"))
    html = world.client("delivery").get(f"/wings/{world.wing_a}").text
    assert "<svg" not in html
    assert "One assessment so far. When a second is stored" in text_of(html)


def test_a_wing_without_assessments(world: World) -> None:
    shown = text_of(world.client("delivery").get(f"/wings/{world.wing_a}").text)
    assert "Stored assessments None yet." in shown
    assert "What changed" not in shown


def test_a_proposal_and_a_self_audit_on_one_page(world: World) -> None:
    store_audit(world, audit("2024-09-01", kind="proposal"))
    store_audit(world, audit("2026-03-01", later=True))
    shown = text_of(world.client("delivery").get(f"/wings/{world.wing_a}").text)
    assert shown.index("Proposal for a new wing, assessed 1 September 2024") < shown.index(
        "Self-audit of a running wing, assessed 1 March 2026")
    assert "From the proposal of 1 September 2024 to the self-audit of 1 March 2026" in shown


def test_an_upload_still_lands_in_the_history(world: World) -> None:
    team = world.client("delivery")
    team.get(f"/wings/{world.wing_a}")
    text = json.dumps(audit("2025-03-01"), default=str)
    sent = team.http.post(f"/wings/{world.wing_a}/upload", data={"csrf": team.csrf},
                          files={"profile": ("clu-2025.yaml", text.encode(),
                                             "application/yaml")})
    assert sent.status_code == 303
    shown = text_of(team.get(f"/wings/{world.wing_a}").text)
    assert "Self-audit of a running wing, assessed 1 March 2025" in shown
    wrong = team.http.post(f"/wings/{world.wing_a}/upload", data={"csrf": team.csrf},
                           files={"profile": ("b.yaml", text.replace("HMP High Down",
                                                                     "HMP Elsewhere").encode(),
                                              "application/yaml")})
    assert wrong.status_code == 400
    assert "this profile is about Community Living Unit (CLU), HMP Elsewhere" in wrong.text


def test_another_teams_wing_is_not_found(world: World) -> None:
    store_audit(world, audit("2025-03-01"), wing_id=world.wing_b)
    assert world.client("delivery").get(f"/wings/{world.wing_b}").status_code == 404


def test_the_latest_is_the_last_made_by_date_or_the_last_stored_when_any_is_undated() -> None:
    import datetime as dt

    march, may = dt.date(2026, 3, 1), dt.date(2026, 5, 1)
    assert latest_of([]) is None
    assert latest_of([(7, may), (9, march)]) == 7  # stored later, made earlier
    assert latest_of([(7, may), (9, may)]) == 9  # the same day: the one stored last
    assert latest_of([(7, may), (9, None)]) == 9  # one undated: all in the order stored


def test_the_portfolio_the_wing_page_and_the_plan_agree_on_the_latest(world: World) -> None:
    """A year-old audit uploaded after this year's neither replaces this year's plan nor
    this year's row on the portfolio (the portfolio reads only the stored dates)."""
    from advisor.web.portfolio import Summaries

    earlier, later = two_audits(world)
    assert (earlier.assessed_on, later.assessed_on) == (dt.date(2025, 3, 1),
                                                        dt.date(2026, 3, 1))
    history = wing_history(world.store.results(world.wing_a))
    assert history.latest is not None and history.latest.stored.id == later.id
    assert Summaries().latest(world.store, [world.wing_a])[world.wing_a].id == later.id
    page = world.client("commissioner").get("/").text
    assert f'href="/results/{later.id}"' in page
    assert f'href="/results/{earlier.id}"' not in page


def test_a_history_is_worked_out_again_only_when_an_assessment_is_added(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from advisor.web import history as module

    worked: list[int] = []
    real = module.wing_history

    def counted(results: Any) -> Any:
        worked.append(len(results))
        return real(results)

    monkeypatch.setattr(module, "wing_history", counted)
    kept = module.Histories(size=1)
    earlier, later = two_audits(world)
    first = kept.of(world.store, world.wing_a)
    assert kept.of(world.store, world.wing_a) is first and worked == [2]
    store_audit(world, audit("2026-06-01", later=True))  # a third: the ids change
    third = kept.of(world.store, world.wing_a)
    # made after the latest: only the step from the latest to it is worked out
    assert worked == [2, 2] and third.latest is not None
    assert [e.stored.id for e in third.entries][:2] == [earlier.id, later.id]
    kept.of(world.store, world.wing_b)  # one kept at most: wing A's is dropped
    kept.of(world.store, world.wing_a)
    assert worked == [2, 2, 1, 3]


@pytest.mark.parametrize(("dates", "worked_out"), [
    # how many assessments each history after the second is worked out from: two when the
    # new one comes last (the step from the latest), then all when it does not
    (["2025-03-01", "2026-03-01", "2026-06-01"], [[2]]),  # each made after the last
    (["2025-03-01", "2026-03-01", "2026-03-01"], [[2]]),  # the same day: stored last
    (["2025-03-01", "2026-03-01", "2025-06-01"], [[2, 3]]),  # made between: all again
    (["2025-03-01", "2026-03-01", None], [[2]]),  # undated: all in the order stored
    ([None, "2026-03-01", "2025-06-01"], [[2, 3]]),
    (["2025-03-01", "2026-03-01", "2026-06-01", "2026-02-01", "2026-09-01"],
     [[2], [2, 4], [2]]),
])
def test_a_history_extended_is_the_history_worked_out_whole(
        world: World, monkeypatch: pytest.MonkeyPatch, dates: list[str | None],
        worked_out: list[list[int]]) -> None:
    """After each new assessment the kept history equals the one worked out from every
    stored assessment: entries, labels, what each keeps, and every step."""
    from advisor.web import history as module

    real = module.wing_history
    kept = module.Histories()
    for n, on in enumerate(dates):
        data = audit(on or "2026-01-01", later=n % 2 == 1)
        if on is None:
            del data["assessed"]["on"]
        store_audit(world, data)
        if n == 0:
            continue
        worked: list[int] = []

        def counted(results: Any, worked: list[int] = worked) -> Any:
            worked.append(len(results))
            return real(results)

        monkeypatch.setattr(module, "wing_history", counted)
        history = kept.of(world.store, world.wing_a)
        monkeypatch.setattr(module, "wing_history", real)
        assert history == real(world.store.results(world.wing_a))
        if n > 1:  # the first is worked out whole: nothing was kept before it
            assert worked == worked_out[n - 2], (n, worked)


def test_a_wing_keeps_one_history_and_the_earlier_assessments_in_short(world: World) -> None:
    from advisor.web.history import Histories

    kept = Histories()
    two_audits(world)
    kept.of(world.store, world.wing_a)
    store_audit(world, audit("2026-06-01", later=True))
    history = kept.of(world.store, world.wing_a)
    assert len(kept._kept) == 1  # the wing's history before its third assessment is gone
    first, latest = history.entries[0].data, history.latest
    assert latest is not None and "explanations" in latest.data  # the latest whole
    assert "explanations" not in first and first["current_rung"] == 0  # the rest in short
    assert first["actions"][0].keys() <= {"id", "text", "owner", "done_when", "sources"}
    Histories.most_assessments, saved = 2, Histories.most_assessments
    try:  # over its bound, the least recently used go (but never the one just made)
        kept.of(world.store, world.wing_b)
        assert [k[0] for k in kept._kept] == [world.wing_b]
    finally:
        Histories.most_assessments = saved
