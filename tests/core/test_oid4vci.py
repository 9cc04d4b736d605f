"""OpenID4VCI messages: offer links and objects, token and credential requests, OAuth errors."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from microcred.errors import (
    CredentialError,
    InputError,
    MicrocredError,
    PayloadTooLarge,
    TokenError,
)
from microcred.oid4vci import (
    CONFIGURATION_IDS,
    PRE_AUTHORIZED_GRANT,
    CredentialOffer,
    TxCode,
    bearer_token,
    credential_response,
    error_response,
    offer_link,
    read_credential_request,
    read_error,
    read_offer,
    read_offer_link,
    read_token_request,
    token_response,
)

ISSUER = "https://issuer.example"
OFFER_URI = "https://issuer.example/offers/abc"


def offer_json(**grant: Any) -> dict[str, Any]:
    return {
        "credential_issuer": ISSUER,
        "credential_configuration_ids": list(CONFIGURATION_IDS),
        "grants": {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": "code-1", **grant}},
    }


def test_offer_link_is_by_reference_and_reads_back() -> None:
    link = offer_link(OFFER_URI)
    assert link == "openid-credential-offer://?credential_offer_uri=" + quote(OFFER_URI, safe="")
    assert read_offer_link(link) == (OFFER_URI, None)


def test_offer_by_value_is_parsed_strictly() -> None:
    link = "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer_json()))
    uri, value = read_offer_link(link)
    assert uri is None and read_offer(value).pre_authorized_code == "code-1"


def test_a_plain_https_offer_page_is_fetched_like_a_reference() -> None:
    assert read_offer_link(OFFER_URI) == (OFFER_URI, None)
    assert read_offer_link("http://localhost:5001/offers/x", allow_http=True)[0]


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "data:application/json,{}",
        "file:///etc/passwd",
        "openid4vp://?request_uri=https://x",
        "http://localhost:5001/offers/x",
        "openid-credential-offer://?credential_offer_uri=http%3A%2F%2Flocalhost%2Fo",
        "openid-credential-offer://?credential_offer_uri=file%3A%2F%2F%2Fetc%2Fpasswd",
        "openid-credential-offer://",
        "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fa&credential_offer=%7B%7D",
        "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fa&credential_offer_uri=https%3A%2F%2Fb",
        "",
        "x" * 20_000,
    ],
    ids=[
        "javascript",
        "data",
        "file",
        "other-scheme",
        "http-not-allowed",
        "http-reference-not-allowed",
        "file-reference",
        "no-parameter",
        "both-parameters",
        "twice",
        "empty",
        "huge",
    ],
)
def test_offer_links_outside_the_allow_list_are_refused(link: str) -> None:
    with pytest.raises(InputError) as caught:
        read_offer_link(link)
    assert caught.value.code == "invalid_offer"


def test_duplicate_keys_in_an_offer_by_value_are_refused() -> None:
    text = '{"credential_issuer": "a", "credential_issuer": "b"}'
    with pytest.raises(InputError):
        read_offer_link("openid-credential-offer://?credential_offer=" + quote(text))


def test_offer_round_trips_with_its_tx_code() -> None:
    offer = CredentialOffer(ISSUER, CONFIGURATION_IDS, "code-1", TxCode("numeric", 6, "by SMS"))
    document = offer.to_json()
    grant = document["grants"][PRE_AUTHORIZED_GRANT]
    assert grant["tx_code"] == {"input_mode": "numeric", "length": 6, "description": "by SMS"}
    assert read_offer(document) == offer


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"grants": {}}, "unsupported_grant_type"),
        ({"grants": {"authorization_code": {"issuer_state": "x"}}}, "unsupported_grant_type"),
        ({"credential_configuration_ids": []}, "invalid_offer"),
        ({"credential_configuration_ids": ["a", "a"]}, "invalid_offer"),
        ({"credential_configuration_ids": [1]}, "invalid_offer"),
        ({"credential_issuer": ""}, "invalid_offer"),
        ({"credential_issuer": None}, "invalid_offer"),
    ],
    ids=["no-grant", "auth-code-only", "no-ids", "duplicate-ids", "id-not-text", "empty", "null"],
)
def test_bad_offers_are_refused(change: dict[str, Any], code: str) -> None:
    with pytest.raises(InputError) as caught:
        read_offer({**offer_json(), **change})
    assert caught.value.code == code


@pytest.mark.parametrize(
    "tx_code",
    [{"input_mode": "emoji"}, {"length": 0}, {"length": True}, {"description": "x" * 301}, "six"],
    ids=["mode", "zero-length", "bool-length", "long-description", "not-object"],
)
def test_bad_tx_code_objects_are_refused(tx_code: Any) -> None:
    with pytest.raises(InputError):
        read_offer(offer_json(tx_code=tx_code))


def test_empty_tx_code_object_still_requires_a_code() -> None:
    # §4.1.1: present "even if empty" means a transaction code is required.
    assert read_offer(offer_json(tx_code={})).tx_code == TxCode()


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({}, "invalid_request"),
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
        ({"grant_type": PRE_AUTHORIZED_GRANT}, "invalid_request"),
        ({"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": "x" * 600}, "invalid_request"),
    ],
    ids=["empty", "other-grant", "no-code", "huge-code"],
)
def test_bad_token_requests(form: dict[str, str], code: str) -> None:
    with pytest.raises(MicrocredError) as caught:
        read_token_request(form)
    assert caught.value.code == code


def test_token_request_and_response() -> None:
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": "c", "tx_code": "123456"}
    ask = read_token_request(form)
    assert (ask.pre_authorized_code, ask.tx_code) == ("c", "123456")
    assert token_response("t", 300) == {
        "access_token": "t",
        "token_type": "Bearer",
        "expires_in": 300,
    }


@pytest.mark.parametrize(
    "header",
    [None, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "Bearer ä", "Bearer " + "a" * 600],
    ids=["none", "empty", "basic", "no-token", "space", "non-ascii", "huge"],
)
def test_bearer_tokens_must_be_well_formed(header: str | None) -> None:
    with pytest.raises(TokenError) as caught:
        bearer_token(header)
    assert caught.value.code == "invalid_token"


def test_bearer_token_is_read() -> None:
    assert bearer_token("Bearer abc-DEF_123") == "abc-DEF_123"
    assert bearer_token("bearer abc") == "abc"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ([], "invalid_credential_request"),
        ({"credential_identifier": "x"}, "unknown_credential_identifier"),
        ({"proofs": {"jwt": ["p"]}}, "invalid_credential_request"),
        (
            {"credential_configuration_id": "Other", "proofs": {"jwt": ["p"]}},
            "unknown_credential_configuration",
        ),
        ({"credential_configuration_id": "MicroCredential_ob3"}, "invalid_proof"),
        (
            {"credential_configuration_id": "MicroCredential_ob3", "proof": {"jwt": "p"}},
            "invalid_proof",
        ),
        (
            {"credential_configuration_id": "MicroCredential_ob3", "proofs": {"di_vp": [{}]}},
            "invalid_proof",
        ),
        (
            {"credential_configuration_id": "MicroCredential_ob3", "proofs": {"jwt": ["a", "b"]}},
            "invalid_proof",
        ),
        (
            {"credential_configuration_id": "MicroCredential_ob3", "proofs": {"jwt": [1]}},
            "invalid_proof",
        ),
    ],
    ids=[
        "not-object",
        "credential-identifier",
        "no-configuration",
        "unknown-configuration",
        "no-proofs",
        "old-proof-member",
        "other-proof-type",
        "batch",
        "proof-not-text",
    ],
)
def test_bad_credential_requests(body: Any, code: str) -> None:
    with pytest.raises(MicrocredError) as caught:
        read_credential_request(body, offered=CONFIGURATION_IDS)
    assert caught.value.code == code


def test_credential_request_and_response() -> None:
    body = {"credential_configuration_id": "MicroCredential_ob3", "proofs": {"jwt": ["p.q.r"]}}
    ask = read_credential_request(body, offered=CONFIGURATION_IDS)
    assert (ask.configuration_id, ask.proof_jwt) == ("MicroCredential_ob3", "p.q.r")
    assert credential_response("c") == {"credentials": [{"credential": "c"}]}


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (TokenError("x", code="invalid_grant"), 400, "invalid_grant"),
        (TokenError("x", code="invalid_token"), 401, "invalid_token"),
        (PayloadTooLarge("big"), 413, "too_large"),
        (CredentialError("x", code="Not-OAuth!"), 400, "invalid_request"),
    ],
    ids=["grant", "token", "too-large", "odd-code"],
)
def test_error_responses(error: MicrocredError, status: int, code: str) -> None:
    got_status, body = error_response(error)
    assert (got_status, body["error"]) == (status, code)


def test_error_description_keeps_to_the_allowed_ascii() -> None:
    _status, body = error_response(TokenError('bad "quote" \\ and ünïcode\n', code="invalid_proof"))
    assert body["error_description"] == "bad 'quote'  and ncode"


def test_wallet_reads_the_issuers_error_code() -> None:
    error = read_error(400, b'{"error": "invalid_grant", "error_description": "used"}', "token")
    assert error.code == "invalid_grant" and "used" in error.message
    assert read_error(502, b"<html>", "token").code == "http_502"
    assert read_error(400, b'{"error": "DROP TABLE"}', "token").code == "http_400"
