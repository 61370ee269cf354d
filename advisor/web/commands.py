"""The web service's commands (`advisor serve`, `advisor users`, `advisor db`).

They are kept beside the web app and added to the `advisor` group by `advisor.cli`; each
imports the app, the database layer and the server inside its body, so that `advisor
assess` never pays for them.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from advisor.errors import AdvisorError, InputError

ROLE_CHOICES = ("admin", "commissioner", "delivery", "trainer")


def _where(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options naming the database: `--data DIR` (SQLite) or `--database URL`."""
    command = click.option(
        "--database", metavar="URL", envvar="ADVISOR_DATABASE_URL", default=None,
        help="A PostgreSQL database for a shared deployment, e.g. "
             "postgresql://advisor@localhost/advisor (or $ADVISOR_DATABASE_URL).")(command)
    return click.option(
        "--data", type=click.Path(path_type=Path, file_okay=False), default=None,
        envvar="ADVISOR_DATA", help="The folder of the SQLite database (default: your "
                                    "per-user data folder).")(command)


def _reports(command: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AdvisorError as err:
            click.echo(f"advisor: {err.one_line()}", err=True)
            sys.exit(err.exit_code)
    return run


def _engine(data: Path | None, database: str | None) -> Any:
    """The database engine for a command, its connections closed when the command ends
    however it ends (Python 3.13 warns of a SQLite connection left to the collector)."""
    from advisor.web import db

    engine = db.engine_for(db.database_url(data, database))
    click.get_current_context().call_on_close(engine.dispose)
    return engine


@click.command()
@_where
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on (127.0.0.1: this computer only).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 32),
              help="Server processes. One a core serves a busy room faster; each has its "
                   "own connections to the database.")
@_reports
def serve(data: Path | None, database: str | None, host: str, port: int,
          workers: int) -> None:
    """Serve the advisor in the browser: accounts, wings, guided assessments.

    Example: advisor db upgrade && advisor serve
    """
    import secrets

    import uvicorn

    from advisor.web import allocator, db
    from advisor.web.app import create_app
    from advisor.web.security import Settings
    from advisor.web.store import Store

    engine = _engine(data, database)
    db.check(engine)
    store = Store(engine)
    setup = None
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    if store.user_count() == 0:
        setup = secrets.token_urlsafe(24)
        click.echo("No accounts yet. Make the first administrator at "
                   f"http://{shown}:{port}/setup?token={setup}\n(or stop this and run "
                   "'advisor users add EMAIL --role admin').", err=True)
    click.echo(f"Serving from {db.where(str(engine.url))} at http://{shown}:{port}/ "
               "(Ctrl+C to stop)", err=True)
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "warning",
                               "proxy_headers": True, "server_header": False}
    if workers == 1:
        allocator.tune()
        uvicorn.run(create_app(store, settings=Settings(setup_token=setup)), **options)
        return
    # each worker process makes its own app (advisor.web.app.served_app) from these
    os.environ[db.SERVED_DATABASE] = engine.url.render_as_string(hide_password=False)
    os.environ[db.SERVED_SETUP] = setup or ""
    engine.dispose()
    uvicorn.run("advisor.web.app:served_app", factory=True, workers=workers, **options)


@click.group()
def users() -> None:
    """Accounts of the web service: add them, list them.

    Example: advisor users add lead@example.org --role admin
    """


@users.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLE_CHOICES),
              help="admin manages accounts and wings; commissioner sees every wing; "
                   "delivery sees and changes its own wings; trainer sees the worked "
                   "examples.")
@click.option("--wing", "wings", multiple=True, metavar="PRISON/WING",
              help="A wing a delivery team works on, as 'Prison/Wing' (made if new; "
                   "repeatable).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input rather than asking for it.")
@_where
@_reports
def users_add(email: str, role: str, wings: tuple[str, ...], password_stdin: bool, *,
              data: Path | None, database: str | None) -> None:
    """Add an account.

    Example: advisor users add lead@example.org --role delivery --wing "HMP High Down/CLU"
    """
    from advisor.web import db
    from advisor.web.store import Store, StoreError

    engine = _engine(data, database)
    db.check(engine)
    store = Store(engine)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password (at least 10 characters)", hide_input=True,
                                confirmation_prompt=True)
    try:
        ids = []
        for spec in wings:
            prison, sep, name = spec.rpartition("/")
            if not sep or not prison.strip() or not name.strip():
                raise InputError(f"--wing {spec!r}: give it as 'Prison/Wing'")
            found = [w for w in store.wings() if (w.prison, w.name) ==
                     (" ".join(prison.split()), " ".join(name.split()))]
            ids.append(found[0].id if found else store.add_wing(prison, name, by=None).id)
        store.add_user(email, password, role, wings=tuple(ids))
    except StoreError as err:
        raise InputError(f"{err.field + ': ' if err.field else ''}{err.message}") from None
    click.echo(f"Added {email.strip().lower()} ({role}).")


@users.command("list")
@_where
@_reports
def users_list(data: Path | None, database: str | None) -> None:
    """List the accounts, their roles and wings.

    Example: advisor users list --data ~/advisor-data
    """
    from advisor.web import db
    from advisor.web.store import Store

    engine = _engine(data, database)
    db.check(engine)
    for user in Store(engine).users():
        wings = "; ".join(f"{w.prison}/{w.name}" for w in user.wings)
        click.echo(f"{user.email}\t{user.role}" + (f"\t{wings}" if wings else ""))


@click.group("db")
def database_group() -> None:
    """The web service's database: make it, upgrade it, say which schema it is at, back
    it up and restore it.

    Example: advisor db upgrade --database postgresql://advisor@localhost/advisor
    """


@database_group.command("upgrade")
@_where
@_reports
def db_upgrade(data: Path | None, database: str | None) -> None:
    """Make the database's tables, or bring them up to this version of the advisor.

    Example: advisor db upgrade --data ~/advisor-data
    """
    from advisor.web import db

    engine = _engine(data, database)
    before, after = db.upgrade(engine)
    name = db.where(str(engine.url))
    if before == after:
        click.echo(f"{name} is up to date (schema {after}).")
    else:
        click.echo(f"{name}: schema {before or 'none'} -> {after}.")


@database_group.command("current")
@_where
@_reports
def db_current(data: Path | None, database: str | None) -> None:
    """Say which schema the database is at, and whether it is the newest. Exits 0 when it
    is, 1 when it needs 'advisor db upgrade' (for a script to check before serving).

    Example: advisor db current
    """
    from advisor.web import db

    engine = _engine(data, database)
    at, head = db.current(engine), db.head()
    state = "up to date" if at == head else f"needs 'advisor db upgrade' (newest {head})"
    click.echo(f"{db.where(str(engine.url))}: schema {at or 'none'}, {state}.")
    if at != head:
        raise SystemExit(1)


@database_group.command("backup")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@_where
@_reports
def db_backup(file: Path, data: Path | None, database: str | None) -> None:
    """Copy the database to FILE, safely while the server runs (SQLite's online backup;
    pg_dump's custom format for PostgreSQL). The file records the schema it was made at.

    Example: advisor db backup ~/advisor-2026-03-02.backup --data ~/advisor-data
    """
    from advisor.web import db

    engine = _engine(data, database)
    revision = db.backup(engine, file)
    click.echo(f"Backed up {db.where(str(engine.url))} (schema {revision}) to {file}.")


@database_group.command("restore")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--replace", is_flag=True,
              help="Overwrite a database that already holds accounts, wings or "
                   "assessments (refused without it).")
@_where
@_reports
def db_restore(file: Path, replace: bool, data: Path | None, database: str | None) -> None:
    """Put a backup FILE made by 'advisor db backup' in place of the database. Stop the
    server first. A backup from a newer advisor is refused, and nothing is changed.

    Example: advisor db restore ~/advisor-2026-03-02.backup --data ~/advisor-data
    """
    from advisor.web import db

    engine = _engine(data, database)
    revision = db.restore(engine, file, replace=replace)
    then = "" if revision == db.head() else " Run 'advisor db upgrade' before serving it."
    click.echo(f"Restored {file} (schema {revision}) into {db.where(str(engine.url))}.{then}")


COMMANDS: list[click.Command] = [serve, users, database_group]
