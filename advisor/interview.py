"""A guided interview that writes a profile one answer at a time.

The profile file is the interview's only state: after every answer the whole profile is
written atomically, so an interrupt or a closed terminal loses nothing, and `--resume`
asks, in order, every question not settled in the file: a fact missing, `unknown` (as
`advisor init` writes every fact) or still `advisor init`'s placeholder ("Name of the
prison"); Enter keeps it unknown. Questions that
earlier answers make irrelevant are skipped (no role selected: no role questions; no
Prisoner Council: no council-link questions; no wing forum: no forum-access question).
The interview covers one selected role; add more by editing the file.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel

from advisor.paths import MISSING, get, set_in
from advisor.profile import CURRENT_VERSION, FACT_PATHS, SECTIONS
from advisor.rulebook import Rulebook
from advisor.words import SCALES, UNKNOWN

Data = dict[str, Any]
SKIP_ROLE_FIELDS = {"title"}  # asked separately when the role is chosen
REQUIRED = {"site.prison", "wing.name"}  # every other question may be answered "unknown"
THOUSANDS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+")  # 1,200; 1 200


@dataclass(frozen=True)
class Question:
    path: str          # a concrete profile path (roles[0].engagement.phase1)
    text: str          # plain language: what the fact means to a wing
    kind: str          # bool, scale, choice, int, list, text, roles, others
    choices: tuple[str, ...] = ()
    section: str = ""
    relevant: Callable[[Data], bool] | None = None


def _split(description: str | None) -> tuple[str, str]:
    """`How ...? (§1.4.1)` -> (`How ...?`, `§1.4.1`)."""
    text = description or ""
    if text.endswith(")") and "(" in text:
        head, _, tail = text.rpartition("(")
        return head.strip(), tail[:-1]
    return text, ""


def answered(data: Data, path: str) -> bool:
    return get(data, path) is not MISSING


def settled(data: Data, path: str) -> bool:
    """Whether the file already answers the question at `path`: not missing, not
    unknown (null where a fact may be left empty) and not a template's placeholder."""
    from advisor.intake import PLACEHOLDERS
    from advisor.paths import generic as generic_path

    value = get(data, path)
    if value is MISSING or value is None or value == UNKNOWN:
        return False
    if path == "roles":
        return not _placeholder_role(value)
    return bool(value != PLACEHOLDERS.get(generic_path(path)))


def _placeholder_role(roles: Any) -> bool:
    """`roles` as `advisor init` writes it: one entry, still called "Name of the role"."""
    from advisor.intake import PLACEHOLDERS

    return (isinstance(roles, list) and len(roles) == 1 and isinstance(roles[0], dict)
            and roles[0].get("title") == PLACEHOLDERS["roles[].title"])


def _questions_for(model: Any, generic_prefix: str, concrete_prefix: str,
                   relevant: Callable[[Data], bool] | None = None) -> list[Question]:
    out = []
    for name, info in model.model_fields.items():
        if name in SKIP_ROLE_FIELDS and generic_prefix.endswith("[]."):
            continue
        generic = f"{generic_prefix}{name}"
        concrete = f"{concrete_prefix}{name}"
        spec = FACT_PATHS.get(generic)
        text, section = _split(info.description)
        if spec is None:
            ann = info.annotation
            if isinstance(ann, type) and issubclass(ann, BaseModel):  # any sub-object
                out += _questions_for(ann, generic + ".", concrete + ".", relevant)
            continue
        choices: tuple[str, ...] = ()
        if spec.kind == "scale" and spec.scale:
            choices = SCALES[spec.scale]
        elif spec.kind in {"choice", "choices", "date"}:
            choices = spec.values
        out.append(Question(concrete, text, spec.kind, choices, section, relevant))
    return out


def _council(data: Data) -> bool:
    return get(data, "governance.prisoner_council") is not False


def _forum(data: Data) -> bool:
    return get(data, "governance.wing_forum") is not False


def questions(data: Data) -> list[Question]:
    """The questions in order, given the answers so far (later ones depend on earlier)."""
    qs: list[Question] = [
        Question("kind", "Is this a self-audit of a running wing, or a proposal for a new "
                         "one?", "choice", ("self-audit", "proposal"), ""),
        Question("site.prison", "Which prison is this?", "text", (), "§1.1"),
        Question("wing.name", "What is the wing called?", "text", (), "§1.1"),
    ]
    for section in SECTIONS:  # in the profile's order, found by walking the model
        if section.name == "roles":
            qs.append(Question("roles", "Has a peer involvement role been selected for the "
                                        "wing? If so, what is it called? (type its title, "
                                        "'none', or 'unknown')", "roles", (), "§1.3"))
            roles = get(data, "roles")
            if isinstance(roles, list) and roles:  # the interview covers one role
                qs += _questions_for(section.model, "roles[].", "roles[0].")
        elif section.listed:
            qs.append(Question(section.name, "Which other peer roles are already on or "
                                             "around the wing? (titles separated by commas, "
                                             "or 'none')", "others", (), "App 2, §1.5.2"))
            entries = get(data, section.name)
            for i in range(len(entries) if isinstance(entries, list) else 0):
                qs += _questions_for(section.model, section.prefix,
                                     f"{section.name}[{i}].")
        else:
            qs += [_with_relevance(q) for q in _questions_for(
                section.model, section.prefix, section.prefix) if q.path not in REQUIRED]
    qs.append(Question("aspiration_rung", "Which rung of the involvement ladder do you aim "
                                          "for, 0 to 5?", "int", (), "App 1"))
    return [q for q in qs if q.relevant is None or q.relevant(data)]


def _with_relevance(q: Question) -> Question:
    council = {"governance.wing_on_council", "governance.council_link_via_role",
               "governance.council_aware_of_role", "governance.council_capacity"}
    if q.path in council:
        return Question(q.path, q.text, q.kind, q.choices, q.section, _council)
    if q.path == "governance.roles_in_wing_forum":
        return Question(q.path, q.text, q.kind, q.choices, q.section, _forum)
    return q


def why(q: Question, book: Rulebook) -> str:
    """Why we ask: the report section, and what in the assessment the answer decides."""
    from advisor.paths import generic as generic_path
    from advisor.paths import rule_generic as generic_of

    generic = generic_path(q.path)
    # a fact is read directly, or through a fact worked out from it (the funding's end)
    through = {path for path, spec in FACT_PATHS.items() if generic in spec.derived_from}
    readers = [r for r in book.rules
               if any(generic_of(p) in (generic, *through) for p in r.reads())]
    decides = sorted({_decides(r) for r in readers})
    where = f"The study discusses this in {q.section}. " if q.section else ""
    if decides:
        return where + "Your answer decides: " + ", ".join(decides) + "."
    reason = FACT_PATHS[generic].descriptive if generic in FACT_PATHS else ""
    if reason:
        return where + f"It describes the wing and decides nothing: {reason}."
    return where + "It describes the wing; no rule depends on it yet."


def _decides(rule: Any) -> str:
    t = rule.rule.then
    if t.light:
        return f"the stage {t.light.stage} light"
    if t.requirement:
        return f"a rung {t.requirement.rung} requirement"
    if t.action:
        return f"whether action {t.action.id} is needed"
    if t.finding:
        return f"finding {t.finding.id}"
    return "role fit"


# -- answers --------------------------------------------------------------------------


class BadAnswer(ValueError):
    pass


def parse_answer(q: Question, raw: str) -> Any:
    """A typed answer, or BadAnswer with a message that says what is allowed."""
    text = raw.strip()
    low = text.lower()
    if low in ("", "unknown", "u", "don't know", "dont know", "not sure"):
        if q.kind == "text" and q.path in REQUIRED:
            raise BadAnswer("this one needs an answer")
        if q.kind == "int" and q.path == "aspiration_rung":
            return None
        return "unknown"
    if q.kind == "bool":
        if low in ("yes", "y", "true"):
            return True
        if low in ("no", "n", "false"):
            return False
        raise BadAnswer("answer yes, no or unknown")
    if q.kind in ("scale", "choice"):
        if text in q.choices:
            return text
        match = [c for c in q.choices if c.startswith(low)] if low else []
        if len(match) == 1:
            return match[0]
        raise BadAnswer(f"answer one of: {', '.join(q.choices)}, unknown")
    if q.kind == "date":
        import datetime

        if text in q.choices:
            return text
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            also = "".join(f", {c}" for c in q.choices)
            raise BadAnswer(f"answer with a date written YYYY-MM-DD{also}, or unknown") \
                from None
    if q.kind == "choices":
        items = [t.strip() for t in text.split(",") if t.strip()]
        bad = [t for t in items if t not in q.choices]
        if bad or not items:
            raise BadAnswer(f"give any of {', '.join(q.choices)}, separated by commas")
        return items
    if q.kind == "int":
        if THOUSANDS.fullmatch(text):  # 1,200 or 1 200: as people write a number
            text = re.sub(r"[, ]", "", text)
        if not (text.isascii() and text.isdigit()):  # '²' is a digit to isdigit alone
            raise BadAnswer("answer with a whole number, or unknown")
        return int(text)
    if q.kind == "list":
        if low in ("none", "no", ""):
            return []
        return [t.strip() for t in text.split(",") if t.strip()]
    if q.kind == "roles":
        if low in ("none", "no"):
            return []
        if not text:
            raise BadAnswer("type the role's title, 'none' or 'unknown'")
        return [{"title": text}]
    if q.kind == "others":
        if low in ("none", "no", ""):
            return []
        return [{"title": t.strip()} for t in text.split(",") if t.strip()]
    if not text:
        raise BadAnswer("this one needs an answer")
    return text


def set_answer(data: Data, path: str, value: Any) -> None:

    if path == "other_roles" and value == "unknown":
        value = []  # a list of other roles cannot be unknown; none is recorded yet
    if path == "roles" and isinstance(value, list) and len(value) == 1 \
            and _placeholder_role(get(data, "roles")):
        # a template's role entry: name it, keeping its facts (and their comments)
        set_in(data, "roles[0].title", value[0]["title"])
        return
    # `roles: unknown` stays unknown: whether a role is selected is then an open question,
    # not the answer "none"
    set_in(data, path, value)


def refusal(data: Data, path: str, value: Any) -> str | None:
    """What the profile format says against this answer (a population past its range, a
    name too long), in its own words, or None when the file would accept it: nothing the
    interview saves is refused when the file is read."""
    import copy

    from pydantic import ValidationError

    from advisor.paths import dotted
    from advisor.profile import Profile, upgrade_data
    from advisor.yamlio import Document

    trial = copy.deepcopy(data)
    set_answer(trial, path, value)
    trial.setdefault("profile_version", CURRENT_VERSION)
    try:
        Profile.model_validate(upgrade_data(trial, Document(data=trial, source="answer")))
    except ValidationError as err:
        for e in err.errors():
            loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and "[" in p))
            if dotted(loc) == path or dotted(loc).startswith(path + "."):
                return str(e["msg"])
    except Exception:  # anything else about the rest of the file is for validate to say
        return None
    return None


def prompt_for(q: Question) -> str:
    if q.kind == "bool":
        allowed = "yes / no / unknown"
    elif q.choices and q.kind not in ("choices", "date"):
        allowed = " / ".join((*q.choices, "unknown"))
    elif q.kind == "choices":
        allowed = "any of " + ", ".join(q.choices) + "; or unknown"
    elif q.kind == "int":
        allowed = "a number, or unknown"
    elif q.kind == "date":
        allowed = "a date YYYY-MM-DD" + "".join(f", {c}" for c in q.choices) + ", or unknown"
    elif q.kind == "list":
        allowed = "comma-separated, 'none', or unknown"
    else:
        allowed = ""
    if q.kind != "text":
        allowed += " (Enter for unknown)" if allowed else "Enter for unknown"
    return f"{q.text}" + (f" [{allowed}]" if allowed else "")


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Data) -> str:
    header = ("# Written by `advisor interview`. Edit freely; `advisor validate` checks it.\n")
    return header + yaml.dump(copy.deepcopy(data), Dumper=_NoAliasDumper, sort_keys=False,
                              allow_unicode=True, default_flow_style=False, width=88)


def start(kind: str | None) -> Data:
    data: Data = {"profile_version": CURRENT_VERSION}
    if kind:
        data["kind"] = kind
    return data


__all__ = ["BadAnswer", "Question", "answered", "dump", "parse_answer", "prompt_for",
           "questions", "set_answer", "settled", "start", "why"]
