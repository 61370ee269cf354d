"""The profile format's reference page (docs/profile.md), written from the profile model.

Every fact's question, the answers it accepts and the study sections it rests on come
from `advisor.profile`, so the page cannot drift from what the loader accepts; a test
compares the committed page with this output. Regenerate with:

    python -m advisor.reference > docs/profile.md
"""

from __future__ import annotations

import re

from advisor.profile import (
    CURRENT_VERSION,
    DERIVED,
    FACT_PATHS,
    QUESTIONS,
    SECTIONS,
    ValueSpec,
)
from advisor.words import SCALES, UNKNOWN

_SECTION = re.compile(r"\s*\(([^()]*)\)\s*$")

_INTRO = f"""\
# Site profile, format {CURRENT_VERSION}

<!-- Written by `python -m advisor.reference` from the profile model; do not edit by hand. -->

A site profile is one YAML file of facts about one wing. `advisor init FILE` writes a
commented template with every fact below, `advisor interview -o FILE` asks for them one
at a time, and `advisor schema` prints the JSON Schema editors use to check a file as
you type.

- Every fact also accepts `{UNKNOWN}`, and a fact left out *is* `{UNKNOWN}`. Unknown is
  never taken as yes or no: it becomes an open question, with what its answer could
  change.
- Yes-or-no facts are `true` or `false`. Words such as `yes`, `no` and `some` are kept as
  words: App 2's functions are `yes`, `some` or `no`.
- `roles` lists the peer involvement roles selected for the wing: `[]` when none is,
  `{UNKNOWN}` when you do not know (an open question, not "none").
- `evidence` notes where a fact comes from, and `voices` what residents, holders and
  staff say about it, each keyed by the fact's path (`roles[0].visible_to_residents`);
  reports show both beside the fact.
- Files are read strictly: an unknown key, a wrong type, a duplicate key, a YAML tag, an
  anchor or alias, a file over 1 MB, or text that is not UTF-8 is refused with the file,
  line and field named.
- Format 1 files still load as they are; `advisor upgrade FILE` rewrites one in this
  format, keeping its comments and key order. Format {CURRENT_VERSION} added `assessed`,
  `delivery.funding_until` and `specialist_staff`, the roles' `holders_clear_on_role`,
  `decides_with_staff`, `initiative`, `staff_back_role` and `training.independent`, other
  roles' `delivers_in_phases`, `governance.council_capacity`, `voices`, and
  `roles: {UNKNOWN}`.

The sections below list each fact by its path, the question it answers, the answers it
accepts (scales in order, lowest first) and the sections of the study it rests on.
"""



def _answers(spec: ValueSpec | None) -> str:
    if spec is None or spec.kind == "text":
        return "text"
    if spec.kind == "bool":
        return "`true`, `false`"
    if spec.kind == "scale" and spec.scale is not None:
        return " < ".join(f"`{v}`" for v in SCALES[spec.scale])
    if spec.kind == "choice":
        return ", ".join(f"`{v}`" for v in spec.values)
    if spec.kind == "choices":
        return "a list of " + ", ".join(f"`{v}`" for v in spec.values)
    if spec.kind == "int":
        return f"a whole number, {spec.low} to {spec.high}"
    if spec.kind == "list":
        return "a list of short texts"
    if spec.kind == "date":
        return "a date `YYYY-MM-DD`" + "".join(f", `{v}`" for v in spec.values)
    return spec.kind


def _row(path: str, question: str) -> str:
    match = _SECTION.search(question)
    sections = match.group(1) if match else ""
    text = question[:match.start()] if match else question
    cell = text.replace("|", "\\|")
    return f"| `{path}` | {cell} | {_answers(FACT_PATHS.get(path))} | {sections} |"


def profile_reference() -> str:
    """The page, as Markdown."""
    lines = [_INTRO]
    head = ["| fact | question | answers | study |", "|---|---|---|---|"]
    lines += ["## At the top", "", *head,
              "| `profile_version` | Which format is the file written in? | "
              f"`{CURRENT_VERSION}` (or an older one, upgraded as it loads) | |",
              _row("kind", QUESTIONS["kind"]),
              _row("aspiration_rung", QUESTIONS["aspiration_rung"]).replace(
                  "a whole number, 0 to 5", "a whole number, 0 to 5, or `null`"),
              ""]
    for section in SECTIONS:
        title = (section.description or section.name).split(" (")[0]
        kind = " (a list of them)" if section.listed else ""
        lines += [f"## `{section.name}`: {title}{kind}", "", *head]
        lines += [_row(path, q) for path, q in QUESTIONS.items()
                  if path.startswith(section.prefix)]
        lines.append("")
    lines += ["## Worked out from other facts", "",
              "These have no key of their own: the advisor works them out, and rules read "
              "them like any fact.", "", *head]
    lines += [_row(path, QUESTIONS[path]).replace(
        "| `true`, `false` |", "| from " + ", ".join(
            f"`{p}`" for p in spec.derived_from) + " |")
              for path, spec in DERIVED.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(profile_reference(), end="")
