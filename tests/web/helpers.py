"""Helpers the web tests share."""

from __future__ import annotations

from typing import Any

from advisor import yamlio
from advisor.assess import assess, default_rulebook
from advisor.profile import profile_from_document


def assess_text(text: str, name: str = "profile.yaml") -> Any:
    """A profile's text assessed as `advisor assess` would assess the file."""
    return assess(profile_from_document(yamlio.parse(text, name)), default_rulebook())
