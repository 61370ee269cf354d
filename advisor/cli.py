"""The `advisor` command: a thin click layer over the library.

Each command parses its arguments, makes one library call, renders, and turns library
errors into one line on stderr with the error's own exit status (2 for bad input, 1 for
anything unexpected). Nothing is printed to stdout, and no file is written, unless the
whole result is ready.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from advisor.errors import AdvisorError, InputError
from advisor.files import write_atomic
from advisor.render import AUDIENCES, FORMATS
from advisor.startup import pause, started

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int) -> None:
    click.echo(f"advisor: {message}", err=True)
    sys.exit(code)


def reports_errors(func: F) -> F:
    """Turn our errors into one stderr line and an exit status; never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AdvisorError as err:
            _fail(err.one_line(), err.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except Exception as err:  # the truly unexpected: say so, briefly, and exit 1
            if os.environ.get("ADVISOR_DEBUG"):
                raise
            _fail(f"internal error: {type(err).__name__}: {err} "
                  "(set ADVISOR_DEBUG=1 for the traceback)", 1)
        return None

    return wrapper  # type: ignore[return-value]


def emit(text: str, output: Path | None, reads: tuple[Path, ...] = ()) -> None:
    """The finished text to a file (atomically, never over a file the run `reads`) or to
    stdout."""
    if output is not None:
        write_atomic(output, text, inputs=reads)
    else:
        click.echo(text, nl=False)


def _rules_option(func: F) -> F:
    return click.option(
        "--rules", "rules_dir", type=click.Path(path_type=Path, file_okay=False),
        default=None, help="Rulebook folder (default: the bundled rules/).")(func)


def _example_option(func: F) -> F:
    return click.option(
        "--example", "-e", "example", metavar="NAME",
        help="A bundled example profile instead of PROFILE, by name or a part of it "
             "(see 'advisor examples').")(func)


def _profile_path(profile: Path | None, example: str | None) -> Path:
    """The profile file to read: PROFILE, or the bundled example named by --example."""
    if (profile is None) == (example is None):
        raise InputError("give a PROFILE file or --example NAME (one of them)")
    if example is not None:
        from advisor.examples import find_example

        return find_example(example)
    assert profile is not None
    return profile


def run() -> None:
    """The `advisor` console script: the command group in a process of its own, with
    the cycle collector paused until start-up is over (see `advisor.startup`)."""
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show ● gets ?, not
        reconfigure = getattr(stream, "reconfigure", None)  # an error (cp1252, latin-1)
        if reconfigure is not None:
            reconfigure(errors="replace")
    pause()
    try:
        main()
    finally:
        started()


def _version(ctx: click.Context, _: click.Parameter, wanted: bool) -> None:
    if wanted and not ctx.resilient_parsing:
        from advisor import __version__

        click.echo(f"advisor, version {__version__}")
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_version, help="Show the version and exit.")
def main() -> None:
    """Assess peer involvement on a CFO prison wing against the 2024 High Down study.

    Example: advisor assess profiles/hmp-high-down-clu.yaml
    """


@main.command()
@click.argument("profile", required=False,
                type=click.Path(path_type=Path, dir_okay=True, exists=False))
@_example_option
@click.option("--format", "-f", "fmt",
              type=click.Choice(FORMATS),
              default="terminal", show_default=True, help="How to show the assessment.")
@click.option("--audience", type=click.Choice(AUDIENCES),
              default=None, help="Order and emphasis for a reader: commissioner (readiness "
                                 "and risks first), delivery (the plan first), trainer "
                                 "(the full reasoning).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Write to this file (atomically) instead of stdout.")
@click.option("--color/--no-color", default=None,
              help="Colour in terminal output (default: when stdout is a terminal).")
@click.option("--full", is_flag=True,
              help="In the terminal, the whole report rather than the one-screen summary "
                   "(the other formats are always whole).")
@_rules_option
@reports_errors
def assess(profile: Path | None, example: str | None, fmt: str, audience: str | None,
           output: Path | None, color: bool | None, full: bool,
           rules_dir: Path | None) -> None:
    """Assess one site profile: stage lights, rungs, action plan, open questions.

    Example: advisor assess profiles/hmp-high-down-clu.yaml --format json -o out.json

    Example: advisor assess --example high-down
    """
    from advisor.assess import assess as run_assessment
    from advisor.profile import load_profile
    from advisor.render import render

    source = _profile_path(profile, example)
    result = run_assessment(load_profile(source), _book(rules_dir))
    if color is None:
        color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    width = None
    # the terminal's width, or COLUMNS when the output is piped (`| less`, `> file`)
    if output is None and (sys.stdout.isatty() or "COLUMNS" in os.environ):
        import shutil

        width = shutil.get_terminal_size().columns
    emit(render(result, fmt, color=color, width=width, audience=audience, full=full),
         output, (source,))


@main.command()
@click.argument("profile", required=False, type=click.Path(path_type=Path))
@_example_option
@click.option("--rule", "rule_id", help="Follow one rule back to its facts.")
@click.option("--action", "action_id", help="Follow one action back to its facts.")
@_rules_option
@reports_errors
def explain(profile: Path | None, example: str | None, rule_id: str | None,
            action_id: str | None, rules_dir: Path | None) -> None:
    """Walk through the reasoning step by step: facts, stages, rungs, target, plan.

    Example: advisor explain profiles/hmp-high-down-clu.yaml --action R1c
    """
    from advisor.assess import assess as run_assessment
    from advisor.explain import action_report, narrate, rule_report
    from advisor.profile import did_you_mean, load_profile

    book = _book(rules_dir)
    prof = load_profile(_profile_path(profile, example))
    result = run_assessment(prof, book)
    if rule_id is not None:
        ids = [r.id for r in book.rules]
        if rule_id not in ids:
            raise InputError(f"no rule {rule_id!r}{did_you_mean(rule_id, ids)}")
        text = rule_report(book, prof, rule_id)
    elif action_id is not None:
        ids = [a["id"] for a in result["actions"]]
        if action_id not in ids:
            raise InputError(f"action {action_id!r} is not in this plan"
                             f"{did_you_mean(action_id, ids)}")
        text = action_report(result, action_id)
    else:
        text = narrate(result, prof)
    click.echo(text, nl=False)


@main.command()
@reports_errors
def examples() -> None:
    """List the bundled example profiles and what each teaches; assess one by name with
    --example (assess, explain, whatif and path take it).

    Example: advisor examples
    """
    from advisor.examples import examples as bundled

    found = bundled()
    width = max((len(e.name) for e in found), default=0)
    for e in found:
        click.echo(f"{e.name.ljust(width)}  {e.teaches}")
    click.echo(f"\nAssess one with: advisor assess --example NAME (e.g. --example "
               f"{found[0].name.removesuffix('.yaml') if found else 'high-down'})")


@main.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--kind", type=click.Choice(["proposal", "self-audit"]), default="self-audit",
              show_default=True, help="What the profile describes.")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@reports_errors
def init(path: Path, kind: str, force: bool) -> None:
    """Write a commented template profile: every fact unknown, its question beside it.

    Its `$schema` line, for editors, points at profile-v2.schema.json beside it, which is
    written there too unless a file of that name is there already.

    Example: advisor init my-wing.yaml --kind proposal
    """
    from advisor.intake import SCHEMA_ID, schema_beside, template

    if path.exists() and not force:
        raise InputError("already exists; choose another name or add --force", file=str(path))
    if not path.parent.is_dir():
        raise InputError(f"cannot write: folder {path.parent} does not exist", file=str(path))
    had_schema = (path.parent / SCHEMA_ID).exists()
    schema = schema_beside(path)
    write_atomic(path, template(kind, schema))
    beside = f" (and {schema} beside it, for editors)" if schema and not had_schema else ""
    click.echo(f"wrote {path}{beside}: fill it in, then run 'advisor validate {path}'",
               err=True)


@main.command()
@reports_errors
def schema() -> None:
    """Print the profile's JSON Schema (also shipped as schema/profile-v2.schema.json).

    Example: advisor schema > profile.schema.json
    """
    from advisor.intake import schema_text

    click.echo(schema_text(), nl=False)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@reports_errors
def validate(paths: tuple[Path, ...]) -> None:
    """Check profiles and rule files, reporting every error as FILE:LINE: field: message.

    Exits 2 if any file has an error.

    Example: advisor validate profiles/*.yaml rules/stages.yaml
    """
    from advisor.intake import validate_file

    failed = 0
    for path in paths:
        files = sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
        for file in files:
            errors = validate_file(file)
            for err in errors:
                click.echo(err.one_line(), err=True)
            failed += bool(errors)
            if not errors:
                click.echo(f"{file}: ok")
    if failed:
        click.echo(f"{failed} file{'s' if failed > 1 else ''} with errors", err=True)
        sys.exit(2)


@main.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@reports_errors
def upgrade(path: Path) -> None:
    """Rewrite a profile in place in the current format version (atomically), keeping
    every comment and the order of its keys.

    Example: advisor upgrade old-wing.yaml
    """
    from advisor import yamlio
    from advisor.profile import CURRENT_VERSION, profile_from_document
    from advisor.upgrade import upgrade_text

    text = yamlio.read_text(path, "profile")
    doc = yamlio.parse(text, str(path))
    if isinstance(doc.data, dict) and "profile_version" not in doc.data:
        raise InputError("has no profile_version, so its format cannot be told; add "
                         "`profile_version: 1` at the top if it was written for format 1",
                         file=str(path))
    profile_from_document(doc)  # refuses what is not a valid profile of a known version
    version = doc.data["profile_version"]
    if version == CURRENT_VERSION:
        click.echo(f"{path}: already at profile_version {CURRENT_VERSION}; nothing to do")
        return
    write_atomic(path, upgrade_text(text, version))
    click.echo(f"{path}: upgraded from profile_version {version} to {CURRENT_VERSION}")


@main.command()
@click.option("--output", "-o", "path", required=True,
              type=click.Path(path_type=Path, dir_okay=False),
              help="The profile to write, answer by answer.")
@click.option("--resume", is_flag=True, help="Carry on from the first unanswered question.")
@click.option("--edit", "edit_field", metavar="FIELD",
              help="Answer one question again, by its fact path (e.g. roles[0].supervision).")
@click.option("--kind", type=click.Choice(["proposal", "self-audit"]), default=None,
              help="Skip the first question by saying what this profile is.")
@click.option("--force", is_flag=True, help="Start again, replacing an existing PATH.")
@reports_errors
def interview(path: Path, resume: bool, edit_field: str | None, kind: str | None,
              force: bool) -> None:
    """Describe a wing by answering questions in plain language, one at a time.

    Every answer is saved at once, so nothing is lost if you stop; type ? for why a
    question is asked, and 'unknown' whenever you do not know.

    Example: advisor interview -o proposal.yaml
    """
    from advisor.interview_cli import run_interview

    run_interview(path, resume=resume, edit_field=edit_field, kind=kind, force=force,
                  book=_book(None))


@main.command()
@click.argument("profile", required=False, type=click.Path(path_type=Path))
@_example_option
@click.option("--set", "settings", multiple=True, required=True, metavar="PATH=VALUE",
              help="A fact to change, e.g. roles[0].supervision=structured (repeatable).")
@click.option("--format", "-f", "fmt", type=click.Choice(["terminal", "json"]),
              default="terminal", show_default=True)
@_rules_option
@reports_errors
def whatif(profile: Path | None, example: str | None, settings: tuple[str, ...], fmt: str,
           rules_dir: Path | None) -> None:
    """Re-assess with some facts changed and show what moves.

    Example: advisor whatif wing.yaml --set roles[0].expectations_communicated=true
    """
    import json

    from advisor import yamlio
    from advisor.assess import assess as run_assessment
    from advisor.profile import profile_from_document
    from advisor.whatif import apply_changes, diff, parse_setting, render_diff, whatif_title

    book = _book(rules_dir)
    file = _profile_path(profile, example)
    doc = yamlio.load(file, "profile")
    before = run_assessment(profile_from_document(doc), book)
    changes = [parse_setting(x) for x in settings]
    after = run_assessment(apply_changes(doc.data, changes, str(file)), book)
    d = diff(before, after)
    if fmt == "json":
        click.echo(json.dumps({"changes": [{"fact": p, "value": v} for p, v in changes],
                               **d}, indent=2, ensure_ascii=False))
    else:
        click.echo(render_diff(d, whatif_title(changes, before)), nl=False)


@main.command()
@click.argument("profiles", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "-f", "fmt",
              type=click.Choice(["terminal", "json", "markdown", "html"]),
              default="terminal", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write to this file (atomically) instead of stdout.")
@_rules_option
@reports_errors
def compare(profiles: tuple[Path, ...], fmt: str, output: Path | None,
            rules_dir: Path | None) -> None:
    """Compare profiles side by side: wings ranked by readiness (proposals told apart from
    running wings by their kind), or audits of one wing over time, put in date order by
    their assessment date (what improved, slipped, was completed).

    Example: advisor compare audit-2025.yaml audit-2026.yaml
    """
    from advisor.assess import assess as run_assessment
    from advisor.compare import compare as compare_results
    from advisor.compare import render_compare
    from advisor.profile import load_profile

    if len(profiles) < 2:
        raise InputError("compare needs at least two profiles")
    book = _book(rules_dir)
    loaded = [load_profile(p) for p in profiles]
    results = [(p.name, run_assessment(x, book)) for p, x in zip(profiles, loaded, strict=True)]
    compared = compare_results(results, [x.model_dump(mode="python") for x in loaded])
    emit(render_compare(compared, fmt), output, profiles)


@main.command()
@click.argument("profile", required=False, type=click.Path(path_type=Path))
@_example_option
@click.option("--to-rung", "to_rung", type=click.IntRange(1, 5), required=True,
              help="The rung to reach, 1 to 5.")
@click.option("--format", "-f", "fmt", type=click.Choice(["terminal", "json"]),
              default="terminal", show_default=True)
@_rules_option
@reports_errors
def path(profile: Path | None, example: str | None, to_rung: int, fmt: str,
         rules_dir: Path | None) -> None:
    """The least a wing must change to reach a rung, with the actions behind each change.

    Searches the changes rules/actionable.yaml allows, weighted by effort; every
    candidate is assessed by the engine. Ties are all listed (up to ten).

    Example: advisor path profiles/hmp-high-down-clu.yaml --to-rung 3
    """
    import json

    from advisor.path import actions_for, find_path, render_path
    from advisor.profile import load_profile

    book = _book(rules_dir)
    assessed = load_profile(_profile_path(profile, example))
    r = find_path(book, assessed, to_rung)
    sets = [[{"fact": c.path, "to": c.value, "effort": c.effort, "type": c.type,
              "actions": [{"id": a, "sources": s} for a, s in actions_for(book, c, r.unmet)]}
             for c in changes] for changes in r.solutions]
    if fmt == "json":
        click.echo(json.dumps({"to_rung": to_rung, "current_rung": r.current_rung,
                               "reachable": r.reachable, "effort": r.effort,
                               "change_sets": sets, "more_ties": r.more_ties,
                               "why_not": r.why_not}, indent=2, ensure_ascii=False))
        return
    click.echo(render_path(book, assessed, r), nl=False)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              required=True, help="The summary file to write (atomically), or - for stdout.")
@click.option("--format", "-f", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes (the engine never releases the GIL).")
@_rules_option
@reports_errors
def batch(folder: Path, output: Path, fmt: str, jobs: int, rules_dir: Path | None) -> None:
    """Assess every profile under a folder into one summary; carry on past bad files.

    Exits 2 if any file failed, after listing every failure (on stderr, as is the
    progress bar, so `-o -` gives stdout the summary alone).

    Example: advisor batch audits/ -o summary.csv --jobs 2

    Example: advisor batch audits/ -o - --format json
    """
    from advisor.batch import find_profiles, run_batch

    if not folder.is_dir():
        raise InputError("is not a folder", file=str(folder))
    if str(output) != "-":  # never a summary over a profile it reads: refused before work
        write_atomic(output, "", inputs=find_profiles(folder)[0], check_only=True)
    text, failures, count = run_batch(folder, fmt, jobs, rules_dir,
                                      progress=sys.stderr.isatty())
    if str(output) == "-":
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
    into = "stdout" if str(output) == "-" else output
    click.echo(f"assessed {count - len(failures)} of {count} profiles into {into}", err=True)
    for f in failures:
        click.echo(f"failed: {f}", err=True)
    if failures:
        sys.exit(2)


@main.group()
def rules() -> None:
    """Read, check and measure the rulebook.

    Example: advisor rules show S3-orange
    """


def _book(rules_dir: Path | None) -> Any:
    from advisor.assess import default_rulebook
    from advisor.cache import load_compiled

    book = load_compiled(rules_dir) if rules_dir else default_rulebook()
    started()
    return book


@rules.command("list")
@click.option("--kind", type=click.Choice(["stage", "requirement", "ladder", "finding",
                                           "action", "fit"]), help="Only rules of this kind.")
@click.option("--source", help="Only rules citing this section or below it (e.g. §2.4).")
@_rules_option
@reports_errors
def rules_list(kind: str | None, source: str | None, rules_dir: Path | None) -> None:
    """List rules: id, kind, sources and title.

    Example: advisor rules list --kind stage --source "Fig 1.8"
    """
    from advisor.ruletools import list_rules

    rows = [(r.id, r.rule.kind, ", ".join(r.rule.sources), r.rule.title)
            for r in list_rules(_book(rules_dir), kind, source)]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(3)]
    for row in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False))
                   + "  " + row[3])


@rules.command("show")
@click.argument("rule_id")
@_rules_option
@reports_errors
def rules_show(rule_id: str, rules_dir: Path | None) -> None:
    """Show one rule in plain words: sources, conditions, what it emits, its cases.

    Example: advisor rules show REQ-3-bridging
    """
    from advisor.cases import load_cases
    from advisor.profile import did_you_mean
    from advisor.ruletools import describe_condition, describe_output

    book = _book(rules_dir)
    ids = [r.id for r in book.rules]
    if rule_id not in ids:
        raise InputError(f"no rule {rule_id!r}{did_you_mean(rule_id, ids)}")
    r = book.by_id(rule_id)
    out = [f"{r.id}: {r.rule.title}",
           f"  kind: {r.rule.kind}{' (judged for each role)' if r.scope == 'role' else ''}",
           f"  file: {Path(r.file).name}:{r.line}",
           f"  sources: {', '.join(r.rule.sources)}"]
    if r.generated_from:
        out.append(f"  made from requirement {r.generated_from}: fires when no role meets it")
    if r.rule.note:
        out.append(f"  note: {' '.join(r.rule.note.split())}")
    out.append("  fires when:" if len(r.alternatives) == 1 else "  fires when any of:")
    out += [f"    - {line}" for line in describe_condition(r)]
    out.append("  then:")
    out += [f"    - {line}" for line in describe_output(r)]
    cases = load_cases(book)
    fires = [c.name for c in cases if r.id in c.spec.fires]
    quiet = [c.name for c in cases if r.id in c.spec.does_not_fire]
    out.append("  cases where it fires:")
    out += [f"    - {n}" for n in fires] or ["    (none)"]
    out.append("  cases where it does not:")
    out += [f"    - {n}" for n in quiet] or ["    (none)"]
    click.echo("\n".join(out))


@rules.command("lint")
@_rules_option
@reports_errors
def rules_lint(rules_dir: Path | None) -> None:
    """Check the rulebook: dead rules, unreachable rungs, unread facts, action order, and
    the rule cases (as `advisor rules test`).

    Exits 1 when there are errors (warnings alone exit 0), 2 when a file fails to load.

    Example: advisor rules lint
    """
    from advisor.ruletools import lint

    problems = lint(_book(rules_dir))
    for p in problems:
        click.echo(p.line())
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{errors} errors, {warnings} warnings")
    if errors:
        sys.exit(1)


@rules.command("test")
@click.argument("rules_path", metavar="[RULES_DIR]", required=False,
                type=click.Path(path_type=Path, file_okay=False))
@_rules_option
@reports_errors
def rules_test(rules_path: Path | None, rules_dir: Path | None) -> None:
    """Run the rule cases (RULES_DIR/cases/*.yaml; default: the bundled rules/).

    Reports, as FILE:LINE: rule ID: message on stderr, every case whose expectations fail,
    every rule without a case where it fires and one where it does not, and every case
    naming a rule that does not exist. Exits 0 when all hold, 1 when any fails, 2 when a
    file is invalid.

    Example: advisor rules test my-rules/
    """
    from advisor.cases import load_cases
    from advisor.ruletools import case_problems

    if rules_path is not None and rules_dir is not None and rules_path != rules_dir:
        raise InputError("give the rules folder once, as RULES_DIR or --rules")
    book = _book(rules_path or rules_dir)
    problems = case_problems(book)
    for p in problems:
        click.echo(f"{p.where}: {p.message}", err=True)
    count = len(load_cases(book))
    if problems:
        click.echo(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} "
                   f"in the cases of {len(book.rules)} rules", err=True)
        sys.exit(1)
    click.echo(f"{count} cases hold; every one of {len(book.rules)} rules has a case where "
               "it fires and one where it does not")


@rules.command("coverage")
@_rules_option
@reports_errors
def rules_coverage(rules_dir: Path | None) -> None:
    """Report items of the study against the rules encoding them and where they fire.

    Exits 1 unless every item is encoded and fires on some bundled profile or case.

    Example: advisor rules coverage
    """
    from advisor.ruletools import coverage

    book = _book(rules_dir)
    table = coverage(book, _runs(book))
    for c in table:
        mark = "ok " if c.covered else "MISSING"
        where = ", ".join(c.fires_on[:2]) + (f" (+{len(c.fires_on) - 2})"
                                              if len(c.fires_on) > 2 else "")
        click.echo(f"{mark:7} {c.item:5} {c.section:7} {', '.join(c.rules) or '-'}  "
                   f"fires on: {where or '-'}")
    covered = sum(c.covered for c in table)
    click.echo(f"{covered}/{len(table)} report items covered "
               f"({100 * covered // max(len(table), 1)}%)")
    if covered < len(table):
        sys.exit(1)


def _runs(book: Any) -> Any:
    """(name, fired rule ids) for every bundled profile and every case."""
    from advisor.cases import PROFILES_DIR, load_cases
    from advisor.engine import engine_for
    from advisor.profile import load_profile

    engine = engine_for(book)
    for path in sorted(PROFILES_DIR.glob("*.yaml")):
        firings = engine.run(load_profile(path))
        yield path.name, {f.rule for f in firings if not f.maybe}
    for case in load_cases(book):
        firings = engine.run(case.profile())
        yield f"case '{case.name}'", {f.rule for f in firings if not f.maybe}


# The web service's commands live beside the web app (advisor/web/commands.py).
from advisor.web.commands import COMMANDS as _WEB_COMMANDS  # noqa: E402

for _command in _WEB_COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
