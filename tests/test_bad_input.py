"""Every class of bad input: exit 2, one line on stderr naming file, line and field,
nothing on stdout, no traceback, nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from advisor.cli import main
from tests.conftest import HIGH_DOWN

GOOD = HIGH_DOWN.read_text(encoding="utf-8")


def _edit(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def _line(text: str) -> int:
    """The line of the bundled example on which `text` stands (1-based)."""
    return GOOD[: GOOD.index(text)].count("\n") + 1


CASES: dict[str, tuple[bytes | str, str]] = {
    # name: (file content, what the message must contain)
    "empty file": ("", "bad.yaml: is empty"),
    "only a comment": ("# nothing here\n", "bad.yaml: is empty"),
    "not YAML": ("site: [unclosed\n", "bad.yaml:2: not valid YAML"),
    "a list at the top": ("- profile_version: 1\n", "bad.yaml:1: a profile is a mapping"),
    "a bare word": ("hello\n", "a profile is a mapping of fields, not 'hello'"),
    "wrong type": (_edit("  beds: 98 ", "  beds: lots "),
                   f"bad.yaml:{_line('  beds: 98 ')}: wing.beds: 'lots' is not a whole number"),
    "number as a string": (_edit("  beds: 98 ", "  beds: '98' "),
                           f"bad.yaml:{_line('  beds: 98 ')}: wing.beds: '98' is not a "
                           "whole number"),
    "float for a count": (_edit("  beds: 98 ", "  beds: 1e300 "), "wing.beds:"),
    "unknown key with a near miss": (
        _edit("  wing_forum: true ", "  wing_forums: true "),
        f"bad.yaml:{_line('  wing_forum: true ')}: governance.wing_forums: unknown field "
        "'wing_forums' "
        "(did you mean 'wing_forum'?)"),
    "unknown key far from any": (_edit("  wing_forum: true ", "  zzz: true "),
                                 "unknown field 'zzz'; expected one of wing_forum"),
    "bad enum word": (
        _edit("      phase2: none ", "      phase2: formall "),
        f"bad.yaml:{_line('      phase2: none ')}: roles[0].engagement.phase2: 'formall' "
        "is not one of none, planned, "
        "informal, formal, unknown (did you mean 'formal'?)"),
    "yes for a boolean": (_edit("  governor_sponsor: true ", "  governor_sponsor: yes "),
                          "delivery.governor_sponsor: 'yes' is not true, false or unknown "
                          "(did you mean true?)"),
    "out of range number": (_edit("  population: 1200 ", "  population: 999999999 "),
                            f"bad.yaml:{_line('  population: 1200 ')}: site.population: "
                            "999999999 is out of range"),
    "aspiration out of range": (_edit("aspiration_rung: null", "aspiration_rung: 9"),
                                "aspiration_rung: 9 is not a rung from 0 to 5"),
    "duplicate key": ("profile_version: 1\nkind: example\nkind: proposal\n",
                      "bad.yaml:3: kind: duplicate key 'kind' (first given on line 2)"),
    "object-constructing tag": (
        "profile_version: 1\nkind: !!python/object/apply:os.system ['touch PWNED']\n",
        "bad.yaml:2: kind: the YAML tag"),
    "alias bomb": ("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
                   "bad.yaml:1: a: YAML anchors and aliases"),
    "binary (a Word file renamed)": (b"PK\x03\x04\x14\x00\x06\x00word/document.xml",
                                     "bad.yaml: is a binary file"),
    "non-UTF-8 bytes": (b"profile_version: 1\nkind: example\nsite: {prison: \"\xe9\"}\n",
                        "bad.yaml:3: is not UTF-8 text"),
    "unsupported profile_version": (_edit("profile_version: 2", "profile_version: 3"),
                                    f"bad.yaml:{_line('profile_version: 2')}: "
                                    "profile_version: profile_version 3 is not supported"),
    "a date that is no date": (_edit("  on: unknown ", "  on: 2024-02-30 "),
                               f"bad.yaml:{_line('  on: unknown ')}: assessed.on: "
                               "'2024-02-30' is not a date written YYYY-MM-DD or unknown"),
    "a funding end that is neither a date nor ongoing": (
        _edit("  funding_until: unknown ", "  funding_until: next year "),
        f"bad.yaml:{_line('  funding_until: unknown ')}: delivery.funding_until: 'next year' "
        "is not a date written YYYY-MM-DD, ongoing or unknown"),
    "roles as a word other than unknown": (
        "profile_version: 2\nkind: proposal\nsite: {prison: X}\nwing: {name: Y}\n"
        "roles: none\n", "bad.yaml:5: roles: expected a list, or unknown, not 'none'"),
    "a voice with nobody speaking": (
        _edit("    residents: most residents asked", "    resident: most residents asked"),
        "voices.roles[0].visible_to_residents.resident: unknown field 'resident' "
        "(did you mean 'residents'?)"),
    "a voice about a fact that does not exist": (
        _edit("  roles[0].holders_clear_on_role:", "  roles[0].holders_clear:"),
        "voices: 'roles[0].holders_clear': not a fact path"),
    "missing profile_version": ("kind: example\n", "missing profile_version"),
    "missing required section": ("profile_version: 1\nkind: example\nsite: {prison: X}\n",
                                 "wing: is required but missing"),
    "evidence for a fact that does not exist": (
        _edit("  governance.council_aware_of_role:", "  governance.council_awareness:"),
        "evidence: 'governance.council_awareness': not a fact path"),
    "evidence for a role that does not exist": (
        _edit("  roles[0].engagement.phase2:", "  roles[4].engagement.phase2:"),
        "there is no roles[4] in this profile"),
    "too many roles": (
        "profile_version: 1\nkind: proposal\nsite: {prison: X}\nwing: {name: Y}\nroles:\n"
        + "".join(f"  - {{title: R{i}}}\n" for i in range(300)),
        "roles: has too many entries; at most 20 allowed"),
    "a tag that changes nothing": (_edit("kind: example", "kind: !!str example"),
                                   f"bad.yaml:{_line('kind: example')}: kind: the YAML tag"),
    "a tag with a value it cannot take": (_edit("  beds: 98 ", "  beds: !!int lots "),
                                          "wing.beds: the YAML tag"),
    "a yes made a boolean by a tag": (_edit("  governor_sponsor: true ",
                                            "  governor_sponsor: !!bool yes "),
                                      "delivery.governor_sponsor: the YAML tag"),
    "an anchor no alias uses": (_edit("  beds: 98 ", "  beds: &b 98 "),
                                "wing.beds: YAML anchors and aliases"),
    "a number past Python's digit limit": (_edit("  beds: 98 ", "  beds: " + "9" * 5000 + " "),
                                           "wing.beds: '99999"),
    "nesting far deeper than a profile": ("profile_version: 2\nkind: " + "[" * 600
                                          + "]" * 600 + "\n", "is nested more than 32"),
    "a leading zero is decimal, not octal": (_edit("  beds: 98 ", "  beds: 0200000 "),
                                             "wing.beds: 200000 is out of range"),
    "a clock time is text, not base 60": (_edit("  beds: 98 ", "  beds: 20:00 "),
                                          "wing.beds: '20:00' is not a whole number"),
    "a terminal escape in text": (_edit("  name: Community Living Unit (CLU)",
                                        '  name: "CLU\\x1b]52;c;cHduZWQ=\\x07"'),
                                  "wing.name: holds the control character U+001B"),
    "a bidirectional override in text": (_edit("  name: Community Living Unit (CLU)",
                                               '  name: "CLU \\u202egnp.exe"'),
                                         "wing.name: holds the control character U+202E"),
    "a name of invisible characters only": (_edit("  name: Community Living Unit (CLU)",
                                                  '  name: "\\u200b\\u200b"'),
                                            "wing.name: is only invisible characters"),
    "a huge unknown key is named, not echoed": (
        _edit("  wing_forum: true ", "  " + "k" * 1000 + ": true\n  wing_forum: true "),
        "governance.kkkkkkkk"),
    "a role number in a digit that is not ASCII": (
        _edit("  roles[0].engagement.phase2:", "  roles[²].engagement.phase2:"),
        "evidence: 'roles[²].engagement.phase2': roles[...] needs a role number"),
    "a hex number past Python's digit limit": (_edit("  beds: 98 ", "  beds: 0x" + "f" * 4000
                                                    + " "),
                                              "wing.beds: a number 4000 hex digits long is "
                                              "out of range"),
    "very long text": ("profile_version: 2\nkind: proposal\nsite: {prison: "
                       + "x" * 10_000 + "}\nwing: {name: Y}\n",
                       "site.prison: is 10000 characters long"),
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("name", list(CASES))
def test_bad_profile_exits_2_with_one_clear_line(name: str, runner: CliRunner,
                                                 tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    content, expected = CASES[name]
    bad = tmp_path / "bad.yaml"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content, encoding="utf-8")
    out = tmp_path / "report.json"
    monkeypatch.chdir(tmp_path)  # a tag that ran a command would leave PWNED here
    result = runner.invoke(main, ["assess", str(bad), "-f", "json", "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert expected in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert len(result.stderr) < len(str(bad)) + 500  # values are cut, never echoed whole
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]  # nothing written, nothing run, no temp file


def test_missing_path(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["assess", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "nope.yaml: no such profile" in result.stderr


def test_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["assess", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "is a folder, not a profile" in result.stderr


def test_existing_output_is_kept_when_input_is_bad(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("last week's report\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("", encoding="utf-8")
    result = runner.invoke(main, ["assess", str(bad), "-f", "json", "-o", str(out)])
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == "last week's report\n"


def test_output_into_a_missing_folder_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["assess", str(HIGH_DOWN), "-f", "json", "-o",
                                  str(tmp_path / "no" / "such" / "r.json")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "does not exist" in result.stderr


def test_unexpected_failure_exits_1_without_traceback(runner: CliRunner,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import advisor.assess

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("simulated fault")

    monkeypatch.setattr(advisor.assess, "assess", boom)
    result = runner.invoke(main, ["assess", str(HIGH_DOWN)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "internal error: RuntimeError: simulated fault" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null", "fifo"])
def test_what_is_not_a_regular_file_is_refused_at_once(special: str, runner: CliRunner,
                                                        tmp_path: Path) -> None:
    """A device is never read without end, and a pipe with no writer never waited on."""
    import os

    path = Path(special)
    if special == "fifo":
        path = tmp_path / "profile.yaml"
        os.mkfifo(path)
    for command in (["assess", str(path)], ["validate", str(path)],
                    ["whatif", str(path), "--set", "kind=proposal"]):
        result = runner.invoke(main, command)
        assert result.exit_code == 2, (command, result.output)
        assert result.stdout == ""
        assert "is not a regular file" in result.stderr


def test_a_file_name_with_a_newline_keeps_the_error_on_one_line(runner: CliRunner,
                                                                 tmp_path: Path) -> None:
    bad = tmp_path / "two\nlines\x1b[2J.yaml"
    bad.write_text("profile_version: 2\nkind: examplee\n", encoding="utf-8")
    result = runner.invoke(main, ["assess", str(bad)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "\x1b" not in result.stderr
    assert "two\\nlines\\x1b[2J.yaml:1: site: is required" in result.stderr


def test_whatif_with_a_role_number_that_is_not_ascii_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(main, ["whatif", str(HIGH_DOWN), "--set", "roles[²].title=x"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "roles[...] needs a role number" in result.stderr


def test_a_file_of_thousands_of_unknown_keys_is_refused_without_a_search_for_each(
        runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A "did you mean" search for every one of 35,000 unknown keys took 9 s: only the
    error shown is worded (counted, not timed)."""
    from advisor import profile as profile_module

    bad = tmp_path / "bad.yaml"
    bad.write_text("profile_version: 2\nkind: proposal\nsite: {prison: X}\nwing: {name: Y}\n"
                   "governance:\n" + "".join(f"  unknown_key_{i:07d}: true\n"
                                             for i in range(35_000)), encoding="utf-8")
    calls: list[object] = []
    real = profile_module.did_you_mean

    def counted(word: object, options: Any) -> str:
        calls.append(word)
        return real(word, options)

    monkeypatch.setattr(profile_module, "did_you_mean", counted)
    result = runner.invoke(main, ["assess", str(bad)])
    assert result.exit_code == 2
    assert "bad.yaml:6: governance.unknown_key_0000000: unknown field" in result.stderr
    assert len(calls) <= 2
