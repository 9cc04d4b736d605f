"""The wallet-side OpenID4VCI client against an in-process issuer double (no network).

The real issuer app is exercised over HTTP in tests/issuer/test_e2e_oid4vci.py; here the double
lets each test break one thing the client must notice (G05, G10, errors, response shapes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import pytest

from microcred import did, strictjson
from microcred.errors import CredentialError, InputError
from microcred.exchange import Response
from microcred.issuer_metadata import authorization_server_metadata, issuer_metadata
from microcred.key_proof import verify_proof
from microcred.keys import PrivateKey
from microcred.oid4vci import (
    CONFIGURATION_IDS,
    OB3_CONFIG,
    SD_JWT_CONFIG,
    CredentialOffer,
    TxCode,
    offer_link,
    read_credential_request,
)
from microcred.oid4vci_client import WalletClient

BASE = "https://issuer.example"
OFFER_URI = BASE + "/offers/o1"
HOLDER = PrivateKey.from_ed25519_seed(bytes(range(32)))


def _response(url: str, status: int, body: Any) -> Response:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Response(url, status, {}, "application/json", data, None)


class FakeIssuer:
    """Answers like an issuer; tests change its documents to break one thing at a time."""

    def __init__(self, tx: TxCode | None = None) -> None:
        self.documents: dict[str, Any] = {
            OFFER_URI: CredentialOffer(BASE, CONFIGURATION_IDS, "code-1", tx).to_json(),
            BASE + "/.well-known/openid-credential-issuer": issuer_metadata(BASE, name="Sông Hồng"),
            BASE + "/.well-known/oauth-authorization-server": authorization_server_metadata(BASE),
        }
        self.calls: list[tuple[str, str]] = []
        self.forms: list[Mapping[str, str]] = []
        self.proofs: list[dict[str, Any]] = []
        self.nonce_count = 0
        self.token_answer: tuple[int, Any] = (200, {"access_token": "t-1", "token_type": "Bearer"})
        self.credential_answer: Any = None

    def get(
        self, url: str, *, accept: str = "", max_bytes: int | None = None, use_cache: bool = True
    ) -> Response:
        self.calls.append(("GET", url))
        if url not in self.documents:
            return _response(url, 404, {"error": "not_found"})
        return _response(url, 200, self.documents[url])

    def post_form(self, url: str, data: Mapping[str, str], *, headers: Any = None) -> Response:
        self.calls.append(("POST", url))
        if url == BASE + "/nonce":
            self.nonce_count += 1
            return _response(url, 200, {"c_nonce": f"n-{self.nonce_count}"})
        self.forms.append(dict(data))
        return _response(url, *self.token_answer)

    def post_json(
        self, url: str, obj: Any, *, headers: Mapping[str, str] | None = None
    ) -> Response:
        self.calls.append(("POST", url))
        assert (headers or {}).get("Authorization") == "Bearer t-1"
        ask = read_credential_request(
            strictjson.loads(strictjson.dumps(obj)), offered=CONFIGURATION_IDS
        )
        proof = verify_proof(ask.proof_jwt, audience=BASE)
        self.proofs.append(
            {"config": ask.configuration_id, "holder": proof.holder, "nonce": proof.nonce}
        )
        if self.credential_answer is not None:
            return _response(url, 200, self.credential_answer)
        credential: Any = {"id": "urn:x", "type": ["VerifiableCredential"]}
        if ask.configuration_id != OB3_CONFIG:
            credential = "header.payload.signature~"
        return _response(url, 200, {"credentials": [{"credential": credential}]})


def client(issuer: FakeIssuer) -> WalletClient:
    return WalletClient(issuer, HOLDER)


def test_full_flow_binds_each_format_the_way_its_metadata_says() -> None:
    issuer = FakeIssuer(TxCode("numeric", 6))
    issued = client(issuer).receive(offer_link(OFFER_URI), tx_code="123456")
    assert [c.format for c in issued] == ["dc+sd-jwt", "ldp_vc", "jwt_vc_json"]
    assert isinstance(issued[1].credential, dict) and isinstance(issued[0].credential, str)
    assert issuer.forms == [
        {
            "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            "pre-authorized_code": "code-1",
            "tx_code": "123456",
        }
    ]
    holders = {p["config"]: p["holder"].did for p in issuer.proofs}
    assert holders[SD_JWT_CONFIG] == did.did_jwk(HOLDER.public_key)  # jwk binding
    assert holders[OB3_CONFIG] == did.did_key(HOLDER.public_key)  # did:key binding
    assert [p["nonce"] for p in issuer.proofs] == ["n-1", "n-2", "n-3"]  # one fresh nonce each


def test_resolve_shows_who_offers_what_before_anything_is_sent() -> None:
    issuer = FakeIssuer()
    resolved = client(issuer).resolve(offer_link(OFFER_URI))
    assert resolved.issuer_name == "Sông Hồng"
    assert resolved.token_endpoint == BASE + "/token"
    assert all(method == "GET" for method, _ in issuer.calls)


def test_offer_by_value_is_accepted() -> None:
    issuer = FakeIssuer()
    link = "openid-credential-offer://?credential_offer=" + quote(
        json.dumps(issuer.documents[OFFER_URI])
    )
    assert client(issuer).resolve(link).offer.pre_authorized_code == "code-1"


def test_metadata_of_another_issuer_stops_the_flow() -> None:
    issuer = FakeIssuer()
    issuer.documents[BASE + "/.well-known/openid-credential-issuer"]["credential_issuer"] = (
        "https://evil.example"
    )
    with pytest.raises(InputError) as caught:
        client(issuer).receive(offer_link(OFFER_URI))
    assert caught.value.code == "issuer_mismatch"
    assert not any(method == "POST" for method, _ in issuer.calls)


@pytest.mark.parametrize(
    "issuer_id",
    [
        "http://issuer.example",
        "https://user@issuer.example",
        "https://issuer.example?x=1",
        "ftp://x",
    ],
    ids=["http", "userinfo", "query", "ftp"],
)
def test_offers_naming_a_bad_issuer_identifier_are_refused(issuer_id: str) -> None:
    issuer = FakeIssuer()
    issuer.documents[OFFER_URI]["credential_issuer"] = issuer_id
    with pytest.raises(InputError):
        client(issuer).resolve(offer_link(OFFER_URI))
    assert issuer.calls == [("GET", OFFER_URI)]


def test_offer_naming_configurations_the_issuer_does_not_describe_is_refused() -> None:
    issuer = FakeIssuer()
    issuer.documents[OFFER_URI]["credential_configuration_ids"] = ["Unknown"]
    with pytest.raises(InputError):
        client(issuer).resolve(offer_link(OFFER_URI))


def test_a_required_transaction_code_is_asked_for_before_redeeming() -> None:
    issuer = FakeIssuer(TxCode())
    with pytest.raises(InputError) as caught:
        client(issuer).receive(offer_link(OFFER_URI))
    assert caught.value.code == "tx_code_required"
    assert issuer.forms == []


def test_the_issuers_oauth_error_reaches_the_wallet() -> None:
    issuer = FakeIssuer()
    issuer.token_answer = (400, {"error": "invalid_grant", "error_description": "used"})
    with pytest.raises(CredentialError) as caught:
        client(issuer).receive(offer_link(OFFER_URI))
    assert caught.value.code == "invalid_grant"


@pytest.mark.parametrize(
    "answer",
    [
        {"credentials": []},
        {"transaction_id": "deferred", "interval": 5},
        {"credentials": [{"credential": {"not": "a string"}}]},
        {"credentials": [{"credential": "a"}, {"credential": "b"}]},
    ],
    ids=["empty", "deferred", "wrong-shape", "two"],
)
def test_credential_answers_of_the_wrong_shape_are_refused(answer: Any) -> None:
    issuer = FakeIssuer()
    issuer.credential_answer = answer
    with pytest.raises(CredentialError) as caught:
        client(issuer).receive(offer_link(OFFER_URI), configuration_ids=[SD_JWT_CONFIG])
    assert caught.value.code == "bad_response"


def test_token_response_without_a_bearer_token_is_refused() -> None:
    issuer = FakeIssuer()
    issuer.token_answer = (200, {"access_token": "t", "token_type": "DPoP"})
    with pytest.raises(CredentialError):
        client(issuer).receive(offer_link(OFFER_URI))


def test_only_offered_configurations_can_be_requested() -> None:
    issuer = FakeIssuer()
    resolved = client(issuer).resolve(offer_link(OFFER_URI))
    with pytest.raises(InputError):
        client(issuer).accept(resolved, configuration_ids=["Other"])
