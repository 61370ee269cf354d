"""The reference pages in docs/ say what the code does: the profile format is written from
the model, and every key of an assessment is documented in the output contract."""

from __future__ import annotations

import re
from typing import Any

import pytest

from advisor.assess import assess_file
from advisor.reference import profile_reference
from tests.conftest import PROFILES, ROOT

DOCS = ROOT / "docs"


def test_the_profile_reference_is_written_from_the_model() -> None:
    assert (DOCS / "profile.md").read_text(encoding="utf-8") == profile_reference(), \
        "regenerate with: python -m advisor.reference > docs/profile.md"


def _keys(value: Any, found: set[str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(key, str) and re.fullmatch(r"[a-z_]+", key):
                found.add(key)
            _keys(inner, found)
    elif isinstance(value, list):
        for inner in value:
            _keys(inner, found)


@pytest.mark.parametrize("profile", sorted(PROFILES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_key_of_an_assessment_is_in_the_output_contract(profile: Any) -> None:
    contract = (DOCS / "output.md").read_text(encoding="utf-8")
    found: set[str] = set()
    _keys(assess_file(profile), found)
    missing = sorted(k for k in found if f"`{k}`" not in contract)
    assert not missing, f"docs/output.md does not describe: {', '.join(missing)}"


def test_the_readme_and_docs_point_only_at_files_in_the_repo() -> None:
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#]+)", text):
            if target.startswith(("http://", "https://")):
                continue
            assert (page.parent / target).exists(), f"{page.name} links to {target}"
        assert "shared/" not in text and "BRIEF" not in text, page.name
