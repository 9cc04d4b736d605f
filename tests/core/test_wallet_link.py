"""Links handed to a wallet: offers and requests only; answers go back to the verifier only."""

from __future__ import annotations

import pytest

from microcred.errors import InputError
from microcred.wallet_link import (
    binding,
    check_client_id,
    classify,
    response_uri_allowed,
    safe_redirect,
    verifier_host,
)

VERIFIER = "decentralized_identifier:did:web:localhost%3A5003"


@pytest.mark.parametrize(
    ("text", "allow_http", "kind"),
    [
        (
            "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fi.example%2Fo%2F1",
            False,
            "offer",
        ),
        ("OPENID-CREDENTIAL-OFFER://?credential_offer=%7B%7D", False, "offer"),
        ("openid4vp://?client_id=x&request_uri=https%3A%2F%2Fv.example%2Fr", False, "request"),
        (
            "https://wallet.example/vp?client_id=x&request_uri=https%3A%2F%2Fv.example%2Fr",
            False,
            "request",
        ),
        ("https://issuer.example/offers/abc", False, "offer"),
        ("http://localhost:5001/offers/abc", True, "offer"),
        ("  openid4vp://?client_id=x&request_uri=y  ", False, "request"),
    ],
    ids=[
        "offer-ref",
        "offer-upper",
        "request",
        "wallet-link",
        "https-offer",
        "http-demo",
        "spaces",
    ],
)
def test_offers_and_requests_are_recognised(text: str, allow_http: bool, kind: str) -> None:
    assert classify(text, allow_http=allow_http) == kind


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://localhost:5001/offers/abc",
        "file:///etc/passwd",
        "BEGIN:VCARD",
        "",
        "   ",
        "openid4vp://?a=b c",
        "https://x.example/\u202eevil",
        "https://x.example/" + "a" * 5000,
        "https:///no-host",
    ],
    ids=[
        "javascript",
        "data",
        "http-not-allowed",
        "file",
        "vcard",
        "empty",
        "blank",
        "space",
        "bidi",
        "too-long",
        "no-host",
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(InputError):
        classify(text)


def test_verifier_host_comes_from_did_web() -> None:
    assert verifier_host(VERIFIER) == "localhost:5003"
    assert verifier_host("decentralized_identifier:did:key:z6Mkabc") is None
    assert verifier_host("redirect_uri:https://x.example") is None


@pytest.mark.parametrize(
    ("uri", "allowed"),
    [
        ("http://localhost:5003/vp/response/1", True),
        ("http://LOCALHOST:5003/vp/response/1", True),
        ("http://localhost:5004/vp/response/1", False),
        ("https://evil.example/collect", False),
        ("http://user@localhost:5003/x", False),
    ],
    ids=["same", "case", "other-port", "other-host", "userinfo"],
)
def test_answers_go_only_to_the_verifiers_host(uri: str, allowed: bool) -> None:
    assert response_uri_allowed(VERIFIER, uri) is allowed


def test_non_web_verifiers_cannot_be_checked() -> None:
    assert (
        response_uri_allowed("decentralized_identifier:did:key:z6Mkx", "https://a.example") is None
    )


@pytest.mark.parametrize(
    ("client_id", "uri", "expected"),
    [
        (VERIFIER, "http://localhost:5003/vp/response", "same_host"),
        (VERIFIER, "https://elsewhere.example/steal", "other_host"),
        ("decentralized_identifier:did:key:z6Mkx", "https://a.example/r", "unbound"),
        ("decentralized_identifier:did:jwk:eyJ9", "https://a.example/r", "unbound"),
    ],
    ids=["did-web-home", "did-web-elsewhere", "did-key", "did-jwk"],
)
def test_binding_says_whether_the_answer_goes_home(client_id: str, uri: str, expected: str) -> None:
    assert binding(client_id, uri) == expected


@pytest.mark.parametrize(
    "client_id",
    [VERIFIER, "decentralized_identifier:did:key:z6Mkx", "decentralized_identifier:did:jwk:e"],
)
def test_did_client_ids_are_answered(client_id: str) -> None:
    check_client_id(client_id)


@pytest.mark.parametrize(
    ("client_id", "message"),
    [
        ("origin:https://v.example", "must not be accepted"),
        ("redirect_uri:https://v.example/cb", "cannot be signed"),
        ("x509_san_dns:v.example", "X.509"),
        ("x509_hash:Uvo3HtuIxuhC92rShpgqcT3YXwrqRxWEviRiA0OZszk", "X.509"),
        ("verifier_attestation:v.example", "attestations"),
        ("openid_federation:https://v.example", "Federation"),
        ("v.example", "identified by a DID"),
        ("decentralized_identifier:v.example", "identified by a DID"),
        ("", "names no verifier"),
    ],
    ids=[
        "origin",
        "redirect-uri",
        "x509-san",
        "x509-hash",
        "attestation",
        "federation",
        "pre-registered",
        "not-a-did",
        "empty",
    ],
)
def test_other_client_ids_are_refused_with_the_reason(client_id: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_client_id(client_id)


@pytest.mark.parametrize(
    ("url", "verifier", "local", "followed"),
    [
        ("https://v.example/done#response_code=1", "v.example", False, True),
        ("https://v.example/done", None, False, True),
        ("https://other.example/done", "v.example", False, False),
        ("javascript:alert(1)", None, True, False),
        ("data:text/html,hi", None, True, False),
        ("http://v.example/done", None, True, False),
        ("http://localhost:5003/vp/done/1#response_code=2", "localhost:5003", True, True),
        ("http://localhost:5003/vp/done/1", "localhost:5003", False, False),
        ("https://user:pw@v.example/", None, False, False),
        ("https://v.example/\nx", None, False, False),
        (None, None, False, False),
        (42, None, False, False),
    ],
    ids=[
        "https",
        "https-any",
        "other-host",
        "javascript",
        "data",
        "http",
        "localhost-demo",
        "localhost-prod",
        "userinfo",
        "newline",
        "none",
        "number",
    ],
)
def test_redirects_are_followed_only_when_safe(
    url: object, verifier: str | None, local: bool, followed: bool
) -> None:
    result = safe_redirect(url, verifier=verifier, allow_http_localhost=local)
    assert (result == url) if followed else result is None
