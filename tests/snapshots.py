"""Record the bundled profiles' results for the rulebook version (run: make snapshots).

The test `tests/test_snapshots.py` fails whenever a bundled profile's result differs from
its snapshot. To accept a change, bump `rules/index.yaml`'s version as the policy says,
add a `## VERSION` entry to `rules/CHANGELOG.md`, and run this. It refuses:
- to record new results under a version that already has recorded results;
- a bump smaller than the change: a light, a rung or an action moved needs a major bump;
  a rule or a case added or removed needs at least a minor one (the README's "Rulebook
  versions"; patch is for wording only);
- a version without a changelog entry.

`tests/snapshots/versions.json` maps each recorded version to the digest of its results.
The newest entry also lists the rule ids and case names it was recorded with
(`{"digest": ..., "rules": [...], "cases": [...]}`), which the next bump is judged
against; an entry written before these were kept is the digest alone, and then only the
number of rules (in the stored results) can be compared.
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


def current_contents() -> dict[str, list[str]]:
    """The bundled rulebook's rule ids and case names, sorted."""
    from advisor.assess import default_rulebook
    from advisor.cases import load_cases

    book = default_rulebook()
    return {"rules": sorted(r.id for r in book.rules),
            "cases": sorted(c.name for c in load_cases(book))}


def _entries() -> dict[str, Any]:
    if not VERSIONS.exists():
        return {}
    data: dict[str, Any] = json.loads(VERSIONS.read_text(encoding="utf-8"))
    return data


def recorded() -> dict[str, str]:
    """Version -> the digest of the results recorded for it."""
    return {v: e if isinstance(e, str) else e["digest"] for v, e in _entries().items()}


def recorded_contents(version: str) -> dict[str, list[str]] | None:
    """The rule ids and case names recorded with `version`, if they were kept."""
    entry = _entries().get(version)
    if not isinstance(entry, dict):
        return None
    return {"rules": entry["rules"], "cases": entry["cases"]}


def added_or_removed(before: dict[str, list[str]] | None, now: dict[str, list[str]],
                     stored: dict[str, str]) -> list[str]:
    """The rules and cases added or removed since `before`, in words. Without a record
    (an entry from before they were kept), the stored results' rule count stands in."""
    if before is None:
        counts = {json.loads(text).get("rulebook", {}).get("rules") for text in
                  stored.values()}
        counts.discard(None)
        if len(counts) == 1 and (old := counts.pop()) != len(now["rules"]):
            return [f"the number of rules went from {old} to {len(now['rules'])}"]
        return []
    out = []
    for kind, singular in (("rules", "rule"), ("cases", "case")):
        old, new = set(before[kind]), set(now[kind])
        out += [f"added {singular} {x!r}" for x in sorted(new - old)]
        out += [f"removed {singular} {x!r}" for x in sorted(old - new)]
    return out


def stored_results() -> dict[str, str]:
    return {p.name.removesuffix(".json") + ".yaml": p.read_text(encoding="utf-8")
            for p in sorted(SNAPSHOTS.glob("*.json")) if p.name != "versions.json"}


def has_changelog_entry(version: str) -> bool:
    return f"## {version}" in CHANGELOG.read_text(encoding="utf-8").splitlines()


def _parse(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(x) for x in version.split("."))
    return major, minor, patch


def _listed(changes: list[str]) -> str:
    return "; ".join(changes[:5]) + (f" and {len(changes) - 5} more" if len(changes) > 5
                                     else "")


def main() -> int:
    from advisor.assess import default_rulebook

    version = default_rulebook().version
    new = current_results()
    old = stored_results()
    contents = current_contents()
    versions = recorded()
    if version in versions:
        if versions[version] != digest(new):
            print(f"refused: results for rulebook {version} are already recorded and these "
                  "differ. Bump the version in rules/index.yaml first.", file=sys.stderr)
            return 1
        kept = recorded_contents(version)
        changed = added_or_removed(kept, contents, old) if kept is not None else []
        if changed:
            print(f"refused: rulebook {version} was recorded with other rules or cases "
                  f"({_listed(changed)}). Bump the version in rules/index.yaml first (a "
                  "minor bump at least).", file=sys.stderr)
            return 1
        if old == new:
            print(f"snapshots are up to date for rulebook {version}")
            return 0
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
        changed = added_or_removed(recorded_contents(previous), contents, old)
        if changed and _parse(version)[:2] <= _parse(previous)[:2]:
            print(f"refused: {_listed(changed)} since {previous}; a new or removed rule or "
                  f"case needs at least a minor version above {previous} (a patch is for "
                  "wording only)", file=sys.stderr)
            return 1
        if _parse(version) <= _parse(previous):
            print(f"refused: version {version} is not above {previous}", file=sys.stderr)
            return 1
    for p in SNAPSHOTS.glob("*.json"):
        if p.name != "versions.json":
            p.unlink()
    for name, text in new.items():
        (SNAPSHOTS / name.replace(".yaml", ".json")).write_text(text, encoding="utf-8")
    entries: dict[str, Any] = dict(versions)  # older entries keep their digest alone
    entries[version] = {"digest": digest(new), **contents}
    VERSIONS.write_text(json.dumps(entries, indent=2, sort_keys=True) + "\n",
                        encoding="utf-8")
    print(f"recorded {len(new)} snapshots for rulebook {version}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
