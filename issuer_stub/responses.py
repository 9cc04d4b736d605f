"""How the issuer answers: security headers, request caps, and every error in one place.

Protocol endpoints (OpenID4VCI token, nonce, credential) answer OAuth error JSON; the VC-API and
other JSON endpoints answer `{"error", "error_description"}`; pages answer `_error.html`. Bad
input never becomes a 500 (SECURITY-CASES I03, I15): core errors map through `status_for`,
HTTP errors keep their status, a busy database is a 503.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask_babel import Babel, gettext as _, lazy_gettext as _l
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from microcred import http_policy, language, oid4vci
from microcred.errors import MicrocredError

from . import wording

log = logging.getLogger(__name__)
csrf = CSRFProtect()

# OAuth-style protocol endpoints (OpenID4VCI §6.3, §8.3.1).
OAUTH_ENDPOINTS = frozenset({"issuer.token", "issuer.nonce", "issuer.credential"})
# Other machine endpoints: JSON errors.
API_ENDPOINTS = frozenset(
    {
        "issuer.credentials_issue",
        "issuer.credentials_status",
        "issuer.register_json",
        "issuer.issuer_metadata",
        "issuer.as_metadata",
        "issuer.did_document",
        "issuer.status_document",
    }
)
# Body caps per protocol endpoint (G2: bounded before parsing); pages use MAX_CONTENT_LENGTH.
BODY_CAPS = {
    "issuer.token": 8_192,
    "issuer.nonce": 1_024,
    "issuer.credential": 65_536,
    "issuer.credentials_issue": 65_536,
    "issuer.credentials_status": 16_384,
}
_STATUS_BY_CODE = {
    "not_found": 404,
    "invalid_token": 401,
    "forbidden": 403,
    "duplicate": 409,
    "status_transition_refused": 409,
    "status_unchanged": 409,
}
_TITLES = {
    400: _l("This request cannot be handled"),
    401: _l("Please sign in"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Not allowed"),
    409: _l("Already done"),
    410: _l("No longer available"),
    413: _l("Too large"),
    422: _l("Not accepted"),
    429: _l("Too many attempts"),
    502: _l("Another service did not answer"),
    503: _l("Busy"),
}
# What an error page says for Werkzeug's HTTP errors (their own descriptions are English).
_MESSAGES = {
    400: _l("The request was incomplete or malformed. Go back and try again."),
    401: _l("Sign in as institution staff to do this."),
    403: _l("Your account may not do this; ask an administrator."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not accept this kind of request."),
    409: _l("This cannot be done in the current state. Reload the page to see it."),
    410: _l("This is no longer available."),
    413: _l("The upload is too large."),
    429: _l("Too many attempts. Wait a little and try again."),
}


def wants_json() -> bool:
    """Whether this request expects a JSON answer rather than a page."""
    if request.endpoint in OAUTH_ENDPOINTS or request.endpoint in API_ENDPOINTS:
        return True
    if g.get("json_answer"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _page(status: int, message: str, code: str = "") -> tuple[str, int]:
    title = str(_TITLES.get(status) or _("Something went wrong"))
    return render_template("_error.html", title=title, message=message, code=code), status


def json_error(status: int, code: str, message: str, **headers: str) -> Response:
    """A JSON error answer that is never cached."""
    response = jsonify({"error": code, "error_description": message})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    response.headers.update(headers)
    return response


def handle_core_error(error: MicrocredError) -> Any:
    """The one mapping of core errors to answers (OAuth JSON, API JSON or a page)."""
    if request.endpoint in OAUTH_ENDPOINTS:
        status, body = oid4vci.error_response(error)
        extra = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if status == 401 else {}
        return json_error(status, body["error"], body["error_description"], **extra)
    status = _STATUS_BY_CODE.get(error.code) or http_policy.status_for(error)
    if wants_json():
        return json_error(status, error.code, error.message)
    return _page(status, wording.error(error), error.code)


def handle_http_error(error: HTTPException) -> Any:
    """Werkzeug's HTTP errors (404, 405, 413, ...) in the same styles."""
    status = error.code or 500
    description = error.description or ""
    if request.endpoint in OAUTH_ENDPOINTS:
        code = "invalid_token" if status == 401 else "invalid_request"
        return json_error(status, code, description[:200])
    if wants_json():
        return json_error(status, (error.name or "error").lower().replace(" ", "_"), description)
    known = _MESSAGES.get(status)
    return _page(status, str(known) if known is not None else description)


def handle_csrf_error(error: CSRFError) -> Any:
    """A form without a valid CSRF token: nothing is changed (SECURITY-CASES I04)."""
    if wants_json():  # machine answers stay in English, like every API error
        return json_error(400, "csrf_failed", "the form was out of date or came from another site")
    message = _("The form was out of date or came from another site. Reload the page and retry.")
    return _page(400, message, "csrf_failed")


def handle_busy(error: sqlite3.OperationalError) -> Any:
    """A database that stayed locked (J03) is a 503 to retry, never a 500."""
    if "locked" not in str(error) and "busy" not in str(error):
        raise error
    log.warning("database busy: %s", error)
    if wants_json():
        busy = "the service is busy; try again in a moment"
        return json_error(503, "temporarily_unavailable", busy, **{"Retry-After": "2"})
    return _page(503, _("The service is busy. Please try again in a moment."))


def cap_body() -> None:
    """Apply the per-endpoint body cap before anything reads the body."""
    cap = BODY_CAPS.get(request.endpoint or "")
    if cap is not None:
        request.max_content_length = cap


def add_headers(response: Response) -> Response:
    """Security headers on every answer (I05, I13); private pages are never cached."""
    for name, value in http_policy.SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", http_policy.HSTS)
    if g.get("staff") is not None and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def context() -> dict[str, Any]:
    """What every template may use: app name, title, icon and home endpoint."""
    return {
        "app_name": "issuer",
        "app_title": _("Credential issuer"),
        "app_icon": "🎓",
        "app_home": "issuer.dashboard",
        "staff": g.get("staff"),
    }


def init_app(app: Flask) -> None:
    """Install CSRF protection, Babel, headers, caps and the error handlers."""
    csrf.init_app(app)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # documents keep their order
    # Pages in the visitor's language: the switch, then the cookie, then Accept-Language.
    app.wsgi_app = language.LanguageMiddleware(  # type: ignore[method-assign]
        app.wsgi_app, secure_cookie=str(app.config["BASE_URL"]).startswith("https://")
    )
    Babel(
        app,
        locale_selector=language.current,
        default_translation_directories="../translations/issuer",
    )
    app.jinja_env.globals.update(language.TEMPLATE_GLOBALS)
    app.before_request(cap_body)
    app.after_request(add_headers)
    app.context_processor(context)
    app.register_error_handler(MicrocredError, handle_core_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(sqlite3.OperationalError, handle_busy)
