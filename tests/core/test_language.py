"""Which language a page is shown in: the switch, then the cookie, then the browser."""

from __future__ import annotations

from typing import Any

import pytest

from microcred import language


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7", "vi"),
        ("en-GB,en;q=0.9,vi;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,vi;q=0.5", "vi"),
        ("fr, de", None),
        ("en;q=0.2, vi;q=0.8", "vi"),
        ("vi;q=0, en;q=0.1", "en"),
        ("vi;q=abc, en", "en"),
        ("*", None),
        ("", None),
        (None, None),
        ("vi," * 300, None),  # over the parsing cap
    ],
)
def test_browser_preference(header: str | None, expected: str | None) -> None:
    assert language.from_accept_language(header) == expected


@pytest.mark.parametrize(
    ("wanted", "remembered", "header", "expected"),
    [
        ("vi", "en", "en", "vi"),
        (None, "vi", "en", "vi"),
        ("xx", "vi", "en", "vi"),
        (None, None, "vi-VN", "vi"),
        (None, "klingon", "de", "en"),
        ("VI_vn", None, None, "vi"),
    ],
)
def test_choice_order(
    wanted: str | None, remembered: str | None, header: str | None, expected: str
) -> None:
    assert language.choose(wanted, remembered, header) == expected


def _call(query: str = "", cookie: str = "", accept: str = "") -> tuple[str, list[tuple[str, str]]]:
    """Run the middleware around a WSGI app that reports the language it was given."""
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen["language"] = environ[language.ENVIRON_KEY]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b""]

    headers: list[tuple[str, str]] = []
    environ = {"QUERY_STRING": query, "HTTP_COOKIE": cookie, "HTTP_ACCEPT_LANGUAGE": accept}
    language.LanguageMiddleware(app)(environ, lambda status, h, *exc: headers.extend(h))
    return seen["language"], headers


def test_the_switch_sets_a_cookie_and_wins() -> None:
    chosen, headers = _call(query="lang=vi", cookie="lang=en", accept="en")
    assert chosen == "vi"
    cookie = [v for k, v in headers if k == "Set-Cookie"]
    assert cookie and cookie[0].startswith("lang=vi;") and "HttpOnly" in cookie[0]
    assert ("Vary", "Accept-Language, Cookie") in headers


def test_remembered_choice_without_a_new_cookie() -> None:
    chosen, headers = _call(cookie="session=x; lang=vi", accept="en-GB")
    assert chosen == "vi"
    assert not [v for k, v in headers if k == "Set-Cookie"]


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("lang=klingon", "", "vi", "vi"),  # an unknown switch value is ignored, not stored
        ("", 'lang="\\x"; =;;', "vi", "vi"),  # a malformed Cookie header
        ("lang=vi&lang=en", "", "", "vi"),
        ("", "", "", "en"),
    ],
)
def test_odd_requests(query: str, cookie: str, accept: str, expected: str) -> None:
    chosen, headers = _call(query=query, cookie=cookie, accept=accept)
    assert chosen == expected
    assert all("klingon" not in v for _, v in headers)


def test_the_page_language_is_current_only_during_the_request() -> None:
    seen = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(language.current())
        start_response("200 OK", [])
        return [b""]

    language.LanguageMiddleware(app)({"QUERY_STRING": "lang=vi"}, lambda *a: None)
    assert seen == ["vi"]
    assert language.current() == language.DEFAULT
