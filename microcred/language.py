"""The languages the three apps speak, and which one a visitor gets.

A visitor's choice (the switch on every page, `?lang=vi`, kept in a cookie) wins over the
browser's Accept-Language; anything unknown falls back to English. The rules are plain
functions and one WSGI middleware, so each app's locale selector is one line and the rules are
tested once, without a web framework.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

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


# Where the middleware leaves the page's language: the WSGI environ, and for the app's locale
# selector and templates a context variable (each request runs in its own thread or task).
ENVIRON_KEY = "microcred.language"
_current: ContextVar[str] = ContextVar("microcred_language", default=DEFAULT)


def current() -> str:
    """The language of the page being made (the apps' Babel locale selector)."""
    return _current.get()


# What every page's template may use: the switch's choices and the page's language.
TEMPLATE_GLOBALS: dict[str, Any] = {"languages": LANGUAGES, "current_language": current}


class LanguageMiddleware:
    """WSGI middleware: pick each request's language and remember an explicit `?lang=` choice."""

    def __init__(self, app: WSGIApp, *, secure_cookie: bool = False) -> None:
        self.app = app
        self.secure_cookie = secure_cookie

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Set environ[ENVIRON_KEY]; add the cookie when the visitor used the switch."""
        query = parse_qs(environ.get("QUERY_STRING", ""), max_num_fields=20)
        wanted = supported((query.get("lang") or [None])[0])
        cookies = SimpleCookie()
        try:
            cookies.load(environ.get("HTTP_COOKIE", ""))
        except CookieError:
            pass  # a malformed Cookie header only loses the remembered language
        remembered = cookies[COOKIE].value if COOKIE in cookies else None
        chosen = choose(wanted, remembered, environ.get("HTTP_ACCEPT_LANGUAGE"))
        environ[ENVIRON_KEY] = chosen
        token = _current.set(chosen)

        def respond(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            # Pages differ by language, so shared caches must key on what chose it.
            headers.append(("Vary", "Accept-Language, Cookie"))
            if wanted and wanted != remembered:
                flags = "; Secure" if self.secure_cookie else ""
                headers.append(
                    (
                        "Set-Cookie",
                        f"{COOKIE}={wanted}; Max-Age={COOKIE_MAX_AGE}; Path=/; "
                        f"SameSite=Lax; HttpOnly{flags}",
                    )  # fmt: skip
                )
            return start_response(status, headers, *exc)

        try:
            return self.app(environ, respond)
        finally:
            _current.reset(token)
