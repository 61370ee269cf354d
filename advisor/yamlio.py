"""Strict, safe YAML reading that remembers where every value came from.

PyYAML's safe loader already refuses to build Python objects; on top of it we:
- read YAML 1.2's core schema: booleans are `true`/`false` only, so `yes`, `no`, `on`
  stay words (the profile's `yes | no | some` answers must not silently turn into
  booleans); integers are decimal, `0o` octal or `0x` hex, so `010` is ten and `20:00`
  is text; no timestamps;
- refuse duplicate keys, non-string keys, anchors and aliases (no alias bombs), any
  explicit tag (`!!python/object`, and `!!str` or `!!bool` too), and nesting deeper than
  a profile ever goes;
- refuse anything but a regular file (a device, a pipe, a folder), files over 1 MB
  (reading no more than that), non-UTF-8 bytes and NUL bytes (a Word file renamed
  `.yaml`);
- keep a line number for every path, so validation errors can name `FILE:LINE: field`.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from advisor.errors import InputError
from advisor.paths import dotted

MAX_BYTES = 1_000_000
MAX_DEPTH = 32  # a profile nests five levels; rule files a few more

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


# Drop the YAML 1.1 resolvers for bool (yes/no/on/off), int (010 as octal, 20:00 as
# base 60, 1_000), float (base 60) and timestamps; put YAML 1.2's core schema in their place.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp",
                           "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+.0123456789"),
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
    """Read a file as UTF-8 text, refusing folders, missing paths, anything that is not a
    regular file (a device, a pipe: never read without end, never waited on), binaries and
    big files (no more than the limit and one byte is ever read)."""
    name = str(path)
    if not path.exists():
        raise InputError(f"no such {what}", file=name)
    if path.is_dir():
        raise InputError(f"is a folder, not a {what}", file=name)
    try:
        # non-blocking: opening a pipe with no writer must not wait; checked on the open
        # file itself, so what is read is what was checked
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        raise InputError(f"cannot be read ({err.strerror})", file=name) from err
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("is not a regular file (a device, a pipe or a socket)",
                             file=name)
        if info.st_size > MAX_BYTES:
            raise InputError(f"is {info.st_size:,} bytes; a {what} may be at most "
                             f"{MAX_BYTES:,}", file=name)
        try:
            raw = handle.read(MAX_BYTES + 1)
        except OSError as err:
            raise InputError(f"cannot be read ({err.strerror})", file=name) from err
    if len(raw) > MAX_BYTES:
        raise InputError(f"is over {MAX_BYTES:,} bytes, the most a {what} may be", file=name)
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
    if "&" in text or "!" in text:  # rare: look for anchors and tags written explicitly
        _refuse_anchors_and_tags(text, source)
    doc = Document(data=None, source=source)
    # a fresh constructor per document: it caches every node it builds
    doc.data = _build(node, (), doc, yaml.SafeLoader(""), set())
    return doc


def _refuse_anchors_and_tags(text: str, source: str) -> None:
    """An anchor, even one no alias uses, is refused like aliases; so is any tag written
    out, even one that changes nothing (`!!str x`), as the README promises. Walks the
    parser's events, keeping the path of each node for the message."""
    # per open collection: [is a mapping, the next node is a key, the key or item index]
    frames: list[list[Any]] = []
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frames.pop()
            _advance(frames, None)
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        at_key = bool(frames) and frames[-1][0] and frames[-1][1]
        # a key stands at its mapping's path; a value or an item below its key or index
        path = tuple(f[2] for f in (frames[:-1] if at_key else frames))
        line = event.start_mark.line + 1 if event.start_mark else None
        field = dotted(tuple(p for p in path if p != "")) or None
        if event.anchor is not None:
            raise InputError("YAML anchors and aliases (&name, *name) are not allowed",
                             file=source, line=line, field=field)
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            raise InputError(f"the YAML tag {_cut(tag)} is not allowed (plain values only)",
                             file=source, line=line, field=field)
        if isinstance(event, yaml.MappingStartEvent):
            frames.append([True, True, None])
        elif isinstance(event, yaml.SequenceStartEvent):
            frames.append([False, False, -1])
            _advance(frames, None)
        else:
            _advance(frames, getattr(event, "value", None))


def _advance(frames: list[list[Any]], value: str | None) -> None:
    """After a node: a mapping expects a value after a key, and a key after a value; a
    sequence moves to its next item."""
    if not frames:
        return
    top = frames[-1]
    if not top[0]:
        top[2] += 1
    elif top[1]:
        top[1], top[2] = False, value if value is not None else ""
    else:
        top[1] = True


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
    if len(path) > MAX_DEPTH:
        raise InputError(f"is nested more than {MAX_DEPTH} levels deep", file=doc.source,
                         line=line, field=dotted(path[:3]) + "...")
    seen.add(id(node))
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):  # most nodes: checked first
        # a quoted value is text; a plain one is what it looks like: any other tag was
        # written explicitly (`!!str 010`, `!!bool yes`, `!!int abc`), and is refused
        if tag != (_resolved(node.value) if not node.style else _STR):
            raise InputError(f"the YAML tag {_cut(tag)} is not allowed (plain values only)",
                             file=doc.source, line=line, field=dotted(path) or None)
        if tag == _STR:
            return node.value
        convert = _SCALARS.get(tag)
        if convert is not None:
            try:
                return convert(constructor, node)
            except ValueError as err:  # past Python's digit limit, and the like
                raise InputError(f"{_cut(node.value)} is not a number this advisor reads "
                                 f"({_cut(str(err), 50)[1:-1]})", file=doc.source, line=line,
                                 field=dotted(path) or None) from None
    elif tag in _STANDARD_TAGS:
        if isinstance(node, yaml.MappingNode):
            return _mapping(node, path, doc, constructor, seen)
        if isinstance(node, yaml.SequenceNode):
            return [_build(item, (*path, i), doc, constructor, seen)
                    for i, item in enumerate(node.value)]
    if tag not in _STANDARD_TAGS:
        raise InputError(f"the YAML tag {tag!r} is not allowed (plain values only)",
                         file=doc.source, line=line, field=dotted(path) or None)
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
                             line=kline, field=dotted(path) or None)
        if key in out:
            first = doc.lines.get((*path, key))
            raise InputError(f"duplicate key {_cut(key)} (first given on line {first})",
                             file=doc.source, line=kline, field=_short(dotted((*path, key))))
        where = (*path, key)
        doc.lines[where] = kline
        out[key] = _build(value_node, where, doc, constructor, seen)
    return out


def _resolved(value: str) -> str:
    """The tag a plain scalar gets by itself (an explicit tag differing from it is refused)."""
    if len(value) > _RESOLVE_CACHED_LENGTH:
        return _resolve(yaml.ScalarNode, value, (True, False))
    return _resolve_cached(yaml.ScalarNode, value, (True, False))


def _int(_: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """A YAML 1.2 integer: decimal (leading zeros and all), `0o` octal, `0x` hex."""
    text = node.value
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


def _cut(value: object, most: int = 60) -> str:
    """A value as an error message quotes it: never more than `most` characters."""
    text = repr(value)
    return text if len(text) <= most else text[:most - 5] + "...'"


def _short(text: str, most: int = 80) -> str:
    """A field path as an error message names it: never more than `most` characters."""
    return text if len(text) <= most else text[:most - 3] + "..."


_STR = "tag:yaml.org,2002:str"
# Scalars by tag, through PyYAML's own converters (signs, .inf, ...) for floats, booleans
# and null, called directly rather than through its generic, caching `construct_object`.
_SCALARS: dict[str, Callable[[yaml.SafeLoader, yaml.ScalarNode], Any]] = {
    "tag:yaml.org,2002:int": _int,
    "tag:yaml.org,2002:float": yaml.SafeLoader.construct_yaml_float,
    "tag:yaml.org,2002:bool": yaml.SafeLoader.construct_yaml_bool,
    "tag:yaml.org,2002:null": yaml.SafeLoader.construct_yaml_null,
}


short = _short
