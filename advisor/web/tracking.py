"""The work on a wing's plan, beside the plan itself: which tracked actions the wing's
latest assessment still proposes, which it no longer does (met, not lost), and which are
overdue. Pure functions over a stored assessment's JSON and the `action_tracking` rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from advisor.web.models import ActionTracking


def proposed_ids(result: Mapping[str, Any]) -> list[str]:
    """The ids of the actions an assessment proposes, in its plan's order."""
    return [str(a["id"]) for a in result.get("actions", [])]


def overdue_actions(result: Mapping[str, Any], trackings: Iterable[ActionTracking],
                    today: dt.date) -> list[str]:
    """The ids of the actions that `result` still proposes and whose work is overdue on
    `today` (an action the rules no longer propose is met, so never overdue)."""
    proposed = set(proposed_ids(result))
    return sorted(t.action_id for t in trackings
                  if t.action_id in proposed and t.overdue(today))


__all__ = ["overdue_actions", "proposed_ids"]
