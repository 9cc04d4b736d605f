"""The employer's verifier: scan or upload a QR, ask with OpenID4VP, get a verdict to trust."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, request
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

# Read once at startup: a missing key file is created (mode 600), never a constant in source.
SECRET_KEY_FILE = "secret_key"
# Largest request: a 12-megapixel photo as PNG can reach ~20 MB; JSON and forms are far smaller.
MAX_UPLOAD_BYTES = 24 * 1024 * 1024


def _secret_key(folder: Path) -> bytes:
    path = folder / SECRET_KEY_FILE
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    key = os.urandom(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker created it first
        return path.read_bytes()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


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
        "PREFETCH_ON_START": True,
        "PREFETCH_IN_BACKGROUND": True,
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
        app.config["SECRET_KEY"] = _secret_key(Path(app.instance_path))
    app.config["DATABASE"] = str(app.config["DATABASE"])
    app.config["BASE_URL"] = str(app.config["BASE_URL"]).rstrip("/")
    if app.config["BASE_URL"].startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True

    from . import handlers, identity, pipeline, store

    store.init_app(app)
    identity.init_app(app)
    pipeline.init_app(app)
    csrf = CSRFProtect(app)
    Babel(app, locale_selector=lambda: request.accept_languages.best_match(["en"]) or "en")
    handlers.init_app(app)

    from . import api, registry_views, views, vp_views  # noqa: F401 (they add routes to bp)
    from .blueprint import bp

    # Cross-site protocol endpoints carry their own protection (state, bearer tokens), not a
    # CSRF token: the OpenID4VP response_uri (SECURITY-CASES I04) and the VC-API.
    for view in (vp_views.response, *api.EXEMPT):
        csrf.exempt(view)
    app.register_blueprint(bp)
    return app
