"""The learner's wallet: receive, keep, read and selectively share micro-credentials."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from microcred import secret_file


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the wallet app: config, store, security, translations, the one blueprint."""
    # Tests and the demo may put the instance folder (key files, database) elsewhere.
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "WALLET_INSTANCE_PATH"
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
        DATABASE=str(instance / "wallet.sqlite"),
        KEK_FILE=str(instance / "wallet-kek"),
        # The three apps share the instance folder: each keeps its own signing key.
        SECRET_KEY_FILE=str(instance / "wallet-secret-key"),
        BASE_URL="http://localhost:5002",
        ALLOW_INSECURE_LOCALHOST=False,
        # A registry file path or an https URL listing the issuers this wallet calls "known".
        TRUST_REGISTRY=None,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        IMPORT_MAX_BYTES=64 * 1024 * 1024,
        SESSION_COOKIE_NAME="wallet_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_LIFETIME=14 * 24 * 3600,
        SESSION_IDLE=24 * 3600,
        # argon2id for passwords (RFC 9106 second recommendation); tests lower the memory.
        PASSWORD_TIME_COST=3,
        PASSWORD_MEMORY_KIB=65_536,
        PASSWORD_PARALLELISM=4,
        BACKUP_KDF=None,
        PENDING_SECONDS=30 * 60,
    )
    app.config.from_prefixed_env("WALLET")
    if test_config is not None:
        app.config.from_mapping(test_config)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        # The session-signing key: 32 random bytes in a mode-600 file, made on first start.
        app.config["SECRET_KEY"] = secret_file.read_or_create(
            app.config["SECRET_KEY_FILE"], lambda: os.urandom(32)
        )
    if str(app.config["BASE_URL"]).startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["SESSION_COOKIE_NAME"] = "__Host-wallet"

    from . import store

    store.init_app(app)

    from . import demo, outside, web

    outside.init_app(app)
    web.init_app(app)
    demo.init_app(app)

    from .views import bp

    app.register_blueprint(bp)
    return app
