"""Sharing by link: exactly the ticked claims, served to verifiers, logged, withdrawable."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wallet_samples import ISSUER_DID
from wallet_world import Auth, table_counts

from microcred import DIDResolver, StatusListCache, TrustRegistry, Verifier, strictjson
from wallet.store import get_db

SD_ACCEPT = {"Accept": "application/dc+sd-jwt"}
KEEP_ALL_BUT_GRADE = [
    "given_name",
    "family_name",
    "learner_identification",
    "prerequisites_to_enroll",
    "supervision_and_identity_verification",
    "integration_stackability_options",
    "skills",
]


@pytest.fixture
def card_id(auth: Auth, card_for: Callable[..., str]) -> str:
    auth.signup()
    return card_for()


def share(client: FlaskClient, card_id: str, **form: object) -> str:
    data = {"mode": "sd-jwt", "claim": KEEP_ALL_BUT_GRADE, "days": "7", **form}
    response = client.post(f"/cards/{card_id}/share", data=data)
    assert response.status_code == 303, response.data
    return response.headers["Location"].rsplit("/", 1)[1]


def verifier() -> Verifier:
    resolver = DIDResolver(None)
    registry = TrustRegistry.from_json(
        {
            "name": "r",
            "issuers": [{"did": ISSUER_DID, "name": "U", "country": "VN", "accreditingBody": "M"}],
        },
        source="test",
    )
    return Verifier(
        resolver=resolver, status_lists=StatusListCache(None, resolver), registry=registry
    )


def test_share_form_offers_the_disclosable_claims(client: FlaskClient, card_id: str) -> None:
    page = client.get(f"/cards/{card_id}/share").data.decode()
    assert 'value="assessment_grade"' in page and 'value="given_name"' in page
    assert "Always shown: the course itself" in page and "Title, Description" in page
    assert 'value="ob3"' in page
    assert "checked>" not in page.split('name="claim"', 1)[1].split("</fieldset>", 1)[0]


def test_share_hides_the_grade_and_verifies(client: FlaskClient, card_id: str) -> None:
    share_id = share(client, card_id)
    detail = client.get(f"/shares/{share_id}").data.decode()
    assert f"http://localhost:5002/s/{share_id}" in detail
    chosen = detail.split("You chose to reveal", 1)[1].split("</dd>", 1)[0]
    kept = detail.split("Kept back", 1)[1].split("</dd>", 1)[0]
    assert "Given name" in chosen and "Grade" not in chosen and "Grade" in kept
    response = client.get(
        f"/s/{share_id}", headers={**SD_ACCEPT, "X-Verifier": "did:web:employer.example"}
    )
    assert response.status_code == 200
    assert response.mimetype == "application/dc+sd-jwt"
    report = verifier().verify(response.data.decode())
    assert report.verdict == "VALID", report.reason
    assert "assessment_grade" not in report.claims
    assert report.claims["given_name"] == "Thị Ánh"
    assert report.certificate is not None and report.certificate.grade is None


def test_every_access_is_logged_with_the_verifier(client: FlaskClient, card_id: str) -> None:
    share_id = share(client, card_id)
    client.get(f"/s/{share_id}", headers={**SD_ACCEPT, "X-Verifier": "did:web:employer.example"})
    client.get(f"/s/{share_id}", headers={"Accept": "application/json"})
    page = client.get(f"/shares/{share_id}").data.decode()
    assert "did:web:employer.example" in page
    assert page.count("<td>sent</td>") == 2
    assert "did not say" in page


def test_verifier_header_is_cleaned(app: Flask, client: FlaskClient, card_id: str) -> None:
    share_id = share(client, card_id)
    client.get(f"/s/{share_id}", headers={**SD_ACCEPT, "X-Verifier": "\u202eevil" + "x" * 500})
    with app.app_context():
        logged = get_db().execute("SELECT verifier FROM share_accesses").fetchone()[0]
    assert "\u202e" not in logged and len(logged) == 200


def test_browsers_get_an_explanation_not_the_credential(client: FlaskClient, card_id: str) -> None:
    share_id = share(client, card_id, one_time="1")
    page = client.get(f"/s/{share_id}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and b"A shared micro-credential" in page.data
    assert b"eyJ" not in page.data
    # Opening the link in a browser does not use up a one-time share.
    assert client.get(f"/s/{share_id}", headers=SD_ACCEPT).status_code == 200


def test_withdrawn_share_is_gone(client: FlaskClient, card_id: str) -> None:
    share_id = share(client, card_id)
    response = client.post(f"/shares/{share_id}/withdraw")
    assert response.status_code == 303
    gone = client.get(f"/s/{share_id}", headers=SD_ACCEPT)
    assert gone.status_code == 410
    assert gone.json == {
        "error": "share_withdrawn",
        "error_description": "The learner withdrew this share.",
    }
    page = client.get(f"/shares/{share_id}").data.decode()
    assert "refused" in page and "Withdrawn on" in page


def test_one_time_share_works_once(client: FlaskClient, card_id: str) -> None:
    share_id = share(client, card_id, one_time="1")
    assert client.get(f"/s/{share_id}", headers=SD_ACCEPT).status_code == 200
    again = client.get(f"/s/{share_id}", headers=SD_ACCEPT)
    assert again.status_code == 410 and again.json["error"] == "share_used"


def test_expired_share_is_gone(app: Flask, client: FlaskClient, card_id: str) -> None:
    share_id = share(client, card_id)
    with app.app_context():
        db = get_db()
        db.execute("UPDATE shares SET expires_at = ?", [time.time() - 1])
        db.conn.commit()
    gone = client.get(f"/s/{share_id}", headers=SD_ACCEPT)
    assert gone.status_code == 410 and gone.json["error"] == "share_expired"


@pytest.mark.parametrize(
    "share_id",
    ["AAAAAAAAAAAAAAAAAAAAAA", "x" * 65, "../../etc/passwd"],
    ids=["guessed", "oversize", "traversal"],
)
def test_unknown_share_is_not_found(client: FlaskClient, share_id: str) -> None:
    response = client.get(f"/s/{share_id}", headers=SD_ACCEPT)
    assert response.status_code == 404
    assert response.json is not None and "error" in response.json


def test_whole_open_badge_share(client: FlaskClient, card_id: str) -> None:
    share_id = share(client, card_id, mode="ob3", claim=[])
    response = client.get(f"/s/{share_id}", headers={"Accept": "application/vc+ld+json"})
    assert response.mimetype == "application/vc+ld+json"
    document = strictjson.loads_object(response.data)
    assert "OpenBadgeCredential" in document["type"]
    assert verifier().verify(document).verdict == "VALID"


@pytest.mark.parametrize(
    "form",
    [
        {"days": "0"},
        {"days": "365"},
        {"days": "seven"},
        {"claim": ["salary"]},
        {"mode": "everything"},
    ],
    ids=["zero-days", "too-long", "not-a-number", "unknown-claim", "unknown-mode"],
)
def test_bad_share_forms_store_nothing(
    app: Flask, client: FlaskClient, card_id: str, form: dict[str, object]
) -> None:
    data = {"mode": "sd-jwt", "claim": ["given_name"], "days": "7", **form}
    response = client.post(f"/cards/{card_id}/share", data=data)
    assert 400 <= response.status_code < 500
    assert table_counts(app)["shares"] == 0


def test_share_qr_code_is_an_svg_of_the_link(client: FlaskClient, card_id: str) -> None:
    share_id = share(client, card_id)
    response = client.get(f"/shares/{share_id}/qr.svg")
    assert response.mimetype == "image/svg+xml" and response.data.startswith(b"<svg")


def test_other_learners_shares_are_not_found(
    app: Flask, client: FlaskClient, auth: Auth, card_id: str
) -> None:
    share_id = share(client, card_id)
    auth.signout()
    auth.signup("intruder")
    for path in (f"/shares/{share_id}", f"/shares/{share_id}/qr.svg"):
        assert client.get(path).status_code == 404
    assert client.post(f"/shares/{share_id}/withdraw").status_code == 404
    assert client.get(f"/s/{share_id}", headers=SD_ACCEPT).status_code == 200  # still live
