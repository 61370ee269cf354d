"""Record the bundled profiles' results for the rulebook version (run: make snapshots).

The test `tests/test_snapshots.py` fails whenever a bundled profile's result differs from
its snapshot. To accept a change, bump `rules/index.yaml`'s version as the policy says,
add a `## VERSION` entry to `rules/CHANGELOG.md`, and run this. It refuses:
- to record new results under a version that already has recorded results;
- a bump smaller than the change (a light, a rung or an action moved needs a major bump);
- a version without a changelog entry.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "tests" / "snapshots"
VERSIONS = SNAPSHOTS / "versions.json"
CHANGELOG = ROOT / "rules" / "CHANGELOG.md"


def current_results() -> dict[str, str]:
    """Profile file name -> its JSON output, with the bundled rulebook."""
    from advisor.assess import assess, default_rulebook
    from advisor.cases import PROFILES_DIR
    from advisor.profile import load_profile
    from advisor.render import to_json

    book = default_rulebook()
    out = {}
    for p in sorted(PROFILES_DIR.glob("*.yaml")):
        result = assess(load_profile(p), book)
        # The reviewed part is what the rulebook decides; explanations are derived from
        # it and may grow without a rulebook version.
        result.pop("explanations")
        out[p.name] = to_json(result)
    return out


def digest(results: dict[str, str]) -> str:
    h = hashlib.sha256()
    for name in sorted(results):
        h.update(name.encode() + b"\0" + results[name].encode() + b"\0")
    return h.hexdigest()


def semantics(result_json: str) -> dict[str, Any]:
    """What a major version guards: lights, rungs and the set of actions."""
    r = json.loads(result_json)
    return {"lights": [s["light"] for s in r["stages"]], "current": r["current_rung"],
            "target": r["target_rung"], "actions": sorted(a["id"] for a in r["actions"])}


def recorded() -> dict[str, str]:
    if not VERSIONS.exists():
        return {}
    data: dict[str, str] = json.loads(VERSIONS.read_text(encoding="utf-8"))
    return data


def stored_results() -> dict[str, str]:
    return {p.name.removesuffix(".json") + ".yaml": p.read_text(encoding="utf-8")
            for p in sorted(SNAPSHOTS.glob("*.json")) if p.name != "versions.json"}


def has_changelog_entry(version: str) -> bool:
    return f"## {version}" in CHANGELOG.read_text(encoding="utf-8").splitlines()


def _parse(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(x) for x in version.split("."))
    return major, minor, patch


def main() -> int:
    from advisor.assess import default_rulebook

    version = default_rulebook().version
    new = current_results()
    old = stored_results()
    versions = recorded()
    if old == new and versions.get(version) == digest(new):
        print(f"snapshots are up to date for rulebook {version}")
        return 0
    if version in versions and versions[version] != digest(new):
        print(f"refused: results for rulebook {version} are already recorded and these "
              "differ. Bump the version in rules/index.yaml first.", file=sys.stderr)
        return 1
    if not has_changelog_entry(version):
        print(f"refused: rules/CHANGELOG.md has no '## {version}' entry", file=sys.stderr)
        return 1
    previous = max(versions, key=_parse) if versions else None
    if previous is not None:
        moved = [n for n in new if n in old and semantics(new[n]) != semantics(old[n])]
        moved += [n for n in new if n not in old]
        if moved and _parse(version)[0] <= _parse(previous)[0]:
            print(f"refused: lights, rungs or actions moved for {', '.join(moved)}; that "
                  f"needs a major version above {previous}", file=sys.stderr)
            return 1
        if _parse(version) <= _parse(previous):
            print(f"refused: version {version} is not above {previous}", file=sys.stderr)
            return 1
    for p in SNAPSHOTS.glob("*.json"):
        if p.name != "versions.json":
            p.unlink()
    for name, text in new.items():
        (SNAPSHOTS / name.replace(".yaml", ".json")).write_text(text, encoding="utf-8")
    versions[version] = digest(new)
    VERSIONS.write_text(json.dumps(versions, indent=2, sort_keys=True) + "\n",
                        encoding="utf-8")
    print(f"recorded {len(new)} snapshots for rulebook {version}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
