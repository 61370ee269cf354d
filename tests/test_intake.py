"""Proposal intake: template, schema, validation of many files, upgrades, interview."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pexpect
import pytest
from click.testing import CliRunner

from advisor import yamlio
from advisor.cli import main
from advisor.intake import SCHEMA_PATH, schema_text
from advisor.profile import FACT_PATHS, load_profile
from tests.conftest import PROFILES, ROOT


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


# -- init -----------------------------------------------------------------------------


def test_init_writes_a_commented_template_that_validates(tmp_path: Path) -> None:
    path = tmp_path / "wing.yaml"
    r = _invoke("init", str(path), "--kind", "proposal")
    assert r.exit_code == 0
    text = path.read_text(encoding="utf-8")
    # the schema is written beside it, and the line points there, never into the
    # installation (a virtual environment or site-packages)
    assert text.startswith("# yaml-language-server: $schema=profile-v2.schema.json\n")
    assert (tmp_path / "profile-v2.schema.json").read_text(encoding="utf-8") == schema_text()
    assert "profile-v2.schema.json beside it" in r.stderr
    profile = load_profile(path)
    assert profile.kind == "proposal"
    # every fact is in the template, unknown, with its question and section beside it
    for generic, spec in FACT_PATHS.items():
        if spec.kind == "text" or generic in ("kind", "aspiration_rung") or spec.derived_from:
            continue  # derived facts are worked out from others: no key of their own
        leaf = generic.rsplit(".", 1)[-1]
        # other_roles is [] with a commented example entry
        assert any(line.strip().lstrip("#").strip().removeprefix("- ").startswith(
            f"{leaf}: unknown  # ") for line in text.splitlines()), generic
    assert "supervision: unknown  # How are holders supervised? (§1.3, §2.4.1)" in text
    assert profile.governance.wing_forum == "unknown"


def test_init_keeps_a_schema_file_already_there_and_never_points_elsewhere(
        tmp_path: Path) -> None:
    mine = tmp_path / "profile-v2.schema.json"
    mine.write_text("{}\n", encoding="utf-8")  # the user's own: not overwritten
    r = _invoke("init", str(tmp_path / "a.yaml"))
    assert r.exit_code == 0 and "beside it" not in r.stderr
    assert mine.read_text(encoding="utf-8") == "{}\n"
    assert (tmp_path / "a.yaml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=profile-v2.schema.json\n")
    # where no schema file can be put beside it (a folder has the name), no line at all
    other = tmp_path / "other"
    (other / "profile-v2.schema.json").mkdir(parents=True)
    r = _invoke("init", str(other / "b.yaml"))
    assert r.exit_code == 0
    text = (other / "b.yaml").read_text(encoding="utf-8")
    assert "$schema" not in text and "site-packages" not in text
    assert load_profile(other / "b.yaml").kind == "self-audit"
    # a missing folder is refused before anything is written
    r = _invoke("init", str(tmp_path / "nowhere" / "c.yaml"))
    assert r.exit_code == 2 and "folder" in r.stderr
    assert not (tmp_path / "nowhere").exists()


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "wing.yaml"
    path.write_text("my careful notes\n", encoding="utf-8")
    r = _invoke("init", str(path))
    assert r.exit_code == 2
    assert "already exists" in r.stderr and r.stdout == ""
    assert path.read_text(encoding="utf-8") == "my careful notes\n"
    r = _invoke("init", str(path), "--force", "--kind", "self-audit")
    assert r.exit_code == 0
    assert load_profile(path).kind == "self-audit"


# -- schema ---------------------------------------------------------------------------


def test_shipped_schema_is_up_to_date() -> None:
    r = _invoke("schema")
    assert r.exit_code == 0
    assert r.stdout == schema_text() == SCHEMA_PATH.read_text(encoding="utf-8"), \
        "regenerate with: advisor schema > schema/profile-v2.schema.json"


def test_every_bundled_profile_validates_against_the_shipped_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(PROFILES.glob("*.yaml")):
        errors = list(validator.iter_errors(yamlio.load(path).data))
        assert errors == [], (path.name, [e.message for e in errors])
        assert path.read_text(encoding="utf-8").count("$schema") <= 1


def test_schema_rejects_what_the_loader_rejects() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    data = yamlio.load(PROFILES / "hmp-high-down-clu.yaml").data
    data["roles"][0]["engagement"]["phase1"] = "formall"
    data["governance"]["wing_forums"] = True
    messages = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
    assert any("formall" in m for m in messages)
    assert any("wing_forums" in m for m in messages)
    fact = schema["$defs"]["Engagement"]["properties"]["phase1"]
    assert fact["enum"] == ["none", "planned", "informal", "formal", "unknown"]
    assert fact["description"].startswith("How are holders involved in the phase 1 course?")


# -- validate -------------------------------------------------------------------------


def test_validate_reports_every_error_in_every_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("profile_version: 1\nkind: examplee\nsite: {prison: X, population: lots}\n"
                   "wing: {name: Y, bed: 3}\n", encoding="utf-8")
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    r = _invoke("validate", str(bad), str(PROFILES / "two-roles.yaml"), str(empty))
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert f"{bad}:2: kind: 'examplee' is not one of" in lines[0]
    assert lines[1].startswith(f"{bad}:3: site.population: 'lots'")
    assert lines[2].startswith(f"{bad}:4: wing.bed: unknown field 'bed' (did you mean 'beds'?)")
    assert lines[3] == f"{empty}: is empty"
    assert lines[4] == "2 files with errors"
    assert f"{PROFILES / 'two-roles.yaml'}: ok" in r.stdout


def test_validate_checks_rule_files_rule_by_rule(tmp_path: Path) -> None:
    rules = tmp_path / "stages.yaml"
    text = (ROOT / "rules" / "stages.yaml").read_text(encoding="utf-8")
    text = text.replace("{fact: delivery.phase1.weeks, above: 0}",
                        "{fact: delivery.phase1.weks, above: 0}", 1)
    text = text.replace("sources: [Fig 1.8, §1.2.2]\n    when: {fact: delivery.phase1.reflective",
                        "sources: [Figure 1]\n    when: {fact: delivery.phase1.reflective", 1)
    rules.write_text(text, encoding="utf-8")
    r = _invoke("validate", str(rules))
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert "rule S1-green: when: unknown fact path 'delivery.phase1.weks'" in lines[0]
    assert "rule S2-green: source 'Figure 1' is not a report citation" in lines[1]
    assert _invoke("validate", str(ROOT / "rules")).exit_code == 0


# -- upgrades -------------------------------------------------------------------------


def test_upgrade_leaves_a_current_file_alone_and_refuses_unknown_versions(
        tmp_path: Path) -> None:
    path = tmp_path / "wing.yaml"
    original = (PROFILES / "two-roles.yaml").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    r = _invoke("upgrade", str(path))
    assert r.exit_code == 0 and "already at profile_version 2" in r.stdout
    assert path.read_text(encoding="utf-8") == original
    path.write_text(original.replace("profile_version: 2", "profile_version: 7"),
                    encoding="utf-8")
    r = _invoke("upgrade", str(path))
    assert r.exit_code == 2
    assert "profile_version 7 is not supported" in r.stderr


def test_upgrade_of_a_file_with_no_version_says_so_in_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    text = (ROOT / "tests" / "v1" / "two-roles.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("profile_version: 1\n", ""), encoding="utf-8")
    before = path.read_bytes()
    r = _invoke("upgrade", str(path))
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr == (f"advisor: {path}: has no profile_version, so its format cannot be "
                        "told; add `profile_version: 1` at the top if it was written for "
                        "format 1\n")
    assert path.read_bytes() == before


V1 = sorted((ROOT / "tests" / "v1").glob("*.yaml"))  # the bundled profiles as v1 wrote them


@pytest.mark.parametrize("original", V1, ids=[p.stem for p in V1])
def test_upgrade_rewrites_a_v1_file_keeping_every_comment_and_the_key_order(
        original: Path, tmp_path: Path) -> None:
    """v1 to v2 adds only optional facts, so the rewrite changes exactly the version and
    the schema line: every other line, comments included, is as the author wrote it."""
    path = tmp_path / original.name
    text = original.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    in_memory = load_profile(path)  # a v1 file loads unchanged, upgraded in memory
    r = _invoke("upgrade", str(path))
    assert r.exit_code == 0, r.output
    assert r.stdout == f"{path}: upgraded from profile_version 1 to 2\n"
    upgraded = path.read_text(encoding="utf-8")
    expected = text.replace("profile_version: 1\n", "profile_version: 2\n", 1) \
        .replace("profile-v1.schema.json", "profile-v2.schema.json", 1)
    assert upgraded == expected
    assert load_profile(path) == in_memory
    assert _invoke("assess", str(original), "-f", "json").stdout == \
        _invoke("assess", str(path), "-f", "json").stdout


def test_upgrade_refuses_an_invalid_v1_file_and_leaves_it_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    text = (ROOT / "tests" / "v1" / "two-roles.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("supervision: community-meeting",
                                 "supervision: weekly", 1), encoding="utf-8")
    before = path.read_bytes()
    r = _invoke("upgrade", str(path))
    assert r.exit_code == 2 and r.stdout == ""
    assert "supervision: 'weekly' is not one of" in r.stderr
    assert path.read_bytes() == before


def test_upgrade_steps_run_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mechanism: data of an old version passes through every step to the current."""
    from advisor import profile as profile_module

    def v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
        wing = dict(data["wing"])
        wing["label"] = wing.pop("name")
        return {**data, "wing": wing}

    def v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
        data["wing"]["label"] = data["wing"]["label"].upper()
        return data

    monkeypatch.setattr(profile_module, "CURRENT_VERSION", 3)
    monkeypatch.setattr(profile_module, "UPGRADES", {1: v1_to_v2, 2: v2_to_v3})
    doc = yamlio.parse("profile_version: 1\nwing: {name: Oak}\n", "old.yaml")
    assert profile_module.upgrade_data(doc.data, doc) == {"profile_version": 3,
                                                          "wing": {"label": "OAK"}}


# -- interview ------------------------------------------------------------------------


def _spawn(*args: str) -> pexpect.spawn[str]:
    # Ctrl-C as a terminal gives it, whatever this run inherited: a test run started in
    # the background (`make test &`) has SIGINT ignored, and so would the interview.
    return pexpect.spawn(sys.executable, ["-m", "advisor", "interview", *args],
                         encoding="utf-8", timeout=30, dimensions=(50, 220), cwd=str(ROOT),
                         preexec_fn=_default_sigint)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _answer(child: pexpect.spawn[str], expect: str, answer: str) -> None:
    child.expect(expect)
    child.expect("> ")
    child.sendline(answer)


def _finish(child: pexpect.spawn[str], answers: dict[str, str]) -> str:
    """Answer every remaining question (Enter for unknown unless told); return all text."""
    seen = []
    while True:
        i = child.expect(["\r\n> ", pexpect.EOF])
        if i == 1:
            break
        question = str(child.before).strip().splitlines()[-1]
        seen.append(question)
        child.sendline(next((a for key, a in answers.items() if key in question), ""))
    child.close()
    return "\n".join(seen) + "\n" + str(child.before or "")


def test_interview_survives_an_interrupt_and_resumes(tmp_path: Path) -> None:
    path = tmp_path / "proposal.yaml"
    child = _spawn("-o", str(path))
    _answer(child, "self-audit of a running wing, or a proposal", "proposal")
    _answer(child, "Which prison is this", "HMP Example Marsh")
    _answer(child, "What is the wing called", "Harbour unit")
    _answer(child, "On what date was this assessment made", "last week")
    child.expect("answer with a date written YYYY-MM-DD, or unknown")
    child.expect("> ")
    child.sendline("2026-11-30")
    _answer(child, "Who made the assessment", "")
    _answer(child, "Which categories does the prison hold", "C")
    child.expect("How many people does the prison hold")
    child.sendcontrol("c")  # half-way: the four answers so far must be on disk
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    saved = yamlio.load(path).data
    assert saved["kind"] == "proposal" and saved["site"] == {"prison": "HMP Example Marsh",
                                                            "category": ["C"]}
    assert saved["assessed"] == {"on": "2026-11-30", "by": "unknown"}
    assert load_profile(path).wing.name == "Harbour unit"  # valid at every step

    child = _spawn("-o", str(path), "--resume")
    child.expect("> ")
    # every question still unknown is asked again, in order: Enter keeps it unknown
    assert "Who made the assessment" in str(child.before)
    child.sendline("")
    child.expect("> ")
    assert "How many people does the prison hold" in str(child.before)  # first unanswered
    child.sendline("900")
    text = _finish(child, {"Has a peer involvement role been selected": "Peer mentor",
                           "How are holders supervised": "structured",
                           "Does the prison have a Prisoner Council": "yes",
                           "What is the role called": "x"})
    assert "Peer mentor: rung" in text  # it validated the file and assessed the wing
    profile = load_profile(path)
    assert profile.site.population == 900
    assert profile.roles[0].title == "Peer mentor"
    assert profile.roles[0].supervision == "structured"
    assert profile.governance.prisoner_council is True
    assert "Is the wing represented on the Prisoner Council" in text


def test_interview_skips_questions_made_irrelevant(tmp_path: Path) -> None:
    path = tmp_path / "audit.yaml"
    child = _spawn("-o", str(path), "--kind", "self-audit")
    _answer(child, "Which prison is this", "HMP Example Ridge")
    _answer(child, "What is the wing called", "Oak wing")
    text = _finish(child, {"Has a peer involvement role been selected": "none",
                           "Does the prison have a Prisoner Council": "no",
                           "decision-making forum or community meeting": "no"})
    # what was asked: the prompts, not the report at the end (its open questions)
    asked = "\n".join(line for line in text.splitlines() if "(? for why)" in line)
    assert "How are holders supervised" not in asked        # no role, no role questions
    assert "represented on the Prisoner Council" not in asked  # no council
    assert "Do holders have formal access to the wing's decision-making forum" not in asked
    assert "Does the prison have a Prisoner Council" in text
    profile = load_profile(path)
    assert profile.roles == [] and profile.governance.prisoner_council is False
    assert profile.governance.wing_on_council == "unknown"


def test_interview_records_an_unknown_role_as_unknown_not_as_none(tmp_path: Path) -> None:
    """"I don't know" to whether a role is selected is an open question: the file says
    `roles: unknown`, no role questions follow, and the plan does not tell the wing to
    choose a role it may already have."""
    path = tmp_path / "audit.yaml"
    child = _spawn("-o", str(path), "--kind", "self-audit")
    _answer(child, "Which prison is this", "HMP Example Ridge")
    _answer(child, "What is the wing called", "Oak wing")
    text = _finish(child, {"Has a peer involvement role been selected": "unknown"})
    assert "How are holders supervised" not in text
    assert yamlio.load(path).data["roles"] == "unknown"
    result = json.loads(_invoke("assess", str(path), "-f", "json").stdout)
    assert "LL2-select" not in {a["id"] for a in result["actions"]}
    assert result["current_rung"] == 0 and result["assessed_role"] is None
    assert "role_selected" in {q["fact"] for q in result["open_questions"]}


def test_interview_edit_revisits_one_answer(tmp_path: Path) -> None:
    path = tmp_path / "wing.yaml"
    original = (PROFILES / "hmp-high-down-clu.yaml").read_text(encoding="utf-8")
    old = next(line for line in original.splitlines(keepends=True)
               if line.startswith("  wing_forum: true ") and "#" in line)
    assert original.startswith("# yaml-language-server: $schema=")
    path.write_text(original, encoding="utf-8")
    child = _spawn("-o", str(path), "--edit", "governance.wing_forum")
    child.expect("decision-making forum")
    child.expect("> ")
    child.sendline("maybe")
    child.expect("answer yes, no or unknown")
    child.expect("> ")
    child.sendline("no")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    # the one answer changed; every comment, the $schema line and the key order kept
    assert path.read_text(encoding="utf-8") == original.replace(
        old, old.replace("true ", "false"))
    assert load_profile(path).governance.wing_forum is False


@pytest.mark.parametrize("how", [["--edit", "governance.wing_forum"], ["--resume"],
                                 ["--force"]])
def test_interview_refuses_a_read_only_file(tmp_path: Path, how: list[str]) -> None:
    path = tmp_path / "wing.yaml"
    path.write_text((PROFILES / "two-roles.yaml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    path.chmod(0o444)
    before = path.read_bytes()
    r = _invoke("interview", "-o", str(path), *how)
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr == (f"advisor: {path}: is read-only, so the interview cannot save "
                        f"answers to it; make it writable first (chmod u+w {path})\n")
    assert path.read_bytes() == before


def test_interview_resumes_an_init_template_asking_what_is_still_unknown(
        tmp_path: Path) -> None:
    """`advisor init` writes every fact `unknown` and placeholder names: resume asks
    each of those questions once (Enter keeps a fact unknown) and keeps the template's
    comments, its $schema line and the role entry it named."""
    path = tmp_path / "wing.yaml"
    assert _invoke("init", str(path), "--kind", "proposal").exit_code == 0
    template = path.read_text(encoding="utf-8")
    child = _spawn("-o", str(path), "--resume")
    child.expect("> ")
    assert "Which prison is this" in str(child.before)  # the placeholder is no answer
    child.sendline("HMP Example Marsh")
    text = _finish(child, {"What is the wing called": "Harbour unit",
                           "Has a peer involvement role been selected": "Peer mentor",
                           "How are holders supervised": "structured",
                           "Which categories does the prison hold": "C"})
    asked = [line for line in text.splitlines() if line[:1].isdigit()]
    assert len(asked) == len({q.split(" (? for why)")[0] for q in asked})  # each once
    assert any("On what date was this assessment made" in q for q in asked)
    assert any("Is the role paid" in q for q in asked)  # the role's facts, asked
    assert "Peer mentor: rung" in text  # then validated and assessed
    profile = load_profile(path)
    assert (profile.site.prison, profile.wing.name) == ("HMP Example Marsh", "Harbour unit")
    assert profile.site.category == ["C"]
    assert profile.roles[0].title == "Peer mentor"
    assert profile.roles[0].supervision == "structured"
    assert profile.roles[0].paid == "unknown" and profile.governance.wing_forum == "unknown"
    written = path.read_text(encoding="utf-8")
    assert written.splitlines()[0] == template.splitlines()[0]  # the $schema line
    for comment in ("# Does the wing have a decision-making forum or community meeting?",
                    "# Replace `unknown` wherever you know the answer"):
        assert comment in template and comment in written, comment
    supervision = next(line for line in written.splitlines() if "supervision:" in line)
    assert supervision.split() == ["supervision:", "structured", "#", "How", "are",
                                   "holders", "supervised?", "(§1.3,", "§2.4.1)"]
    def comments(text: str) -> list[str]:
        return [line[line.index("#"):] for line in text.splitlines() if "#" in line]

    assert comments(written) == comments(template)  # every one kept, in order


def test_interview_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "wing.yaml"
    path.write_text("keep me\n", encoding="utf-8")
    r = _invoke("interview", "-o", str(path))
    assert r.exit_code == 2 and "already exists" in r.stderr
    assert path.read_text(encoding="utf-8") == "keep me\n"


def test_every_interview_question_is_a_question() -> None:
    from advisor.interview import questions

    data = yamlio.load(PROFILES / "two-roles.yaml").data
    for q in questions(data):
        assert q.text[:1].isupper() and "?" in q.text, q.text
    by_path = {q.path: q.text for q in questions(data)}
    assert by_path["site.category"] == "Which categories does the prison hold?"


@pytest.mark.parametrize(("typed", "number"), [
    ("1200", 1200), ("1,200", 1200), ("1 200", 1200), ("12,345,678", 12345678), ("7", 7),
    (" 98 ", 98)])
def test_a_whole_number_may_be_written_with_thousands_marked(typed: str, number: int) -> None:
    from advisor.interview import parse_answer, questions

    q = next(q for q in questions({}) if q.path == "wing.beds")
    assert parse_answer(q, typed) == number


@pytest.mark.parametrize("typed", ["1,20", "12,00", "1.200", "1,200.5", "-3", "²", "1,,200",
                                   "1, 200", "lots"])
def test_a_number_is_refused_unless_it_is_whole(typed: str) -> None:
    from advisor.interview import BadAnswer, parse_answer, questions

    q = next(q for q in questions({}) if q.path == "wing.beds")
    with pytest.raises(BadAnswer, match="answer with a whole number, or unknown"):
        parse_answer(q, typed)


def test_why_says_what_a_descriptive_fact_is_for() -> None:
    from advisor.assess import default_rulebook
    from advisor.interview import questions, why

    q = next(q for q in questions({}) if q.path == "wing.beds")
    assert why(q, default_rulebook()) == (
        "The study discusses this in §1.1. It describes the wing and decides nothing: it "
        "sets the scene for a reader; the study draws no light, rung or action from it.")


def test_the_interview_asks_about_every_fact_the_model_holds() -> None:
    """The questions come from walking the model: a fact added to any section, or to a
    sub-object of one, is asked without a list to update."""
    from advisor.interview import questions
    from advisor.paths import generic

    data = {"profile_version": 2, "kind": "proposal", "roles": [{"title": "A role"}],
            "other_roles": [{"title": "Another"}]}
    asked = {generic(q.path) for q in questions(data)}
    facts = {path for path, spec in FACT_PATHS.items() if not spec.derived_from}
    named = {"roles[].title", "other_roles[].title"}  # given when the roles are named
    assert facts - named <= asked, sorted(facts - named - asked)


def test_the_interview_refuses_what_the_format_would_refuse(tmp_path: Path) -> None:
    """An answer is checked against the profile format before it is saved: a population
    past its range, a digit that is not ASCII, a name too long are asked again."""
    path = tmp_path / "wing.yaml"
    child = _spawn("-o", str(path), "--kind", "proposal")
    _answer(child, "Which prison is this", "x" * 300)
    child.expect("is 300 characters long; at most 200 allowed")
    child.expect("> ")
    child.sendline("HMP Example")
    _answer(child, "What is the wing called", "A wing")
    _answer(child, "On what date", "")
    _answer(child, "Who made the assessment", "")
    _answer(child, "Which categories does the prison hold", "")
    _answer(child, "How many people does the prison hold", "999999999")
    child.expect("999999999 is out of range: give 1 to 100000")
    child.expect("> ")
    child.sendline("²")
    child.expect("answer with a whole number, or unknown")
    child.expect("> ")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert load_profile(path).site.population == "unknown"  # every save stayed valid


def test_two_interviews_on_one_file_are_not_allowed(tmp_path: Path) -> None:
    path = tmp_path / "wing.yaml"
    first = _spawn("-o", str(path), "--kind", "proposal")
    first.expect("Which prison is this")
    second = _invoke("interview", "-o", str(path), "--resume")
    assert second.exit_code == 2 and second.stdout == ""
    assert "another interview is writing this file" in second.stderr
    first.sendcontrol("c")
    first.expect(pexpect.EOF)
    first.close()
    assert list(tmp_path.iterdir()) == [path]  # the lock went with the interview


def test_resuming_a_file_that_is_not_a_profile_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("description: rules\nrules: []\n", encoding="utf-8")
    r = _invoke("interview", "-o", str(path), "--resume")
    assert r.exit_code == 2 and r.stdout == ""
    assert "is not a site profile (it has no profile_version)" in r.stderr
    assert path.read_text(encoding="utf-8") == "description: rules\nrules: []\n"
