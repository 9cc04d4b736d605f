"""VC-API for learning-management systems: bearer tokens, issue, status (both request shapes)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from issuer_app import Staff, dump
from issuer_world import FlaskHTTP, in_process_verifier

from issuer_stub import issuing
from microcred import did
from microcred.keys import PrivateKey
from microcred.oid4vci_client import WalletClient
from microcred.verify import Policy

COURSE = "http://localhost:5001/register/courses/da-101"
HOLDER = PrivateKey.generate("Ed25519")
_SECRET = re.compile(r'id="new-token" type="text" readonly value="([^"]+)"')


def subject(**changes: Any) -> dict[str, Any]:
    base = {
        "givenName": "Văn An",
        "familyName": "Nguyễn",
        "learnerId": "SV20250001",
        "grade": "9,5",
        "achievement": {"id": COURSE},
    }
    return {**base, **changes}


@pytest.fixture
def api_token(staff: Staff) -> str:
    page = staff.post("/settings/api-tokens", {"name": "Moodle"}).get_data(as_text=True)
    found = _SECRET.search(page)
    assert found and found.group(1).startswith("mcapi_")
    return found.group(1)


def call(client: FlaskClient, path: str, body: Any, token: str) -> Any:
    return client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})


def test_an_lms_offers_a_credential_that_a_wallet_collects(
    app: Flask, client: FlaskClient, api_token: str
) -> None:
    body = {"credential": {"credentialSubject": subject()}, "options": {"txCode": True}}
    answer = call(client, "/credentials/issue", body, api_token)
    assert answer.status_code == 201, answer.get_json()
    data = answer.get_json()
    assert data["credentialId"].startswith("urn:uuid:")
    offer = data["offer"]
    assert offer["link"].startswith("openid-credential-offer://") and len(offer["tx_code"]) == 6
    wallet = WalletClient(FlaskHTTP(app.test_client()), HOLDER, allow_http=True)
    issued = wallet.receive(offer["link"], tx_code=offer["tx_code"])
    assert len(issued) == 3


@pytest.mark.parametrize("fmt", ["ldp_vc", "jwt_vc_json", "dc+sd-jwt"])
def test_a_holder_did_gets_a_signed_credential_at_once(
    app: Flask, client: FlaskClient, api_token: str, fmt: str
) -> None:
    holder = did.did_key(HOLDER.public_key)
    body = {"credential": {"credentialSubject": subject(id=holder)}, "options": {"format": fmt}}
    answer = call(client, "/credentials/issue", body, api_token)
    assert answer.status_code == 201, answer.get_json()
    credential = answer.get_json()["verifiableCredential"]
    report = in_process_verifier(app).verify(credential, Policy(require_trust=False))
    assert report.verdict == "VALID", report.to_json()["checks"]
    # ...and the LMS can revoke it by the id it was given.
    status = {
        "credentialId": answer.get_json()["credentialId"],
        "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}],
    }
    assert call(client, "/credentials/status", status, api_token).get_json()["status"] == "revoked"
    report = in_process_verifier(app).verify(credential, Policy(require_trust=False))
    assert (report.verdict, report.reason) == ("INVALID", "revoked")


def test_the_vc_api_status_shape_and_the_callers_own_id(
    client: FlaskClient, api_token: str, staff: Staff
) -> None:
    body = {
        "credential": {"credentialSubject": subject()},
        "options": {"credentialId": "moodle/course-7/user-42"},
    }
    assert call(client, "/credentials/issue", body, api_token).status_code == 201
    suspend = {
        "credentialId": "moodle/course-7/user-42",
        "credentialStatus": {"type": "BitstringStatusList", "statusPurpose": "suspension"},
        "status": True,
    }
    answer = call(client, "/credentials/status", suspend, api_token)
    assert answer.get_json() == {**answer.get_json(), "status": "suspended", "changed": True}
    again = call(client, "/credentials/status", suspend, api_token).get_json()
    assert again["changed"] is False  # idempotent for the LMS
    audit = staff.client.get("/settings/audit").get_data(as_text=True)
    assert "api:Moodle" in audit and "suspended" in audit
    replay = call(client, "/credentials/issue", body, api_token)
    assert (replay.status_code, replay.get_json()["error"]) == (409, "duplicate")


def test_the_same_learner_cannot_get_the_same_course_twice(
    app: Flask, client: FlaskClient, api_token: str
) -> None:
    body = {"credential": {"credentialSubject": subject()}}
    first = call(client, "/credentials/issue", body, api_token)
    assert first.status_code == 201
    before = dump(app)
    holder = did.did_key(HOLDER.public_key)
    signed = {"credential": {"credentialSubject": subject(id=holder)}}
    for again in (body, signed):
        answer = call(client, "/credentials/issue", again, api_token)
        assert (answer.status_code, answer.get_json()["error"]) == (409, "duplicate")
        message = answer.get_json()["error_description"]
        assert "already has this micro-credential" in message
        assert first.get_json()["credentialId"] in message  # so the LMS can reconcile
    assert dump(app) == before
    # After a revocation the course may be awarded again, as in the staff form.
    revoke = {"credentialId": first.get_json()["credentialId"], "credentialStatus": REVOKE}
    assert call(client, "/credentials/status", revoke, api_token).status_code == 200
    assert call(client, "/credentials/issue", body, api_token).status_code == 201


def test_a_signing_failure_leaves_the_database_as_it_was(
    app: Flask, client: FlaskClient, api_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_signer(*args: Any) -> Any:
        raise RuntimeError("the signing key is unreadable")

    monkeypatch.setattr(issuing, "issue", broken_signer)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    before = dump(app)
    holder = did.did_key(HOLDER.public_key)
    body = {"credential": {"credentialSubject": subject(id=holder)}}
    answer = call(client, "/credentials/issue", body, api_token)
    assert answer.status_code == 500
    # No award marked collected, no audit entry, the token not marked as used.
    assert dump(app) == before
    monkeypatch.undo()
    assert call(client, "/credentials/issue", body, api_token).status_code == 201


UNKNOWN_ID = "urn:uuid:00000000-0000-0000-0000-000000000000"
REVOKE = [{"type": "BitstringStatusListEntry", "status": "revoked"}]


def issue(subject_changes: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"credential": {"credentialSubject": subject(**subject_changes), **extra}}


@pytest.mark.parametrize(
    ("path", "body", "status", "error"),
    [
        ("/credentials/issue", issue({"learnerId": ""}), 400, "invalid_request"),
        ("/credentials/issue", issue({"achievement": {"id": "https://x"}}), 404, "not_found"),
        ("/credentials/issue", issue({"id": "did:web:evil.example"}), 400, "invalid_request"),
        ("/credentials/issue", issue({}, awardedDate="x"), 400, "invalid_request"),
        ("/credentials/issue", issue({}, awardedDate="30/06/2025"), 400, "invalid_request"),
        (
            "/credentials/status",
            {"credentialId": UNKNOWN_ID, "credentialStatus": REVOKE},
            404,
            "not_found",
        ),
        ("/credentials/status", {"credentialId": "x"}, 400, "invalid_request"),
    ],
    ids=[
        "no-learner-id",
        "unknown-course",
        "did-web-holder",
        "bad-date",
        "day-first-date",
        "unknown-credential",
        "no-status",
    ],
)
def test_bad_requests_change_nothing(
    app: Flask, client: FlaskClient, api_token: str, path: str, body: Any, status: int, error: str
) -> None:
    before = dump(app)
    answer = call(client, path, body, api_token)
    assert (answer.status_code, answer.get_json()["error"]) == (status, error)
    assert dump(app) == before


def test_tokens_are_required_and_can_be_revoked(
    app: Flask, client: FlaskClient, staff: Staff, api_token: str
) -> None:
    body = {"credential": {"credentialSubject": subject()}}
    before = dump(app)
    for header in ({}, {"Authorization": "Bearer mcapi_forged"}, {"Authorization": "Basic eDp5"}):
        answer = client.post("/credentials/issue", json=body, headers=header)
        assert (answer.status_code, answer.get_json()["error"]) == (401, "invalid_token")
    assert dump(app) == before
    page = staff.client.get("/settings/api-tokens").get_data(as_text=True)
    assert api_token not in page  # shown once, stored only as a digest
    token_id = re.search(r"/settings/api-tokens/(\d+)/revoke", page)
    assert token_id
    staff.post(f"/settings/api-tokens/{token_id.group(1)}/revoke")
    assert call(client, "/credentials/issue", body, api_token).status_code == 401
