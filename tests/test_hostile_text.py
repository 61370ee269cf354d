"""Hostile text in every text field of a profile, through every output (issue 16, point 2).

Generated text (markup, Markdown links and images, spreadsheet formulas, bidi marks,
very long values, tabs and newlines) goes into every field a profile takes as text; every
format is rendered for every audience, and each is checked for what the text could do
there: live HTML, a Markdown link, image, raw HTML or emphasis, a terminal escape
sequence, a JSON value changed on the way. What the profile model refuses (control
characters, bidi overrides, text of invisible characters only) is refused at validation.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from advisor import yamlio
from advisor.assess import assess, default_rulebook
from advisor.cli import main
from advisor.explain import action_report, narrate
from advisor.profile import Name, Note, Profile
from advisor.render import AUDIENCES, render
from advisor.result import Assessment
from advisor.whatif import compare, render_compare
from tests.conftest import HIGH_DOWN, PROFILES
from tests.test_markdown import md_shape, md_shown

# -- generated hostile text --------------------------------------------------------------

PIECES = [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "<iframe src=//e.example>",
    "<svg onload=alert(1)>", "<a href='javascript:alert(1)'>x</a>", "<!-- c -->", "</td>",
    "[x](javascript:alert(1))", "![x](https://e.example/p.png)", "<https://e.example>",
    "https://e.example/a", "www.e.example", "jo@e.example", "[x]: https://e.example",
    "[^1]", '=HYPERLINK("https://e.example","y")', "=cmd|' /C calc'!A0", "+1", "-1",
    "@SUM(A1)", "\u200f", "\u200e", "\u061c", "\u05d0\u05d1", "# h", "> q", "1. x", "2) x",
    "- x", "+ x", "---", "===", "| a | b |", "*e*", "_u_", "**s**", "__s__", "~~d~~", "`c`",
    "```", "$x$", "&lt;b&gt;", "&amp;", "&#60;", "\\", "\\*", "\t", "\n", "\n\n", "  ",
    "{{ 7*7 }}", "{% x %}", "[bold red]rich[/]", ":smile:", "%s%n", "é", "日本", "x",
]
TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs"),
                             exclude_characters="\u202a\u202b\u202c\u202d\u202e"
                                                "\u2066\u2067\u2068\u2069"), max_size=12)
NAME, NOTE = TypeAdapter(Name), TypeAdapter(Note)


def _accepted(value: str, limit: int) -> bool:
    """Whether the profile model takes `value` as text (no control characters, no bidi
    overrides, not only invisible characters, within its length)."""
    try:
        (NAME if limit <= 200 else NOTE).validate_python(value)
    except ValidationError:
        return False
    return len(value) <= limit


def hostile(limit: int) -> st.SearchStrategy[str]:
    """Text the model accepts: pieces of markup and formulas mixed with any characters,
    sometimes repeated to the field's length."""
    mixed = st.lists(st.sampled_from(PIECES) | TEXT, min_size=1, max_size=8).map("".join)
    long = mixed.map(lambda s: (s * (limit // max(len(s), 1) + 1))[:limit])
    return st.one_of(mixed, mixed, long).filter(lambda s: _accepted(s, limit))


def _catalogue_names() -> set[str]:
    """Role titles the App 2 catalogue knows, as role fit matches them."""
    return {_norm(role.title) for role in default_rulebook().catalogue.roles}


def _norm(title: str) -> str:
    return title.split("(", maxsplit=1)[0].strip().lower()


# -- a profile with hostile text in every text field --------------------------------------


def _text_fields(data: dict[str, Any]) -> list[tuple[list[Any], int]]:
    """Every text field of a profile as (path of keys, length limit), after giving it the
    sections and entries that hold text (an other role, evidence and voices for facts of
    the wing, each role and each other role)."""
    data.setdefault("assessed", {}).setdefault("by", "x")
    if not isinstance(data.get("roles"), list) or not data["roles"]:
        data["roles"] = [{"title": "x"}]
    if not data.get("other_roles"):
        data["other_roles"] = [{"title": "x"}]
    data.setdefault("delivery", {})["resident_led_initiatives"] = ["x", "y"]
    data.setdefault("pathway", {})["levels"] = ["x", "y"]
    evidence = data.setdefault("evidence", {})
    voices = data.setdefault("voices", {})
    facts = ["governance.wing_forum", "other_roles[0].engagement",
             *[f"roles[{i}].visible_to_residents" for i in range(len(data["roles"]))]]
    for path in facts:
        evidence.setdefault(path, "x")
        voices.setdefault(path, {})
    fields: list[tuple[list[Any], int]] = [
        (["site", "prison"], 200), (["wing", "name"], 200), (["assessed", "by"], 200)]
    for i, role in enumerate(data["roles"]):
        role.setdefault("training", {})
        fields += [(["roles", i, "title"], 200), (["roles", i, "training", "provider"], 200),
                   (["roles", i, "training", "qualification"], 200)]
    fields += [(["other_roles", i, "title"], 200) for i in range(len(data["other_roles"]))]
    fields += [(["delivery", "resident_led_initiatives", i], 300) for i in range(2)]
    fields += [(["pathway", "levels", i], 300) for i in range(2)]
    fields += [(["evidence", path], 1000) for path in evidence]
    fields += [(["voices", path, who], 1000) for path in voices
               for who in ("residents", "holders", "staff")]
    return fields


def _put(data: Any, keys: list[Any], value: str) -> None:
    for key in keys[:-1]:
        data = data[key]
    data[keys[-1]] = value


@st.composite
def hostile_profiles(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """(hostile profile, the same profile with each distinct text replaced by plain words,
    the hostile values by field)."""
    name = draw(st.sampled_from(["hmp-high-down-clu.yaml", "two-roles.yaml"]))
    data: dict[str, Any] = yamlio.load(PROFILES / name).data
    fields = _text_fields(data)
    plain = copy.deepcopy(data)
    values: dict[str, str] = {}
    twins: dict[str, str] = {}
    known = _catalogue_names()
    for keys, limit in fields:
        value = draw(hostile(limit))
        if keys[-1] == "title" and _norm(value) in known:
            value = f"Hostile {value}"[:limit]  # a catalogue role would change role fit
        values[".".join(map(str, keys))] = value
        _put(data, keys, value)
        _put(plain, keys, twins.setdefault(value, f"Plain words {len(twins) + 1}"))
    return data, plain, values


# -- what each format must not do ---------------------------------------------------------

#: Tokens the Markdown report never writes itself: from profile text they would be live.
MD_NEVER = {"link_open", "image", "html_inline", "html_block", "code_inline", "code_block",
            "fence", "em_open", "s_open", "blockquote_open", "hr", "lheading_open"}


def check_markdown(md: str, plain_md: str, shown: list[str]) -> None:
    shape = md_shape(md)
    assert not {t for t, _ in shape} & MD_NEVER, {t for t, _ in shape} & MD_NEVER
    assert shape == md_shape(plain_md)  # text changed nothing but text
    # GitHub also links bare addresses: none is left unescaped
    assert not re.search(r"(?<!\\):(?=//)|(?i:www)\.|(?<!\\)@[\w-]", md)
    text = md_shown(md)
    for value in shown:  # shown as it is, on one line, without backslashes
        assert " ".join(value.split()) in text


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.shape: list[tuple[str, tuple[str, ...]]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.shape.append((tag, tuple(sorted(k for k, _ in attrs))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def _html(text: str) -> _Html:
    parser = _Html()
    parser.feed(text)
    parser.close()
    return parser


def check_html(html: str, plain_html: str, shown: list[str]) -> None:
    page = _html(html)
    tags = {tag for tag, _ in page.shape}
    assert not tags & {"script", "img", "iframe", "object", "embed", "a", "form", "base"}
    assert not [k for _, attrs in page.shape for k in attrs if k.startswith("on")]
    assert page.shape == _html(plain_html).shape  # no element or attribute from text
    text = "".join(page.data)
    for value in shown:
        assert value in text


SGR = re.compile(r"\x1b\[[0-9;]*m")
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def check_terminal(text: str, *, color: bool) -> None:
    if color:  # only the renderer's own colours: Select Graphic Rendition, nothing else
        text = SGR.sub("", text)
    assert not CONTROL.search(text), repr(CONTROL.findall(text)[:5])


def check_json(text: str, data: dict[str, Any]) -> None:
    out = json.loads(text)
    assert out["profile"]["prison"] == data["site"]["prison"]
    assert out["profile"]["wing"] == data["wing"]["name"]
    assert out["profile"]["roles"] == [r["title"] for r in data["roles"]]
    assert out["profile"]["other_roles"] == [r["title"] for r in data["other_roles"]]
    assert out["assessed"]["by"] == data["assessed"]["by"]
    assert out["evidence"] == data["evidence"]
    assert out["voices"] == {k: v for k, v in data["voices"].items() if v}


def _assess(data: dict[str, Any]) -> Assessment:
    return assess(Profile.model_validate(data), default_rulebook())


@pytest.mark.slow  # about 40 s: make test and CI run it, make check leaves it out
@pytest.mark.filterwarnings("ignore:Generating overly large repr")  # a failing example
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(hostile_profiles())
def test_hostile_text_is_inert_in_every_format_and_audience(
        drawn: tuple[dict[str, Any], dict[str, Any], dict[str, str]]) -> None:
    data, plain, values = drawn
    profile = Profile.model_validate(data)
    r, p = assess(profile, default_rulebook()), _assess(plain)
    shown = [values["site.prison"], values["wing.name"],
             *[v for k, v in values.items() if k.startswith(("evidence.", "voices."))]]
    for audience in (None, *AUDIENCES):
        check_markdown(render(r, "markdown", audience=audience),
                       render(p, "markdown", audience=audience), shown)
        check_html(render(r, "html", audience=audience), render(p, "html", audience=audience),
                   shown)
        for color in (False, True):
            check_terminal(render(r, "terminal", audience=audience, color=color, width=100),
                           color=color)
    check_json(render(r, "json"), data)
    check_terminal(narrate(r, profile), color=False)
    check_terminal(action_report(r, r["actions"][0]["id"]), color=False)
    # side by side with another wing: the names and the wings' text in each format
    other = _assess(yamlio.load(PROFILES / "peer-led-wing.yaml").data)
    compared, plain_compared = (compare([("a.yaml", x), ("b.yaml", other)]) for x in (r, p))
    check_markdown(render_compare(compared, "markdown"),
                   render_compare(plain_compared, "markdown"),
                   [values["site.prison"], values["wing.name"]])
    check_html(render_compare(compared, "html"), render_compare(plain_compared, "html"), [])
    check_terminal(render_compare(compared, "terminal"), color=False)
    assert json.loads(render_compare(compared, "json"))["profiles"][0]["wing"] == (
        data["wing"]["name"])


# -- one case of each, found by hand -----------------------------------------------------

ATTACKS = ["<script>alert(1)</script>", "![x](https://e.example/p.png)",
           "[x](javascript:alert(1))", "~~struck~~", "`code`", "# heading", "a | b",
           "https://e.example", "&lt;b&gt;"]


def test_compare_markdown_quotes_names_wings_and_prisons_as_text() -> None:
    """The comparison's Markdown, for proposals and for audits of one wing: nothing from
    a file name or a profile becomes a link, an image, HTML or emphasis, and each shows as
    it is."""
    data = yamlio.load(HIGH_DOWN).data
    data["wing"]["name"] = " ".join(ATTACKS[:5])
    data["site"]["prison"] = " ".join(ATTACKS[5:])
    first = _assess(data)
    data["roles"][0]["expectations_communicated"] = True
    later = _assess(data)
    other = _assess(yamlio.load(PROFILES / "two-roles.yaml").data)
    for results in ([("[a](javascript:x).yaml", first), ("<b>b</b>.yaml", other)],
                    [("![i](https://e.example/i.png)", first), ("*later*.yaml", later)]):
        md = render_compare(compare(results), "markdown")
        types = {t for t, _ in md_shape(md)}
        assert not types & MD_NEVER, types & MD_NEVER
        text = md_shown(md)
        for name, _ in results:
            assert name in text
        assert data["wing"]["name"] in text and data["site"]["prison"] in text
        assert "Agree, as a staff team and with residents" in text or "Readiest" in text


def test_markdown_report_quotes_each_attack_as_text() -> None:
    """Each attack in a role's title, the wing's name and a voice: the report's structure
    is the same as with plain words, and the reader sees the text as it was written."""
    for attack in ATTACKS:
        data = yamlio.load(PROFILES / "two-roles.yaml").data
        plain = copy.deepcopy(data)
        for d, value in ((data, attack), (plain, "plain")):
            d["roles"][1]["title"] = f"{value} mentor"
            d["wing"]["name"] = value
            d["voices"] = {"roles[1].visible_to_residents": {"residents": value}}
        for audience in (None, "trainer"):
            check_markdown(render(_assess(data), "markdown", audience=audience),
                           render(_assess(plain), "markdown", audience=audience),
                           [attack, f"Residents say: {attack}"])


# -- terminal width ------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1, 10, 39, 201, 5000, 100_000_000])
def test_terminal_report_is_laid_out_within_bounds_and_loses_nothing(width: int) -> None:
    """Whatever width the renderer is given (the command line passes the terminal's, and
    COLUMNS can claim anything), it lays the report out in 40 to 200 columns, and cuts
    nothing off at the narrowest."""
    r = _assess(yamlio.load(HIGH_DOWN).data)
    text = render(r, "terminal", width=width, audience="trainer")
    widest = max(len(line) for line in text.splitlines())
    assert 40 <= widest <= 200
    assert len(text) < 200_000
    # every letter and digit of the report at its usual width is there, none cut to "…"
    # (the only "…" are those ending the short references to earlier actions, at any width)
    usual = render(r, "terminal", width=100, audience="trainer")
    letters = Counter(c for c in usual if c.isalnum())
    assert not letters - Counter(c for c in text if c.isalnum())
    assert text.count("…") == usual.count("…")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_huge_columns_does_not_grow_the_terminal_report(tmp_path: Path) -> None:
    """The command line passes the terminal's width (COLUMNS first) when stdout is a
    terminal: 100,000,000 columns still gives lines of at most MAX_WIDTH."""
    import pty

    from advisor.render.terminal import MAX_WIDTH

    exe = shutil.which("advisor", path=str(Path(sys.executable).parent)) or "advisor"
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100000000", "NO_COLOR": "1"}
    with subprocess.Popen([exe, "assess", "--full", str(HIGH_DOWN)], stdout=follower,
                          stderr=subprocess.PIPE, env=env) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the command has finished
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=120) == 0, proc.stderr.read() if proc.stderr else ""
    os.close(leader)
    text = b"".join(chunks).decode()
    assert "Service user involvement ladder" in text
    assert max(len(line) for line in text.splitlines()) <= MAX_WIDTH
    assert len(text) < 200_000


# -- what the model refuses is refused, not rendered ---------------------------------------

REFUSED = {
    "OSC 52 clipboard write": "\x1b]52;c;ZXZpbA==\x07",
    "terminal title": "\x1b]0;pwned\x07",
    "screen clear": "\x1b[2J",
    "C1 control sequence introducer": "\x9b31m",
    "carriage return": "a\rb",
    "right-to-left override": "CLU \u202egnp.exe",
    "isolate": "\u2066x\u2069",
}
FIELDS: dict[str, list[Any]] = {
    "role title": ["roles", 0, "title"], "other role title": ["other_roles", 0, "title"],
    "initiative": ["delivery", "resident_led_initiatives", 0],
    "pathway level": ["pathway", "levels", 0],
    "training provider": ["roles", 0, "training", "provider"],
    "assessor": ["assessed", "by"],
    "evidence note": ["evidence", "governance.wing_on_council"],
    "voice": ["voices", "roles[0].visible_to_residents", "residents"],
}


def _refused(tmp_path: Path, keys: list[Any], value: str, reason: str) -> None:
    data = yamlio.load(HIGH_DOWN).data
    _put(data, keys, value)
    bad = tmp_path / "bad.yaml"
    bad.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML; escapes kept
    for fmt in ("terminal", "markdown", "html", "json"):
        result = CliRunner().invoke(main, ["assess", str(bad), "-f", fmt])
        assert result.exit_code == 2, (fmt, result.output)
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert f": {keys[0]}" in result.stderr and reason in result.stderr, result.stderr
        assert not CONTROL.search(result.stderr) and "\u202e" not in result.stderr


@pytest.mark.parametrize("field", list(FIELDS))
@pytest.mark.parametrize("attack", list(REFUSED))
def test_control_and_bidi_characters_are_refused_at_validation(
        field: str, attack: str, tmp_path: Path) -> None:
    _refused(tmp_path, FIELDS[field], REFUSED[attack], "holds the control character U+")


@pytest.mark.parametrize("field", list(FIELDS))
def test_text_of_invisible_characters_only_is_refused(field: str, tmp_path: Path) -> None:
    _refused(tmp_path, FIELDS[field], "\u200b\u2060\ufeff", "is only invisible characters")
