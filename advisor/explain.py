"""Step-by-step reasoning in plain words, in the order a trainer teaches it.

`narrate` walks an assessment: facts, stages, rungs, target, plan, open questions.
`rule_report` follows one rule: did it fire, on which facts, and if not, which of its
tests did not hold. The engine decides firing; the ticks shown against each test only
illustrate why, by comparing the profile's values with the rule's test.
"""

from __future__ import annotations

import textwrap
from typing import Any

from advisor.facts import encode_value
from advisor.profile import Profile, value_at
from advisor.render import LIGHT_WORD, SOURCE_NAMES, STAGE_TITLES, words
from advisor.rulebook import FlagAtom, Leaf, Rulebook, concrete, generic_of
from advisor.ruletools import _holds, describe_condition, describe_output, describe_terms

WIDTH = 88


def _wrap(text: str, indent: int = 2) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(" ".join(text.split()), WIDTH, initial_indent=pad,
                         subsequent_indent=pad + "  ") or [pad]


def _facts(expl: dict[str, Any], indent: int = 6) -> list[str]:
    out = []
    for f in expl["facts"]:
        note = f" (evidence: {f['evidence']})" if f.get("evidence") else ""
        out += _wrap(f"{f['fact']} = {f['value']}{note}", indent)
        for said in words.voice_lines(f.get("voices")):
            out += _wrap(said, indent + 4)
    return out


def _terms(*names: str) -> list[str]:
    """What the named words mean, one wrapped line each."""
    return [line for name in names for line in _wrap(f"{name}: {words.TERMS[name]}", 6)]


def narrate(r: dict[str, Any], profile: Profile) -> str:
    """The whole assessment as numbered steps."""
    p = r["profile"]
    ex = r["explanations"]
    out: list[str] = [f"How the advisor assessed {p['wing']}, {p['prison']} ({p['kind']}), "
                      f"with rulebook {r['rulebook']['version']}"]
    assessed = words.assessed_line(r)
    if assessed:
        out.append(assessed)
    known, unknown = _count_facts(profile)
    out += ["", "Step 1. The facts"]
    out += _wrap(f"The profile gives {known} facts and leaves {unknown} unknown. An unknown "
                 "fact is never taken as evidence either way.")
    noted = words.noted_facts(r)
    if noted:
        out += _wrap("Evidence notes, and what people say, given with the profile:")
        for path, note, said in noted:
            out += _wrap(f"{path} = {_value(profile, path)}" + (f": {note}" if note else ""), 6)
            for line in said:
                out += _wrap(line, 10)
    out += ["", "Step 2. The six stages of social capital building (Fig 1.8)"]
    for s in r["stages"]:
        out += _wrap(f"Stage {s['stage']} ({SOURCE_NAMES[s['source']]}: "
                     f"{STAGE_TITLES[s['stage']]}) is {LIGHT_WORD[s['light']]}, by rule "
                     f"{s['rule']} [{', '.join(s['sources'])}], because:")
        out += _facts(ex[f"stage {s['stage']}"])
    out += ["", "Step 3. The ladder (App 1): which rungs hold"]
    out += _wrap("Rungs are judged for each selected role, and the report follows the role "
                 f"that reaches highest. {words.rung_line(r)}. {words.LADDER_NOTE}")
    for f in words.beside_rung(r):
        out += _wrap(f"{f['id']} ({f['kind'].replace('_', ' ')}): {f['text']} "
                     f"[{', '.join(f['sources'])}]", 6)
    out += _wrap("Each requirement is soft or structural:")
    out += _terms("soft", "structural")
    for rung in r["rungs"]:
        if rung["met"]:
            out += _wrap(f"Rung {rung['rung']} ({rung['name']}): every requirement holds.")
            continue
        out += _wrap(f"Rung {rung['rung']} ({rung['name']}) is not met:")
        for u in rung["unmet"]:
            out += _wrap(f"{u['requirement']} ({u['kind']}): {u['text']}; "
                         f"{'; '.join(u['because'])}", 6)
    out += _wrap(f"So the current rung is {r['current_rung']}: the highest rung that holds "
                 "together with every rung below it.")
    out += ["", "Step 4. The target rung, and the aspiration"]
    out += _terms("target", "aspiration")
    out += _wrap(f"The target is rung {r['target_rung']}. It rests on:")
    out += _facts(ex["target rung"])
    aspiration = words.aspiration_words(r)
    out += _wrap(f"{aspiration[0].upper()}{aspiration[1:]}." if aspiration
                 else "The profile gives no aspiration.")
    out += ["", "Step 5. The plan, in order (horizon, rung, stage, dependencies first)"]
    for n, a in enumerate(r["actions"], 1):
        out += _wrap(f"{n}. {a['id']} ({a['horizon']}, {a['owner']}): {a['text']}")
        out += _wrap(f"because {'; '.join(a['because'])} [{', '.join(a['sources'])}]", 6)
        out += _wrap(f"done when: {a['done_when']}", 6)
        if a["depends_on"]:
            out += _wrap(f"after: {', '.join(a['depends_on'])}", 6)
    out += ["", "Step 6. Open questions"]
    if r["open_questions"]:
        for q in r["open_questions"]:
            out += _wrap(f"{q['fact']} is unknown; knowing it could change "
                         f"{', '.join(q['could_change'])}.")
    else:
        out += _wrap("None: no unknown fact could change this assessment.")
    return "\n".join(out) + "\n"


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
                out.append(f"    for roles[{role}] ({profile.role_list[role].title}):")
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
        out += _facts(chain, 4)
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
        return f"{mark} {atom.shown}   [{path} = {show(value)}]"
    if isinstance(atom, FlagAtom):
        return f"· {'not ' if atom.negated else ''}{atom.name}"
    return f"· {atom}"


def action_report(r: dict[str, Any], action_id: str) -> str:
    """One action followed back to its facts."""
    a = next(x for x in r["actions"] if x["id"] == action_id)
    ex = r["explanations"][f"action {action_id}"]
    out = [f"{a['id']} ({a['horizon']}, {a['owner']}): {' '.join(a['text'].split())}"]
    out += _wrap(f"done when: {a['done_when']}")
    if a["depends_on"]:
        out += _wrap(f"after: {', '.join(a['depends_on'])}")
    out += _wrap("rules: " + ", ".join(f"{x['rule']} ({x['title']}) [{', '.join(x['sources'])}]"
                                       for x in ex["rules"]))
    if ex["derived"]:
        out += _wrap("derived facts: " + ", ".join(
            d["flag"] + ("" if d["held"] else " (absent)") for d in ex["derived"]))
    out += _wrap("facts:")
    out += _facts(ex, 4)
    return "\n".join(out) + "\n"
