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
from advisor.explain import narrate
from advisor.profile import Profile, load_profile
from advisor.render import AUDIENCES, render
from advisor.render.words import LADDER_NOTE, TERMS
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
def _result(name: str) -> dict[str, Any]:
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


def _check_words(text: str, r: dict[str, Any]) -> None:
    """The checks every view passes, on the text a reader sees."""
    rung_line = _rung_line(r)
    assert rung_line in text
    # the note and the work the role did not start follow the rung line at once
    after = text[text.index(rung_line):]
    assert after.index(LADDER_NOTE) < len(rung_line) + 80
    end = after.index(LADDER_NOTE) + len(LADDER_NOTE)
    for f in (f for f in r["findings"] if f["beside_rung"]):
        assert _flat(f["text"]) in after[end:end + 40 + len(f["text"])], f["id"]
    for word, meaning in TERMS.items():
        assert re.search(rf"\b{word}\b\W{{1,8}}{re.escape(meaning)}", text, re.IGNORECASE), word
    if r["assessed"] is not None:
        assert _assessed(r) in text
    for path, said in r["voices"].items():
        for who, words in said.items():
            voice = f"{LABELS[who]}: {_flat(words)}"
            # beside its fact: some mention of the fact is followed closely by the voice
            assert any(0 <= text.find(voice, m.end()) - m.end() < 400
                       for m in re.finditer(re.escape(path), text)), (path, who)
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
    _check_words(_flat(narrate(r, _profile(name))), r)


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
    assert "roles[0].visible_to_residents Residents say: most residents" in text


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
