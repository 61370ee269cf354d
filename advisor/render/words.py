"""The words every report uses about the ladder and the evidence, written once: every
format, `advisor explain` and `advisor rules show` take them from here, so each idea has
one name and one definition."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# What soft, structural, target and aspiration mean.
TERMS = {
    "soft": "a requirement the team can meet within one programme cycle",
    "structural": "a requirement that needs people beyond the team, or longer than one "
                  "programme cycle",
    "target": "the highest rung whose structural requirements, and those of every rung "
              "below it, hold now; never below the current rung + 1, never above 5",
    "aspiration": "the rung the team or proposal says it aims for; a gap is flagged when "
                  "it is above the target",
}
LADDER_NOTE = "The ladder places the selected role, not the whole wing."

# A light is never told by its colour alone: a symbol and a word go with it.
LIGHT_SYMBOL = {"green": "●", "orange": "◐", "red": "○"}
LIGHT_WORD = {"green": "GREEN", "orange": "ORANGE", "red": "RED"}

AUDIENCES = ("commissioner", "delivery", "trainer")
# One assessment, different emphasis: the order of sections for each audience. The
# default (no audience) is the full report in teaching order.
SECTIONS: dict[str | None, tuple[str, ...]] = {
    None: ("ladder", "stages", "plan", "findings", "questions", "fit"),
    # readiness first: rungs and the aspiration gap, then risks from unknowns
    "commissioner": ("ladder", "questions", "stages", "fit", "plan", "findings"),
    # the plan with owners and done-when first
    "delivery": ("plan", "ladder", "stages", "questions", "fit", "findings"),
    # the full reasoning: every conclusion with the chain from its facts
    # (its reasoning carries the facts and their evidence; the headline has the questions
    # that matter most)
    "trainer": ("ladder", "stages", "reasoning", "plan", "findings", "fit"),
}
VOICE_LABELS = {"residents": "Residents say", "holders": "Holders say", "staff": "Staff say"}


def rung_line(r: Mapping[str, Any]) -> str:
    """The rung with the role it belongs to: "Ambassador: rung 0 of 5 (non-engagement)"."""
    from advisor.words import RUNG_NAMES

    role = r.get("assessed_role")
    if role is not None:
        who = role["title"]
    elif any(q["fact"] == "role_selected" for q in r.get("open_questions", ())):
        who = "Role not known"
    else:
        who = "No role selected"
    rung = r["current_rung"]
    return f"{who}: rung {rung} of 5 ({RUNG_NAMES[rung]})"


def aspiration_words(r: Mapping[str, Any]) -> str | None:
    """The aspiration and whether it is above the target, or None if none is given."""
    if r.get("aspiration_rung") is None:
        return None
    gap = "above the target: a gap" if r.get("aspiration_gap") else "not above the target"
    return f"aspiration rung {r['aspiration_rung']} ({gap})"


def ladder_name(r: Mapping[str, Any]) -> str:
    """The ladder diagram's accessible name: the rung now, the target and the aspiration."""
    name = f"Ladder for {rung_line(r)}, target rung {r['target_rung']}"
    aspiration = aspiration_words(r)
    return f"{name}, {aspiration}" if aspiration else name


#: each kind of profile, by its name in a title (in a sentence: lower case, `kind_words`)
KIND_WORDS = {"proposal": "Proposal", "self-audit": "Self-audit", "example": "Worked example"}


def record_line(r: Mapping[str, Any]) -> str:
    """What the report is a record of, beside when and by whom: the kind of profile, its
    file and the rulebook: `Self-audit · profile audit-2026.yaml · rulebook 2.0.1`."""
    p = r["profile"]
    parts = [KIND_WORDS.get(p["kind"], p["kind"])]
    if p.get("file"):
        parts.append(f"profile {p['file']}")
    parts.append(f"rulebook {r['rulebook']['version']} ({r['rulebook']['rules']} rules)")
    return " · ".join(parts)


def ladder_marks(r: Mapping[str, Any]) -> str:
    """What the ladder's ◀ marks, in words: `the current rung and the target`."""
    marks = ["the current rung", "the target"]
    if r.get("aspiration_rung") is not None:
        marks.append("the aspiration")
    return listed(marks)


def has_examples(r: Mapping[str, Any]) -> bool:
    """Whether the assessment carries worked examples for any reasoned conclusion."""
    return any(worked_examples(r, key) for key in REASONED)


def assessed_line(r: Mapping[str, Any]) -> str | None:
    """When and by whom the wing was assessed, or None if the profile does not say."""
    assessed = r.get("assessed")
    if assessed is None:
        return None
    on = "(date not recorded)" if assessed["on"] == "unknown" else assessed["on"]
    by = "(assessor not recorded)" if assessed["by"] == "unknown" else assessed["by"]
    return f"Assessed {on} by {by}"


def beside_rung(r: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The findings every report shows beside the rung line (work the role did not start)."""
    return [f for f in r["findings"] if f.get("beside_rung")]


def voice_lines(said: dict[str, str] | None) -> list[str]:
    """What residents, holders and staff say of a fact, one labelled line each."""
    if not said:
        return []
    return [f"{label}: {said[who]}" for who, label in VOICE_LABELS.items() if who in said]


def shown_with_reasoning(r: Mapping[str, Any]) -> set[str]:
    """The facts a view with the reasoning shows with their notes already: those of the
    rungs' unmet requirements and those the reasoned conclusions read."""
    shown = {fact_path(b) for rung in r["rungs"] for u in rung["unmet"] for b in u["because"]}
    shown.update(f["fact"] for key in REASONED if key != "target rung"
                 for f in r["explanations"].get(key, {}).get("facts", ()))
    return shown


def noted_facts(r: Mapping[str, Any]) -> list[tuple[str, str | None, list[str]]]:
    """Every fact with an evidence note or voices: (path, note, voice lines), by path."""
    evidence, voices = r.get("evidence", {}), r.get("voices", {})
    return [(path, evidence.get(path), voice_lines(voices.get(path)))
            for path in sorted(evidence.keys() | voices.keys())]


# -- facts, roles, rules and actions in plain words (no path, id or flag in front of people)

#: The study every rule rests on, in full: reports cite its sections (§1.5.3), figures
#: (Fig 1.8) and appendices (App 2).
STUDY = ("Albertson, K. (2024) CFO Community Living Unit Ambassador initiative (HMP High "
         "Down). Peer mentor and peer involvement roles in prison study series.")
STUDY_NOTE = ("Citations such as §1.5.3, Fig 1.8 and App 2 point to the study's sections, "
              "figures and appendices.")

#: The words a reader meets in every report, explained once (each report ends with them).
GLOSSARY = {
    "CFO": "Creating Future Opportunities, the programme that funds CFO wings: a "
           "specialist staff team, a two-phase activity programme, and peer roles for "
           "residents.",
    "Holder": "a resident who holds a peer role on the wing.",
    "Rung": "a step on the service user involvement ladder (App 1), from 0, "
            "non-engagement, to 5, peer-led: the higher the rung, the more say the "
            "holders of a role have. The ladder places one role, not the whole wing.",
    "Current rung": "the highest rung whose requirements, and those of every rung below "
                    "it, the role meets now.",
    "Target": TERMS["target"] + ".",
    "Aspiration": TERMS["aspiration"] + ".",
    "Soft requirement": TERMS["soft"] + ".",
    "Structural requirement": TERMS["structural"] + ".",
    "Bonding (micro)": "ties among residents within a group: meeting in activity groups "
                       "and reflecting together (stages 1 and 2, Fig 1.8).",
    "Bridging (meso)": "ties across the wing community and with its staff: holders helping "
                       "to deliver the programme and speaking for residents in wing forums "
                       "(stages 3 and 4).",
    "Linking (macro)": "ties with those who decide beyond the wing: prison-wide forums "
                       "and policy (stages 5 and 6).",
    "Lights": "green: success evidenced now; orange: a realistic potential; red: little "
              "or no realistic opportunity.",
    "Now, next, later": "the plan's horizons, by what the actions are for: now, the work "
                        "up to the target rung and what can start at once; next, the rung "
                        "above the target; later, the rungs beyond and links beyond the "
                        "wing. The team sets the dates: the checklist and the CSV have a "
                        "column for them.",
    "Role functions": "what a peer role does (App 2): induction (welcoming and guiding "
                      "newcomers), a single issue, skill or task, bridging (drawing others "
                      "in and keeping them taking part), and civic representation (a "
                      "formal voice in a wing forum or the Prisoner Council).",
}

#: A fact's value as a reader says it: yes and no, and the scale and choice words that
#: read as codes (advisor/words.py) in plain words; the others are shown as they are.
VALUE_WORDS = {"true": "yes", "false": "no", "unknown": "not known", "[]": "none",
               "null": "none",
               "ad-hoc": "case by case", "community-meeting": "through a regular community "
               "meeting", "under-consideration": "being considered", "some": "partly",
               "collects": "collect them", "analyses": "analyse and present them",
               "designs": "design how they are gathered", "staff-selected": "selected by "
               "staff", "open-application": "by open application",
               "co-produced": "with residents, co-produced",
               "ipp": "IPP", "eds": "EDS"}  # sentence types, as the service writes them
#: Facts read whole that no interview question asks.
FACT_LABELS = {"roles": "Which peer involvement roles are selected for the wing?",
               "other_roles": "Which other peer roles are on the wing?"}
VERDICT_WORDS = {"ready": "Ready", "ready-with-conditions": "Ready with conditions",
                 "not-ready": "Not ready"}
NO_QUESTIONS = "No open question: no unknown fact could change this assessment."
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth")

#: Who is best placed to answer an open question, by the part of the profile its fact is
#: in (the longest matching start of the fact's path wins). Kept here, beside the other
#: report words, until the JSON carries it with each question.
ANSWERED_BY = {
    "roles[]": "the CFO staff team and holders",
    "other_roles[]": "the CFO staff team and that role's holders",
    "roles": "the CFO staff team and the governor sponsor",
    "role_selected": "the CFO staff team and the governor sponsor",
    "governance": "the governor sponsor or the CFO staff team",
    "delivery": "the CFO staff team",
    "delivery.ringfenced_funding": "the CFO commissioner",
    "delivery.funding_until": "the CFO commissioner",
    "delivery.staff_buy_out": "the CFO commissioner and the governor sponsor",
    "delivery.governor_sponsor": "the CFO commissioner and the governor sponsor",
    "delivery.partnership": "the CFO commissioner",
    "funding_covers_next_cycle": "the CFO commissioner",
    "pathway": "Education and Library",
    "evaluation": "the CFO staff team or the wing's evaluator",
    "site": "the governor sponsor",
    "wing": "the CFO staff team",
    "assessed": "whoever made the assessment",
    "aspiration_rung": "the CFO staff team, or whoever wrote the proposal",
    "kind": "whoever made the assessment",
}


def split_section(question: str) -> tuple[str, str]:
    """`Do residents know who the holders are? (§1.4.3)` -> the question and `§1.4.3`."""
    match = re.fullmatch(r"(.*?)\s*\(((?:§|App |Fig |fn ).*)\)", question)
    return (match.group(1), match.group(2)) if match else (question, "")


def value_words(value: str) -> str:
    """`true` -> `yes`, `unknown` -> `not known`, `[a, b]` -> `a, b`."""
    if value in VALUE_WORDS:
        return VALUE_WORDS[value]
    return value[1:-1] if value.startswith("[") and value.endswith("]") else value


def role_name(r: Mapping[str, Any], path: str) -> str | None:
    """The role a fact path is about, by title where the assessment gives it (the JSON
    names the assessed role only), else by its place in the profile; None for a fact about
    the wing."""
    match = re.match(r"(other_roles|roles)\[(\d+)\]", path)
    if match is None:
        return None
    section, index = match.group(1), int(match.group(2))
    titles = r.get("profile", {}).get(section, [])
    if index < len(titles):
        return str(titles[index])
    place = ORDINALS[index] if index < len(ORDINALS) else f"number {index + 1}"
    if section == "other_roles":
        return f"the {place} other role on the wing"
    role = r.get("assessed_role")
    if role is not None and role["index"] == index:
        return str(role["title"])
    return f"the {place} selected role"


def _several_roles(r: Mapping[str, Any]) -> bool:
    """Whether the assessment reads facts of a selected role other than the one it follows."""
    role = r.get("assessed_role")
    own = f"roles[{role['index']}]" if role else None
    return any(f["fact"].startswith("roles[") and not f["fact"].startswith(str(own))
               for ex in r["explanations"].values() for f in ex.get("facts", ()))


def named_role(r: Mapping[str, Any], path: str) -> str | None:
    """The role to name before a fact: any role but the one the report follows, and that
    one too when the report shows facts of another selected role."""
    role = role_name(r, path)
    assessed = r.get("assessed_role")
    if role is None or (assessed is not None and role == assessed["title"]
                        and not _several_roles(r)):
        return None
    return f"{role[0].upper()}{role[1:]}"


def asked(path: str, *, section: bool = False) -> str:
    """The question the interview asks for a fact (any role's), its study section kept
    only when asked for."""
    question = question_of(path, section=section)
    if question is None:  # a fact no question asks: its last name, in words
        question = path.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    return question


def question_of(path: str, *, section: bool = False) -> str | None:
    """The question the interview asks for a fact (any role's), or None when it is no
    fact the profile asks about."""
    from advisor.paths import generic
    from advisor.profile import QUESTIONS

    question = QUESTIONS.get(generic(path)) or FACT_LABELS.get(generic(path))
    if question is None:
        return None
    return question if section else split_section(question)[0]


def fact_label(r: Mapping[str, Any], path: str, *, section: bool = False) -> str:
    """A fact as the interview asks it, with the role it is about named first where that
    is needed; its study section kept only when asked for."""
    role = named_role(r, path)
    question = asked(path, section=section)
    return f"{role}: {question}" if role else question


def with_value(label: str, value: str) -> str:
    """A fact's label and its value in words: `Is the wing's funding ringfenced? yes`."""
    return f"{label}{'' if label.endswith('?') else ':'} {value_words(value)}"


def fact_words(r: Mapping[str, Any], path: str, value: str) -> str:
    """A fact with its value in words, its role named where that is needed."""
    return with_value(fact_label(r, path), value)


def noted_label(r: Mapping[str, Any], path: str) -> str:
    """A fact that has an evidence note or voices, with its value when the assessment read
    it (a rule's facts or a rung's unmet requirement's)."""
    for ex in r["explanations"].values():
        for f in [*ex.get("facts", ()), *(x for u in ex.get("why_not", ()) for x in u["facts"])]:
            if f["fact"] == path:
                return fact_words(r, path, f["value"])
    return fact_label(r, path)


def because_words(r: Mapping[str, Any], item: str) -> str:
    """A `path = value` line of the JSON's `because` in words."""
    path, sep, value = item.partition(" = ")
    return fact_words(r, path, value) if sep else item


def fact_path(item: str) -> str:
    """The fact a `path = value` line is about."""
    return item.partition(" = ")[0]


def answered_by(path: str) -> str:
    """Who is best placed to answer a question about the fact at `path`."""
    from advisor.paths import generic as generic_path

    generic = generic_path(path)
    starts = [key for key in ANSWERED_BY
              if generic == key or generic.startswith((key + ".", key + "[]"))]
    return ANSWERED_BY[max(starts, key=len)] if starts else "the CFO staff team"


def listed(items: list[str]) -> str:
    """Items in a sentence: `a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def could_change(changes: list[str]) -> str:
    """What an answer could change, in words: `rungs 1 and 3, the stage 4 light, 2 actions`."""
    rungs = [c.split()[1] for c in changes if re.fullmatch(r"rung \d", c)]
    stages = [c.split()[1] for c in changes if re.fullmatch(r"stage \d", c)]
    counted = {kind: sum(c.startswith(kind + " ") for c in changes)
               for kind in ("action", "finding")}
    out = []
    if rungs:
        out.append(f"rung{'s' if len(rungs) > 1 else ''} {listed(rungs)}")
    out += [f"the {c}" for c in ("current rung", "target rung") if c in changes]
    if stages:
        out.append(f"the stage {listed(stages)} light{'s' if len(stages) > 1 else ''}")
    out += [f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in counted.items() if n]
    out += [f"the {c}" for c in ("role fit", "verdict") if c in changes]
    return listed(out) if out else "nothing in this assessment"


def action_numbers(r: Mapping[str, Any]) -> dict[str, int]:
    """Action id -> its number in the plan (1 first): how reports refer to an action."""
    return {a["id"]: n for n, a in enumerate(r["actions"], 1)}


def after_words(r: Mapping[str, Any], a: Mapping[str, Any]) -> list[str]:
    """The actions an action waits for, by number and text."""
    numbers = action_numbers(r)
    by_id = {x["id"]: x for x in r["actions"]}
    return [f"{numbers[d]}. {' '.join(by_id[d]['text'].split())}" if d in by_id
            else "an action not in this plan" for d in a["depends_on"]]


# -- the plan: horizons that say what they hold, facts held and facts missing ---------------

HORIZON_NAMES = {"now": "Now", "next": "Next", "later": "Later"}
#: What a horizon holds besides work toward a rung (the rulebook's horizons for actions
#: that unlock no rung: see advisor/words.py).
HORIZON_REST = {"now": "what can start at once",
                "next": "groundwork for the longer run",
                "later": "links beyond the wing"}


def _rung_span(rungs: list[int]) -> str:
    from advisor.words import RUNG_NAMES

    if len(rungs) == 1:
        return f"rung {rungs[0]} ({RUNG_NAMES[rungs[0]]})"
    if len(rungs) > 2 and rungs == list(range(rungs[0], rungs[-1] + 1)):
        return f"rungs {rungs[0]} to {rungs[-1]}"
    return f"rungs {listed([str(x) for x in rungs])}"


def horizon_title(r: Mapping[str, Any], horizon: str,
                  actions: list[Mapping[str, Any]]) -> str:
    """A horizon's heading, saying what its actions are for: `Now: up to the target,
    rung 3 (participation); also what can start at once`."""
    from advisor.words import RUNG_NAMES

    rungs = sorted({a["unlocks_rung"] for a in actions if a["unlocks_rung"] is not None})
    target = r["target_rung"]
    parts = []
    if horizon == "now" and rungs and rungs[-1] == target:
        parts.append(f"up to the target, rung {target} ({RUNG_NAMES[target]})")
    elif horizon == "next" and rungs == [target + 1]:
        parts.append(f"toward {_rung_span(rungs)}, one above the target")
    elif rungs:
        parts.append(f"toward {_rung_span(rungs)}")
    rest = any(a["unlocks_rung"] is None for a in actions)
    if rest:
        parts.append(f"also {HORIZON_REST[horizon]}" if parts else HORIZON_REST[horizon])
    return f"{HORIZON_NAMES[horizon]}: {'; '.join(parts)}" if parts \
        else HORIZON_NAMES[horizon]


def plan(r: Mapping[str, Any]) -> list[tuple[str, str, list[tuple[int, dict[str, Any]]]]]:
    """The plan by horizon, in order: (horizon, its heading, [(number, action)]), leaving
    out a horizon with no action."""
    from advisor.words import HORIZONS

    numbered = list(enumerate(r["actions"], 1))
    out = []
    for horizon in HORIZONS:
        items = [(n, a) for n, a in numbered if a["horizon"] == horizon]
        if items:
            out.append((horizon, horizon_title(r, horizon, [a for _, a in items]), items))
    return out


def held_and_missing(r: Mapping[str, Any], because: list[str]) -> tuple[list[str], list[str]]:
    """A conclusion's facts in words, told apart: those the profile answers (they hold),
    and those it leaves not known (still to find out)."""
    held: list[str] = []
    missing: list[str] = []
    for item in because:
        path, _, value = item.partition(" = ")
        (missing if value == "unknown" else held).append(
            fact_label(r, path) if value == "unknown" else because_words(r, item))
    return held, missing


def short_text(text: str, most: int = 60) -> str:
    """The start of an action's text, whole words up to `most` characters, then `…`."""
    flat = " ".join(text.split())
    if len(flat) <= most:
        return flat
    cut = flat[:most + 1].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def after_short(r: Mapping[str, Any], a: Mapping[str, Any]) -> list[str]:
    """The actions an action waits for, by number and the start of their text."""
    numbers = action_numbers(r)
    by_id = {x["id"]: x for x in r["actions"]}
    return [f"{numbers[d]}. {short_text(by_id[d]['text'])}" if d in by_id
            else "an action not in this plan" for d in a["depends_on"]]


def known_because(because: list[str]) -> list[str]:
    """The `path = value` lines of facts the profile answers (not `unknown`)."""
    return [b for b in because if not b.endswith(" = unknown")]


def after_numbers(r: Mapping[str, Any], a: Mapping[str, Any]) -> str:
    """The actions an action waits for, by number only: `3, 5` (for narrow columns)."""
    numbers = action_numbers(r)
    return ", ".join(str(numbers[d]) for d in a["depends_on"] if d in numbers)


def function_words(names: list[str]) -> str:
    """Role functions (App 2) in words: `bridging, civic representation`."""
    return ", ".join(n.replace("_", " ") for n in names) or "nothing"


def rule_titles(r: Mapping[str, Any], key: str) -> list[str]:
    """The titles of the rules behind one conclusion (an `explanations` key), with their
    sources: the reasoning in words."""
    ex = r["explanations"].get(key, {})
    return [f"{x['title']} ({', '.join(x['sources'])})" for x in ex.get("rules", ())]


def conclusion_title(r: Mapping[str, Any], key: str) -> str:
    """An `explanations` key in words: `action R1a` -> `Action 1: Agree, ...`."""
    kind, _, rest = key.partition(" ")
    if kind == "action":
        numbers = action_numbers(r)
        a = next((x for x in r["actions"] if x["id"] == rest), None)
        return f"Action {numbers[rest]}: {' '.join(a['text'].split())}" if a else "An action"
    if kind == "finding":
        f = next((x for x in r["findings"] if x["id"] == rest), None)
        return f"Finding: {' '.join(f['text'].split())}" if f else "A finding"
    if kind == "stage" and rest.isdigit():
        from advisor.words import STAGE_TITLES

        return f"Stage {rest}: {STAGE_TITLES[int(rest)]}"
    if key == "target rung":
        return "The target"
    return key[0].upper() + key[1:]


# -- the reasoning, for teaching: each conclusion as a sentence --------------------------

#: The conclusions the reasoning walks through, in teaching order: facts to the six
#: lights, then the rung and the target. (Each action and finding shows its own facts in
#: the plan and the findings; each rung's unmet requirements are in the ladder's table.)
REASONED = ("stage 1", "stage 2", "stage 3", "stage 4", "stage 5", "stage 6",
            "current rung", "target rung")


def _clause(title: str) -> str:
    """A rule's title as a clause after "because": its first letter lowered unless the
    first word is a name or an abbreviation (`CFO`, `Prisoner Council`)."""
    first = title.split(" ", 1)[0]
    keep = first.isupper() or first in ("Prisoner", "Lifer", "Education", "High")
    return title if keep else title[0].lower() + title[1:]


def reasoning_sentence(r: Mapping[str, Any], key: str) -> str:
    """One conclusion and the rule that gave it, as a sentence: `Stage 3 is orange
    because holders' part in delivery is planned or informal, ... (Fig 1.8, §1.5.1).`"""
    from advisor.words import RUNG_NAMES

    rules = r["explanations"].get(key, {}).get("rules", [])
    if not rules:
        return ""
    first = rules[0]
    because = f"because {_clause(first['title'])} ({', '.join(first['sources'])})"
    if key.startswith("stage "):
        stage = next(s for s in r["stages"] if f"stage {s['stage']}" == key)
        return f"Stage {stage['stage']} is {stage['light']} {because}."
    if key == "current rung":
        rung = r["current_rung"]
        return f"The current rung is {rung} ({RUNG_NAMES[rung]}) {because}."
    if key == "target rung":
        rung = r["target_rung"]
        return f"The target is rung {rung} ({RUNG_NAMES[rung]}) {because}."
    return f"{conclusion_title(r, key)}: {because}."


def reasoning_chain(r: Mapping[str, Any], key: str) -> list[str]:
    """The rules a conclusion rested on beyond its own, in words (the target rests on
    each rung's structure holding, for instance)."""
    rules = r["explanations"].get(key, {}).get("rules", [])
    return [f"{x['title']} ({', '.join(x['sources'])})" for x in rules[1:]]


def reasoning_facts(r: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    """The facts a conclusion's rules read, each with its value in words, evidence note
    and voices: `[{"words": ..., "evidence": ..., "voices": [...]}]`."""
    return [{"words": fact_words(r, f["fact"], f["value"]), "evidence": f.get("evidence"),
             "voices": voice_lines(f.get("voices"))}
            for f in r["explanations"].get(key, {}).get("facts", [])]


#: worked examples shown beside a conclusion, at most (the JSON has them all)
MOST_EXAMPLES = 1


def worked_examples(r: Mapping[str, Any], key: str) -> list[str]:
    """The rulebook's own cases that show a conclusion's first rule at work, by their
    sentence names, the first MOST_EXAMPLES (none when the assessment carries none)."""
    rules = r["explanations"].get(key, {}).get("rules", [])
    return list(rules[0].get("examples", []))[:MOST_EXAMPLES] if rules else []


# -- the headline: what a reader takes in first -------------------------------------------

def verdict_words(r: Mapping[str, Any]) -> str | None:
    """A proposal's readiness verdict in words, or None for any other profile."""
    verdict = r.get("headline", {}).get("verdict")
    return VERDICT_WORDS[verdict] if verdict else None


def headline_reasons(r: Mapping[str, Any]) -> list[str]:
    """The verdict's reasons (none when there is no verdict: then the summary says it)."""
    return list(r["headline"]["reasons"]) if verdict_words(r) else []


def top_actions(r: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """The headline's first actions, each with its number in the plan."""
    numbers = action_numbers(r)
    by_id = {a["id"]: a for a in r["actions"]}
    return [(numbers[i], by_id[i]) for i in r["headline"]["top_actions"] if i in by_id]


def top_questions(r: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The headline's open questions, those that could change the most first."""
    by_fact = {q["fact"]: q for q in r["open_questions"]}
    return [by_fact[f] for f in r["headline"]["top_questions"] if f in by_fact]


def action_line(a: Mapping[str, Any]) -> str:
    """An action in one line: its text, then who and when."""
    return f"{' '.join(a['text'].split())} ({a['owner']}, {a['horizon']})"


def question_text(r: Mapping[str, Any], q: Mapping[str, Any]) -> str:
    """An open question as the interview asks it, its study section kept as the source,
    with its role named first where that is needed."""
    role = named_role(r, q["fact"])
    return f"{role}: {q['question']}" if role else str(q["question"])


def question_note(q: Mapping[str, Any]) -> str:
    """What an open question's answer could change, and who is best placed to answer."""
    return f"could change {could_change(q['could_change'])} · ask {answered_by(q['fact'])}"
