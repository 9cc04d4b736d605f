"""The languages the three apps speak, and which one a visitor gets.

A visitor's choice (the switch on every page, kept in a cookie) wins over the browser's
Accept-Language; anything unknown falls back to English. Pure functions, so each app's locale
selector is one line and the rules are tested once.
"""

from __future__ import annotations

# Code -> the language's own name, as the switch shows it.
LANGUAGES = {"en": "English", "vi": "Tiếng Việt"}
DEFAULT = "en"
# The cookie that remembers a visitor's choice, and how long (one year).
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# Longer headers are not parsed: a browser sends a few dozen bytes.
MAX_HEADER = 512


def supported(code: str | None) -> str | None:
    """The supported language a code names ("vi", "vi-VN", "EN"), or None."""
    if not code:
        return None
    primary = code.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The supported language the browser prefers most (RFC 9110 §12.5.4 weights), or None."""
    if not header or len(header) > MAX_HEADER:
        return None
    best: tuple[float, int, str] | None = None
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        code = supported(tag)
        # Higher weight first; among equal weights the earlier tag wins.
        if code and weight > 0 and (best is None or (weight, -position) > best[:2]):
            best = (weight, -position, code)
    return best[2] if best else None


def choose(wanted: str | None, remembered: str | None, accept_language: str | None) -> str:
    """The language of a page: an explicit choice, else the remembered one, else the browser's."""
    return (
        supported(wanted)
        or supported(remembered)
        or from_accept_language(accept_language)
        or DEFAULT
    )
