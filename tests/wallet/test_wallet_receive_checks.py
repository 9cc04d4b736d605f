"""What the wallet checks of an offer's credentials, and what it keeps when part of it fails.

Every credential must come from the issuer the offer page showed and be the same achievement
as the others (one card); a credential request that fails after the one-time code was spent
loses only that format; a revoked credential comes back from the learner's backup, marked.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wallet_live import accept, make_offer
from wallet_samples import IDENTITY as STRANGER
from wallet_world import Auth, make_app, table_counts

from microcred import issuance
from microcred.errors import CredentialError
from microcred.oid4vci import JWT_VC_CONFIG, OB3_CONFIG, SD_JWT_CONFIG

PASSPHRASE = "export passphrase 2026"


@pytest.fixture
def accept_while(
    learner: FlaskClient, issuer: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> Callable[[Any], Any]:
    """`accept_while(change)`: accept an offer while `change(original, args)` signs each format."""
    from issuer_stub import issuing

    def accept_offer(change: Any) -> Any:
        original = issuing.issue
        monkeypatch.setattr(issuing, "issue", lambda *args: change(original, args))
        offer = make_offer(issuer["app"])
        return accept(learner, offer["link"], offer["tx"])

    return accept_offer


def _stranger_signs_the_jwt(original: Any, args: tuple[Any, ...]) -> Any:
    from issuer_stub import issuing

    _institution, _name, award, config, holder, now = args
    if config != JWT_VC_CONFIG:
        return original(*args)
    course, model = issuing.award_model(award)
    return issuance.issue_vc_jwt(
        STRANGER,
        course,
        model,
        credential_id="urn:uuid:stranger",
        subject_id=holder.did,
        issued_at=issuing.dt.datetime.fromtimestamp(int(now), issuing.dt.UTC),
    )


def test_a_credential_from_another_issuer_than_the_offers_is_refused(
    wallet: Flask, accept_while: Any
) -> None:
    response = accept_while(_stranger_signs_the_jwt)
    assert 400 <= response.status_code < 500
    text = response.data.decode()
    assert "was issued by " + STRANGER.did in text
    assert "not by the institution that made the offer (did:web:localhost%3A" in text
    counts = table_counts(wallet)
    assert counts["cards"] == counts["credentials"] == counts["holder_keys"] == 0


def _other_date_for_the_badge(original: Any, args: tuple[Any, ...]) -> Any:
    institution, name, award, config, holder, now = args
    if config == OB3_CONFIG:
        award = {**award, "date_of_issuance": "2025-01-15"}
    return original(institution, name, award, config, holder, now)


def test_credentials_of_different_achievements_are_not_one_card(
    wallet: Flask, accept_while: Any
) -> None:
    response = accept_while(_other_date_for_the_badge)
    assert 400 <= response.status_code < 500
    assert "not the same achievement" in response.data.decode()
    assert table_counts(wallet)["cards"] == 0


def _fail(configs: tuple[str, ...]) -> Any:
    def change(original: Any, args: tuple[Any, ...]) -> Any:
        if args[3] in configs:
            raise CredentialError("the signing service is down", code="server_error")
        return original(*args)

    return change


def test_a_later_failed_request_keeps_what_was_received(
    wallet: Flask, learner: FlaskClient, accept_while: Any
) -> None:
    response = accept_while(_fail((JWT_VC_CONFIG,)))
    assert response.status_code == 303 and response.headers["Location"].startswith("/cards/")
    counts = table_counts(wallet)
    assert (counts["cards"], counts["credentials"], counts["holder_keys"]) == (1, 2, 1)
    page = learner.get(response.headers["Location"]).data.decode()
    assert "Received and verified" in page
    assert "The VC-JWT (VC Data Model 1.1) format could not be received" in page
    assert "signing service is down" in page


def test_when_every_request_fails_nothing_is_kept_and_the_learner_is_told(
    wallet: Flask, accept_while: Any
) -> None:
    response = accept_while(_fail((SD_JWT_CONFIG, OB3_CONFIG, JWT_VC_CONFIG)))
    assert 400 <= response.status_code < 500
    text = response.data.decode()
    assert "accepted the code but sent no credential" in text and "Open Badges 3.0" in text
    assert table_counts(wallet)["cards"] == 0


def test_a_revoked_credential_comes_back_from_a_backup_marked_revoked(
    tmp_path: Any, wallet: Flask, learner: FlaskClient, issuer: dict[str, Any]
) -> None:
    from issuer_stub import publishing

    offer = make_offer(issuer["app"])
    assert accept(learner, offer["link"], offer["tx"]).status_code == 303
    with issuer["app"].app_context():
        publishing.change_status(
            offer["award"], "revoked", actor="test", reason=None, now=time.time()
        )
    data = learner.post(
        "/account/export", data={"passphrase": PASSPHRASE, "confirm": PASSPHRASE}
    ).data
    other = make_app(tmp_path / "moved", TRUST_REGISTRY=wallet.config["TRUST_REGISTRY"])
    client = other.test_client()
    Auth(client).signup("moved")
    response = client.post(
        "/account/import",
        data={"backup": (io.BytesIO(data), "b.mcwallet"), "passphrase": PASSPHRASE},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.data.decode()[-800:]
    home = client.get("/").data.decode()
    assert "Imported 1 card(s)" in home and "✗ Revoked by the issuer" in home
    assert table_counts(other)["credentials"] == 3
