"""Storage under several processes: single use under races, shared registry, retention on write."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from flask import Flask
from verifier_world import Institution, bearer, make_app, trust

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
    first.test_client().post(f"/registry/{issuer_id}/remove")
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
