"""The employer's verifier: scan or upload a QR, ask with OpenID4VP, get a verdict to trust."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from microcred import language, secret_file

# Read once at startup: a missing key file is created (mode 600), never a constant in source.
SECRET_KEY_FILE = "secret_key"
# Largest request: a 12-megapixel photo as PNG can reach ~20 MB; JSON and forms are far smaller.
MAX_UPLOAD_BYTES = 24 * 1024 * 1024


def _defaults(app: Flask) -> dict[str, Any]:
    return {
        "DATABASE": os.path.join(app.instance_path, "verifier.sqlite"),
        "BASE_URL": "http://localhost:5003",
        "ALLOW_INSECURE_LOCALHOST": False,
        "WALLET_URL": None,  # a wallet's base URL, for same-device OpenID4VP links
        "VERIFIER_NAME": "Employer verifier",
        "MAX_CONTENT_LENGTH": MAX_UPLOAD_BYTES,
        "MAX_FORM_MEMORY_SIZE": 1_000_000,
        # Browsers share cookies across ports: localhost:5002 and :5003 need different names.
        "SESSION_COOKIE_NAME": "verifier_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "VP_REQUEST_LIFETIME": 600,  # seconds a learner has to answer an OpenID4VP request
        "RESULT_LIFETIME": 3600,  # seconds a verification result page stays readable
        # Keep registry issuers' DID documents and status lists fresh in a background thread;
        # None: yes, except under TESTING (tests run the warmer's passes themselves).
        "WARM_CACHES": None,
        # Shortest time a status list is kept, whatever its max-age says (SECURITY-CASES E11);
        # the demo lowers it so a revocation shows within seconds.
        "STATUS_MIN_TTL": 30.0,
        "DNS_RESOLVER": None,  # tests inject one (host, port) -> addresses; None is the system's
        # Staff sessions: a working day at most, an hour idle (SECURITY-CASES I06).
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,
        "SESSION_LIFETIME": 12 * 3600,
        "SESSION_IDLE": 3600,
        # argon2id cost of staff passwords (RFC 9106 second recommendation: 64 MiB, t=3).
        "PASSWORD_TIME_COST": 3,
        "PASSWORD_MEMORY_KIB": 65_536,
        "PASSWORD_PARALLELISM": 4,
        # When set, the VC-API and /api/vp/requests want `Authorization: Bearer <API_TOKEN>`.
        "API_TOKEN": None,
        "CLOCK": None,  # tests inject a clock; None is the real time
        # Per client address and minute (SECURITY-CASES I11): verifications (scan form and
        # VC-API without the API token) and camera frames (a camera sends about two a second).
        "VERIFY_REQUESTS_PER_MINUTE": 120,
        "FRAME_REQUESTS_PER_MINUTE": 240,
        # Reverse proxies in front whose X-Forwarded-For is trusted (0: clients connect directly).
        "TRUSTED_PROXY_HOPS": 0,
        "BABEL_DEFAULT_LOCALE": "en",
    }


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the verifier app.

    The instance folder (secret key, signing key, database) is `instance/verifier/` unless
    `INSTANCE_PATH` is given in test_config or as VERIFIER_INSTANCE_PATH in the environment:
    a folder of its own, so the three apps never share a secret key file.
    """
    instance = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("VERIFIER_INSTANCE_PATH")
    default = Path(__file__).resolve().parent.parent / "instance" / "verifier"
    app = Flask(
        __name__,
        instance_path=str(instance or default),
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_mapping(_defaults(app))
    app.config.from_prefixed_env("VERIFIER")
    if test_config is not None:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_file.read_or_create(
            Path(app.instance_path) / SECRET_KEY_FILE, lambda: os.urandom(32)
        )
    app.config["DATABASE"] = str(app.config["DATABASE"])
    app.config["BASE_URL"] = str(app.config["BASE_URL"]).rstrip("/")
    if app.config["BASE_URL"].startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["SESSION_COOKIE_NAME"] = "__Host-verifier"  # host-only, https-only (I08)

    from . import auth, demo, handlers, identity, pipeline, store, throttling

    store.init_app(app)
    identity.init_app(app)
    auth.init_app(app)
    throttling.init_app(app)
    demo.init_app(app)
    pipeline.init_app(app)
    csrf = CSRFProtect(app)
    # Pages in the visitor's language: the switch, then the cookie, then Accept-Language.
    app.wsgi_app = language.LanguageMiddleware(  # type: ignore[method-assign]
        app.wsgi_app, secure_cookie=str(app.config["BASE_URL"]).startswith("https://")
    )
    Babel(
        app,
        locale_selector=language.current,
        default_translation_directories="../translations/verifier",
    )
    app.jinja_env.globals.update(language.TEMPLATE_GLOBALS)
    handlers.init_app(app)

    # The view modules add their routes to bp when imported.
    from . import account_views, api, registry_views, views, vp_views  # noqa: F401
    from .blueprint import bp

    # Cross-site protocol endpoints carry their own protection (state, bearer tokens), not a
    # CSRF token: the OpenID4VP response_uri (SECURITY-CASES I04) and the VC-API.
    for view in (vp_views.response, *api.EXEMPT):
        csrf.exempt(view)
    app.register_blueprint(bp)
    return app
