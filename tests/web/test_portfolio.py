"""The portfolio: the home page's table of every wing a user may see, its sorts and
filters, its CSV, and the side-by-side comparison of the wings ticked.

The world has the two wings of `tests/web/conftest.py` (the CLU, not assessed; B wing,
HMP Elsewhere, a proposal made of an empty guided assessment) and four more, each holding
a bundled profile's assessment. What each of those assessments says (kind, role, rungs,
lights, verdict, date) is read from the profile files and the rulebook, as `advisor
assess` reports them:

- B wing, HMP Elsewhere (an empty guided proposal): proposal, no role, rung 0, target 1,
  lights r r r r r r, not ready, no date;
- Willow wing, HMP Example Ford (two-roles): self-audit, Peer mentor, rung 3, target 4,
  lights g g r o o r, 2026-09-14;
- Harbour unit (proposed), HMP Example Marsh (thin-proposal): proposal, Wing
  representative, rung 0, target 2, lights o o o r r r, ready with conditions, 2026-11-20;
- Oak wing, HMP Example Ridge (no-role-yet): self-audit, no role, rung 0, target 1,
  lights g g r r r r, 2026-10-05;
- Fairhaven wing, HMP Example Vale (peer-led-wing): self-audit, Peer mentor, rung 5,
  target 5, lights g g g g o o, 2026-11-02.

Overdue on 2 March 2026 (the world's clock), worked from the tracking set below: Oak wing
2 (R1a due 1 February, not started; LL1-daily due 28 February, in progress; R1d,
overdue but not proposed for Oak, does not count), Willow wing 1 (R1c due 1 March; A1-design
due today is not overdue yet; R1d past due but done), the others 0.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from advisor.render import to_json
from advisor.web.models import ActionTracking, Result, Wing
from advisor.web.portfolio import (
    Latest,
    Row,
    Summaries,
    View,
    compare_names,
    counts_line,
    csv_text,
    kind_title,
    portfolio_rows,
)
from tests.web.conftest import World
from tests.web.helpers import assess_text

PROFILES = Path(__file__).resolve().parents[2] / "profiles"
TODAY = dt.date(2026, 3, 2)
WILLOW, HARBOUR, OAK, FAIRHAVEN = ("Willow wing, HMP Example Ford",
                                   "Harbour unit (proposed), HMP Example Marsh",
                                   "Oak wing, HMP Example Ridge",
                                   "Fairhaven wing, HMP Example Vale")
B_WING, CLU = "B wing, HMP Elsewhere", "Community Living Unit (CLU), HMP High Down"


def stock(world: World) -> dict[str, Any]:
    """The four wings of the bundled profiles, each assessed; the work tracked on two.
    Returns wing name -> (wing, its latest result)."""
    store = world.store
    admin = store.user(world.users["admin"])
    assert admin is not None
    out: dict[str, Any] = {}
    for file, prison, name in (("two-roles", "HMP Example Ford", "Willow wing"),
                               ("thin-proposal", "HMP Example Marsh", "Harbour unit (proposed)"),
                               ("no-role-yet", "HMP Example Ridge", "Oak wing"),
                               ("peer-led-wing", "HMP Example Vale", "Fairhaven wing")):
        wing = store.add_wing(prison, name, by=admin)
        if file == "no-role-yet":  # an older assessment first: the row shows the latest
            older = (PROFILES / "peer-led-wing.yaml").read_text(encoding="utf-8").replace(
                "on: 2026-11-02", "on: 2025-11-02")  # a year before no-role-yet's
            store.add_result(wing, kind="self-audit", source="upload", profile_yaml=older,
                             rulebook_version="x", result_json=to_json(assess_text(older)),
                             by=admin)
        text = (PROFILES / f"{file}.yaml").read_text(encoding="utf-8")
        result = assess_text(text)
        stored = store.add_result(wing, kind=result["profile"]["kind"], source="upload",
                                  profile_yaml=text, rulebook_version="x",
                                  result_json=to_json(result), by=admin)
        out[f"{name}, {prison}"] = (wing, stored)
    oak, willow = out[OAK][0], out[WILLOW][0]
    for wing, action, due, status in (
            (oak, "R1a", dt.date(2026, 2, 1), "not-started"),
            (oak, "LL1-daily", dt.date(2026, 2, 28), "in-progress"),
            (oak, "R1d", dt.date(2026, 1, 1), "not-started"),  # not proposed for Oak
            (oak, "LL2-select", dt.date(2026, 3, 20), "not-started"),  # due later
            (willow, "R1c", dt.date(2026, 3, 1), "in-progress"),
            (willow, "A1-design", dt.date(2026, 3, 2), "not-started"),  # due today
            (willow, "R1d", dt.date(2026, 1, 5), "done")):
        store.track(wing, action, lead="", due=due, status=status, reason="", notes="",
                    by=admin)
    return out


def names(html: str) -> list[str]:
    """The wings in the table, in its order."""
    return re.findall(r'<th scope="row"><a href="/wings/\d+">([^<]*)</a></th>', html)


def home(world: World, query: str = "", role: str = "commissioner") -> Any:
    response = world.client(role).get("/" + query)
    assert response.status_code == 200, response.text
    return response


# -- the logic, without a store -----------------------------------------------------------


def _rows() -> list[Any]:
    """The rows of the table above, made straight from the models."""
    wings, latest = [], {}
    made = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    for n, (prison, name, file) in enumerate((
            ("HMP High Down", "Community Living Unit (CLU)", None),
            ("HMP Example Ford", "Willow wing", "two-roles"),
            ("HMP Example Marsh", "Harbour unit (proposed)", "thin-proposal"),
            ("HMP Example Ridge", "Oak wing", "no-role-yet"),
            ("HMP Example Vale", "Fairhaven wing", "peer-led-wing")), 1):
        wings.append(Wing(id=n, prison=prison, name=name))
        if file:
            text = (PROFILES / f"{file}.yaml").read_text(encoding="utf-8")
            latest[n] = Latest.of(Result(id=10 + n, wing_id=n,
                                         result_json=to_json(assess_text(text)),
                                         created_at=made + dt.timedelta(days=n)))
    tracked = [ActionTracking(wing_id=4, action_id="R1a", due=dt.date(2026, 2, 1),
                              status="not-started"),
               ActionTracking(wing_id=4, action_id="R1d", due=dt.date(2026, 2, 1),
                              status="not-started"),
               ActionTracking(wing_id=2, action_id="R1c", due=dt.date(2026, 3, 1),
                              status="dropped")]
    return portfolio_rows(wings, latest, tracked, TODAY)


def test_a_row_is_the_wings_latest_assessment_in_short() -> None:
    rows = {r.name: r for r in _rows()}
    willow = rows[WILLOW]
    assert (willow.kind, willow.role, willow.current_rung, willow.target_rung) == \
        ("self-audit", "Peer mentor", 3, 4)
    assert willow.lights == ("green", "green", "red", "orange", "orange", "red")
    assert (willow.verdict, willow.assessed_on, willow.overdue) == \
        (None, dt.date(2026, 9, 14), 0)  # its one tracked action was dropped
    harbour = rows[HARBOUR]
    assert (harbour.kind, harbour.verdict, harbour.role) == \
        ("proposal", "ready-with-conditions", "Wing representative")
    assert rows[OAK].role == ""  # no role selected
    assert rows[OAK].overdue == 1  # R1a; R1d is not proposed for Oak wing
    clu = rows[CLU]
    assert (clu.result_id, clu.kind, clu.lights, clu.overdue) == (None, None, (), 0)
    assert rows[FAIRHAVEN].stored == dt.datetime(2026, 3, 6, 10, 0, tzinfo=dt.UTC)
    assert counts_line(_rows()) == "5 wings: 1 proposal, 3 self-audits and 1 not assessed yet"
    example = Row(7, "HMP High Down", "Copy", result_id=70, kind="example")
    assert counts_line([example, rows[CLU]]) == \
        "2 wings: 1 worked example and 1 not assessed yet"


def test_a_wing_with_an_assessment_begun_and_none_stored_is_in_progress() -> None:
    wings = [Wing(id=1, prison="HMP A", name="C wing"), Wing(id=2, prison="HMP A", name="D wing")]
    rows = portfolio_rows(wings, {}, [], TODAY, {1: 2})
    assert [(r.drafts, kind_title(r)) for r in rows] == [(2, "Assessment in progress"),
                                                         (0, "Not assessed yet")]
    assert counts_line(rows) == \
        "2 wings: 1 not assessed yet and 1 with an assessment in progress"


def test_the_comparison_names_each_assessment_by_its_wing() -> None:
    willow = Wing(id=1, prison="HMP Example Ford", name="Willow wing")
    oak = Wing(id=2, prison="HMP Example Ridge", name="Oak wing")
    made = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)

    def result(n: int, on: dt.date | None, days: int = 0) -> Result:
        return Result(id=n, assessed_on=on, created_at=made + dt.timedelta(days=days))

    autumn, spring = dt.date(2026, 10, 5), dt.date(2026, 4, 1)
    assert compare_names([(result(1, autumn), willow), (result(2, spring), oak)]) == \
        [WILLOW, OAK]  # one each: by the wing alone
    assert compare_names([(result(1, autumn), oak), (result(2, None), oak),
                          (result(3, spring), willow)]) == \
        [f"{OAK}, assessed 5 October 2026", f"{OAK}, date not recorded", WILLOW]
    assert compare_names([(result(1, spring), oak), (result(2, spring, days=3), oak)]) == \
        [f"{OAK}, assessed 1 April 2026 (stored 1 March 2026)",
         f"{OAK}, assessed 1 April 2026 (stored 4 March 2026)"]
    assert compare_names([(result(1, None), oak), (result(2, None), oak)]) == \
        [f"1. {OAK}, date not recorded (stored 1 March 2026)",
         f"2. {OAK}, date not recorded (stored 1 March 2026)"]


@pytest.mark.parametrize(("query", "expected"), [
    ({}, [WILLOW, HARBOUR, OAK, FAIRHAVEN, CLU]),
    ({"order": "desc"}, [CLU, FAIRHAVEN, OAK, HARBOUR, WILLOW]),
    ({"sort": "wing"}, [CLU, FAIRHAVEN, HARBOUR, OAK, WILLOW]),
    ({"sort": "rung", "order": "desc"}, [FAIRHAVEN, WILLOW, HARBOUR, OAK, CLU]),
    ({"sort": "rung"}, [OAK, HARBOUR, WILLOW, FAIRHAVEN, CLU]),  # not assessed: last
    ({"sort": "target"}, [OAK, HARBOUR, WILLOW, FAIRHAVEN, CLU]),
    ({"sort": "lights", "order": "desc"}, [FAIRHAVEN, WILLOW, OAK, HARBOUR, CLU]),
    ({"sort": "verdict"}, [HARBOUR, WILLOW, OAK, FAIRHAVEN, CLU]),
    ({"sort": "kind"}, [HARBOUR, WILLOW, OAK, FAIRHAVEN, CLU]),
    ({"sort": "role"}, [OAK, WILLOW, FAIRHAVEN, HARBOUR, CLU]),  # no role sorts first
    ({"sort": "assessed", "order": "desc"}, [HARBOUR, FAIRHAVEN, OAK, WILLOW, CLU]),
    ({"sort": "stored", "order": "desc"}, [FAIRHAVEN, OAK, HARBOUR, WILLOW, CLU]),
    ({"sort": "overdue", "order": "desc"}, [OAK, WILLOW, HARBOUR, FAIRHAVEN, CLU]),
    ({"sort": "nonsense", "order": "sideways"}, [WILLOW, HARBOUR, OAK, FAIRHAVEN, CLU]),
])
def test_the_sorts_put_rows_without_a_value_last_and_ties_by_prison(
        query: dict[str, str], expected: list[str]) -> None:
    assert [r.name for r in View.from_query(query).apply(_rows())] == expected


@pytest.mark.parametrize(("query", "expected"), [
    ({"kind": "proposal"}, [HARBOUR]),
    ({"kind": "self-audit"}, [WILLOW, OAK, FAIRHAVEN]),
    ({"kind": "none"}, [CLU]),
    ({"verdict": "ready-with-conditions"}, [HARBOUR]),
    ({"verdict": "ready"}, []),
    ({"light": "red"}, [WILLOW, HARBOUR, OAK]),
    ({"light": "orange", "stage": "5"}, [WILLOW, FAIRHAVEN]),
    ({"light": "green", "stage": "3"}, [FAIRHAVEN]),
    ({"overdue": "yes"}, [OAK]),
    ({"q": "  example   M "}, [HARBOUR]),  # spacing and case aside
    ({"q": "WING"}, [WILLOW, OAK, FAIRHAVEN]),
    ({"q": "high down"}, [CLU]),
    ({"kind": "self-audit", "light": "red", "sort": "rung", "order": "desc"}, [WILLOW, OAK]),
    ({"kind": "everything", "stage": "9"}, [WILLOW, HARBOUR, OAK, FAIRHAVEN, CLU]),
])
def test_the_filters(query: dict[str, str], expected: list[str]) -> None:
    assert [r.name for r in View.from_query(query).apply(_rows())] == expected


def test_a_view_is_its_address_with_the_defaults_left_out() -> None:
    view = View.from_query({"sort": "rung", "order": "desc", "light": "red", "q": "a b"})
    assert view.url() == "/?sort=rung&order=desc&light=red&q=a+b"
    assert view.url("/portfolio.csv", sort="prison", order="asc") == \
        "/portfolio.csv?light=red&q=a+b"
    assert View().url() == "/"
    assert View.from_query({"overdue": "yes", "stage": "2"}).url() == "/?stage=2&overdue=yes"


def test_the_csv_has_words_for_values_and_neutralised_cells() -> None:
    rows = _rows()
    rows.append(Row(99, "=HYPERLINK(\"x\")", "-1+2"))
    text = csv_text(rows)
    assert text.startswith("\ufeffWing id,Prison,Wing,Kind,Role assessed,Rung now,")
    assert text.count("\r\n") == 7  # the header and six rows, each ending CRLF
    table = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert table[0][9:15] == [f"Stage {n}" for n in range(1, 7)]
    willow = table[2]
    assert willow == ["2", "HMP Example Ford", "Willow wing", "Self-audit", "Peer mentor",
                      "3", "participation", "4", "co-production", "GREEN", "GREEN", "RED",
                      "ORANGE", "ORANGE", "RED", "Not a proposal", "2026-09-14",
                      "2026-03-03", "0", "12"]
    assert table[3][3:9] + table[3][15:16] == ["Proposal", "Wing representative", "0",
                                               "non-engagement", "2", "consultation",
                                               "Ready with conditions"]
    assert table[4][4] == "No role selected"
    assert table[1] == ["1", "HMP High Down", "Community Living Unit (CLU)",
                                           "Not assessed yet"] + [""] * 16
    assert table[6][1:3] == ["'=HYPERLINK(\"x\")", "'-1+2"]


# -- through HTTP ---------------------------------------------------------------------------


def test_a_commissioner_sees_every_wing_with_its_latest_assessment(world: World) -> None:
    made = stock(world)
    page = home(world).text
    assert "<h1>Wings and proposals</h1>" in page
    assert names(page) == [B_WING, WILLOW, HARBOUR, OAK, FAIRHAVEN, CLU]
    assert "6 wings: 2 proposals, 3 self-audits and 1 not assessed yet" in page
    row = page[page.index(f">{OAK}<"):]
    row = row[:row.index("</tr>")]
    oak_result = made[OAK][1]
    assert f'<a href="/results/{oak_result.id}"' in row  # the newest, not the older one
    cells = [re.sub(r"<[^>]+>", "", c).strip()
             for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[:4] == ["Self-audit", "No role selected", "0 (non-engagement)",
                          "1 (information)"]
    # a self-audit's verdict cell is empty to the eye, "not a proposal" to a screen reader;
    # a date may break before its year only
    assert cells[5:] == ["Not a proposal", "5\u00a0October 2026", "2\u00a0March 2026", "2"]
    assert '<td><span class="visually-hidden">Not a proposal</span></td>' in row
    # the lights read without colour: a symbol each, and the stage and light in words
    assert cells[4] == ("●Stage 1 GREEN, ●Stage 2 GREEN, ○Stage 3 RED, ○Stage 4 RED, "
                        "○Stage 5 RED, ○Stage 6 RED")
    clu = page[page.index(f">{CLU}<"):]
    assert 'Not assessed yet</td>' in clu[:clu.index("</tr>")]
    assert "Add a wing" not in page
    for hidden in ("REQ-", "roles[0]", "LL2-", "R1a", "ready-with-conditions</td>"):
        assert hidden not in page


def test_an_assessment_in_progress_shows_on_its_wings_row(world: World) -> None:
    store = world.store
    admin = store.user(world.users["admin"])
    assert admin is not None
    clu = store.wing(world.wing_a)
    assert clu is not None
    store.start_draft(clu, "self-audit", {}, by=admin)
    store.add_wing("HMP High Down", "D wing", by=admin)  # nothing begun
    page = home(world).text
    assert names(page) == [B_WING, CLU, "D wing, HMP High Down"]
    row = page[page.index(f">{CLU}<"):]
    assert '<td colspan="9" class="muted">Assessment in progress</td>' in \
        row[:row.index("</tr>")]
    row = page[page.index(">D wing, HMP High Down<"):]
    assert '<td colspan="9" class="muted">Not assessed yet</td>' in row[:row.index("</tr>")]
    # B wing has one stored and one begun: its row is the stored one's
    row = page[page.index(f">{B_WING}<"):]
    assert "in progress" not in row[:row.index("</tr>")]
    assert "3 wings: 1 proposal, 1 not assessed yet and 1 with an assessment in progress" \
        in page
    table = list(csv.reader(io.StringIO(world.client("commissioner").get(
        "/portfolio.csv").content.decode("utf-8-sig"))))
    assert [(r[2], r[3]) for r in table[1:]] == [("B wing", "Proposal"),
                                                  ("Community Living Unit (CLU)",
                                                   "Assessment in progress"),
                                                  ("D wing", "Not assessed yet")]


def test_the_table_scrolls_in_its_own_labelled_region(world: World) -> None:
    stock(world)
    page = home(world).text
    assert ('<div class="scroll" role="region" aria-labelledby="portfolio-caption" '
            'tabindex="0">') in page
    assert '<caption id="portfolio-caption">' in page
    # the words hidden for screen readers are placed within the region and their cell,
    # not beside the table where they widened the page (measured in the browser test)
    css = world.client("commissioner").get("/style.css").text
    assert re.search(r"#portfolio \.scroll \{[^}]*position: relative;", css)
    assert "table.portfolio td, table.portfolio th { position: relative; }" in css


def test_sorting_is_by_links_in_the_headers_and_says_so(world: World) -> None:
    stock(world)
    page = home(world, "?sort=rung&order=desc").text
    assert names(page) == [FAIRHAVEN, WILLOW, HARBOUR, B_WING, OAK, CLU]
    assert ('<th scope="col" aria-sort="descending"><a href="/?sort=rung">Rung now '
            '<span aria-hidden="true">▼</span></a></th>') in page
    assert page.count("aria-sort=") == 1
    assert '<a href="/?sort=overdue&amp;order=asc">' not in page  # ascending is the default
    assert '<a href="/?sort=overdue">Actions overdue</a>' in page
    assert "The wings by rung now, highest first" in page
    # the filters are kept by every sort link
    filtered = home(world, "?kind=self-audit&sort=overdue&order=desc").text
    assert names(filtered) == [OAK, WILLOW, FAIRHAVEN]
    assert '<a href="/?sort=rung&amp;kind=self-audit">Rung now</a>' in filtered
    assert '<option value="self-audit" selected>Self-audits</option>' in filtered
    assert "3 of 6 wings shown." in filtered


def test_filtering_with_the_form(world: World) -> None:
    stock(world)
    page = home(world, "?q=example&kind=&verdict=&light=red&stage=&overdue=yes").text
    assert names(page) == [WILLOW, OAK]
    assert '<input type="checkbox" id="f-overdue" name="overdue" value="yes" checked>' in page
    assert '<option value="red" selected>○ RED</option>' in page
    assert 'value="example"' in page
    nothing = home(world, "?verdict=ready").text
    assert names(nothing) == []
    assert "No wing matches what you chose." in nothing
    assert '<a href="/">Show every wing</a>' in nothing


def test_a_delivery_team_sees_only_its_own_wings_and_may_still_add_one(world: World) -> None:
    made = stock(world)
    world.store.grant_wing(world.users["delivery"], made[OAK][0].id, by=None)
    team = world.client("delivery")
    page = team.get("/").text
    assert "<h1>Your wings</h1>" in page
    assert names(page) == [OAK, CLU]
    assert "Add a wing" in page
    refused = team.post("/wings", {"prison": "", "name": "D wing"})
    assert refused.status_code == 400
    assert names(refused.text) == [OAK, CLU]  # the table is still there
    assert '<p class="error" id="prison-error">give the prison&#39;s name</p>' in refused.text
    exported = team.get("/portfolio.csv")
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert [line.split(",")[2] for line in lines[1:]] == ["Oak wing",
                                                           "Community Living Unit (CLU)"]


def test_the_csv_download_follows_the_page(world: World) -> None:
    made = stock(world)
    response = world.client("admin").get("/portfolio.csv?sort=overdue&order=desc&kind=self-audit")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == \
        'attachment; filename="portfolio-2026-03-02.csv"'
    assert response.content.startswith(b"\xef\xbb\xbfWing id,")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r[2], r[18]) for r in table[1:]] == [("Oak wing", "2"), ("Willow wing", "1"),
                                                  ("Fairhaven wing", "0")]
    assert table[1][19] == str(made[OAK][1].id)
    assert 'href="/portfolio.csv?sort=overdue&amp;order=desc&amp;kind=self-audit"' in \
        home(world, "?sort=overdue&order=desc&kind=self-audit").text


def test_trainers_see_no_portfolio(world: World) -> None:
    trainer = world.client("trainer")
    assert trainer.get("/").headers["location"] == "/examples"
    assert trainer.get("/portfolio.csv").status_code == 403
    assert trainer.get(f"/compare?result={world.result_b}&result={world.result_b}"
                       ).status_code == 403


def test_two_ticked_are_compared_side_by_side(world: World) -> None:
    made = stock(world)
    willow, harbour = made[WILLOW][1].id, made[HARBOUR][1].id
    page = home(world).text
    assert f'<input type="checkbox" name="result" value="{willow}"' in page
    assert '<form method="get" action="/compare" class="compare-form">' in page
    response = world.client("commissioner").get(
        f"/compare?result={harbour}&result={willow}&sort=rung&order=desc")
    assert response.status_code == 200
    text = response.text
    assert text.count("<main") == 1 and "<style" not in text
    assert "<h1>Comparison of 2 wings</h1>" in text
    ranking = re.findall(r'<tr data-name="[^"]*"><td class="num">(\d)</td><th scope="row">'
                         r"([^<]*)</th>", text)
    assert ranking == [("1", WILLOW), ("2", HARBOUR)]  # rung 3 before rung 0
    assert "Ready with conditions" in text and "not a proposal" in text
    # each column is headed by its wing; no file is named (a web user never saw one)
    assert re.findall(r'<th scope="col" data-name="[^"]*">([^<]*)</th>', text) == \
        [HARBOUR, WILLOW]
    for file_words in ("Files compared", ".yaml", '<th scope="row">File</th>'):
        assert file_words not in text
    # dates as the web writes them, kinds as the portfolio heads them
    assert '<tr><th scope="row">Assessed</th><td>20 November 2026</td>' \
           '<td>14 September 2026</td></tr>' in text
    assert "2026-11-20" not in text and "2026-09-14" not in text
    assert (f'<a href="/results/{harbour}">{HARBOUR}: Proposal, assessed 20 November 2026, '
            'stored 2 March 2026</a>') in text
    assert (f'<a href="/results/{willow}">{WILLOW}: Self-audit, assessed 14 September '
            '2026, stored 2 March 2026</a>') in text
    assert '<a href="/?sort=rung&amp;order=desc">Back to the wings</a>' in text
    assert f'<a href="/results/{harbour}">' in text
    for hidden in ("REQ-", "roles[0]", "R1a", "<script"):
        assert hidden not in text


def test_two_of_one_wing_beside_another_are_told_apart_by_date(world: World) -> None:
    made = stock(world)
    oak, newest = made[OAK]
    older = next(r for r in world.store.results(oak.id) if r.id != newest.id)
    response = world.client("commissioner").get(
        f"/compare?result={newest.id}&result={older.id}&result={made[WILLOW][1].id}")
    assert response.status_code == 200
    text = response.text
    newer_name, older_name = f"{OAK}, assessed 5 October 2026", f"{OAK}, assessed 2 November 2025"
    assert re.findall(r'<th scope="col" data-name="[^"]*">([^<]*)</th>', text) == \
        [newer_name, older_name, WILLOW]
    # readiest first: the older (rung 5), Willow wing (rung 3), the newer (rung 0)
    ranking = re.findall(r'<tr data-name="[^"]*"><td class="num">\d</td><th scope="row">'
                         r"([^<]*)</th>", text)
    assert ranking == [older_name, WILLOW, newer_name]
    assert "Files compared" not in text and ".yaml" not in text


def test_one_or_none_ticked_is_explained(world: World) -> None:
    client = world.client("commissioner")
    one = client.get(f"/compare?result={world.result_b}&result={world.result_b}")
    assert one.status_code == 400
    assert "Only one assessment was ticked (B wing, HMP Elsewhere)" in one.text
    none = client.get("/compare")
    assert none.status_code == 400
    assert "No assessment was ticked" in none.text
    assert client.get("/compare?result=abc&result=1").status_code == 404


def test_a_delivery_team_compares_only_its_own(world: World) -> None:
    made = stock(world)
    store = world.store
    for name in (OAK, WILLOW):
        store.grant_wing(world.users["delivery"], made[name][0].id, by=None)
    team = world.client("delivery")
    own = f"/compare?result={made[OAK][1].id}&result={made[WILLOW][1].id}"
    assert team.get(own).status_code == 200
    other = team.get(f"/compare?result={made[OAK][1].id}&result={made[HARBOUR][1].id}")
    assert other.status_code == 404
    assert HARBOUR not in other.text


def test_one_wings_assessments_compare_over_time(world: World) -> None:
    made = stock(world)
    wing, first = made[WILLOW]
    admin = world.store.user(world.users["admin"])
    assert admin is not None
    again = world.store.add_result(wing, kind="self-audit", source="reassessed",
                                   profile_yaml=first.profile_yaml, rulebook_version="x",
                                   result_json=first.result_json, by=admin)
    page = world.client("commissioner").get(f"/compare?result={again.id}&result={first.id}")
    assert page.status_code == 200
    assert "Comparison over time: Willow wing, HMP Example Ford" in page.text
    # over time each is headed by its date, in the web's words (two alike: numbered)
    assert re.findall(r'<th scope="col" data-name="[^"]*">([^<]*)</th>', page.text) == \
        ["1. 14 September 2026", "2. 14 September 2026"]
    assert "2 assessments (2 self-audits), 14 September 2026 to 14 September 2026" in \
        page.text
    for file_words in ("Files compared", ".yaml", '<th scope="row">File</th>', "2026-09-14"):
        assert file_words not in page.text
    assert "Stage lights: 0 up, 0 down." in page.text


def test_the_page_reads_a_fixed_number_of_queries_however_many_wings(world: World) -> None:
    stock(world)
    counted: list[str] = []
    event.listen(world.store.engine, "before_cursor_execute",
                 lambda *args: counted.append(args[2]))
    client = world.client("commissioner")
    counted.clear()
    client.get("/")
    few = len(counted)
    store = world.store
    admin = store.user(world.users["admin"])
    assert admin is not None
    template = store.results(world.wing_b)[0]
    for n in range(200):
        wing = store.add_wing("HMP Many", f"Wing {n:03}", by=admin)
        store.add_result(wing, kind="proposal", source="upload",
                         profile_yaml=template.profile_yaml, rulebook_version="x",
                         result_json=template.result_json, by=admin)
        store.track(wing, "R1a", lead="", due=dt.date(2026, 1, 1), status="not-started",
                    reason="", notes="", by=admin)
    for n in range(20):  # assessments begun: their counts are one query for all
        store.start_draft(store.add_wing("HMP Begun", f"Wing {n:03}", by=admin), "proposal",
                          {}, by=admin)
    counted.clear()
    page = client.get("/")
    assert len(names(page.text)) == 226
    assert page.text.count(">Assessment in progress</td>") == 20
    assert len(counted) == few <= 8, counted
    counted.clear()
    client.get("/portfolio.csv")
    assert len(counted) <= 8


def test_a_row_reads_each_stored_assessment_once(world: World) -> None:
    """The summaries are kept by stored assessment: a second view reads no assessment's
    text, only the ids and dates; a new assessment is read once it is a wing's latest."""
    willow, willow_result = stock(world)[WILLOW]
    texts: list[str] = []
    event.listen(world.store.engine, "before_cursor_execute",
                 lambda *args: texts.append(args[2])
                 if args[2].startswith("SELECT") and "result_json" in args[2] else None)
    summaries = Summaries()
    first = summaries.latest(world.store, None)
    assert len(texts) == 1  # the latest of every wing, in one query
    assert summaries.latest(world.store, None) == first and len(texts) == 1
    assert first[willow.id].id == willow_result.id
    two_roles = first[willow.id].summary
    assert (two_roles.kind, two_roles.role, two_roles.current_rung, two_roles.target_rung,
            two_roles.lights) == ("self-audit", "Peer mentor", 3, 4,
                                  ("green", "green", "red", "orange", "orange", "red"))
    assert world.wing_a not in first  # nothing stored for it yet
    admin, wing_a = world.store.user(world.users["admin"]), world.store.wing(world.wing_a)
    assert admin is not None and wing_a is not None
    text = (PROFILES / "hmp-high-down-clu.yaml").read_text(encoding="utf-8")
    stored = world.store.add_result(wing_a, kind="self-audit", source="upload",
                                    profile_yaml=text, rulebook_version="x",
                                    result_json=to_json(assess_text(text)), by=admin)
    now = summaries.latest(world.store, None)
    assert len(texts) == 2 and now[world.wing_a].id == stored.id
    high_down = now[world.wing_a].summary
    assert (high_down.current_rung, high_down.target_rung, high_down.lights) == \
        (0, 3, ("green", "green", "orange", "orange", "orange", "orange"))
    assert len(high_down.actions) == 31 and "R1a" in high_down.actions
    assert {w: r for w, r in now.items() if w != world.wing_a} == first

