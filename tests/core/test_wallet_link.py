"""Links handed to a wallet: offers and requests only; answers go back to the verifier only."""

from __future__ import annotations

import pytest

from microcred.errors import InputError
from microcred.wallet_link import classify, response_uri_allowed, safe_redirect, verifier_host

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
