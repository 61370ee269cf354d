"""The words every report uses about the ladder and the evidence, written once: every
format, `advisor explain` and `advisor rules show` take them from here, so each idea has
one name and one definition."""

from __future__ import annotations

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
VOICE_LABELS = {"residents": "Residents say", "holders": "Holders say", "staff": "Staff say"}


def rung_line(r: dict[str, Any]) -> str:
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


def aspiration_words(r: dict[str, Any]) -> str | None:
    """The aspiration and whether it is above the target, or None if none is given."""
    if r.get("aspiration_rung") is None:
        return None
    gap = "above the target: a gap" if r.get("aspiration_gap") else "not above the target"
    return f"aspiration rung {r['aspiration_rung']} ({gap})"


def assessed_line(r: dict[str, Any]) -> str | None:
    """When and by whom the wing was assessed, or None if the profile does not say."""
    assessed = r.get("assessed")
    if assessed is None:
        return None
    on = "(date not recorded)" if assessed["on"] == "unknown" else assessed["on"]
    by = "(assessor not recorded)" if assessed["by"] == "unknown" else assessed["by"]
    return f"Assessed {on} by {by}"


def beside_rung(r: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings every report shows beside the rung line (work the role did not start)."""
    return [f for f in r["findings"] if f.get("beside_rung")]


def voice_lines(said: dict[str, str] | None) -> list[str]:
    """What residents, holders and staff say of a fact, one labelled line each."""
    if not said:
        return []
    return [f"{label}: {said[who]}" for who, label in VOICE_LABELS.items() if who in said]


def noted_facts(r: dict[str, Any]) -> list[tuple[str, str | None, list[str]]]:
    """Every fact with an evidence note or voices: (path, note, voice lines), by path."""
    evidence, voices = r.get("evidence", {}), r.get("voices", {})
    return [(path, evidence.get(path), voice_lines(voices.get(path)))
            for path in sorted(evidence.keys() | voices.keys())]
