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


__all__ = ["DB_FILE", "MIGRATIONS", "check", "current", "database_url", "default_data_dir",
           "engine_for", "head", "upgrade", "where"]
