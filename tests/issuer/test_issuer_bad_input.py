"""The issue's bad-input list: each gets a clear 4xx and leaves the database as it was (G3).

Each case prepares what it needs, takes a dump of every table, sends the bad request, then
checks the status, the error and that the dump is identical.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from hand_jws import hand_signed
from issuer_app import Staff, dump
from issuer_world import make_offer, upload

from microcred import base64url, did, strictjson
from microcred.key_proof import PROOF_TYP, make_proof
from microcred.keys import PrivateKey
from microcred.oid4vci import OB3_CONFIG, PRE_AUTHORIZED_GRANT, SD_JWT_CONFIG

BASE = "http://localhost:5001"
HOLDER = PrivateKey.generate("Ed25519")
CSV_HEADER = "given_name,family_name,learner_id\n"


class Wallet:
    """Raw protocol requests with an anonymous test client (no session, no CSRF token)."""

    def __init__(self, app: Flask) -> None:
        self.client = app.test_client()

    def token(self, code: str, tx: str | None) -> Any:
        form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
        if tx is not None:
            form["tx_code"] = tx
        return self.client.post("/token", data=form)

    def code(self, offer_id: str) -> str:
        offer = self.client.get(f"/offers/{offer_id}", headers={"Accept": "application/json"})
        return str(offer.get_json()["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"])

    def access_token(self, offer: dict[str, str]) -> str:
        answer = self.token(self.code(offer["offer"]), offer["tx"])
        assert answer.status_code == 200, answer.get_json()
        return str(answer.get_json()["access_token"])

    def nonce(self) -> str:
        return str(self.client.post("/nonce").get_json()["c_nonce"])

    def credential(self, token: str, proof: str, config: str = OB3_CONFIG) -> Any:
        body = {"credential_configuration_id": config, "proofs": {"jwt": [proof]}}
        return self.client.post(
            "/credential", json=body, headers={"Authorization": f"Bearer {token}"}
        )


def unsigned(header: dict[str, Any], payload: dict[str, Any]) -> str:
    parts = [base64url.encode(strictjson.dumps(p).encode()) for p in (header, payload)]
    return ".".join(parts) + "."


def proof_claims(nonce: str, aud: str = BASE) -> dict[str, Any]:
    return {"aud": aud, "iat": int(time.time()), "nonce": nonce}


def jwk_header(alg: str = "EdDSA") -> dict[str, Any]:
    return {"alg": alg, "typ": PROOF_TYP, "jwk": HOLDER.public_key.jwk}


Case = Callable[[Flask, Staff, Wallet], tuple[Callable[[], Any], int, str]]


def csv_upload(data: bytes) -> Callable[[Flask, Staff, Wallet], tuple[Any, int, str]]:
    def case(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
        def send() -> Any:
            return upload(staff, "/bulk", {"course": "1"}, "learners.csv", data)

        return send, 400, "Nothing was created"

    return case


def case_csv_oversize(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    big = CSV_HEADER.encode() + b"An,Le,SV1\n" * 700_000  # about 7 MB

    def send() -> Any:
        return upload(staff, "/bulk", {"course": "1"}, "big.csv", big)

    return send, 413, "too large"


def case_csv_duplicate_existing(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    make_offer(staff, learner_id="SV7")
    return csv_upload(f"{CSV_HEADER}An,Lê,SV7\n".encode())(app, staff, wallet)[0], 400, "already"


def case_code_reused(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    offer = make_offer(staff)
    code = wallet.code(offer["offer"])
    assert wallet.token(code, offer["tx"]).status_code == 200
    return lambda: wallet.token(code, offer["tx"]), 400, "invalid_grant"


def case_code_expired(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    offer = make_offer(staff)
    code = wallet.code(offer["offer"])
    app.config["CLOCK"] = lambda: time.time() + 16 * 60  # on-screen offers live 15 minutes
    return lambda: wallet.token(code, offer["tx"]), 400, "invalid_grant"


def case_code_unknown(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    return lambda: wallet.token("not-a-code", None), 400, "invalid_grant"


def case_tx_missing(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    offer = make_offer(staff)
    code = wallet.code(offer["offer"])
    return lambda: wallet.token(code, None), 400, "invalid_request"


def _with_token(
    app: Flask, staff: Staff, wallet: Wallet, build: Callable[[str], str], error: str
) -> tuple[Any, int, str]:
    token = wallet.access_token(make_offer(staff))
    nonce = wallet.nonce()
    return lambda: wallet.credential(token, build(nonce)), 400, error


def case_proof_wrong_nonce(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    build = lambda n: make_proof(HOLDER, audience=BASE, nonce="guessed", iat=int(time.time()))  # noqa: E731
    return _with_token(app, staff, wallet, build, "invalid_nonce")


def case_proof_wrong_audience(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    def build(nonce: str) -> str:
        other = "https://other.example"
        return make_proof(HOLDER, audience=other, nonce=nonce, iat=int(time.time()))

    return _with_token(app, staff, wallet, build, "invalid_proof")


def case_proof_alg_none(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    build = lambda n: unsigned(jwk_header("none"), proof_claims(n))  # noqa: E731
    return _with_token(app, staff, wallet, build, "invalid_proof")


def case_proof_other_key(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    other = PrivateKey.generate("Ed25519")
    build = lambda n: hand_signed(jwk_header(), proof_claims(n), other)  # noqa: E731
    return _with_token(app, staff, wallet, build, "invalid_proof")


def kid_header(kid: str) -> dict[str, Any]:
    """A proof header naming the holder's key by a DID URL instead of embedding it."""
    return {"alg": "EdDSA", "typ": PROOF_TYP, "kid": kid}


def case_proof_did_key_kid_other_key(
    app: Flask, staff: Staff, wallet: Wallet
) -> tuple[Any, int, str]:
    # The kid names HOLDER's did:key, but another key signed: no credential for HOLDER (G07).
    holder = did.did_key(HOLDER.public_key)
    kid = f"{holder}#{holder.removeprefix('did:key:')}"
    other = PrivateKey.generate("Ed25519")
    build = lambda n: hand_signed(kid_header(kid), proof_claims(n), other)  # noqa: E731
    return _with_token(app, staff, wallet, build, "invalid_proof")


def case_proof_did_jwk_kid_other_key(
    app: Flask, staff: Staff, wallet: Wallet
) -> tuple[Any, int, str]:
    kid = did.did_jwk(HOLDER.public_key) + "#0"
    other = PrivateKey.generate("Ed25519")
    build = lambda n: hand_signed(kid_header(kid), proof_claims(n), other)  # noqa: E731
    return _with_token(app, staff, wallet, build, "invalid_proof")


def case_nonce_replayed(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    token = wallet.access_token(make_offer(staff))
    nonce = wallet.nonce()
    proof = make_proof(HOLDER, audience=BASE, nonce=nonce, iat=int(time.time()))
    assert wallet.credential(token, proof, SD_JWT_CONFIG).status_code == 200
    return lambda: wallet.credential(token, proof, OB3_CONFIG), 400, "invalid_nonce"


def case_second_fetch(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    token = wallet.access_token(make_offer(staff))
    first = make_proof(HOLDER, audience=BASE, nonce=wallet.nonce(), iat=int(time.time()))
    assert wallet.credential(token, first).status_code == 200
    second = make_proof(HOLDER, audience=BASE, nonce=wallet.nonce(), iat=int(time.time()))
    return lambda: wallet.credential(token, second), 400, "credential_request_denied"


def case_bad_access_token(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    proof = make_proof(HOLDER, audience=BASE, nonce=wallet.nonce(), iat=int(time.time()))
    return lambda: wallet.credential("forged-token", proof), 401, "invalid_token"


def case_credential_oversize(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    token = wallet.access_token(make_offer(staff))
    return lambda: wallet.credential(token, "x" * 100_000), 413, ""


def case_token_oversize(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    return lambda: wallet.token("c" * 20_000, None), 413, ""


def case_revoke_unknown_ui(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    send = lambda: staff.post(f"/awards/{'0' * 32}/status", {"action": "revoke", "confirm": "on"})  # noqa: E731
    return send, 404, "nothing at this address"


def case_forged_no_session_no_csrf(
    app: Flask, staff: Staff, wallet: Wallet
) -> tuple[Any, int, str]:
    offer = make_offer(staff)
    data = {"action": "revoke", "confirm": "on"}
    return lambda: wallet.client.post(f"/awards/{offer['award']}/status", data=data), 400, "csrf"


def case_forged_session_no_csrf(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    offer = make_offer(staff)
    data = {"action": "revoke", "confirm": "on"}
    return lambda: staff.client.post(f"/awards/{offer['award']}/status", data=data), 400, "csrf"


def case_forged_csrf_no_session(app: Flask, staff: Staff, wallet: Wallet) -> tuple[Any, int, str]:
    from issuer_app import csrf_token

    offer = make_offer(staff)
    token = csrf_token(wallet.client)  # a real token, but of an anonymous session
    data = {"action": "revoke", "confirm": "on", "csrf_token": token}
    return lambda: wallet.client.post(f"/awards/{offer['award']}/status", data=data), 401, "Sign in"


def case_forged_other_sessions_csrf(
    app: Flask, staff: Staff, wallet: Wallet
) -> tuple[Any, int, str]:
    from issuer_app import csrf_token

    offer = make_offer(staff)
    stolen = csrf_token(wallet.client)  # the attacker's own token, used in the victim's session
    data = {"action": "revoke", "confirm": "on", "csrf_token": stolen}
    return lambda: staff.client.post(f"/awards/{offer['award']}/status", data=data), 400, "csrf"


CASES: dict[str, Any] = {
    "csv-not-utf8": csv_upload(CSV_HEADER.encode() + b"An,L\xea,SV1\n"),
    "csv-field-count": csv_upload(f"{CSV_HEADER}An,Lê,SV1\nBình\n".encode()),
    "csv-unterminated-quote": csv_upload(f'{CSV_HEADER}An,"Lê,SV1\n'.encode()),
    "csv-missing-column": csv_upload(b"given_name,learner_id\nAn,SV1\n"),
    "csv-duplicate-learner": csv_upload(f"{CSV_HEADER}An,Lê,SV1\nBình,Võ,SV1\n".encode()),
    "csv-duplicate-existing": case_csv_duplicate_existing,
    "csv-oversize": case_csv_oversize,
    "code-reused": case_code_reused,
    "code-expired": case_code_expired,
    "code-unknown": case_code_unknown,
    "tx-code-missing": case_tx_missing,
    "proof-wrong-nonce": case_proof_wrong_nonce,
    "proof-wrong-audience": case_proof_wrong_audience,
    "proof-alg-none": case_proof_alg_none,
    "proof-other-key": case_proof_other_key,
    "proof-did-key-kid-other-key": case_proof_did_key_kid_other_key,
    "proof-did-jwk-kid-other-key": case_proof_did_jwk_kid_other_key,
    "nonce-replayed": case_nonce_replayed,
    "configuration-fetched-twice": case_second_fetch,
    "access-token-forged": case_bad_access_token,
    "credential-oversize": case_credential_oversize,
    "token-oversize": case_token_oversize,
    "revoke-unknown": case_revoke_unknown_ui,
    "forged-no-session-no-csrf": case_forged_no_session_no_csrf,
    "forged-session-no-csrf": case_forged_session_no_csrf,
    "forged-csrf-no-session": case_forged_csrf_no_session,
    "forged-other-sessions-csrf": case_forged_other_sessions_csrf,
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_refused_and_changes_nothing(app: Flask, staff: Staff, name: str) -> None:
    wallet = Wallet(app)
    send, status, text = CASES[name](app, staff, wallet)
    before = dump(app)
    response = send()
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    body = response.get_data(as_text=True)
    assert text.lower() in body.lower()
    if response.is_json and status != 413:
        assert response.get_json()["error"]  # OAuth-style JSON error with a code
    assert dump(app) == before


def test_five_wrong_transaction_codes_kill_the_offer(app: Flask, staff: Staff) -> None:
    wallet = Wallet(app)
    offer = make_offer(staff)
    code = wallet.code(offer["offer"])
    wrong = "000000" if offer["tx"] != "000000" else "111111"
    descriptions = []
    for _ in range(5):
        answer = wallet.token(code, wrong)
        assert (answer.status_code, answer.get_json()["error"]) == (400, "invalid_grant")
        descriptions.append(answer.get_json()["error_description"])
    assert "now dead" in descriptions[-1]
    before = dump(app)
    # Even the right code is refused now, and nothing changes any more.
    assert wallet.token(code, offer["tx"]).get_json()["error"] == "invalid_grant"
    assert dump(app) == before
    assert before["access_tokens"] == []
    offer_row = next(r for r in before["offers"] if r[0] == offer["offer"])
    assert offer_row[4:6] == (5, "dead")  # tx_failures, state
    page = wallet.client.get(f"/offers/{offer['offer']}", headers={"Accept": "application/json"})
    assert page.status_code == 410


def test_the_token_endpoint_limits_refused_requests_per_address(app: Flask, staff: Staff) -> None:
    app.config["TOKEN_FAILURES_PER_MINUTE"] = 3
    wallet = Wallet(app)
    offer = make_offer(staff)
    statuses = [wallet.token("guess", None).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    # Once limited, even a right code waits: guessing cannot continue from this address.
    assert wallet.token(wallet.code(offer["offer"]), offer["tx"]).status_code == 429
    # Another address is not affected.
    other = wallet.client.post(
        "/token",
        data={"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": "guess"},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert other.status_code == 400


def test_wrong_transaction_codes_across_offers_count_towards_the_limit(
    app: Flask, staff: Staff
) -> None:
    app.config["TOKEN_FAILURES_PER_MINUTE"] = 4
    wallet = Wallet(app)
    offers = [make_offer(staff, learner_id=f"SV2025{n:04d}") for n in range(3)]
    statuses = []
    for offer in offers:
        wrong = "000000" if offer["tx"] != "000000" else "111111"
        code = wallet.code(offer["offer"])
        statuses += [wallet.token(code, wrong).status_code for _ in range(2)]
    assert statuses == [400, 400, 400, 400, 429, 429]


def test_a_lecture_hall_behind_one_address_collects_every_card(app: Flask, staff: Staff) -> None:
    # Successful redemptions do not count: each spends a single-use code (G01).
    app.config["TOKEN_FAILURES_PER_MINUTE"] = 3
    wallet = Wallet(app)
    offers = [make_offer(staff, tx=False, learner_id=f"SV2025{n:04d}") for n in range(6)]
    for offer in offers:
        assert wallet.token(wallet.code(offer["offer"]), None).status_code == 200
