"""Security headers on every response and the one place errors become HTTP answers.

Pages get `_error.html`; API and protocol routes get `{"error", "error_description"}` JSON.
Bad input is never a 500 (SECURITY-CASES G4, I03): core errors map through
`http_policy.status_for`, HTTP errors keep their status, and messages never echo tokens.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import get_locale, gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from microcred.errors import MicrocredError
from microcred.http_policy import HSTS, SECURITY_HEADERS, status_for

from . import dates, throttling, wording

# Paths whose clients are programs (HR systems, wallets), not people.
API_PREFIXES = (
    "/credentials/",
    "/presentations/",
    "/api/",
    "/vp/response/",
    "/vp/request/",
    "/scan/frame",
)


def wants_json() -> bool:
    """True for API and protocol routes, and for clients that ask for JSON only."""
    if request.path.startswith(API_PREFIXES):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, code: str, message: str, title: str | None = None) -> Any:
    """An error as JSON or as the error page, with this status."""
    if wants_json():
        response = jsonify({"error": code, "error_description": message})
        response.status_code = status
        return response
    page = render_template(
        "_error.html", title=title or _("Something went wrong"), message=message, code=code
    )
    return page, status


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def init_app(app: Flask) -> None:
    """Register the headers, the error handlers and the template context."""
    app.after_request(_security_headers)

    @app.errorhandler(MicrocredError)
    def core_error(error: MicrocredError) -> Any:
        # JSON clients get the core's English message; people get it in their language.
        message = error.message if wants_json() else wording.error_message(error)
        return error_response(status_for(error), error.code, message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        message = _("The form expired or came from another site. Reload the page and try again.")
        return error_response(400, "csrf_failed", message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 400
        if status == 413:
            return error_response(413, "too_large", _("The upload is too large."))
        code = (error.name or "error").lower().replace(" ", "_")
        title, message = error.name, error.description or error.name
        if not wants_json():
            default = error.description in (type(error).description, throttling.MESSAGE)
            title, message = wording.http_error(status, title, message, default)
        answer = make_response(error_response(status, code, message, title))
        # Keep what tells a client how to recover: when to retry (429), how to authenticate.
        for name, value in error.get_headers():
            if name in ("Retry-After", "WWW-Authenticate"):
                answer.headers[name] = value
        if status == 401 and wants_json():
            answer.headers.setdefault("WWW-Authenticate", 'Bearer realm="verifier"')
        return answer

    # Times and dates in the page's language, ISO 8601 in `<time datetime>` for machines.
    app.add_template_filter(dates.when, "when")
    app.add_template_filter(dates.day, "day")
    app.add_template_filter(wording.registry_source, "registry_source")

    @app.context_processor
    def names() -> dict[str, Any]:
        return {
            "app_name": "verifier",
            "app_title": _("Verifier"),
            "app_icon": "✓",
            "app_home": "verifier.scan",
            "current_locale": lambda: str(get_locale() or "en"),
        }
