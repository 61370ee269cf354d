"""Strict, safe YAML reading that remembers where every value came from.

PyYAML's safe loader already refuses to build Python objects; on top of it we:
- read YAML 1.2 booleans only (`true`/`false`), so `yes`, `no`, `on` stay words: the
  profile's `yes | no | some` answers must not silently turn into booleans;
- refuse duplicate keys, non-string keys, aliases (no alias bombs: an alias is the same
  node met twice, refused at once), and any explicit tag (`!!python/object` and friends
  are refused before anything is built);
- refuse files over 1 MB, non-UTF-8 bytes and NUL bytes (a Word file renamed `.yaml`);
- keep a line number for every path, so validation errors can name `FILE:LINE: field`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from advisor.errors import InputError

MAX_BYTES = 1_000_000

PathKey = tuple[str | int, ...]

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


# libyaml's C parser when PyYAML has it (about ten times faster), else the Python one.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """Safe loading with YAML 1.2 style booleans and no timestamps."""

    def resolve(self, kind: Any, value: str | None,
                implicit: tuple[bool, bool]) -> str:
        # The parser asks this for every node, in Python; profiles repeat the same short
        # words (true, unknown, phase1), so the answer is remembered for those.
        if value is not None and len(value) > _RESOLVE_CACHED_LENGTH:
            return _resolve(kind, value, implicit)
        return _resolve_cached(kind, value, implicit)


def _resolve(kind: Any, value: str | None, implicit: tuple[bool, bool]) -> str:
    # PyYAML's own resolution; it reads only class attributes (no path resolvers here)
    tag: str = yaml.resolver.BaseResolver.resolve(  # type: ignore[no-untyped-call]
        _Loader, kind, value, implicit)  # type: ignore[arg-type]
    return tag


_RESOLVE_CACHED_LENGTH = 40
_resolve_cached = functools.lru_cache(maxsize=4096)(_resolve)


# Drop the YAML 1.1 resolvers for bool (yes/no/on/off) and timestamps; keep the rest.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass
class Document:
    """A parsed YAML document and the line of every path in it (1-based)."""

    data: Any
    source: str
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        """The line of `path`, or of its nearest ancestor that exists in the file."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), None)


def read_text(path: Path, what: str = "file") -> str:
    """Read a file as UTF-8 text, refusing folders, missing paths, binaries and big files."""
    name = str(path)
    if not path.exists():
        raise InputError(f"no such {what}", file=name)
    if path.is_dir():
        raise InputError(f"is a folder, not a {what}", file=name)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"is {size:,} bytes; a {what} may be at most {MAX_BYTES:,}",
                             file=name)
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot be read ({err.strerror})", file=name) from err
    if b"\x00" in raw:
        raise InputError(f"is a binary file, not a YAML {what}", file=name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputError("is not UTF-8 text (save it as UTF-8 YAML)", file=name,
                         line=line) from err
    return text.removeprefix("\ufeff")


def parse(text: str, source: str) -> Document:
    """Parse one YAML document strictly into plain data with a line map."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        problem = err.problem or "not valid YAML"
        raise InputError(f"not valid YAML: {problem}", file=source, line=line) from err
    except yaml.YAMLError as err:
        raise InputError(f"not valid YAML: {err}", file=source) from err
    finally:
        loader.dispose()
    if node is None:
        raise InputError("is empty", file=source)
    doc = Document(data=None, source=source)
    # a fresh constructor per document: it caches every node it builds
    doc.data = _build(node, (), doc, yaml.SafeLoader(""), set())
    return doc


def load(path: Path, what: str = "file") -> Document:
    """Read and parse a YAML file (see `read_text` and `parse`)."""
    return parse(read_text(path, what), str(path))


def _build(node: yaml.Node, path: PathKey, doc: Document, constructor: yaml.SafeLoader,
           seen: set[int]) -> Any:
    line = node.start_mark.line + 1
    doc.lines.setdefault(path, line)
    if id(node) in seen:  # the composer resolves an alias to the node it names
        raise InputError("YAML anchors and aliases (&name, *name) are not allowed",
                         file=doc.source, line=line)
    seen.add(id(node))
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):  # most nodes: checked first
        if tag == _STR:
            return node.value
        convert = _SCALARS.get(tag)
        if convert is not None:
            return convert(constructor, node)
    elif tag in _STANDARD_TAGS:
        if isinstance(node, yaml.MappingNode):
            return _mapping(node, path, doc, constructor, seen)
        if isinstance(node, yaml.SequenceNode):
            return [_build(item, (*path, i), doc, constructor, seen)
                    for i, item in enumerate(node.value)]
    if tag not in _STANDARD_TAGS:
        raise InputError(f"the YAML tag {tag!r} is not allowed (plain values only)",
                         file=doc.source, line=line, field=_dotted(path) or None)
    raise InputError("unsupported YAML node", file=doc.source, line=line)


def _mapping(node: yaml.MappingNode, path: PathKey, doc: Document,
             constructor: yaml.SafeLoader, seen: set[int]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag == "tag:yaml.org,2002:merge":
            raise InputError("YAML merge keys (<<) are not allowed", file=doc.source,
                             line=key_node.start_mark.line + 1)
        key = _build(key_node, path, doc, constructor, seen)
        kline = key_node.start_mark.line + 1
        if not isinstance(key, str):
            raise InputError(f"keys must be words, not {key!r}", file=doc.source,
                             line=kline, field=_dotted(path) or None)
        if key in out:
            first = doc.lines.get((*path, key))
            raise InputError(f"duplicate key {key!r} (first given on line {first})",
                             file=doc.source, line=kline, field=_dotted((*path, key)))
        where = (*path, key)
        doc.lines[where] = kline
        out[key] = _build(value_node, where, doc, constructor, seen)
    return out


_STR = "tag:yaml.org,2002:str"
# Scalars by tag, through PyYAML's own converters (signs, 0x, 1_000, .inf, ...), called
# directly rather than through its generic, caching `construct_object`.
_SCALARS: dict[str, Callable[[yaml.SafeLoader, yaml.ScalarNode], Any]] = {
    "tag:yaml.org,2002:int": yaml.SafeLoader.construct_yaml_int,
    "tag:yaml.org,2002:float": yaml.SafeLoader.construct_yaml_float,
    "tag:yaml.org,2002:bool": yaml.SafeLoader.construct_yaml_bool,
    "tag:yaml.org,2002:null": yaml.SafeLoader.construct_yaml_null,
}


def _dotted(path: PathKey) -> str:
    """`("roles", 0, "engagement")` -> `roles[0].engagement`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


dotted = _dotted
