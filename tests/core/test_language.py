"""Which language a page is shown in: the switch, then the cookie, then the browser."""

from __future__ import annotations

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
