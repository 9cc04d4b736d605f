"""The wallet's web plumbing: CSRF, translations, security headers, errors, the signed-in user."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import Babel, force_locale, gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from microcred import language
from microcred.errors import MicrocredError
from microcred.http_policy import HSTS, SECURITY_HEADERS, status_for
from microcred.share import wants_presentation

from . import wording
from .store import accounts as account_store, get_db

# Endpoints that answer machines (verifiers, the scanner script): errors go out as JSON.
JSON_ENDPOINTS = frozenset({"wallet.share_fetch", "wallet.scan_frame"})
# Short names of the stored formats (microcred.card has the long ones).
SHORT_FORMAT_LABELS = {"sd-jwt-vc": "SD-JWT VC", "ldp-vc": "Open Badges 3.0", "vc-jwt": "VC-JWT"}
# Endpoints that accept a backup file, larger than MAX_CONTENT_LENGTH.
UPLOAD_ENDPOINTS = frozenset({"wallet.import_backup"})
# Pages that show credentials: the service worker may keep them for offline reading.
OFFLINE_ENDPOINTS = frozenset({"wallet.home", "wallet.card"})

csrf = CSRFProtect()
F = TypeVar("F", bound=Callable[..., Any])


def session_hash(session_id: str) -> str:
    """The database key of a session id (the table never holds a usable cookie value)."""
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()


def load_user() -> None:
    """Put the signed-in user (or None) on `g` from the server-side session table."""
    g.user = None
    session_id = session.get("sid")
    if not isinstance(session_id, str):
        return
    g.user = account_store.session_user(
        get_db(),
        session_hash(session_id),
        now=time.time(),
        idle_seconds=float(current_app.config["SESSION_IDLE"]),
    )
    if g.user is None:
        session.clear()


def login_required(view: F) -> F:
    """Send visitors who are not signed in to the sign-in page, remembering where they were."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.user is None:
            target = request.full_path if request.method == "GET" else request.path
            return redirect(url_for("wallet.signin", next=target.rstrip("?")), 303)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _wants_json() -> bool:
    accept = request.headers.get("Accept", "")
    machine = "text/html" not in accept and wants_presentation(accept)
    return request.endpoint in JSON_ENDPOINTS or machine


def _error_page(status: int, title: str, message: str, code: str) -> tuple[Any, int]:
    if _wants_json():
        return jsonify({"error": code, "error_description": message}), status
    return render_template("_error.html", title=title, message=message, code=code), status


def _language_of_answer() -> Any:
    # A JSON answer is for a program (a verifier, the scanner script): its words stay English.
    return force_locale("en") if _wants_json() else contextlib.nullcontext()


def page_status(error: MicrocredError) -> int:
    """The status of a wallet page showing a core error: 4xx, also when an upstream failed.

    A malicious or unreachable issuer or verifier is bad input from the learner's side; the
    page says what happened, and 5xx stays reserved for the wallet's own faults.
    """
    status = status_for(error)
    return status if status < 500 else 422


def _handle_microcred(error: MicrocredError) -> tuple[Any, int]:
    with _language_of_answer():
        title, message = _("That did not work"), wording.error(error)
    return _error_page(page_status(error), title, message, error.code)


def _handle_csrf(error: CSRFError) -> tuple[Any, int]:
    with _language_of_answer():
        title = _("Please try again")
        message = _("The form expired or came from another site. Reload the page and try again.")
    return _error_page(400, title, message, "csrf_failed")


def _handle_http(error: HTTPException) -> tuple[Any, int]:
    status = error.code or 400
    with _language_of_answer():
        titles = {
            400: _("Bad request"),
            404: _("Not found"),
            405: _("Not allowed"),
            410: _("Gone"),
            413: _("Too large"),
            429: _("Slow down"),
        }
        message = str(error.description) if status in (400, 410, 429) else _("Nothing here.")
        if status == 413:
            message = _("The upload is larger than this wallet accepts.")
        elif status in (400, 410, 429) and not wording.is_english():
            # Werkzeug's descriptions are English: other languages get the gist in their words.
            message = {
                400: _("The request was not understood."),
                410: _("This is no longer available."),
                429: _("Too many requests. Wait a moment, then try again."),
            }[status]
        title = titles.get(status, _("Error"))
    return _error_page(status, title, message, f"http_{status}")


def _headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if g.get("user") is not None and request.endpoint not in OFFLINE_ENDPOINTS:
        # Pages of a signed-in learner stay out of shared caches and the back/forward cache.
        response.headers.setdefault("Cache-Control", "no-store")
    elif g.get("user") is not None:
        response.headers.setdefault("Cache-Control", "private, no-cache")
    return response


def format_label(kind: str) -> str:
    """A short name of a credential format for pages."""
    return SHORT_FORMAT_LABELS.get(kind, kind)


def _template_context() -> dict[str, Any]:
    return {
        "app_name": "wallet",
        "app_title": _("Wallet"),
        "app_icon": "◆",
        "app_home": "wallet.home",
        "current_user": g.get("user"),
    }


def _upload_limit() -> None:
    # Only the import form takes large bodies; set before CSRFProtect reads the form.
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = int(current_app.config["IMPORT_MAX_BYTES"])


def init_app(app: Flask) -> None:
    """Install CSRF protection, Babel, headers, error handlers and the user loader."""
    app.before_request(_upload_limit)
    csrf.init_app(app)
    # Pages in the visitor's language: the switch, then the cookie, then Accept-Language.
    app.wsgi_app = language.LanguageMiddleware(  # type: ignore[method-assign]
        app.wsgi_app, secure_cookie=str(app.config["BASE_URL"]).startswith("https://")
    )
    Babel(
        app,
        locale_selector=language.current,
        default_translation_directories="../translations/wallet",
    )
    app.jinja_env.globals.update(language.TEMPLATE_GLOBALS)
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops:
        # Behind a reverse proxy every request comes from the proxy: the per-address limits
        # would then be one limit for everybody. Trust exactly this many X-Forwarded-For hops.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.before_request(load_user)
    app.after_request(_headers)
    app.context_processor(_template_context)
    app.add_template_filter(wording.when)
    app.add_template_filter(wording.day)
    app.add_template_filter(wording.number)
    app.add_template_global(format_label)
    # The core's English labels, verdicts and reasons, shown in the page's language.
    for helper in (
        wording.claim_label,
        wording.annex_label,
        wording.check_label,
        wording.check_state,
        wording.check_message,
        wording.verdict_word,
        wording.reason,
        wording.trust_status,
        wording.format_name,
        wording.participation,
        wording.language_name,
        wording.country_name,
        wording.hours,
    ):
        app.add_template_global(helper)
    app.add_template_global(wording.error, "error_text")
    app.register_error_handler(MicrocredError, _handle_microcred)
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
