"""Status list rollover: when the newest list is 4/5 full, issuing goes on in a new numbered list.

Most tests configure 16-entry lists (capacity 12) so that filling one takes a dozen awards; one
test opens a full-size second list and verifies its credentials with the core pipeline.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from issuer_app import PASSWORD, Staff, dump, make_app
from issuer_world import in_process_verifier, upload

from issuer_stub import issuing, store
from issuer_stub.demo import seed
from issuer_stub.publishing import publisher
from issuer_stub.store import schema, status as status_store
from microcred import base64url, did, strictjson
from microcred.keys import PrivateKey
from microcred.status_list import Bitstring
from microcred.token_status_list import verify_status_list_token
from microcred.verify import Policy

BASE = "http://localhost:5001"
COURSE = f"{BASE}/register/courses/da-101"
HOLDER = PrivateKey.generate("Ed25519")
_SECRET = re.compile(r'id="new-token" type="text" readonly value="([^"]+)"')


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """A seeded issuer whose status lists have 16 entries (a new one after 12 awards)."""
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, STATUS_LIST_SIZE=16)
    seed(app, username="admin", password=PASSWORD)
    return app


def api(app: Flask) -> tuple[Any, str]:
    """A test client and a fresh VC-API token made by the administrator."""
    staff = Staff(app.test_client())
    staff.sign_in()
    page = staff.post("/settings/api-tokens", {"name": "LMS"}).get_data(as_text=True)
    found = _SECRET.search(page)
    assert found
    return app.test_client(), found.group(1)


def issue(client: Any, token: str, learner: str, fmt: str | None = None) -> Any:
    subject: dict[str, Any] = {
        "givenName": "Văn An",
        "familyName": "Nguyễn",
        "learnerId": learner,
        "achievement": {"id": COURSE},
    }
    body: dict[str, Any] = {"credential": {"credentialSubject": subject}}
    if fmt is not None:
        subject["id"] = did.did_key(HOLDER.public_key)
        body["options"] = {"format": fmt}
    answer = client.post(
        "/credentials/issue", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def query(app: Flask, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(app.config["DATABASE"])
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def sd_jwt_status(credential: str) -> dict[str, Any]:
    payload = credential.split("~", 1)[0].split(".")[1]
    return dict(strictjson.loads_object(base64url.decode(payload))["status"]["status_list"])


def revocation_bits(client: Any, path: str) -> Bitstring:
    document = strictjson.loads_object(client.get(path).get_data())
    encoded = document["credentialSubject"]["encodedList"]
    return Bitstring.decode(encoded, min_size=16)


def test_issuing_goes_on_in_a_second_list_with_its_own_addresses(small: Flask) -> None:
    client, token = api(small)
    for n in range(12):
        issue(client, token, f"SV{n:04d}")
    assert query(small, "SELECT id, first_slot, size FROM status_lists") == [(1, 0, 16)]
    first_list = client.get("/status/revocation").headers["ETag"]
    badge = issue(client, token, "SV0012", "ldp_vc")
    sd_jwt = issue(client, token, "SV0013", "dc+sd-jwt")
    assert query(small, "SELECT id, first_slot, size FROM status_lists") == [
        (1, 0, 16),
        (2, 16, 16),
    ]
    slots = [r[0] for r in query(small, "SELECT status_index FROM awards ORDER BY rowid")]
    assert all(0 <= s < 16 for s in slots[:12]) and all(16 <= s < 32 for s in slots[12:])
    # The new list's three documents were published when it opened.
    for kind in ("revocation", "suspension", "token"):
        assert client.get(f"/status/2/{kind}").status_code == 200
    assert client.get("/status/3/token").status_code == 404
    assert client.get("/status/1/token").status_code in (308, 404)  # one address per list
    entries = badge["verifiableCredential"]["credentialStatus"]
    index = slots[12] - 16
    assert {e["statusListCredential"] for e in entries} == {
        f"{BASE}/status/2/revocation",
        f"{BASE}/status/2/suspension",
    }
    assert {int(e["statusListIndex"]) for e in entries} == {index}
    token_ref = sd_jwt_status(sd_jwt["verifiableCredential"])
    assert token_ref == {"uri": f"{BASE}/status/2/token", "idx": slots[13] - 16}

    for reference in (badge, sd_jwt):
        change = {
            "credentialId": reference["credentialId"],
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
        }
        answer = client.post(
            "/credentials/status", json=change, headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 200
    assert revocation_bits(client, "/status/2/revocation").nonzero_indices() == sorted(
        [index, slots[13] - 16]
    )
    tokens = verify_status_list_token(
        client.get("/status/2/token").get_data(as_text=True),
        small.extensions["issuer_institution"].key.public_key,
        expected_sub=f"{BASE}/status/2/token",
    )
    assert tokens.get(slots[13] - 16) == 1
    assert client.get("/status/revocation").headers["ETag"] == first_list  # list 1 untouched


def run_bulk(app: Flask, rows: int, start: int = 0) -> str:
    staff = Staff(app.test_client())
    staff.sign_in()
    lines = "".join(f"A,B,SV{start + i:04d}\n" for i in range(rows))
    data = ("given_name,family_name,learner_id\n" + lines).encode()
    response = upload(staff, "/bulk", {"course": "1"}, "learners.csv", data)
    assert response.status_code == 303
    job_id = str(response.headers["Location"].rsplit("/", 1)[-1])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if "Issuing" not in staff.client.get(f"/bulk/{job_id}/progress").get_data(as_text=True):
            break
        time.sleep(0.05)
    return job_id


def test_a_bulk_file_fills_the_list_and_continues_in_new_ones(small: Flask) -> None:
    client, token = api(small)
    for n in range(5):
        issue(client, token, f"X{n}")
    run_bulk(small, 26)
    per_list = query(
        small,
        "SELECT l.id, COUNT(a.id) FROM status_lists l LEFT JOIN awards a ON a.status_index"
        " >= l.first_slot AND a.status_index < l.first_slot + l.size GROUP BY l.id",
    )
    assert per_list == [(1, 12), (2, 12), (3, 7)]
    assert query(small, "SELECT COUNT(DISTINCT status_index) FROM awards") == [(31,)]
    for number in (2, 3):
        assert client.get(f"/status/{number}/token").status_code == 200


def test_opening_a_list_is_undone_with_the_award_that_failed(
    small: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, token = api(small)
    for n in range(12):
        issue(client, token, f"SV{n:04d}")
    before = dump(small)

    def broken_signer(*args: Any) -> Any:
        raise RuntimeError("the signing key is unreadable")

    monkeypatch.setattr(issuing, "issue", broken_signer)
    small.config["PROPAGATE_EXCEPTIONS"] = False
    body = {
        "credential": {
            "credentialSubject": {
                "id": did.did_key(HOLDER.public_key),
                "learnerId": "SV0012",
                "givenName": "An",
                "achievement": {"id": COURSE},
            }
        }
    }
    answer = client.post(
        "/credentials/issue", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 500, answer.get_json()
    assert dump(small) == before  # no second list, no documents for it
    assert client.get("/status/2/revocation").status_code == 404


def test_a_full_size_second_list_verifies_with_the_core_pipeline(app: Flask) -> None:
    with app.app_context():
        db = store.get_db()
        now = time.time()
        with store.write(db):
            opened = status_store.open_list(db, publisher(db, now), now)
        store.close_db()
    assert (opened.id, opened.first_slot, opened.size) == (2, 131_072, 131_072)
    client, token = api(app)
    verifier = in_process_verifier(app)
    for fmt in ("ldp_vc", "dc+sd-jwt"):
        answer = issue(client, token, f"SV-{fmt}", fmt)
        report = verifier.verify(answer["verifiableCredential"], Policy(require_trust=False))
        assert report.verdict == "VALID", report.to_json()["checks"]
        change = {
            "credentialId": answer["credentialId"],
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
        }
        client.post(
            "/credentials/status", json=change, headers={"Authorization": f"Bearer {token}"}
        )
        report = in_process_verifier(app).verify(
            answer["verifiableCredential"], Policy(require_trust=False)
        )
        assert (report.verdict, report.reason) == ("INVALID", "revoked")


def test_awards_made_before_numbered_lists_belong_to_the_first_full_size_list(
    app: Flask, staff: Staff
) -> None:
    staff.post(
        "/issue",
        {
            "course": "1",
            "given_name": "An",
            "family_name": "Lê",
            "learner_id": "SV1",
            "date_of_issuance": "2025-06-30",
        },
    )
    # Undo m002 as if the database came from the first release, then migrate again.
    conn = sqlite3.connect(app.config["DATABASE"])
    conn.execute("DROP TABLE status_lists")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_status_lists'")
    conn.commit()
    conn.close()
    store.migrate(app.config["DATABASE"])
    lists = query(app, "SELECT id, first_slot, size FROM status_lists")
    assert lists == [(1, 0, schema.FIRST_LIST_SIZE)]
