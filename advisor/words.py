"""The domain's words, each defined once: the scales and choices a fact takes, who acts and
when, the ladder's rungs and the six stages of social capital building.

Everything else reads them from here: the profile model (what a fact accepts), the rule
compiler (ordered scales become ordinals), collation (rung names, horizons), and the
reports (titles in words). Sections of the study are cited as in the rule files.
"""

from __future__ import annotations

from typing import Literal, get_args

UNKNOWN = "unknown"  # every fact accepts it; it is never taken as yes or no

# Ordered scales: the order is the scale, lowest first (rules compare with at_least...).
SCALES: dict[str, tuple[str, ...]] = {
    "engagement": ("none", "planned", "informal", "formal"),
    "feedback_role": ("none", "collects", "analyses", "designs"),
    "supervision": ("none", "ad-hoc", "community-meeting", "structured"),
    "progression": ("none", "under-consideration", "defined"),
    "guest": ("none", "planned", "yes"),
    "function": ("no", "some", "yes"),
    # App 1 rungs 3-4: holders take part in deciding who does what while staff arrange and
    # deliver (occasionally); holders and staff plan each cycle as equal partners (regularly)
    "decides": ("none", "occasionally", "regularly"),
    # App 1 rung 5: holders bring residents' idea to staff and, backed by them, run it
    "initiative": ("none", "proposed", "running"),
}

# Unordered choices.
CHOICES: dict[str, tuple[str, ...]] = {
    "kind": ("self-audit", "proposal", "example"),
    "recruitment": ("ad-hoc", "staff-selected", "open-application", "co-produced"),
    "category": ("A", "B", "C", "D", "YOI", "women-closed", "women-open"),
    "residents": ("life", "ipp", "eds", "determinate", "remand", "mixed"),
}

# App 2's four functions of a peer role.
Function = Literal["induction", "single_issue", "bridging", "civic_representation"]
FUNCTIONS: tuple[str, ...] = get_args(Function)

# Who acts: the people the study addresses. Holders own an action only when its text is
# their own task; the Prisoner Council is a partner named in a text, never an owner.
Owner = Literal["CFO staff team", "governor sponsor", "Education and Library",
                "CFO commissioner", "holders"]
OWNERS: tuple[str, ...] = get_args(Owner)

# When: now (toward the target rung), next (structural work for the rung above it), later
# (wider prison links and policy).
Horizon = Literal["now", "next", "later"]
HORIZONS: tuple[str, ...] = get_args(Horizon)

# The service user involvement ladder (App 1): rung -> name.
RUNG_NAMES = {0: "non-engagement", 1: "information", 2: "consultation", 3: "participation",
              4: "co-production", 5: "peer-led"}

# What holders of the selected role do at each rung (App 1), in a sentence.
RUNG_MEANINGS = {
    0: "Holders take no part in shaping the programme: residents simply join it or not.",
    1: "Holders pass on across the wing what staff want residents to know.",
    2: "Holders hand out and gather residents' preferences and feedback for staff.",
    3: "Holders decide with staff who does what, draw others in, and sort and present "
       "residents' feedback; staff still arrange and deliver.",
    4: "Holders and staff plan, deliver and review each cycle together as equal partners, "
       "holders designing how feedback is gathered.",
    5: "Holders bring residents' own ideas to staff and, with their backing, run new "
       "peer-led activities.",
}

# Social capital building (Fig 1.8): stage -> its source, and what it gives residents the
# opportunity to do.
STAGE_SOURCES = {1: "micro", 2: "micro", 3: "meso", 4: "meso", 5: "macro", 6: "macro"}
SOURCE_NAMES = {"micro": "A micro (bonding)", "meso": "B meso (bridging)",
                "macro": "C macro (linking)"}
STAGE_TITLES = {
    1: "associate in meaningful activity groups",
    2: "reflect and solve problems in a trusted group",
    3: "contribute to core delivery",
    4: "represent residents in wing forums",
    5: "represent the wing in wider prison decision forums",
    6: "contribute lived experience to policy",
}
Colour = Literal["green", "orange", "red"]
LIGHTS: tuple[str, ...] = get_args(Colour)  # best first

FindingKind = Literal["good_practice", "challenge", "lesson", "observation"]
FINDING_KINDS: tuple[str, ...] = get_args(FindingKind)
