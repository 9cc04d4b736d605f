"""Storage under several processes: single use under races, shared registry, retention on write."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from issuer_site import Institution
from verifier_world import bearer, make_app, signed_in, trust

from microcred import strictjson
from microcred.report import Report
from verifier import reports, store


def pending_request(db: Any, request_id: str = "r1") -> None:
    now = time.time()
    store.create_vp_request(
        db,
        {"id": request_id, "owner": "o", "state": "s", "nonce": "n", "request_jwt": "j",
         "query": "{}", "issuer": None, "created_at": now, "expires_at": now + 60},
    )  # fmt: skip


def test_one_answer_wins_a_race_between_processes(app: Flask) -> None:
    path = app.config["DATABASE"]
    pending_request(store.connect(path))
    barrier, results = threading.Barrier(8), []
    summary = {"verdict": "VALID", "source": "openid4vp"}

    def answer() -> None:
        db = store.connect(path)  # one connection each, as separate processes would have
        barrier.wait()
        result = {"report": {"verdict": "VALID"}, "summary": summary}
        results.append(
            store.answer_vp_request(
                db, "r1", status="answered", response_code="c", result=result, lifetime=60
            )
        )

    threads = [threading.Thread(target=answer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
    db = store.connect(path)
    assert db.execute("SELECT count(*) FROM results").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM history").fetchone()[0] == 1


def test_a_registry_change_reaches_every_process(tmp_path: Path, institution: Institution) -> None:
    first = make_app(tmp_path)
    second = make_app(tmp_path)  # another process on the same database: its own caches
    body = {"verifiableCredential": bearer(institution.sd_jwt())}

    def verdict() -> str:
        return str(second.test_client().post("/credentials/verify", json=body).json["verdict"])

    assert verdict() == "UNVERIFIED"
    trust(first, institution)
    assert verdict() == "VALID"
    issuer_id = store.list_issuers(store.connect(first.config["DATABASE"]))[0]["id"]
    assert signed_in(first).post(f"/registry/{issuer_id}/remove").status_code == 303
    assert verdict() == "UNVERIFIED"


def test_retention_is_enforced_on_every_write(app: Flask) -> None:
    db = store.connect(app.config["DATABASE"])
    db.execute(
        "INSERT INTO history (created_at, title, verdict, source)"
        " VALUES (?, 'old', 'VALID', 'api')",
        [time.time() - 31 * 86_400],
    )
    store.record(db, {"title": "new", "verdict": "VALID", "source": "api"})
    assert [e["title"] for e in store.history(db)] == ["new"]
    assert db.execute("SELECT count(*) FROM history").fetchone()[0] == 1


def old_answered_request(db: Any, request_id: str, *, age: float, name: str) -> None:
    """An answered request whose result (holding a disclosed name) is `age` seconds old."""
    created = time.time() - age
    report = {"verdict": "VALID", "certificate": {"family_name": name}}
    db.execute(
        "INSERT INTO results VALUES (?, 'o', ?, ?, 'openid4vp', ?)",
        [request_id, created, created + 3600, strictjson.dumps(report)],
    )
    db.execute(
        "INSERT INTO vp_requests (id, owner, state, nonce, request_jwt, query, created_at,"
        " expires_at, status, result_id) VALUES (?, 'o', 's', 'n', 'j', '{}', ?, ?, 'answered', ?)",
        [request_id, created, created + 600, request_id],
    )


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda db: store.record(db, {"verdict": "VALID", "source": "api"}), id="record"
        ),
        pytest.param(lambda db: pending_request(db, "new"), id="new-request"),
        pytest.param(
            lambda db: store.save_result(
                db,
                result_id="new",
                owner="o",
                report={"verdict": "VALID"},
                summary={"verdict": "VALID", "source": "paste"},
                lifetime=3600,
            ),
            id="new-result",
        ),  # fmt: skip
    ],
)
def test_every_write_purges_expired_results_and_old_requests(
    app: Flask, write: Callable[[Any], None]
) -> None:
    db = store.connect(app.config["DATABASE"])
    old_answered_request(db, "expired", age=3601, name="Expiredname")
    old_answered_request(db, "stale", age=store.REQUEST_GRACE + 601, name="Stalename")
    old_answered_request(db, "fresh", age=60, name="Freshname")
    write(db)
    results = [row[0] for row in db.execute("SELECT id FROM results ORDER BY id")]
    requests = [row[0] for row in db.execute("SELECT id FROM vp_requests ORDER BY id")]
    assert "expired" not in results and "stale" not in results and "fresh" in results
    # An expired request is kept a day so its owner reads "expired", but without its result.
    assert "expired" in requests and "stale" not in requests and "fresh" in requests
    dump = "\n".join(db.conn.iterdump())
    assert "Expiredname" not in dump and "Stalename" not in dump and "Freshname" in dump


def test_a_failed_request_leaves_no_open_transaction(app: Flask) -> None:
    with app.test_request_context():
        db = store.get_db()
        db.conn.execute("BEGIN IMMEDIATE")
        store.close_db()
        assert not db.conn.in_transaction
        assert store.get_db() is db  # one connection per thread, kept between requests


def test_report_json_matches_the_core_shape(
    client: Any, institution: Institution, app: Flask
) -> None:
    trust(app, institution)
    pipeline = app.extensions["verifier.pipeline"]
    from microcred.verify import Policy

    report: Report = pipeline.verify(
        institution.open_badge(), Policy(), store.connect(app.config["DATABASE"])
    )
    assert report.verdict == "VALID"
    assert reports.to_json(report) == lists(report.to_json())


def lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: lists(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [lists(item) for item in value]
    return value
