"""Step-by-step reasoning in plain words, in the order a trainer teaches it.

`narrate` walks an assessment: facts, stages, rungs, target, plan, open questions.
`rule_report` follows one rule: did it fire, on which facts, and if not, which of its
tests did not hold. The engine decides firing; the ticks shown against each test only
illustrate why, by comparing the profile's values with the rule's test.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from advisor.facts import encode_value
from advisor.paths import concrete
from advisor.paths import rule_generic as generic_of
from advisor.profile import Profile, value_at
from advisor.render import words
from advisor.render.words import LIGHT_WORD
from advisor.rulebook import FlagAtom, Leaf, Rulebook
from advisor.ruletools import _holds, describe_condition, describe_output, describe_terms
from advisor.words import SOURCE_NAMES, STAGE_TITLES

#: the width the walk-through is wrapped to: an 80-column terminal, with a margin
WIDTH = 78


def _one_line(text: str) -> str:
    """Text on one line: a profile's tabs and newlines would break the steps' layout."""
    return " ".join(text.split())


def _wrap(text: str, indent: int = 2, hang: int = 2) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(" ".join(text.split()), WIDTH, initial_indent=pad,
                         subsequent_indent=pad + " " * hang) or [pad]


def _facts(r: Mapping[str, Any] | None, expl: Mapping[str, Any], indent: int = 6) -> list[str]:
    """The facts a conclusion read, in words (by path and value for a rule's report,
    `r` None, which is about the rule's own tests), with evidence and voices."""
    out = []
    for f in expl["facts"]:
        note = f" (evidence: {f['evidence']})" if f.get("evidence") else ""
        fact = (f"{f['fact']} = {f['value']}" if r is None
                else words.fact_words(r, f["fact"], f["value"]))
        out += _wrap(f"{fact}{note}", indent)
        for said in words.voice_lines(f.get("voices")):
            out += _wrap(said, indent + 4)
    return out


def _terms(*names: str) -> list[str]:
    """What the named words mean, one wrapped line each."""
    return [line for name in names for line in _wrap(f"{name}: {words.TERMS[name]}", 6)]


def _headline(r: Mapping[str, Any]) -> list[str]:
    """The assessment in short, before the steps that reach it."""
    out = ["", "In short"]
    verdict = words.verdict_words(r)
    if verdict:
        out += _wrap(f"Verdict: {verdict}.")
        for reason in words.headline_reasons(r):
            out += _wrap(f"- {reason}", 4)
    out += [line for summary in r["headline"]["summary"] for line in _wrap(summary)]
    actions = words.top_actions(r)
    if actions:
        out += _wrap("First actions:")
        for n, a in actions:
            out += _wrap(f"{n}. {words.action_line(a)}", 4, len(f"{n}. "))
    questions = words.top_questions(r)
    out += _wrap("Questions that matter most:" if questions else words.NO_QUESTIONS)
    for q in questions:
        hang = len(f"{q['rank']}. ")
        out += _wrap(f"{q['rank']}. {words.question_text(r, q)}", 4, hang)
        out += _wrap(words.question_note(q), 4 + hang, 0)
    return out


def narrate(r: Mapping[str, Any], profile: Profile) -> str:
    """The whole assessment as numbered steps, after the assessment in short."""
    p = r["profile"]
    ex = r["explanations"]
    out: list[str] = _wrap(f"How the advisor assessed {p['wing']}, {p['prison']} "
                           f"({p['kind']}), with rulebook {r['rulebook']['version']}", 0)
    assessed = words.assessed_line(r)
    if assessed:
        out += _wrap(assessed, 0)
    out += _headline(r)
    known, unknown = _count_facts(profile)
    out += ["", "Step 1. The facts"]
    out += _wrap(f"The profile gives {known} facts and leaves {unknown} unknown. An unknown "
                 "fact is never taken as evidence either way.")
    noted = words.noted_facts(r)
    if noted:
        out += _wrap("Evidence notes, and what people say, given with the profile:")
        for path, note, said in noted:
            fact = words.fact_words(r, path, _value(profile, path))
            out += _wrap(fact + (f" Evidence: {note}" if note else ""), 6)
            for line in said:
                out += _wrap(line, 10)
    out += ["", "Step 2. The six stages of social capital building (Fig 1.8)"]
    for s in r["stages"]:
        rules = "; ".join(words.rule_titles(r, f"stage {s['stage']}"))
        out += _wrap(f"Stage {s['stage']} ({SOURCE_NAMES[s['source']]}: "
                     f"{STAGE_TITLES[s['stage']]}) is {LIGHT_WORD[s['light']]}, by the rule "
                     f"\"{rules}\", because:")
        out += _facts(r, ex[f"stage {s['stage']}"])
    out += ["", "Step 3. The ladder (App 1): which rungs hold"]
    out += _wrap("Rungs are judged for each selected role, and the report follows the role "
                 f"that reaches highest. {words.rung_line(r)}. {words.LADDER_NOTE}")
    for f in words.beside_rung(r):
        out += _wrap(f"{f['kind'].replace('_', ' ').capitalize()}: {f['text']} "
                     f"[{', '.join(f['sources'])}]", 6)
    out += _wrap("Each requirement is soft or structural:")
    out += _terms("soft", "structural")
    for rung in r["rungs"]:
        if rung["met"]:
            out += _wrap(f"Rung {rung['rung']} ({rung['name']}): every requirement holds.")
            continue
        out += _wrap(f"Rung {rung['rung']} ({rung['name']}) is not met:")
        for u in rung["unmet"]:
            because = "; ".join(words.because_words(r, b) for b in u["because"])
            out += _wrap(f"{u['text']} ({u['kind']}): {because}", 6)
    out += _wrap(f"So the current rung is {r['current_rung']}: the highest rung that holds "
                 "together with every rung below it.")
    out += ["", "Step 4. The target rung, and the aspiration"]
    out += _terms("target", "aspiration")
    out += _wrap(f"The target is rung {r['target_rung']}. It rests on:")
    out += _facts(r, ex["target rung"])
    aspiration = words.aspiration_words(r)
    out += _wrap(f"{aspiration[0].upper()}{aspiration[1:]}." if aspiration
                 else "The profile gives no aspiration.")
    out += ["", "Step 5. The plan, in order (horizon, rung, stage, dependencies first)"]
    for n, a in enumerate(r["actions"], 1):
        out += _action(r, n, a)
    out += ["", "Step 6. Open questions, those that could change the most first"]
    for q in r["open_questions"]:
        out += _wrap(f"{q['rank']}. {words.question_text(r, q)}")
        out += _wrap(words.question_note(q), 6)
    if not r["open_questions"]:
        out += _wrap(words.NO_QUESTIONS)
    return "\n".join(out) + "\n"


def _action(r: Mapping[str, Any], n: int, a: Mapping[str, Any]) -> list[str]:
    """One action of the plan: what, who, when, why, and what it waits for."""
    out = _wrap(f"{n}. ({a['horizon']}, {a['owner']}) {a['text']}")
    because = "; ".join(words.because_words(r, b) for b in a["because"])
    out += _wrap(f"because: {because} [{', '.join(a['sources'])}]", 6)
    out += _wrap(f"done when: {a['done_when']}", 6)
    for after in words.after_words(r, a):
        out += _wrap(f"after {after}", 6)
    return out


def _value(profile: Profile, path: str) -> str:
    from advisor.assess import show

    try:
        return show(value_at(profile, path))
    except (AttributeError, IndexError):
        return "?"


def _count_facts(profile: Profile) -> tuple[int, int]:
    from advisor.profile import FACT_PATHS

    known = unknown = 0
    for generic in FACT_PATHS:
        if FACT_PATHS[generic].kind == "text":
            continue
        if generic.startswith(("roles[]", "other_roles[]")):
            section = generic.split("[")[0]
            paths = [generic.replace("[]", f"[{i}]")
                     for i in range(len(getattr(profile, section)))]
        else:
            paths = [generic]
        for path in paths:
            if value_at(profile, path) in ("unknown", None):
                unknown += 1
            else:
                known += 1
    return known, unknown


def rule_report(book: Rulebook, profile: Profile, rule_id: str) -> str:
    """One rule followed back to its facts: fired or not, and why."""
    from advisor.engine import engine_for

    rule = book.by_id(rule_id)
    firings = [f for f in engine_for(book).run(profile) if f.rule == rule_id]
    fired = [f for f in firings if not f.maybe]
    out = [f"{rule.id}: {rule.rule.title} [{', '.join(rule.rule.sources)}]"]
    out += _wrap("It " + ("fired." if fired else "did not fire."), 2)
    out += _wrap("It fires when " + (" OR ".join(f"({d})" for d in describe_condition(rule))))
    out += _wrap("and then gives: " + "; ".join(describe_output(rule, terms=False)))
    roles = range(len(profile.role_list)) if any("role" in a.owners()
                                             for a in rule.alternatives) else [None]
    for n, alt in enumerate(rule.alternatives, 1):
        out.append(f"  alternative {n}:")
        for role in roles:
            if role is not None:
                title = _one_line(profile.role_list[role].title)
                out.append(f"    for roles[{role}] ({title}):")
            for atom in alt.atoms:
                out.append("      " + _tick(atom, profile, role))
    if fired:
        from advisor.assess import explain_rules

        chain = explain_rules(book, profile, engine_for(book).run(profile), [rule_id])
        out.append("  the chain from the facts:")
        out += _wrap("rules: " + ", ".join(f"{x['rule']} [{', '.join(x['sources'])}]"
                                           for x in chain["rules"]), 4)
        if chain["derived"]:
            out += _wrap("derived facts: " + ", ".join(
                d["flag"] + ("" if d["held"] else " (absent)") for d in chain["derived"]), 4)
        out += _facts(None, chain, 4)
    maybe = [f for f in firings if f.maybe and f.missing and not fired]
    for f in maybe:
        out += _wrap("It could fire if these unknown facts were known: "
                     + ", ".join(concrete(p, f.role, f.other_role) for p in f.missing), 2)
    for line in describe_terms(rule):
        out += _wrap(line[0].upper() + line[1:] + ".")
    return "\n".join(out) + "\n"


def _tick(atom: object, profile: Profile, role: int | None) -> str:
    from advisor.assess import show

    if isinstance(atom, Leaf):
        if atom.section.startswith("other_role"):
            return f"  {atom.shown} (checked for each other role)"
        path = concrete(atom.path, role, None)
        value = value_at(profile, path)
        encoded = encode_value(generic_of(atom.path), value)
        mark = "?" if encoded is None else ("✓" if _holds(atom, encoded) else "✗")
        return f"{mark} {atom.shown}   [{path} = {_one_line(show(value))}]"
    if isinstance(atom, FlagAtom):
        return f"· {'not ' if atom.negated else ''}{atom.name}"
    return f"· {atom}"


def action_report(r: Mapping[str, Any], action_id: str) -> str:
    """One action followed back to its facts, in words."""
    n, a = next((n, x) for n, x in enumerate(r["actions"], 1) if x["id"] == action_id)
    out = _action(r, n, a)
    out += _wrap("by the rule: " + "; ".join(words.rule_titles(r, f"action {action_id}")))
    out += _wrap("the facts it read:")
    out += _facts(r, r["explanations"][f"action {action_id}"], 4)
    return "\n".join(out) + "\n"
