"""The web service's storage, on SQLite and on PostgreSQL: the migrations make the models'
schema, an out-of-date schema is refused, and the store keeps what it is given (results
for ever, sessions until they expire, every change in the audit log)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, text

from advisor.errors import InputError
from advisor.web import db
from advisor.web.models import Base, Result
from advisor.web.passwords import verify_password
from advisor.web.store import Store, StoreError
from tests.web.conftest import PASSWORD, REAL_HASHER, Clock


def test_the_migrations_make_exactly_the_models_schema(any_engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    assert db.current(any_engine) is None
    assert db.upgrade(any_engine) == (None, db.head())
    with any_engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    assert db.upgrade(any_engine) == (db.head(), db.head())  # a second run changes nothing
    db.check(any_engine)


def test_serving_an_unmigrated_or_older_schema_is_refused_in_one_line(
        any_engine: Engine) -> None:
    from alembic import command

    with pytest.raises(InputError) as empty:
        db.check(any_engine)
    assert "has no tables yet: run 'advisor db upgrade'" in empty.value.one_line()
    command.upgrade(db._config(any_engine), "0001")  # as the first release left it
    with pytest.raises(InputError) as behind:
        db.check(any_engine)
    line = behind.value.one_line()
    assert "\n" not in line
    assert line.endswith(f"is at schema 0001, this advisor needs {db.head()}: run 'advisor db "
                         "upgrade' with the same --data or --database first")


def test_a_schema_from_a_newer_advisor_is_refused_too(any_engine: Engine) -> None:
    db.upgrade(any_engine)
    with any_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    with pytest.raises(InputError) as newer:
        db.check(any_engine)
    assert newer.value.one_line().endswith(
        f"is at schema 0999, which a newer advisor made; this one knows up to {db.head()}: "
        "serve it with that newer advisor")


def test_passwords_are_hashed_with_argon2id_at_its_recommended_cost() -> None:
    hashed = REAL_HASHER().hash(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # RFC 9106's second choice


def _store(engine: Engine, clock: Clock) -> Store:
    db.upgrade(engine)
    return Store(engine, now=clock)


def test_accounts_hash_passwords_with_argon2_and_refuse_duplicates(any_engine: Engine) -> None:
    clock = Clock()
    store = _store(any_engine, clock)
    wing = store.add_wing("HMP High Down", " Community  Living Unit ", by=None)
    assert wing.name == "Community Living Unit"  # spaces tidied as a person meant them
    user = store.add_user(" Lead@Example.ORG ", PASSWORD, "delivery", wings=(wing.id,))
    assert user.email == "lead@example.org"
    found = store.user_by_email("LEAD@example.org")
    assert found is not None
    assert found.password_hash.startswith("$argon2id$")
    assert PASSWORD not in found.password_hash
    assert verify_password(found.password_hash, PASSWORD)
    assert not verify_password(found.password_hash, PASSWORD + "x")
    with pytest.raises(StoreError, match=r"already an account for lead@example\.org"):
        store.add_user("lead@example.org", PASSWORD, "trainer")
    with pytest.raises(StoreError, match="at least 10 characters"):
        store.add_user("new@example.org", "short", "trainer")
    with pytest.raises(StoreError, match="only a delivery team account"):
        store.add_user("new@example.org", PASSWORD, "trainer", wings=(wing.id,))
    with pytest.raises(StoreError, match="already has a wing called Community Living Unit"):
        store.add_wing("HMP High Down", "Community Living Unit", by=None)
    (listed,) = store.users()
    assert [w.name for w in listed.wings] == ["Community Living Unit"]


def test_a_stored_result_is_never_changed(any_engine: Engine) -> None:
    store = _store(any_engine, Clock())
    wing = store.add_wing("P", "W", by=None)
    user = store.add_user("d@example.org", PASSWORD, "delivery", wings=(wing.id,))
    result = store.add_result(wing, kind="proposal", source="upload", profile_yaml="a: 1\n",
                              rulebook_version="1.2.3", result_json="{}\n", by=user)
    with store.begin() as session:
        row = session.get(Result, result.id)
        assert row is not None
        row.profile_yaml = "changed"
        with pytest.raises(ValueError, match="never changed"):
            session.flush()
        session.rollback()
    kept = store.result(result.id)
    assert kept is not None
    assert (kept.profile_yaml, kept.rulebook_version, kept.result_json) == \
        ("a: 1\n", "1.2.3", "{}\n")


def test_sessions_expire_when_idle_or_old_and_are_stored_only_hashed(
        any_engine: Engine) -> None:
    clock = Clock()
    store = _store(any_engine, clock)
    user = store.add_user("a@example.org", PASSWORD, "admin")
    idle, lifetime = dt.timedelta(hours=2), dt.timedelta(hours=12)
    token = store.sign_in(user)
    with any_engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM sessions")).scalar_one()
    assert token not in stored and len(stored) == 64
    clock.advance(hours=1, minutes=59)
    assert store.session(token, idle=idle, lifetime=lifetime) is not None  # seen: renewed
    clock.advance(hours=1, minutes=59)
    assert store.session(token, idle=idle, lifetime=lifetime) is not None
    clock.advance(hours=2, minutes=1)  # idle for more than two hours
    assert store.session(token, idle=idle, lifetime=lifetime) is None
    token = store.sign_in(user)
    for _ in range(6):  # in use every two hours, but twelve hours after signing in it ends
        clock.advance(hours=1, minutes=59)
        assert store.session(token, idle=idle, lifetime=lifetime) is not None
    clock.advance(minutes=7)
    assert store.session(token, idle=idle, lifetime=lifetime) is None
    assert store.session("no such token", idle=idle, lifetime=lifetime) is None


def test_sign_in_failures_are_counted_by_email_and_address_within_the_window(
        any_engine: Engine) -> None:
    clock = Clock()
    store = _store(any_engine, clock)
    window = dt.timedelta(minutes=15)
    for _ in range(3):
        store.record_failure("a@example.org", "10.0.0.1")
    store.record_failure("b@example.org", "10.0.0.1")
    assert store.failures("a@example.org", "10.0.0.1", window) == (3, 4)
    assert store.failures("a@example.org", "10.0.0.2", window) == (3, 0)
    clock.advance(minutes=16)
    assert store.failures("a@example.org", "10.0.0.1", window) == (0, 0)


def test_every_change_is_in_the_audit_log_with_who_and_when(any_engine: Engine) -> None:
    clock = Clock()
    store = _store(any_engine, clock)
    admin = store.add_user("admin@example.org", PASSWORD, "admin")
    clock.advance(minutes=1)
    wing = store.add_wing("HMP High Down", "CLU", by=admin)
    clock.advance(minutes=1)
    team = store.add_user("team@example.org", PASSWORD, "delivery", by=admin)
    store.grant_wing(team.id, wing.id, by=admin)
    store.set_role(team.id, "commissioner", by=admin)
    with pytest.raises(StoreError, match="only administrator"):
        store.set_role(admin.id, "trainer", by=admin)
    log = [(e.at, e.who, e.what) for e in reversed(store.audit_log())]
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    assert log == [
        (start, "advisor (command line)", "added account admin@example.org (Administrator)"),
        (start + dt.timedelta(minutes=1), "admin@example.org", "added wing HMP High Down CLU"),
        (start + dt.timedelta(minutes=2), "admin@example.org",
         "added account team@example.org (Delivery team)"),
        (start + dt.timedelta(minutes=2), "admin@example.org",
         "gave team@example.org wing HMP High Down CLU"),
        (start + dt.timedelta(minutes=2), "admin@example.org",
         "changed team@example.org from Delivery team to Commissioner"),
    ]
    changed = store.user(team.id)
    assert changed is not None
    assert changed.wings == []  # a commissioner sees every wing; none is "theirs"


def test_the_migrations_go_down_and_up_again(any_engine: Engine) -> None:
    from alembic import command

    db.upgrade(any_engine)
    command.downgrade(db._config(any_engine), "base")
    assert db.current(any_engine) is None
    with any_engine.connect() as conn:
        tables = set(any_engine.dialect.get_table_names(conn))
    assert tables == {"alembic_version"}
    assert db.upgrade(any_engine) == (None, db.head())


def test_removing_an_account_keeps_what_it_made(any_engine: Engine) -> None:
    from advisor.web import guided

    store = _store(any_engine, Clock())
    admin = store.add_user("admin@example.org", PASSWORD, "admin")
    team = store.add_user("team@example.org", PASSWORD, "delivery")
    wing = store.add_wing("P", "W", by=team)
    draft = store.start_draft(wing, "proposal", guided.new_state("proposal", "P", "W"),
                              by=team)
    result = store.add_result(wing, kind="proposal", source="upload", profile_yaml="x\n",
                              rulebook_version="1.0.0", result_json="{}\n", by=team)
    store.sign_in(team)
    store.remove_user(team.id, by=admin)
    assert store.user_by_email("team@example.org") is None
    kept = store.result(result.id)
    assert kept is not None and kept.created_by is None
    assert [d.id for d in store.drafts(wing.id)] == [draft.id]
    assert [w.name for w in store.wings()] == ["W"]
    assert "removed account team@example.org (Delivery team)" in [e.what for e in store.audit_log()]


def test_a_draft_is_changed_under_a_lock_and_never_once_finished(any_engine: Engine) -> None:
    from advisor.web import guided

    store = _store(any_engine, Clock())
    team = store.add_user("team@example.org", PASSWORD, "delivery")
    wing = store.add_wing("P", "W", by=team)
    draft = store.start_draft(wing, "proposal", guided.new_state("proposal", "P", "W"),
                              by=team)

    def answer(path: str, value: str) -> Any:
        return lambda state: state["answers"].__setitem__(path, value)

    # two tabs, each holding the draft as it was: both answers are kept
    store.update_draft(draft.id, answer("site.population", "unknown"), "one", by=team)
    store.update_draft(draft.id, answer("wing.beds", "unknown"), "two", by=team)
    _, state = store.update_draft(draft.id, lambda s: None, "nothing", by=team)
    assert {"site.population", "wing.beds"} <= set(state["answers"])
    assert [e.what for e in store.audit_log()][:2] == [f"draft {draft.id}: two",
                                                      f"draft {draft.id}: one"]
    store.add_result(wing, kind="proposal", source="guided", profile_yaml="x\n",
                     rulebook_version="1.0.0", result_json="{}\n", by=team, draft=draft)
    with pytest.raises(StoreError, match="this assessment is finished"):
        store.update_draft(draft.id, answer("wing.beds", "3"), "late", by=team)
    with pytest.raises(StoreError, match="already finished"):
        store.add_result(wing, kind="proposal", source="guided", profile_yaml="x\n",
                         rulebook_version="1.0.0", result_json="{}\n", by=team, draft=draft)


def test_the_database_itself_refuses_to_change_a_stored_result(any_engine: Engine) -> None:
    from sqlalchemy.exc import DBAPIError

    store = _store(any_engine, Clock())
    team = store.add_user("team@example.org", PASSWORD, "delivery")
    admin = store.add_user("admin@example.org", PASSWORD, "admin")
    wing = store.add_wing("P", "W", by=team)
    result = store.add_result(wing, kind="proposal", source="upload", profile_yaml="a: 1\n",
                              rulebook_version="1.0.0", result_json="{}\n", by=team)
    for column in ("profile_yaml", "result_json", "rulebook_version"):
        with pytest.raises(DBAPIError, match="a stored assessment is never changed"), \
                any_engine.begin() as conn:
            conn.execute(text(f"UPDATE results SET {column} = 'changed'"))
    store.remove_user(team.id, by=admin)  # clears the link to its maker, nothing else
    kept = store.result(result.id)
    assert kept is not None
    assert (kept.profile_yaml, kept.result_json, kept.created_by) == ("a: 1\n", "{}\n", None)


def test_an_older_schema_is_upgraded_step_by_step(any_engine: Engine) -> None:
    from alembic import command

    command.upgrade(db._config(any_engine), "0001")  # as the first release left it
    with pytest.raises(InputError, match=f"is at schema 0001, this advisor needs "
                                         f"{db.head()}: run 'advisor db upgrade'"):
        db.check(any_engine)
    assert db.upgrade(any_engine) == ("0001", db.head())
    db.check(any_engine)


def test_the_work_on_an_action_is_kept_by_wing_and_action_and_never_overwritten_unseen(
        any_engine: Engine) -> None:
    clock = Clock()
    store = _store(any_engine, clock)
    wing = store.add_wing("P", "W", by=None)
    other = store.add_wing("P", "X", by=None)
    user = store.add_user("d@example.org", PASSWORD, "delivery", wings=(wing.id,))
    first = store.track(wing, "ACT-1", lead="Wing manager", due=dt.date(2026, 4, 1),
                        status="in-progress", reason="", notes="  asked the council  ",
                        by=user)
    assert (first.version, first.notes) == (1, "asked the council")
    store.track(other, "ACT-1", lead="", due=None, status="done", reason="", notes="", by=user)
    with pytest.raises(StoreError) as stale:  # made from version 0: someone saved since
        store.track(wing, "ACT-1", lead="Someone", due=None, status="done", reason="",
                    notes="", by=user, version=0)
    assert stale.value.field == "version"
    with pytest.raises(StoreError) as why:
        store.track(wing, "ACT-1", lead="", due=None, status="dropped", reason=" ",
                    notes="", by=user, version=1)
    assert (why.value.field, why.value.message) == ("reason", "say why the action was dropped")
    kept = {(t.wing_id, t.action_id): t for t in store.trackings()}
    assert kept[(wing.id, "ACT-1")].lead == "Wing manager"  # neither refused change landed
    assert kept[(other.id, "ACT-1")].status == "done"
    assert [t.wing_id for t in store.trackings([wing.id])] == [wing.id]
    row = kept[(wing.id, "ACT-1")]
    assert not row.overdue(dt.date(2026, 4, 1))  # due that day: not yet overdue
    assert row.overdue(dt.date(2026, 4, 2))
    store.track(wing, "ACT-1", lead="", due=dt.date(2026, 4, 1), status="dropped",
                reason="the council stopped meeting", notes="", by=user, version=1)
    assert not store.trackings([wing.id])[0].overdue(dt.date(2026, 5, 1))  # dropped
    assert "action ACT-1 of P W: Dropped, due 2026-04-01" in \
        [a.what for a in store.audit_log()]


def test_names_and_emails_with_control_characters_are_refused_on_both_databases(
        any_engine: Engine) -> None:
    db.upgrade(any_engine)
    store = Store(any_engine)
    for prison, name, field in (("HMP\x00High Down", "A wing", "prison"),
                                ("HMP High Down", "A\x1b[31m wing", "name"),
                                ("HMP High Down", "A\x7f wing", "name")):
        with pytest.raises(StoreError) as refused:
            store.add_wing(prison, name, by=None)
        assert refused.value.field == field
        assert "may not hold control characters" in refused.value.message
    with pytest.raises(StoreError, match="give an email address"):
        store.add_user("a\x00b@example.org", PASSWORD, "admin")
    with pytest.raises(StoreError, match="NUL"):
        store.add_user("ab@example.org", PASSWORD + "\x00", "admin")
    # what is refused leaves nothing behind; a name in any script is kept as typed
    assert store.wings() == [] and store.user_count() == 0
    wing = store.add_wing("  HMP  Hølloway ", "Ω wing 🙂 ' OR 1=1 --", by=None)
    assert (wing.prison, wing.name) == ("HMP Hølloway", "Ω wing 🙂 ' OR 1=1 --")
    assert [(w.prison, w.name) for w in store.wings()] == [("HMP Hølloway",
                                                            "Ω wing 🙂 ' OR 1=1 --")]


def test_upgrading_to_0004_gives_assessments_already_stored_their_dates(
        any_engine: Engine) -> None:
    """Stored before the column existed: the dated one gets its date, the undated none,
    and the database still refuses to change what either holds."""
    from alembic import command

    command.upgrade(db._config(any_engine), "0003")
    with any_engine.begin() as conn:
        conn.execute(text("INSERT INTO wings (id, prison, name, created_at) "
                          "VALUES (1, 'P', 'W', '2026-03-02 09:00:00')"))
        for rid, on in ((1, '"2025-03-01"'), (2, '"unknown"')):
            conn.execute(text(
                "INSERT INTO results (id, wing_id, kind, source, profile_yaml, "
                "rulebook_version, result_json, created_at) VALUES (:id, 1, 'self-audit', "
                "'upload', 'a: 1', '2.0.1', :json, '2026-03-02 09:00:00')"),
                {"id": rid, "json": '{"assessed": {"on": ' + on + "}}"})
    db.upgrade(any_engine)
    store = _store(any_engine, Clock())
    dated, undated = store.result(1), store.result(2)
    assert dated is not None and undated is not None
    assert (dated.assessed_on, undated.assessed_on) == (dt.date(2025, 3, 1), None)
    with pytest.raises(Exception, match="never changed"), any_engine.begin() as conn:
        conn.execute(text("UPDATE results SET result_json = '{}' WHERE id = 1"))


def test_password_checks_run_at_most_one_a_core_at_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each check is made slow on purpose; many at once would starve every other page."""
    import os
    import threading
    import time

    from advisor.web import passwords

    running, most = [0], [0]
    lock = threading.Lock()

    class Slow:
        def verify(self, stored: str, password: str) -> bool:
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.02)  # long enough for the others to try to start
            with lock:
                running[0] -= 1
            return True

    monkeypatch.setattr(passwords, "_hasher", Slow)
    cores = os.cpu_count() or 1
    threads = [threading.Thread(target=passwords.verify_password, args=("h", "p"))
               for _ in range(3 * cores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 1 <= most[0] <= cores
