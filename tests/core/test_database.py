"""SQLite connections and write transactions: pragmas, commit, rollback, nesting, locking."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from microcred import database


class Boom(Exception):
    pass


# The issuer and the wallet use sqlite3's default isolation level; the verifier autocommits.
@pytest.fixture(params=[False, True], ids=["default", "autocommit"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    opened = database.connect(tmp_path / "t.sqlite", busy_timeout=1.0, autocommit=request.param)
    opened.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT)")
    opened.execute(
        "CREATE TABLE child (id INTEGER PRIMARY KEY,"
        " parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)"
    )
    opened.conn.commit()
    yield opened
    for connection in [opened, *_others]:
        connection.close()
    _others.clear()


_others: list[Database] = []


def other(db: Database, busy_timeout: float = 1.0) -> Database:
    """A second connection to the same file, as another worker process would have."""
    path = db.execute("PRAGMA database_list").fetchone()[2]
    _others.append(database.connect(path, busy_timeout=busy_timeout))
    return _others[-1]


def names(db: Database) -> list[str]:
    return [found["name"] for found in database.rows(db, "SELECT name FROM parent ORDER BY id")]


def test_every_connection_gets_the_pragmas(tmp_path: Path) -> None:
    db = database.connect(tmp_path / "t.sqlite", busy_timeout=2.5)
    assert database.scalar(db, "PRAGMA journal_mode") == "wal"
    assert database.scalar(db, "PRAGMA synchronous") == 1  # NORMAL
    assert database.scalar(db, "PRAGMA foreign_keys") == 1
    assert database.scalar(db, "PRAGMA busy_timeout") == 2500
    db.close()


def test_wal_can_be_left_to_startup(tmp_path: Path) -> None:
    fresh = database.connect(tmp_path / "new.sqlite", busy_timeout=1.0, wal=False)
    assert database.scalar(fresh, "PRAGMA journal_mode") == "delete"
    database.connect(tmp_path / "set.sqlite", busy_timeout=1.0).close()
    later = database.connect(tmp_path / "set.sqlite", busy_timeout=1.0, wal=False)
    assert database.scalar(later, "PRAGMA journal_mode") == "wal"  # kept by the file
    fresh.close()
    later.close()


def test_a_write_commits_for_every_connection(db: Database) -> None:
    with database.write(db):
        db.execute("INSERT INTO parent (name) VALUES ('a')")
    assert not db.conn.in_transaction
    assert names(other(db)) == ["a"]


def test_any_error_rolls_the_whole_write_back(db: Database) -> None:
    with pytest.raises(Boom), database.write(db):
        db.execute("INSERT INTO parent (name) VALUES ('a')")
        db.execute("INSERT INTO parent (name) VALUES ('b')")
        raise Boom
    assert not db.conn.in_transaction
    assert names(db) == [] and names(other(db)) == []


def test_a_constraint_failing_at_commit_rolls_back(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError), database.write(db):
        db.execute("INSERT INTO parent (name) VALUES ('a')")
        db.execute("INSERT INTO child (parent) VALUES (99)")  # checked only at COMMIT
    assert not db.conn.in_transaction
    assert names(db) == []


def test_a_nested_write_is_a_savepoint_of_the_outer_one(db: Database) -> None:
    with database.write(db):
        db.execute("INSERT INTO parent (name) VALUES ('outer')")
        with pytest.raises(Boom), database.write(db):
            db.execute("INSERT INTO parent (name) VALUES ('failed inner')")
            raise Boom
        with database.write(db):
            db.execute("INSERT INTO parent (name) VALUES ('inner')")
        assert names(other(db)) == []  # nothing is visible before the outer commit
    assert names(other(db)) == ["outer", "inner"]


def test_an_error_in_the_outer_write_undoes_the_inner_one(db: Database) -> None:
    with pytest.raises(Boom), database.write(db):
        with database.write(db):
            db.execute("INSERT INTO parent (name) VALUES ('inner')")
        raise Boom
    assert names(db) == []


def test_begin_immediate_takes_the_lock_before_the_first_write(db: Database) -> None:
    second = other(db, busy_timeout=0)
    with database.write(db):
        database.scalar(db, "SELECT count(*) FROM parent")  # only read so far
        # A deferred BEGIN would still let the second writer start and read stale data.
        with pytest.raises(sqlite3.OperationalError, match="locked"), database.write(second):
            pass
        assert not second.conn.in_transaction
        assert names(second) == []  # readers are never blocked (WAL)
    with database.write(second):
        second.execute("INSERT INTO parent (name) VALUES ('after')")
    assert names(db) == ["after"]


def test_row_helpers_return_dicts(db: Database) -> None:
    with database.write(db):
        db.execute("INSERT INTO parent (name) VALUES (?), (?)", ["a", "b"])
    sql = "SELECT id, name FROM parent WHERE name > :after ORDER BY id"
    assert database.rows(db, sql, {"after": ""}) == [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]
    assert database.row(db, sql, {"after": "a"}) == {"id": 2, "name": "b"}
    assert database.row(db, sql, {"after": "z"}) is None
    assert database.scalar(db, "SELECT count(*) FROM parent") == 2
    assert database.scalar(db, "SELECT name FROM parent WHERE id = ?", [9]) is None
