"""The institution's issuer: catalogue, OpenID4VCI issuing (one, bulk, VC-API), status lists."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from microcred import secret_file


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the issuer app: config, store, identity, security, translations, the blueprint."""
    # Tests and the demo may put the instance folder (key files, database) elsewhere.
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "ISSUER_INSTANCE_PATH"
    )
    app = Flask(
        __name__,
        instance_path=str(instance_path) if instance_path else None,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    instance = Path(app.instance_path)
    app.config.from_mapping(
        DATABASE=str(instance / "issuer.sqlite"),
        BASE_URL="http://localhost:5001",
        # The issuer fetches nothing (holder DIDs resolve offline); kept for the shared config.
        ALLOW_INSECURE_LOCALHOST=False,
        # CSV uploads are the largest bodies; protocol routes set smaller caps per request.
        MAX_CONTENT_LENGTH=6 * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=6 * 1024 * 1024,
        SESSION_COOKIE_NAME="issuer_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=12 * 3600,
        SESSION_LIFETIME=12 * 3600,
        SESSION_IDLE=60 * 60,
        PASSWORD_TIME_COST=3,
        PASSWORD_MEMORY_KIB=65_536,
        PASSWORD_PARALLELISM=4,
        # Offer lifetimes: on screen the learner scans at once; printed sheets travel for days.
        OFFER_LIFETIME=15 * 60,
        BULK_OFFER_LIFETIME=7 * 24 * 3600,
        # OpenID4VCI §13.10: bearer access tokens live at most 5 minutes.
        ACCESS_TOKEN_LIFETIME=300,
        TX_CODE_ATTEMPTS=5,
        # Refused token requests per address per minute (SECURITY-CASES G02, I11); successes
        # do not count, so a lecture hall behind one NAT can redeem its printed cards.
        TOKEN_FAILURES_PER_MINUTE=60,
        STATUS_MAX_AGE=60,
        # Entries of each new status list (a multiple of 8; tests use small lists to fill them).
        STATUS_LIST_SIZE=131_072,
        CLOCK=None,
    )
    app.config.from_prefixed_env("ISSUER")
    if test_config is not None:
        app.config.from_mapping(test_config)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        # The session-signing key: 32 random bytes in a mode-600 file, made once.
        app.config["SECRET_KEY"] = secret_file.read_or_create(
            instance / "secret_key", lambda: os.urandom(32)
        )
    if str(app.config["BASE_URL"]).startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["SESSION_COOKIE_NAME"] = "__Host-issuer"

    from . import auth, identity, responses, store

    store.init_app(app)
    identity.init_app(app)
    responses.init_app(app)
    auth.init_app(app)

    from . import bulk, cli, publishing

    bulk.init_app(app)
    cli.init_app(app)
    publishing.init_app(app)

    from .views import bp

    app.register_blueprint(bp)
    return app
