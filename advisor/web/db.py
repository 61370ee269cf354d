"""Where the web service keeps its data, and the schema's migrations.

By default an SQLite file in a data folder (`--data DIR`, else the per-user data folder
platformdirs names); `--database URL` names a PostgreSQL database for a shared
deployment. The schema is made and changed only by the Alembic migrations shipped in
`advisor/web/migrations`, applied by `advisor db upgrade`; `advisor serve` checks the
database is at the newest one before it serves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from advisor.errors import InputError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DB_FILE = "advisor.sqlite3"


# what `advisor serve --workers N` tells each worker process: its database, and the
# first-run set-up token (empty when there are accounts)
SERVED_DATABASE, SERVED_SETUP = "ADVISOR_SERVED_DATABASE", "ADVISOR_SERVED_SETUP"


def default_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("advisor", appauthor=False)


def database_url(data: Path | None, database: str | None) -> str:
    """The database to use: `database` if given (PostgreSQL), else the SQLite file in
    `data` (or the default data folder), whose folder is made if missing."""
    if database:
        try:
            url = make_url(database)
        except ArgumentError:
            raise InputError(f"--database {database!r} is not a database URL (give one "
                             "like postgresql://user@host/dbname)") from None
        if url.get_backend_name() not in ("postgresql", "sqlite"):
            raise InputError(f"--database: {url.get_backend_name()} is not supported; give "
                             "a postgresql:// URL")
        if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")  # psycopg 3, not psycopg2
        return url.render_as_string(hide_password=False)
    folder = data or default_data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"cannot make the data folder ({err.strerror})",
                         file=str(folder)) from err
    return f"sqlite:///{(folder / DB_FILE).resolve()}"


def where(url: str) -> str:
    """The database as a person would name it, without a password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database)
    return parsed.render_as_string(hide_password=True)


def engine_for(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _: Any) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head() -> str:
    from alembic.script import ScriptDirectory

    found = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert found is not None
    return found


def current(engine: Engine) -> str | None:
    """The revision the database is at (None: no schema yet)."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as err:
        raise InputError(f"cannot open the database {where(str(engine.url))}: "
                         f"{_first_line(err)}") from None


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Apply every migration not yet applied; (revision before, revision now)."""
    from alembic import command

    before = current(engine)
    command.upgrade(_config(engine), "head")
    return before, head()


def check(engine: Engine) -> None:
    """Refuse a database whose schema is not the newest, in one line saying what to do."""
    at, wanted = current(engine), head()
    if at == wanted:
        return
    name = where(str(engine.url))
    if at is None:
        raise InputError(f"the database {name} has no tables yet: run 'advisor db upgrade' "
                         "with the same --data or --database first")
    if not _known(at):
        raise InputError(f"the database {name} is at schema {at}, which a newer advisor made; "
                         f"this one knows up to {wanted}: serve it with that newer advisor")
    raise InputError(f"the database {name} is at schema {at}, this advisor needs {wanted}: "
                     "run 'advisor db upgrade' with the same --data or --database first")


# -- backups -------------------------------------------------------------------------

#: the tables a restore must not overwrite unless told to (the schema's own bookkeeping
#: aside): a database with a row in any of them is not empty
_KEPT = ("users", "wings", "drafts", "results", "sessions", "audit", "action_tracking",
         "user_wings", "sign_in_failures")


def backup(engine: Engine, target: Path) -> str:
    """Copy the database to `target`, consistent even while the server writes to it: the
    SQLite online backup, or `pg_dump --format=custom`; the schema revision copied. The
    file appears whole or not at all (written beside it, then renamed)."""

    revision = current(engine)
    if revision is None:
        raise InputError(f"the database {where(str(engine.url))} has no tables yet: there is "
                         "nothing to back up")
    target = target.resolve()
    part = target.with_name(f".{target.name}.part")
    try:
        if engine.url.get_backend_name() == "sqlite":
            _sqlite_copy(_sqlite_file(engine), part)
        else:
            _pg("pg_dump", engine, "--format=custom", "--no-owner", f"--file={part}")
        part.replace(target)
    except OSError as err:
        raise InputError(f"cannot write the backup ({err.strerror})", file=str(target)) \
            from None
    finally:
        part.unlink(missing_ok=True)
    return revision


def backup_revision(engine: Engine, source: Path) -> str:
    """The schema revision a backup file was made at (InputError if it is not a backup
    of this kind of database)."""
    if not source.is_file():
        raise InputError("no such backup file", file=str(source))
    if engine.url.get_backend_name() == "sqlite":
        import sqlite3

        try:
            with _closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro",
                                          uri=True)) as conn:
                if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
                    raise InputError("the backup is damaged (its integrity check fails)",
                                     file=str(source))
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            raise InputError("this is not a backup 'advisor db backup' made of an SQLite "
                             "database", file=str(source)) from None
    else:
        listing = _pg("pg_restore", engine, "--data-only", "--table=alembic_version",
                      "--file=-", str(source), database=False,
                      refused=f"{source}: this is not a backup 'advisor db backup' made of a "
                              "PostgreSQL database")
        lines = listing.splitlines()
        start = next((i for i, line in enumerate(lines)
                      if line.startswith("COPY ") and "alembic_version" in line), None)
        row = (lines[start + 1],) if start is not None and len(lines) > start + 1 \
            and lines[start + 1] != "\\." else None
    if not row or not row[0]:
        raise InputError("the backup has no schema revision: it was not made by 'advisor "
                         "db backup'", file=str(source))
    return str(row[0])


def is_empty(engine: Engine) -> bool:
    """Whether the database holds nothing anyone made (no tables, or no rows in them)."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        for table in _KEPT:
            if table in tables and conn.execute(
                    text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
                return False
    return True


def restore(engine: Engine, source: Path, *, replace: bool = False) -> str:
    """Put the backup `source` in place of the database; its schema revision. Refused,
    with nothing changed: a backup from a newer schema than this advisor knows, a file
    that is not a backup, and a database that holds anything unless `replace`. SQLite:
    the copy is written beside the database and renamed over it (whole or not at all);
    PostgreSQL: `pg_restore` in one transaction."""

    revision = backup_revision(engine, source)
    if not _known(revision):
        raise InputError(f"the backup is at schema {revision}, which a newer advisor made; "
                         f"this one knows up to {head()}: restore it with that newer advisor",
                         file=str(source))
    name = where(str(engine.url))
    if not replace and not is_empty(engine):
        raise InputError(f"the database {name} is not empty: give --replace to overwrite it "
                         "with the backup")
    if engine.url.get_backend_name() == "sqlite":
        target = Path(_sqlite_file(engine))
        engine.dispose()
        part = target.with_name(f".{target.name}.restore")
        try:
            _sqlite_copy(str(source.resolve()), part)
            for stale in ("-journal", "-wal", "-shm"):  # the old file's, not the backup's
                target.with_name(target.name + stale).unlink(missing_ok=True)
            part.replace(target)
        except OSError as err:
            raise InputError(f"cannot write the database ({err.strerror})",
                             file=str(target)) from None
        finally:
            part.unlink(missing_ok=True)
    else:
        _pg("pg_restore", engine, "--clean", "--if-exists", "--single-transaction",
            "--exit-on-error", "--no-owner", "--no-privileges", str(source))
    return revision


def _sqlite_file(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise InputError("an in-memory database has no file to back up or restore")
    return database


def _sqlite_copy(source: str, target: Path) -> None:
    """SQLite's online backup of the file `source` into a new file `target`."""
    import sqlite3

    target.unlink(missing_ok=True)
    with _closing(sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)) \
            as src, _closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        dst.commit()


def _closing(conn: Any) -> Any:
    from contextlib import closing

    return closing(conn)


def _pg(tool: str, engine: Engine, *args: str, database: bool = True,
        refused: str = "") -> str:
    """Run `pg_dump` or `pg_restore` on the engine's database; its standard output. The
    password goes in the environment, never on the command line."""
    import os
    import shutil
    import subprocess

    found = shutil.which(tool)
    if found is None:
        raise InputError(f"{tool} is missing: install PostgreSQL's client programs "
                         "(Debian: apt-get install postgresql-client)")
    url = engine.url.set(drivername="postgresql")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(password=None).render_as_string(hide_password=False)
    command = [found, *args, *([f"--dbname={dsn}"] if database else [])]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        problem = next((line for line in done.stderr.splitlines() if line.strip()),
                       f"{tool} failed")
        raise InputError(refused or f"{tool}: {problem.removeprefix(tool + ': ')}")
    return done.stdout


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory(str(MIGRATIONS)).get_revision(revision) is not None
    except CommandError:
        return False


def _first_line(err: Exception) -> str:
    text = str(getattr(err, "orig", None) or err)
    return text.strip().splitlines()[0] if text.strip() else type(err).__name__


__all__ = ["DB_FILE", "MIGRATIONS", "backup", "backup_revision", "check", "current",
           "database_url", "default_data_dir", "engine_for", "head", "is_empty", "restore",
           "upgrade", "where"]
