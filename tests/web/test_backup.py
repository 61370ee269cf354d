"""`advisor db backup FILE` and `advisor db restore FILE` (issue 21.4), on SQLite and on
PostgreSQL: a round trip gives back every stored row byte for byte, and the refusals
(a newer schema, a file that is not a backup, a database that holds something) change
nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from advisor.web import db
from advisor.web.store import Store
from tests.web.conftest import Clock, _fresh_postgres, make_world, postgres_url
from tests.web.test_commands import advisor

HOSTILE = "=HYPERLINK(\"http://x\")\n<script>é</script> ' OR 1=1 -- \u2028 \t end"


def _where(url: str) -> list[str]:
    if url.startswith("sqlite"):
        return ["--data", str(Path(str(make_url(url).database)).parent)]
    return ["--database", url]


@pytest.fixture(params=["sqlite", "postgresql"])
def two_urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two empty databases of one kind: the one backed up, the one restored into."""
    if request.param == "sqlite":
        yield (db.database_url(tmp_path / "one", None), db.database_url(tmp_path / "two", None))
        return
    base = postgres_url()
    assert base is not None
    one, two = _fresh_postgres(base), _fresh_postgres(base)
    yield next(one), next(two)
    for made in (one, two):
        next(made, None)


def rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order: what a round trip must give back."""
    engine = db.engine_for(url)
    try:
        with engine.connect() as conn:
            out = {}
            for table in sorted(inspect(conn).get_table_names()):
                out[table] = sorted((tuple(r) for r in conn.execute(
                    text(f"SELECT * FROM {table}"))), key=repr)
            return out
    finally:
        engine.dispose()


def filled(url: str) -> Store:
    """A database with a bit of everything: accounts, wings, a draft, stored results (one
    uploaded with hostile text in it), an action's tracking, sessions and the audit log."""
    engine = db.engine_for(url)
    db.upgrade(engine)
    clock = Clock()
    store = Store(engine, now=clock)
    world = make_world(store, clock)
    wing = store.wing(world.wing_a)
    team = store.user(world.users["delivery"])
    assert wing is not None and team is not None
    other = store.result(world.result_b)
    assert other is not None
    store.add_result(wing, kind="self-audit", source="upload",
                     profile_yaml=other.profile_yaml + f"# {HOSTILE}\n",
                     rulebook_version="2.0.1", result_json=other.result_json, by=team)
    store.track(wing, "ACT-1", lead=HOSTILE.replace("\n", " ")[:200],
                due=dt.date(2026, 4, 1), status="in-progress", reason="", notes=HOSTILE,
                by=team)
    store.sign_in(team)
    store.record_failure("someone@example.org", "127.0.0.1")
    return store


def test_a_backup_restored_gives_back_every_row_byte_for_byte(
        two_urls: tuple[str, str], tmp_path: Path) -> None:
    one, two = two_urls
    store = filled(one)
    before = rows(one)
    results = before["results"]
    assert len(results) == 2
    assert any(isinstance(v, str) and HOSTILE in v for r in results for v in r)
    assert before["action_tracking"] and before["audit"] and before["sessions"]
    file = tmp_path / "advisor.backup"
    made = advisor("db", "backup", str(file), *_where(one))
    assert made.exit_code == 0, made.output
    assert made.output == (f"Backed up {db.where(one)} (schema {db.head()}) to {file}.\n")
    restored = advisor("db", "restore", str(file), *_where(two))
    assert restored.exit_code == 0, restored.output
    assert restored.output == (f"Restored {file} (schema {db.head()}) into "
                               f"{db.where(two)}.\n")
    after = rows(two)
    assert after == before
    # the stored assessments themselves, byte for byte
    engine = db.engine_for(two)
    try:
        back = Store(engine)
        for row in store.results(store.wings()[0].id) + store.results(store.wings()[1].id):
            again = back.result(row.id)
            assert again is not None
            assert again.profile_yaml.encode() == row.profile_yaml.encode()
            assert again.result_json.encode() == row.result_json.encode()
            assert again.rulebook_version == row.rulebook_version
        db.check(engine)  # and the copy is served as it is
    finally:
        engine.dispose()
        store.engine.dispose()


def test_a_restore_refuses_a_full_database_unless_told_and_then_replaces_it(
        two_urls: tuple[str, str], tmp_path: Path) -> None:
    one, two = two_urls
    filled(one).engine.dispose()
    file = tmp_path / "advisor.backup"
    assert advisor("db", "backup", str(file), *_where(one)).exit_code == 0
    engine = db.engine_for(two)
    db.upgrade(engine)
    Store(engine).add_wing("HMP Else", "C wing", by=None)
    engine.dispose()
    held = rows(two)
    refused = advisor("db", "restore", str(file), *_where(two))
    assert (refused.exit_code, refused.output) == (
        2, f"advisor: the database {db.where(two)} is not empty: give --replace to overwrite "
           "it with the backup\n")
    assert rows(two) == held
    replaced = advisor("db", "restore", str(file), "--replace", *_where(two))
    assert replaced.exit_code == 0, replaced.output
    assert rows(two) == rows(one)


def _newer(url: str, file: Path) -> None:
    """A backup whose schema is one this advisor does not know."""
    engine = db.engine_for(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    assert advisor("db", "backup", str(file), *_where(url)).exit_code == 0


def test_a_backup_from_a_newer_schema_is_refused_and_nothing_changes(
        two_urls: tuple[str, str], tmp_path: Path) -> None:
    one, two = two_urls
    filled(one).engine.dispose()
    file = tmp_path / "newer.backup"
    _newer(one, file)
    filled(two).engine.dispose()
    held = rows(two)
    for replace in ([], ["--replace"]):
        refused = advisor("db", "restore", str(file), *replace, *_where(two))
        assert (refused.exit_code, refused.output) == (
            2, f"advisor: {file}: the backup is at schema 9999, which a newer advisor made; "
               f"this one knows up to {db.head()}: restore it with that newer advisor\n")
        assert rows(two) == held


def test_a_file_that_is_not_a_backup_is_refused(two_urls: tuple[str, str],
                                                tmp_path: Path) -> None:
    _, two = two_urls
    kind = "SQLite" if two.startswith("sqlite") else "PostgreSQL"
    for name, body in (("notes.txt", b"not a backup\n"), ("empty.backup", b""),
                       ("binary.backup", bytes(range(256)) * 8)):
        file = tmp_path / name
        file.write_bytes(body)
        refused = advisor("db", "restore", str(file), *_where(two))
        assert (refused.exit_code, refused.output) == (
            2, f"advisor: {file}: this is not a backup 'advisor db backup' made of a"
               f"{'n' if kind == 'SQLite' else ''} {kind} database\n"), name
    missing = advisor("db", "restore", str(tmp_path / "nowhere"), *_where(two))
    assert (missing.exit_code, missing.output) == (
        2, f"advisor: {tmp_path / 'nowhere'}: no such backup file\n")
    empty = advisor("db", "backup", str(tmp_path / "b"), *_where(two))
    assert (empty.exit_code, empty.output) == (
        2, f"advisor: the database {db.where(two)} has no tables yet: there is nothing to "
           "back up\n")


def test_an_sqlite_backup_taken_while_the_server_writes_is_whole(tmp_path: Path) -> None:
    url = db.database_url(tmp_path / "one", None)
    store = filled(url)
    wing = store.wings()[0]
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        while not stop.is_set():
            store.add_wing("HMP Busy", f"Wing {len(written)}", by=None)
            written.append(1)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        for n in range(5):
            file = tmp_path / f"b{n}.backup"
            assert advisor("db", "backup", str(file), "--data",
                           str(tmp_path / "one")).exit_code == 0
            with sqlite3.connect(file) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
                wings = conn.execute("SELECT count(*) FROM wings").fetchone()[0]
                audited = conn.execute("SELECT count(*) FROM audit WHERE what LIKE "
                                       "'added wing HMP Busy%'").fetchone()[0]
            conn.close()
            assert wings == audited + 2  # each wing with its record, or neither
    finally:
        stop.set()
        writer.join(10)
        store.engine.dispose()
    assert written and wing.id
