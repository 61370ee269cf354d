"""Ways into a profile other than typing YAML from scratch: a commented template, the
JSON Schema for editors, and validation of many files at once. The guided interview
lives in `advisor.interview`.

Everything here is generated from the profile models, so the template, the schema and
the interview cannot drift from what the loader accepts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from advisor import yamlio
from advisor.errors import AdvisorError, InputError
from advisor.profile import (
    CURRENT_VERSION,
    SECTIONS,
    Profile,
    profile_errors,
    profile_from_document,
    supported_versions,
    upgrade_data,
)
from advisor.shipped import shipped

SCHEMA_ID = f"profile-v{CURRENT_VERSION}.schema.json"
SCHEMA_PATH = shipped("schema") / SCHEMA_ID
PLACEHOLDERS = {"site.prison": "Name of the prison", "wing.name": "Name of the wing",
                "roles[].title": "Name of the role", "other_roles[].title": "Name of the role"}


def profile_schema() -> dict[str, Any]:
    """The JSON Schema of the current profile format, with each fact's question as its
    description."""
    schema = Profile.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            **schema,
            "title": f"Peer involvement advisor: site profile, format v{CURRENT_VERSION}",
            "description": "Facts about one CFO wing. Every fact also accepts 'unknown'; a "
                           "missing optional fact means unknown."}


def schema_text() -> str:
    return json.dumps(profile_schema(), indent=2, ensure_ascii=False) + "\n"


# -- template -------------------------------------------------------------------------


def template(kind: str, schema_ref: str | None = None) -> str:
    """A commented profile: every field, `unknown` by default, its question beside it."""
    lines = []
    if schema_ref:
        lines.append(f"# yaml-language-server: $schema={schema_ref}")
    lines += [
        f"# A site profile for the peer involvement advisor (format v{CURRENT_VERSION}).",
        "# Replace `unknown` wherever you know the answer; leave it where you do not: the",
        "# advisor treats unknown facts as open questions, never as yes or no.",
        "# Check it with: advisor validate THIS_FILE",
        f"profile_version: {CURRENT_VERSION}",
        f"kind: {kind}  # self-audit, proposal or example",
    ]
    for section in SECTIONS:  # in the profile's order, found by walking the model
        if section.name == "roles":  # one role written out, to fill in
            lines.append("roles:  # the peer involvement role(s) selected (§1.3); [] if none "
                         "yet, unknown if you do not know")
            lines += _model_lines(None, section.model, "  ", "roles[]", first_prefix="- ")
        elif section.listed:  # an empty list, with an entry shown commented out
            lines.append(f"{section.name}: []  # {section.description}")
            lines.append(f"# {section.name}:")
            lines += ["#" + line for line in _model_lines(
                None, section.model, "  ", f"{section.name}[]", first_prefix="- ")]
        else:
            lines += _model_lines(section.name, section.model, "", section.name)
    lines.append("aspiration_rung: null  # the rung (0-5) the team or proposal aims for "
                 "(App 1)")
    lines.append("evidence: {}  # where a fact comes from, keyed by fact path, e.g. "
                 "roles[0].engagement.phase1: ...")
    lines.append("voices: {}  # what people say of a fact, keyed by fact path, e.g. "
                 "roles[0].visible_to_residents: {residents: ..., holders: ..., staff: ...}")
    return "\n".join(lines) + "\n"


def _model_of(name: str) -> type[BaseModel]:
    ann = Profile.model_fields[name].annotation
    assert isinstance(ann, type) and issubclass(ann, BaseModel)
    return ann


def _model_lines(name: str | None, model: type[BaseModel], indent: str, path: str,
                 first_prefix: str = "") -> list[str]:
    out = []
    inner = indent
    if name is not None:
        desc = Profile.model_fields[name].description if name in Profile.model_fields else None
        out.append(f"{indent}{name}:" + (f"  # {desc}" if desc else ""))
        inner = indent + "  "
    for n, (field, info) in enumerate(model.model_fields.items()):
        prefix = first_prefix if n == 0 else " " * len(first_prefix)
        ann = info.annotation
        child = f"{path}.{field}"
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            comment = f"  # {info.description}" if info.description else ""
            out.append(f"{inner}{prefix}{field}:{comment}")
            out += _model_lines(None, ann, inner + " " * len(first_prefix) + "  ", child)
            continue
        value = _placeholder(child, info.default)
        comment = f"  # {info.description}" if info.description else ""
        out.append(f"{inner}{prefix}{field}: {value}{comment}")
    return out


def _placeholder(path: str, default: Any) -> str:
    if path in PLACEHOLDERS:
        return json.dumps(PLACEHOLDERS[path])
    if default is None:
        return "null"
    if isinstance(default, str):
        return default
    return "unknown"


def schema_beside(target: Path) -> str | None:
    """The `$schema` reference for a new profile at `target`: the schema file beside it
    (written there, whole or not at all, if absent), so the line never points into an
    installation (a virtual environment or site-packages) that may move or vanish. None
    when it cannot be written: the line is then left out."""
    import tempfile

    schema = target.parent / SCHEMA_ID
    if schema.exists():
        return SCHEMA_ID if schema.is_file() else None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{SCHEMA_ID}.", suffix=".tmp",
                                   dir=target.parent)
    except OSError:  # no such folder, or not ours to write in
        return None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(schema_text())
        Path(tmp).replace(schema)
    except OSError:
        return None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return SCHEMA_ID


# -- validation of many files ---------------------------------------------------------


def validate_file(path: Path) -> list[AdvisorError]:
    """Every error in one profile or rule file (the first only where YAML cannot be read)."""
    try:
        doc = yamlio.load(path, "file")
    except InputError as err:
        return [err]
    data = doc.data
    if isinstance(data, dict) and "profile_version" not in data and (
            "rules" in data or "rulebook" in data or "cases" in data
            or ("roles" in data and "sources" in data) or "facts" in data):
        return _validate_rule_file(path, doc)
    try:
        profile_from_document(doc)
    except InputError as err:
        if isinstance(data, dict) and data.get("profile_version") in supported_versions():
            try:
                Profile.model_validate(upgrade_data(dict(data), doc))
            except ValidationError as full:
                return list(profile_errors(full, doc))
        return [err]
    return []


def _validate_rule_file(path: Path, doc: yamlio.Document) -> list[AdvisorError]:
    from advisor.rulebook import load_rulebook, rule_file_errors

    errors: list[AdvisorError] = list(rule_file_errors(doc))
    if not errors and (path.parent / "index.yaml").exists():
        try:
            load_rulebook(path.parent)
        except InputError as err:
            if err.file and Path(err.file).resolve() == path.resolve():
                errors.append(err)
    return errors
