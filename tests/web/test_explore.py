"""What it would take, and the worked examples (advisor/web/explore.py): the library's
answers for the bundled profiles worked out by hand from the profiles and the rulebook,
then the pages through the test client.

Worked by hand from profiles/hmp-high-down-clu.yaml and rules/ladder.yaml: the Ambassador
role is at rung 0 because the three soft requirements of rung 1 fail (residents have not
been told what holders are for, holders are not visible to residents, and holders do
nothing day to day), while its structural one holds (supervision is a community meeting,
at least case by case). In rules/actionable.yaml each of the three changes costs 1 (day to
day: informal 1, formal 2), so rung 1 costs 3, in one way, and each change answers the
action its requirement names when unmet (R1a, R1c-visible, LL1-daily). The target, 3,
rests on structural requirements alone, so the three soft changes leave it. Stage 4 is
green when holders have formal access to the wing's forum (S4-green), which High Down's
do not: its light is orange.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import pytest

from advisor.assess import default_rulebook
from advisor.web import explore
from advisor.web.pages import Context
from tests.web.conftest import World

HIGH_DOWN = "/examples/hmp-high-down-clu.yaml"
TOLD = ("Agree, as a staff team and with residents, what holders of the role are expected "
        "to do once trained, and tell everyone on the wing.")
VISIBLE = ("Make holders known: introduce them at the start of every course and programme "
           "cycle and show on the wing who they are and how to reach them.")
DAILY = ("Agree with holders what they do on the wing from day to day, starting with passing "
         "on news of activities that staff give them, and start it this cycle.")
RUNG_1 = {"roles[0].expectations_communicated": "yes", "roles[0].visible_to_residents": "yes",
          "roles[0].engagement.day_to_day": "informal"}
# what must never reach a person's page: field paths, rule ids, flag names, raw values
NOT_FOR_PEOPLE = re.compile(r"roles\[\d|other_roles\[|\bREQ-|\bACT-|\bR1[a-f]\b|\bLL\d|"
                            r"\bCH\d|\bGP\d|stage\d\.|rung\.\d|\btrue\b|\bfalse\b|_")


class Params(dict[str, Any]):
    """Query parameters as the page reads them: a value, or every value of a name."""

    def getlist(self, key: str) -> list[str]:
        value = self.get(key, [])
        return list(value) if isinstance(value, list) else [value]


def words_of(html: str) -> str:
    """A page's main text as a person reads it: tags gone, entities read, spaces joined."""
    import html as markup

    main = html.split("<main>", 1)[-1]
    text = " ".join(markup.unescape(re.sub(r"<[^>]+>", " ", main)).split())
    return re.sub(r" ([,.;:)])", r"\1", text)  # no space a tag left before punctuation


class FormReader(HTMLParser):
    """The what-if form's fields as a browser would send them, unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self.select: str | None = None
        self.in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("class") == "whatif":
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and a.get("type") in ("text", "hidden"):
            self.pairs.append((a["name"], a.get("value", "")))
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.pairs.append((a["name"], a["value"]))
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and "selected" in a and self.select:
            self.pairs.append((self.select, a["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False


def sent(html: str, **changed: str) -> str:
    """The query string the page's form sends, with some answers changed."""
    reader = FormReader()
    reader.feed(html)
    pairs = [(k, changed.pop(k) if k in changed else v) for k, v in reader.pairs]
    assert not changed, f"not on the form: {changed}"
    return urlencode(pairs)


# -- the library -----------------------------------------------------------------------

def test_the_least_change_to_rung_1_at_high_down_is_three_soft_changes() -> None:
    book = default_rulebook()
    answer = explore.least_change(book, explore.example_subject("hmp-high-down-clu.yaml"), 1)
    assert (answer["current"], answer["reachable"], answer["effort"]) == (0, True, 3)
    assert len(answer["ways"]) == 1
    by_question = {c["question"]: c for c in answer["ways"][0]}
    assert by_question == {
        "Ambassador: Have residents been told what holders are for?": {
            "question": "Ambassador: Have residents been told what holders are for?",
            "before": "no", "after": "yes", "effort": 1, "type": "soft", "actions": [TOLD]},
        "Ambassador: Do residents know who the holders are?": {
            "question": "Ambassador: Do residents know who the holders are?",
            "before": "no", "after": "yes", "effort": 1, "type": "soft",
            "actions": [VISIBLE]},
        "Ambassador: How active are holders on the wing day to day?": {
            "question": "Ambassador: How active are holders on the wing day to day?",
            "before": "none", "after": "informal", "effort": 1, "type": "soft",
            "actions": [DAILY]}}


def test_a_wing_without_a_role_cannot_reach_a_rung_and_one_at_the_top_needs_nothing() -> None:
    book = default_rulebook()
    none = explore.least_change(book, explore.example_subject("no-role-yet.yaml"), 1)
    assert not none["reachable"] and none["ways"] == []
    assert "no peer involvement role is selected" in none["why_not"]
    top = explore.least_change(book, explore.example_subject("peer-led-wing.yaml"), 5)
    assert top["current"] == 5 and top["ways"] == []  # peer-led-wing is peer-led already


def test_what_moves_when_high_down_meets_rung_1() -> None:
    subject = explore.example_subject("hmp-high-down-clu.yaml")
    out = explore.whatif(default_rulebook(), subject, Params(RUNG_1))
    assert out["errors"] == 0
    assert [(c["question"], c["before"], c["after"]) for c in out["changes"]] == [
        ("Ambassador: Have residents been told what holders are for?", "no", "yes"),
        ("Ambassador: How active are holders on the wing day to day?", "none", "informal"),
        ("Ambassador: Do residents know who the holders are?", "no", "yes")]  # form order
    moved = out["moved"]
    assert moved["rungs"] == [
        {"label": "Rung now", "way": "up", "before": "0 (non-engagement)",
         "after": "1 (information)"},
        {"label": "Target", "way": "unchanged", "before": "3 (participation)",
         "after": "3 (participation)"}]
    assert sorted(moved["removed"]) == sorted([TOLD, VISIBLE, DAILY])
    assert moved["added"] == []


def test_formal_forum_access_turns_stage_4_green() -> None:
    subject = explore.example_subject("hmp-high-down-clu.yaml")
    out = explore.whatif(default_rulebook(), subject,
                         Params({"governance.roles_in_wing_forum": "yes"}))
    four = [x for x in out["moved"]["lights"] if x["stage"].startswith("Stage 4")]
    assert four == [{"stage": "Stage 4: represent residents in wing forums", "way": "up",
                     "before": "◐ ORANGE", "after": "● GREEN", "from": "orange",
                     "to": "green"}]


def test_an_answer_that_does_not_read_gets_the_interviews_message_and_nothing_moves() -> None:
    subject = explore.example_subject("hmp-high-down-clu.yaml")
    out = explore.whatif(default_rulebook(), subject,
                         Params({"site.population": "lots", **RUNG_1}))
    assert out["errors"] == 1 and out["moved"] is None
    bad = [f for g in out["groups"] for f in g.fields if f.error]
    assert [(f.q.path, f.error, f.text) for f in bad] == [
        ("site.population", "answer with a whole number, or unknown", "lots")]


def test_every_fact_of_every_role_is_on_the_form_under_the_roles_title() -> None:
    subject = explore.example_subject("two-roles.yaml")
    groups, changes, errors = explore.form_groups(subject.data, None)
    assert (changes, errors) == ([], 0)  # nothing sent, nothing changed
    titles = [g.title for g in groups]
    assert "The peer involvement role(s) selected: Ambassador" in titles
    assert "The peer involvement role(s) selected: Peer mentor" in titles
    mentor = next(g for g in groups if g.title.endswith("Peer mentor"))
    supervision = next(f for f in mentor.fields if f.q.path == "roles[1].supervision")
    # two-roles.yaml: the Peer mentor's holders meet at a community meeting
    assert (supervision.role, supervision.text) == ("Peer mentor", "community-meeting")
    # the forum-access question is offered though the interview asks it only with a forum
    paths = {f.q.path for g in groups for f in g.fields}
    assert {"governance.roles_in_wing_forum", "governance.council_capacity"} <= paths
    assert not {"kind", "site.prison", "wing.name", "roles", "assessed.by"} & paths


def test_case_names_are_unique_in_their_addresses_and_grouped_by_rulebook_section() -> None:
    from advisor.cases import load_cases

    book = default_rulebook()
    names = [c.name for c in load_cases(book)]
    assert len({explore.case_slug(n) for n in names}) == len(names)
    sections = explore.cases_by_section(Context(None, None, book))  # type: ignore[arg-type]
    assert [t for t, _ in sections] == list(explore.CASE_SECTIONS.values())
    assert sorted(c.name for _, cases in sections for c in cases) == sorted(names)


@pytest.mark.parametrize(("case", "intro"), [
    # hmp-high-down-clu.yaml: the Ambassador's expectations_communicated and
    # holders_clear_on_role are both false; the case sets both true
    ("Holders clear on a role that residents were told about show no expectations "
     "challenge",
     ("It starts from the worked example Community Living Unit (CLU), HMP High Down.",
      "It changes:",  # in the case file's order
      "Ambassador: Have residents been told what holders are for? From no to yes.",
      "Ambassador: Can holders themselves say what the role is for? From no to yes.")),
    # rules/cases/headline.yaml starts from thin-proposal.yaml, whose Wing representative
    # is supervised ad hoc (case by case): a role fact's change from and to in words
    ("A proposal whose holders would have no supervision at all is not ready",
     ("It starts from the worked example Harbour unit (proposed), HMP Example Marsh.",
      "It changes:",
      "Wing representative: How are holders supervised? From case by case to none.")),
])
def test_a_case_says_what_it_starts_from_and_what_it_changes(
        case: str, intro: tuple[str, ...]) -> None:
    context = Context(None, None, default_rulebook())  # type: ignore[arg-type]
    assert explore.case_subject(context, explore.case_slug(case)).intro == intro


# rules/headline.yaml: VERDICT-no-structure's reason, and the two conditions thin-proposal
# meets (it aims for rung 4 above its target 2; its funding ends 2027-01-31, two months
# after it was assessed, before a first cycle would end)
NO_STRUCTURE = ("Nothing is in place to build the role on: its holders would not be "
                "supervised, which even rung 1 needs.")
ASPIRATION = "It aims higher than its structure supports now (the aspiration is above the target)."
FUNDING = "Its funding ends before a first programme cycle would end."
THIN = "/examples/thin-proposal.yaml"


def test_a_proposal_without_supervision_would_not_be_ready() -> None:
    """Rung 1 needs supervision of some kind (rules/ladder.yaml), so with none the
    proposal has no structure even for rung 1: VERDICT-no-structure, not ready."""
    subject = explore.example_subject("thin-proposal.yaml")
    out = explore.whatif(default_rulebook(), subject,
                         Params({"roles[0].supervision": "none"}))
    assert out["moved"]["verdict"] == {
        "way": "down", "before": "Ready with conditions", "after": "Not ready",
        "reasons": [NO_STRUCTURE]}


def test_supervising_the_holders_again_makes_it_ready_with_conditions_again() -> None:
    context = Context(None, None, default_rulebook())  # type: ignore[arg-type]
    subject = explore.case_subject(context, explore.case_slug(
        "A proposal whose holders would have no supervision at all is not ready"))
    out = explore.whatif(default_rulebook(), subject,
                         Params({"roles[0].supervision": "ad-hoc"}))
    verdict = out["moved"]["verdict"]
    assert (verdict["way"], verdict["before"], verdict["after"]) == (
        "up", "Not ready", "Ready with conditions")
    assert verdict["reasons"][:2] == [ASPIRATION, FUNDING]


def test_a_verdict_that_does_not_move_is_said_unchanged_and_a_self_audit_has_none() -> None:
    book = default_rulebook()
    # telling residents what holders are for settles a question, not a condition
    same = explore.whatif(book, explore.example_subject("thin-proposal.yaml"),
                          Params({"roles[0].expectations_communicated": "yes"}))
    assert same["moved"]["verdict"] == {"way": "unchanged", "before": "Ready with conditions",
                                        "after": "Ready with conditions", "reasons": []}
    audit = explore.whatif(book, explore.example_subject("hmp-high-down-clu.yaml"),
                           Params(RUNG_1))
    assert audit["moved"]["verdict"] is None  # High Down is an example: no verdict


def test_the_effort_scale_is_the_rulebooks() -> None:
    """rules/actionable.yaml: soft changes weigh 1 (telling residents, informal
    involvement) to 3 (deciding regularly with staff, running an initiative, bridging);
    structural ones 1 (ad hoc supervision) to 4 (structured supervision, civic
    representation)."""
    assert explore.effort_scale(default_rulebook()) == (
        "Effort adds up the weight the rulebook gives each change: 1 to 3 for a soft "
        "change, which the team can make itself, and 1 to 4 for a structural one, which "
        "needs decisions from people beyond the team; a bigger step on the same fact "
        "weighs more.")


def test_shared_worked_examples_are_named_once_for_the_stages() -> None:
    from advisor.assess import assess

    book = default_rulebook()
    r = assess(explore.example_subject("hmp-high-down-clu.yaml").profile, book)
    # rules/cases/stages.yaml: the first case fires every light High Down has
    found = "High Down as the report found it is green at stages 1 and 2 and orange from 3 to 6"
    shared, each = explore.stage_examples(r, "Community Living Unit (CLU), HMP High Down")
    assert found in shared
    assert all(found not in names for names in each.values())
    # on that case's own page, it is not offered as an example of itself
    shared, each = explore.stage_examples(r, found)
    assert found not in shared and all(found not in names for names in each.values())


# -- the pages -------------------------------------------------------------------------

def test_the_gallery_lists_the_profiles_and_every_case_under_its_section(world: World) -> None:
    from advisor.cases import load_cases

    page = world.client("trainer").get("/examples")
    assert page.status_code == 200
    text = words_of(page.text)
    for title in explore.CASE_SECTIONS.values():
        assert title in text
    for case in load_cases(default_rulebook()):
        assert f'href="/examples/cases/{explore.case_slug(case.name)}"' in page.text
    assert f'href="{HIGH_DOWN}/steps"' in page.text
    # each example by its wing and prison, what it teaches under it, never its file name
    assert (f'<li><a href="{HIGH_DOWN}/steps">Community Living Unit (CLU), HMP High Down</a>'
            '\n<span class="teaches">A well-resourced wing whose chosen peer role barely '
            'operates.</span>') in page.text
    for name in ("hmp-high-down-clu", "no-role-yet", "peer-led-wing", "thin-proposal",
                 "two-roles"):
        assert name not in text
    for title in ("Oak wing, HMP Example Ridge", "Fairhaven wing, HMP Example Vale",
                  "Harbour unit (proposed), HMP Example Marsh", "Willow wing, HMP Example Ford"):
        assert title in text


def test_an_example_is_called_by_its_wing_and_prison_on_every_page(world: World) -> None:
    client = world.client("trainer")
    title = "Community Living Unit (CLU), HMP High Down"
    for url, heading in ((HIGH_DOWN, None), (f"{HIGH_DOWN}/steps", f"Step by step: {title}"),
                         (f"{HIGH_DOWN}/whatif", f"What if: {title}"),
                         (f"{HIGH_DOWN}/path", f"What it would take: {title}")):
        page = client.get(url)
        assert f"<title>{heading or title}" in page.text, url
        if heading:
            assert f"<h1>{heading}</h1>" in page.text, url


def test_every_example_and_case_opens_step_by_step_in_teaching_order(world: World) -> None:
    from advisor.cases import load_cases
    from advisor.examples import examples

    client = world.client("trainer")
    urls = [f"/examples/{e.name}/steps" for e in examples()]
    urls += [f"/examples/cases/{explore.case_slug(c.name)}"
             for c in load_cases(default_rulebook())]
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, url
        ids = re.findall(r'<section class="step" id="(\w+)"', page.text)
        assert ids == ["facts", "stages", "rungs", "target", "plan", "questions"], url
        for key in ids[1:]:  # each step but the first is the one before's next step
            assert f'<a href="#{key}">Next step:' in page.text, (url, key)
            assert f'<li><a href="#{key}">' in page.text  # and in the contents
        assert not NOT_FOR_PEOPLE.search(words_of(page.text)), (
            url, NOT_FOR_PEOPLE.search(words_of(page.text)))


def test_high_down_step_by_step(world: World) -> None:
    text = words_of(world.client("trainer").get(f"{HIGH_DOWN}/steps").text)
    assert "Ambassador: rung 0 of 5 (non-engagement); target rung 3." in text
    assert "Stage 4: represent residents in wing forums ◐ ORANGE" in text
    assert "Ambassador: Do residents know who the holders are? no" in text
    assert f"Next step: {explore.STEPS[1][1]}" in text


def test_dates_are_written_as_every_page_writes_them(world: World) -> None:
    client = world.client("trainer")
    # thin-proposal.yaml: funding_until 2027-01-31
    steps = words_of(client.get(f"{THIN}/steps").text)
    assert ("When does the wing's ringfenced funding end (a date, or ongoing)? "
            "31 January 2027") in steps
    assert "2027-01-31" not in steps
    assert "thin-proposal" not in steps  # the record line names no file: the page has a title
    form = client.get(f"{THIN}/whatif")
    assert 'name="delivery.funding_until" value="2027-01-31"' in form.text  # as it is typed
    page = client.get(f"{THIN}/whatif?"
                      + sent(form.text, **{"delivery.funding_until": "ongoing"}))
    assert ("When does the wing's ringfenced funding end (a date, or ongoing)? "
            "31 January 2027 → ongoing") in words_of(page.text)


def test_the_stages_name_a_case_they_share_once(world: World) -> None:
    client = world.client("trainer")
    found = "High Down as the report found it is green at stages 1 and 2 and orange from 3 to 6"
    link = f'href="/examples/cases/{explore.case_slug(found)}"'
    page = client.get(f"{HIGH_DOWN}/steps")
    assert page.text.count(link) == 1  # all six stages show it: once, above them
    stages = words_of(page.text).split("Step 2.", 1)[1].split("Stage 1:", 1)[0]
    assert f"Worked example for several stages: {found}" in stages
    own = client.get(f"/examples/cases/{explore.case_slug(found)}")
    assert link not in own.text  # a case is not its own example


def test_what_if_through_the_page_shares_its_answer_in_the_address(world: World) -> None:
    client = world.client("trainer")
    form = client.get(f"{HIGH_DOWN}/whatif")
    assert form.status_code == 200
    assert "What moves" not in form.text  # no answer before the form is sent
    # the form as it comes: every answer the profile's own, so nothing changes
    same = client.get(f"{HIGH_DOWN}/whatif?{sent(form.text)}")
    assert "You changed nothing" in words_of(same.text)
    changed = client.get(f"{HIGH_DOWN}/whatif?{sent(form.text, **RUNG_1)}")
    text = words_of(changed.text)
    assert "Rung now: 0 (non-engagement) → 1 (information) (up)" in text
    assert "Target: 3 (participation), unchanged" in text
    assert "Ambassador: Do residents know who the holders are? no → yes" in text
    assert f"Actions no longer needed: {TOLD}" in text
    assert "No light changes." in text
    assert not NOT_FOR_PEOPLE.search(text.split("The prison", 1)[0])
    # the form keeps the answers sent, so the next change builds on them
    assert re.search(r'<option value="informal" selected>', changed.text)


def test_what_if_with_an_answer_that_does_not_read(world: World) -> None:
    client = world.client("trainer")
    form = client.get(f"{HIGH_DOWN}/whatif")
    page = client.get(f"{HIGH_DOWN}/whatif?{sent(form.text, **{'site.population': 'lots'})}")
    assert page.status_code == 200
    assert "1 answer could not be read" in page.text
    field = re.search(r'<input type="text" id="(f\d+)" name="site.population" value="lots" '
                      r'aria-describedby="(e\d+)" aria-invalid="true">', page.text)
    assert field is not None
    assert f'<p class="error" id="{field[2]}">answer with a whole number, or unknown</p>' \
        in page.text
    assert "What moves" not in page.text


def test_what_if_shows_a_proposals_verdict_before_and_after(world: World) -> None:
    client = world.client("commissioner")
    form = client.get(f"{THIN}/whatif")
    page = client.get(f"{THIN}/whatif?{sent(form.text, **{'roles[0].supervision': 'none'})}")
    text = words_of(page.text)
    assert ("The proposal's verdict Ready with conditions → Not ready (less ready) Why, as "
            f"the summary would give it: {NO_STRUCTURE} The rung and the target") in text
    same = words_of(client.get(
        f"{THIN}/whatif?{sent(form.text, **{'roles[0].expectations_communicated': 'yes'})}").text)
    assert "The proposal's verdict Ready with conditions, unchanged The rung" in same
    audit = words_of(client.get(f"{HIGH_DOWN}/whatif?{urlencode(RUNG_1)}").text)
    assert "verdict" not in audit.split("What moves", 1)[1].split("The prison", 1)[0]


def test_what_if_says_i_dont_know_as_the_guided_pages_do(world: World) -> None:
    client = world.client("trainer")
    form = client.get(f"{THIN}/whatif")
    assert "not known" not in words_of(form.text).lower()
    assert '<option value="unknown" selected>I don\'t know</option>' in form.text
    assert 'leave it empty for "I don\'t know"' in markup_unescaped(form.text)
    # thin-proposal.yaml leaves day-to-day involvement unknown
    page = client.get(f"{THIN}/whatif?"
                      + sent(form.text, **{"roles[0].engagement.day_to_day": "informal"}))
    assert ("Wing representative: How active are holders on the wing day to day? "
            "I don't know → informal") in words_of(page.text)


def markup_unescaped(html: str) -> str:
    import html as markup

    return markup.unescape(html)


def test_the_least_change_page(world: World) -> None:
    client = world.client("trainer")
    page = client.get(f"{HIGH_DOWN}/path?rung=1")
    text = words_of(page.text)
    assert ("The least effort is 3, in one way. Effort adds up the weight the rulebook gives "
            "each change: 1 to 3 for a soft change") in text
    assert ("Ambassador: Do residents know who the holders are? no → yes (soft change, "
            f"effort 1) The plan's action it answers: {VISIBLE}") in text
    assert client.get(f"{HIGH_DOWN}/path?rung=9").status_code == 400
    no_role = words_of(client.get("/examples/no-role-yet.yaml/path?rung=2").text)
    assert "Rung 2 cannot be reached by the changes the rulebook allows." in no_role
    top = words_of(client.get("/examples/peer-led-wing.yaml/path?rung=5").text)
    assert "Already there: the role is at rung 5, so nothing needs to change." in top


def test_a_case_has_its_what_if_and_its_path(world: World) -> None:
    client = world.client("trainer")
    slug = explore.case_slug("Holders clear on a role that residents were told about show "
                             "no expectations challenge")
    assert client.get(f"/examples/cases/{slug}/whatif").status_code == 200
    assert client.get(f"/examples/cases/{slug}/path?rung=2").status_code == 200
    assert client.get("/examples/cases/no-such-case").status_code == 404


@pytest.mark.parametrize("role", ["delivery", "commissioner", "admin"])
def test_a_stored_result_can_be_explored_and_nothing_is_stored(world: World,
                                                               role: str) -> None:
    from advisor.render import to_json
    from tests.web.helpers import assess_text

    wing = world.store.wing(world.wing_a)
    assert wing is not None
    team = world.store.user(world.users["delivery"])
    assert team is not None
    from advisor.examples import find_example

    text = find_example("hmp-high-down-clu.yaml").read_text(encoding="utf-8")
    stored = world.store.add_result(wing, kind="self-audit", source="upload",
                                    profile_yaml=text, rulebook_version="x",
                                    result_json=to_json(assess_text(text)), by=team)
    client = world.client(role)
    before = len(world.store.results(wing.id))
    report = client.get(f"/results/{stored.id}")
    assert f'href="/results/{stored.id}/whatif"' in report.text
    assert f'href="/results/{stored.id}/path"' in report.text
    page = client.get(f"/results/{stored.id}/whatif?{urlencode(RUNG_1)}")
    assert "Rung now: 0 (non-engagement) → 1 (information) (up)" in words_of(page.text)
    path = client.get(f"/results/{stored.id}/path?rung=1")
    assert "The least effort is 3, in one way." in words_of(path.text)
    assert len(world.store.results(wing.id)) == before
    assert world.client("trainer").get(f"/results/{stored.id}/whatif").status_code == 403


def test_no_field_path_rule_id_or_flag_on_any_examples_what_if_or_path(world: World) -> None:
    from advisor.examples import examples

    client = world.client("trainer")
    for e in examples():
        base = f"/examples/{e.name}"
        for url in [f"{base}/whatif", *(f"{base}/path?rung={n}" for n in range(1, 6))]:
            page = client.get(url)
            assert page.status_code == 200, url
            found = NOT_FOR_PEOPLE.search(words_of(page.text))
            assert found is None, (url, found)
