"""What every people-facing view says about the ladder and the evidence (issue 15, points
4 and 7): the rung named with its role, what soft, structural, target and aspiration
mean, when and by whom the wing was assessed, what people say beside the facts, no
citation of anything but the study, and no success mark on rung 0."""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from advisor import yamlio
from advisor.assess import assess, default_rulebook
from advisor.cli import main
from advisor.explain import action_report, narrate
from advisor.path import find_path, render_path
from advisor.paths import generic as generic_path
from advisor.profile import QUESTIONS, Profile, load_profile
from advisor.render import AUDIENCES, render
from advisor.render.words import GLOSSARY, LADDER_NOTE, STUDY, TERMS
from advisor.whatif import apply_changes, compare, diff, render_compare, render_diff, whatif_title
from tests.conftest import PROFILES, high_down_data

BUNDLED = sorted(p.name for p in PROFILES.glob("*.yaml"))
VIEWS = ["terminal", "markdown", "html"]
RUNG_NAMES = ["non-engagement", "information", "consultation", "participation",
              "co-production", "peer-led"]
SUCCESS_MARKS = "✓✔☑✅"
LABELS = {"residents": "Residents say", "holders": "Holders say", "staff": "Staff say"}


@functools.cache
def _profile(name: str) -> Profile:
    return load_profile(PROFILES / name)


@functools.cache
def _result(name: str) -> Any:
    return assess(_profile(name), default_rulebook())


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _readable(text: str, fmt: str) -> str:
    """What a reader sees, as one line: Markdown and HTML are rendered and their tags
    dropped, so markup and escapes do not hide or fake a match."""
    if fmt == "markdown":
        text = MarkdownIt("commonmark").enable("table").render(text)
    if fmt in ("markdown", "html"):
        parser = _Text()
        parser.feed(text)
        text = " ".join(parser.parts)
    return _flat(text)


def _rung_line(r: dict[str, Any]) -> str:
    role = r["assessed_role"]
    who = role["title"] if role else "No role selected"
    return f"{who}: rung {r['current_rung']} of 5 ({RUNG_NAMES[r['current_rung']]})"


def _assessed(r: dict[str, Any]) -> str:
    on, by = r["assessed"]["on"], r["assessed"]["by"]
    return f"Assessed {'(date not recorded)' if on == 'unknown' else on} by {by}"


def _asked(path: str) -> str:
    """The question the interview asks for a fact, without its study section."""
    return re.sub(r"\s*\((§|App |Fig |fn ).*\)$", "", QUESTIONS[generic_path(path)])


def _check_words(text: str, r: dict[str, Any], *, glossary: bool = True) -> None:
    """The checks every view passes, on the text a reader sees: with `glossary`, every
    word of the report's glossary with its meaning, and the study in full."""
    rung_line = _rung_line(r)
    assert rung_line in text
    # where the ladder is shown, the note and the work the role did not start follow the
    # rung line at once (the headline names the rung before it, on its own)
    starts = [m.start() for m in re.finditer(re.escape(rung_line), text)]
    after = next((text[i:] for i in starts
                  if 0 <= text.find(LADDER_NOTE, i) - i < len(rung_line) + 80), None)
    assert after is not None, "no rung line followed by the ladder note"
    end = after.index(LADDER_NOTE) + len(LADDER_NOTE)
    for f in (f for f in r["findings"] if f["beside_rung"]):
        assert _flat(f["text"]) in after[end:end + 40 + len(f["text"])], f["id"]
    for word, meaning in (GLOSSARY if glossary else TERMS).items():
        assert re.search(rf"\b{re.escape(word)}\W{{1,8}}{re.escape(meaning)}", text,
                         re.IGNORECASE), word
    if glossary:
        assert STUDY in text
    if r["assessed"] is not None:
        assert _assessed(r) in text
    for path, said in r["voices"].items():
        for who, words in said.items():
            voice = f"{LABELS[who]}: {_flat(words)}"
            # beside its fact: the fact's question is followed closely by the voice
            assert any(0 <= text.find(voice, m.end()) - m.end() < 400
                       for m in re.finditer(re.escape(_asked(path)), text)), (path, who)
    assert "BRIEF" not in text and "the brief" not in text.lower()


def test_the_words_mean_what_the_rulebook_means() -> None:
    """One definition of each word, shown everywhere: check it says the agreed things."""
    assert list(TERMS) == ["soft", "structural", "target", "aspiration"]
    assert "within one programme cycle" in TERMS["soft"]
    assert "beyond the team" in TERMS["structural"]
    assert "longer than one programme cycle" in TERMS["structural"]
    assert "structural requirements, and those of every rung below it, hold now" \
        in TERMS["target"]
    assert "never below the current rung + 1, never above 5" in TERMS["target"]
    assert "aims for" in TERMS["aspiration"]
    assert "a gap is flagged when it is above the target" in TERMS["aspiration"]


@pytest.mark.parametrize("audience", [None, *AUDIENCES])
@pytest.mark.parametrize("fmt", VIEWS)
@pytest.mark.parametrize("name", BUNDLED)
def test_every_view_names_the_role_and_says_what_its_words_mean(
        name: str, fmt: str, audience: str | None) -> None:
    r = _result(name)
    _check_words(_readable(render(r, fmt, audience=audience, width=100), fmt), r)


@pytest.mark.parametrize("name", BUNDLED)
def test_explain_names_the_role_and_says_what_its_words_mean(name: str) -> None:
    r = _result(name)
    _check_words(_flat(narrate(r, _profile(name))), r, glossary=False)


def test_high_down_shows_what_people_say_and_the_recovery_group_beside_the_rung() -> None:
    """The bundled checks above are only as strong as the profiles: High Down has voices,
    an unknown assessment date and a finding that belongs beside the rung."""
    r = _result("hmp-high-down-clu.yaml")
    assert r["assessed"]["on"] == "unknown"
    assert "residents" in r["voices"]["roles[0].visible_to_residents"]
    assert [f["id"] for f in r["findings"] if f["beside_rung"]] == ["GP3"]
    text = _flat(render(r, "terminal", width=100))
    assert "Ambassador: rung 0 of 5 (non-engagement) · target rung 3" in text
    assert "Assessed (date not recorded) by CFO evaluation" in text
    assert "Do residents know who the holders are? no Residents say: most residents" in text


def test_no_role_and_unknown_role_say_so() -> None:
    data = yamlio.load(PROFILES / "no-role-yet.yaml").data
    for roles, who in (([], "No role selected"), ("unknown", "Role not known")):
        data["roles"] = roles
        r = assess(Profile.model_validate(data), default_rulebook())
        assert r["assessed_role"] is None and r["current_rung"] == 0
        for fmt in VIEWS:
            text = _readable(render(r, fmt), fmt)
            assert f"{who}: rung 0 of 5 (non-engagement)" in text, fmt


@pytest.mark.parametrize("name", BUNDLED)
def test_rung_0_never_carries_a_success_mark(name: str) -> None:
    r = _result(name)
    term = render(r, "terminal", color=True)
    md = render(r, "markdown")
    for line in [*term.splitlines(), *md.splitlines()]:
        if "non-engagement" in line or "rung 0 " in line:
            assert not any(mark in line for mark in SUCCESS_MARKS), line
            assert "\x1b[32m" not in line and ";32m" not in line, line  # not drawn green
    html = render(r, "html")
    rung0 = re.search(r'<g data-rung="0">(.*?)</g>', html, re.DOTALL)
    assert rung0 is not None
    assert not any(mark in rung0.group(1) for mark in SUCCESS_MARKS)
    assert 'fill="#ffffff"' in rung0.group(1)


def test_stage_5_is_wider_prison_decision_making() -> None:
    r = _result("hmp-high-down-clu.yaml")
    for fmt in VIEWS:
        text = _readable(render(r, fmt, width=200), fmt)  # wide: no wrapped table cells
        assert "represent the wing in wider prison decision forums" in text
        assert "represent the wing at the Prisoner Council" not in text


def test_voices_and_assessor_are_escaped() -> None:
    data = high_down_data()
    data["assessed"]["by"] = "<b>panel</b> *team*"
    data["voices"]["roles[0].visible_to_residents"]["residents"] = "<script>x</script> *no*"
    r = assess(Profile.model_validate(data), default_rulebook())
    html = render(r, "html")
    assert "<script>x" not in html and "<b>panel" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    md_html = MarkdownIt("commonmark").enable("table").render(render(r, "markdown"))
    assert "<script>x" not in md_html and "<b>panel" not in md_html
    assert "<em>" not in md_html


@pytest.mark.parametrize("rule_id, words", [
    ("REQ-1-visible", ["soft", "structural", "target", "aspiration"]),
    ("TARGET-3", ["target", "aspiration"]),
])
def test_rules_show_and_explain_rule_say_what_the_words_mean(
        rule_id: str, words: list[str]) -> None:
    shown = CliRunner().invoke(main, ["rules", "show", rule_id])
    explained = CliRunner().invoke(main, ["explain", str(PROFILES / BUNDLED[0]),
                                          "--rule", rule_id])
    for out in (shown.stdout, explained.stdout):
        flat = _flat(out)
        for word in words:
            assert f"{word} means {TERMS[word]}".lower() in flat.lower(), (rule_id, word)
        assert "BRIEF" not in flat
    assert "soft means" not in _flat(CliRunner().invoke(main, ["rules", "show",
                                                               "S3-orange"]).stdout)


# -- no internal words in front of people (issue 18, point 2) --------------------------


class _Shown(HTMLParser):
    """What an HTML page shows or reads out: its text (not its style sheet) and the
    attributes a screen reader speaks. data-* attributes are for programs: not read."""

    SPOKEN = ("alt", "aria-label", "title")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = tag == "style"
        self.parts += [v for k, v in attrs if k in self.SPOKEN and v]

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if not self._style:
            self.parts.append(data)


def _shown(text: str, fmt: str) -> str:
    if fmt == "markdown":
        text = MarkdownIt("commonmark").enable("table").render(text)
        fmt = "html"
    if fmt == "html":
        parser = _Shown()
        parser.feed(text)
        text = " ".join(parser.parts)
    return _flat(text)


@functools.cache
def _internal_words() -> re.Pattern[str]:
    """Field paths, rule, action and finding ids, flag names and "BRIEF"."""
    book = default_rulebook()
    ids = {r.id for r in book.rules}
    ids |= {x.id for r in book.rules for x in (r.rule.then.action, r.rule.then.finding)
            if x is not None}
    flags = {str(r.rule.then.flag).split(".")[0] for r in book.rules if r.rule.then.flag}
    flags |= {"req", "target", "need", "missing", "stage[1-6]"}
    return re.compile("|".join([
        r"\w\[\d*\]",  # roles[0], roles[]
        r"(?<![\w-])(?:delivery|governance|pathway|evaluation|site|wing|assessed|roles?)\.\w",
        r"\b[a-z]+_[a-z_]+\b",  # a field's name: expectations_communicated
        r"= (?:true|false|unknown|\[)",  # a value as the JSON shows it
        rf"\b(?:{'|'.join(sorted(flags))})\.[\w-]",
        r"(?<![\w-])(?:" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        + r")(?![\w-])",
        r"BRIEF",
    ]))


def _no_internal_words(text: str, where: str) -> None:
    found = sorted({m.group(0) for m in _internal_words().finditer(text)})
    assert not found, f"{where}: {found}"


def test_the_check_finds_what_it_must() -> None:
    """The pattern catches each kind of internal word, and passes plain words."""
    for bad in ["roles[0].engagement.phase1 = planned", "governance.wing_forum",
                "other_roles[]", "by rule S3-orange", "REQ-1-visible (soft)", "R1a",
                "after: LL2-reselect", "finding F14", "ready.4 (absent)", "stage3.green",
                "req.REQ-1-daily", "expectations_communicated", "see the BRIEF"]:
        assert _internal_words().search(bad), bad
    for plain in ["Ambassador: rung 0 of 5 (non-engagement)", "Do residents know who the "
                  "holders are? not known", "(§1.4.3, §1.5.4) App 1", "Fig 1.8 stage 4",
                  "the wing. The role", "Action 12: Agree", "rung 3, the stage 4 light"]:
        assert not _internal_words().search(plain), plain


@pytest.mark.parametrize("audience", [None, *AUDIENCES])
@pytest.mark.parametrize("fmt", VIEWS)
@pytest.mark.parametrize("name", BUNDLED)
def test_reports_show_no_internal_words(name: str, fmt: str, audience: str | None) -> None:
    text = _shown(render(_result(name), fmt, audience=audience, width=100), fmt)
    _no_internal_words(text, f"{name} {fmt} {audience}")


@pytest.mark.parametrize("name", BUNDLED)
def test_explain_shows_no_internal_words(name: str) -> None:
    r = _result(name)
    _no_internal_words(narrate(r, _profile(name)), f"explain {name}")
    for a in r["actions"]:
        _no_internal_words(action_report(r, a["id"]), f"explain {name} --action {a['id']}")


@pytest.mark.parametrize("name", BUNDLED)
def test_whatif_and_path_show_no_internal_words(name: str) -> None:
    book, profile, before = default_rulebook(), _profile(name), _result(name)
    data = yamlio.load(PROFILES / name).data
    for rung in range(1, 6):
        found = find_path(book, profile, rung)
        _no_internal_words(render_path(book, profile, found), f"path {name} {rung}")
        for changes in found.solutions:
            settings = [(c.path, c.value) for c in changes]
            after = assess(apply_changes(data, settings, name), book)
            text = render_diff(diff(before, after), whatif_title(settings, before))
            _no_internal_words(text, f"whatif {name} {settings}")
            assert "What if:" in text


@pytest.mark.parametrize("fmt", VIEWS)
def test_compare_shows_no_internal_words(fmt: str) -> None:
    proposals = [(name, _result(name)) for name in BUNDLED]
    # an audit of High Down a year on, with the changes that reach rung 3
    book, name = default_rulebook(), "hmp-high-down-clu.yaml"
    changes = find_path(book, _profile(name), 3).solutions[0]
    later = assess(apply_changes(yamlio.load(PROFILES / name).data,
                                 [(c.path, c.value) for c in changes], name), book)
    for results in (proposals, [(name, _result(name)), ("later.yaml", later)]):
        shown = _shown(render_compare(compare(results), fmt), fmt)
        _no_internal_words(shown, f"compare {fmt}")
    assert "Agree, as a staff team and with residents" in shown  # an action completed


# -- the headline first (issue 18, point 1) and open questions as asked (point 3) -------


def _headline_parts(r: dict[str, Any]) -> list[str]:
    """What the headline shows, in the order shown: the verdict and its reasons (for a
    proposal), the summary, the first actions (text, owner, horizon), the questions."""
    h = r["headline"]
    verdict = {"ready": "Ready", "ready-with-conditions": "Ready with conditions",
               "not-ready": "Not ready"}.get(h["verdict"])
    parts = [f"Verdict: {verdict}", *h["reasons"]] if verdict else []
    parts += h["summary"]
    actions = {a["id"]: a for a in r["actions"]}
    parts += [f"{_flat(actions[i]['text'])} ({actions[i]['owner']}, {actions[i]['horizon']})"
              for i in h["top_actions"]]
    questions = {q["fact"]: q for q in r["open_questions"]}
    return parts + [questions[f]["question"] for f in h["top_questions"]]


def _in_order(text: str, parts: list[str]) -> int:
    """Where the last part ends, each found after the one before."""
    at = 0
    for part in parts:
        found = text.find(_flat(part), at)
        assert found >= 0, part
        at = found + len(_flat(part))
    return at


@pytest.mark.parametrize("audience", [None, *AUDIENCES])
@pytest.mark.parametrize("name", BUNDLED)
def test_the_terminal_headline_fits_the_first_screen(name: str, audience: str | None) -> None:
    r = _result(name)
    lines = render(r, "terminal", audience=audience, width=100).splitlines()
    assert all(len(line) <= 100 for line in lines)
    _in_order(_flat(" ".join(lines[:30])), _headline_parts(r))


@pytest.mark.parametrize("audience", [None, *AUDIENCES])
@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("name", BUNDLED)
def test_the_headline_comes_before_every_section(name: str, fmt: str,
                                                 audience: str | None) -> None:
    r = _result(name)
    text = _readable(render(r, fmt, audience=audience), fmt)
    end = _in_order(text, ["Summary", *_headline_parts(r)])
    first_section = min(i for i in (text.find(title) for title in ("Ladder (App 1)",
                                                                   "ladder (App 1)",
                                                                   "Action plan")) if i >= 0)
    assert text.find("Summary") < end < first_section


@pytest.mark.parametrize("name", BUNDLED)
def test_explain_opens_with_the_headline(name: str) -> None:
    r = _result(name)
    text = _flat(narrate(r, _profile(name)))
    assert text.index("In short") < _in_order(text, _headline_parts(r)) < text.index("Step 1.")


def test_a_proposal_opens_with_its_verdict_and_reasons() -> None:
    r = _result("thin-proposal.yaml")
    top = _flat(" ".join(render(r, "terminal", width=100).splitlines()[:12]))
    assert "Verdict: Ready with conditions - It aims higher than its structure supports" in top


def test_open_questions_are_asked_in_rank_order_with_what_they_change_and_who_answers() -> None:
    r = _result("hmp-high-down-clu.yaml")
    expected = [
        "1. Does the role recruit, sustain and motivate others' participation? (App 2) "
        "could change rung 3, 2 actions and the role fit · ask the CFO staff team and holders",
        "2. Does the role have a formal place in a wing forum or the Prisoner Council? (App 2) "
        "could change rung 5 and 1 action · ask the CFO staff team and holders",
        "3. Do wing staff back the role's standing with residents? (§1.7.4) could change "
        "rung 5 and 1 action · ask the CFO staff team and holders",
        "4. Does the ringfenced funding last until the end of the next programme cycle? "
        "(§1.2.1) could change 1 action · ask the CFO commissioner",
    ]
    for fmt in VIEWS:
        text = _readable(render(r, fmt, audience="commissioner"), fmt)
        start = text.index("Open questions, those that could change the most first")
        section = text[start:]
        if fmt == "terminal":  # the first three once, in the headline above: not twice
            _in_order(text[:start], expected[:3])
            _in_order(section, ["Questions 1 to 3: under Questions that matter most, above.",
                                *expected[3:]])
            continue
        # Markdown and HTML number an ordered list themselves, not in its text
        _in_order(section, [x.split(". ", 1)[1] for x in expected])
    text = _flat(narrate(r, _profile("hmp-high-down-clu.yaml")))
    _in_order(text[text.index("Step 6."):], expected)


def test_who_answers_a_question_follows_its_part_of_the_profile() -> None:
    from advisor.render.words import answered_by

    assert answered_by("roles[2].supervision") == "the CFO staff team and holders"
    assert answered_by("governance.wing_forum") == "the governor sponsor or the CFO staff team"
    assert answered_by("delivery.ringfenced_funding") == "the CFO commissioner"
    assert answered_by("delivery.funding_until") == "the CFO commissioner"
    assert answered_by("delivery.phase1.reflective") == "the CFO staff team"
    assert answered_by("pathway.levels") == "Education and Library"
    assert answered_by("role_selected").startswith("the CFO staff team")


def test_a_fact_of_another_role_names_that_role() -> None:
    """With two roles, each fact says which role it is about, by the role's title (the
    JSON lists every role's title)."""
    r = _result("two-roles.yaml")
    text = _flat(render(r, "terminal", width=100))
    assert "Peer mentor: How are holders involved in the phase 1 course? none" in text
    assert "Ambassador: How are holders involved in the phase 1 course? none" in text
