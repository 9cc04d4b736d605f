"""What a scanned or pasted text holds, and fetching a wallet share link (SECURITY-CASES H04)."""

from __future__ import annotations

from typing import Any

import pytest

from microcred import payload
from microcred.errors import FetchError, InputError

SHARE = "https://wallet.example/s/AAAAAAAAAAAAAAAAAAAAAA"
SD_JWT = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln~WyJzIiwibiIsInYiXQ~"
JWT = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param(SHARE, "share_link", id="share-link"),
        pytest.param(SHARE + "#frag", "share_link", id="share-link-fragment-dropped"),
        pytest.param(
            "https://wallet.example/app/s/AAAAAAAAAAAAAAAAAAAAAA",
            "share_link",
            id="share-link-under-path",
        ),
        pytest.param(SD_JWT, "compact", id="sd-jwt"),
        pytest.param(JWT, "compact", id="vc-jwt"),
        pytest.param('  {"type": ["VerifiableCredential"]}\n', "json", id="json"),
    ],
)
def test_accepted_texts(text: str, kind: str) -> None:
    scanned = payload.classify(text)
    assert scanned.kind == kind
    if kind == "share_link":
        assert str(scanned.value).endswith("/s/AAAAAAAAAAAAAAAAAAAAAA")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fi.example", id="offer"
        ),
        pytest.param("openid4vp://?client_id=x&request_uri=https://v.example", id="vp-request"),
        pytest.param("javascript:alert(document.cookie)", id="javascript"),
        pytest.param("JavaScript:alert(1)", id="javascript-mixed-case"),
        pytest.param("data:text/html,<script>alert(1)</script>", id="data-url"),
        pytest.param("https://example.com/jobs", id="unrelated-url"),
        pytest.param("https://wallet.example/s/short", id="share-id-too-short"),
        pytest.param(SHARE + "?next=https://evil.example", id="share-with-query"),
        pytest.param("http://wallet.example/s/AAAAAAAAAAAAAAAAAAAAAA", id="plain-http"),
        pytest.param("BEGIN:VCARD\nFN:Someone\nEND:VCARD", id="vcard"),
        pytest.param("HC1:6BFOXN%TS3DH0YOJ58S", id="hc1-base45"),
        pytest.param("hello world", id="plain-text"),
        pytest.param("   ", id="blank"),
        pytest.param("did:web:uni.example", id="a-did"),
    ],
)
def test_refused_texts(text: str) -> None:
    with pytest.raises(InputError) as caught:
        payload.classify(text)
    assert caught.value.code == "not_a_credential"


def test_http_share_links_only_when_allowed() -> None:
    link = "http://localhost:5002/s/AAAAAAAAAAAAAAAAAAAAAA"
    assert payload.classify(link, allow_http=True).kind == "share_link"


def test_oversized_text_is_refused_before_parsing() -> None:
    with pytest.raises(InputError) as caught:
        payload.classify("{" * (payload.MAX_TEXT_CHARS + 1))
    assert caught.value.code == "too_large"


class Answer:
    def __init__(self, media: str, body: bytes) -> None:
        self.content_type, self.body = media, body


class Fetcher:
    def __init__(self, answer: Answer | Exception) -> None:
        self.answer, self.calls = answer, []

    def get(self, url: str, **options: Any) -> Answer:
        self.calls.append((url, options))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_fetch_shared_sd_jwt_and_json() -> None:
    fetcher = Fetcher(Answer("application/dc+sd-jwt", SD_JWT.encode() + b"\n"))
    assert payload.fetch_shared(SHARE, fetcher) == SD_JWT
    url, options = fetcher.calls[0]
    assert url == SHARE and options["use_cache"] is False
    assert options["accept"].startswith("application/dc+sd-jwt")
    doc = payload.fetch_shared(SHARE, Fetcher(Answer("application/vc+ld+json", b'{"a":1}')))
    assert doc == {"a": 1}


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        pytest.param(FetchError("gone", code="http_410"), "share_gone", id="gone"),
        pytest.param(FetchError("nf", code="http_404"), "share_unknown", id="unknown"),
        pytest.param(FetchError("x", code="address_blocked"), "address_blocked", id="blocked"),
        pytest.param(Answer("text/html", b"<html>"), "not_a_credential", id="html-page"),
        pytest.param(
            Answer("application/json", b'{"a":1,"a":2}'), "malformed_json", id="duplicate-keys"
        ),
        pytest.param(Answer("application/json", b"[1]"), "malformed_json", id="json-array"),
        pytest.param(
            Answer("application/dc+sd-jwt", b"<script>"), "sd_jwt_malformed", id="not-compact"
        ),
        pytest.param(
            Answer("application/dc+sd-jwt", b"\xff\xfe"), "malformed_encoding", id="not-ascii"
        ),
    ],
)
def test_fetch_shared_failures(answer: Any, code: str) -> None:
    with pytest.raises((InputError, FetchError)) as caught:
        payload.fetch_shared(SHARE, Fetcher(answer))
    assert caught.value.code == code
