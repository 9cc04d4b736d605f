"""Issuer test helpers shared by the fixtures and the tests: app factory, staff client, dumps.

(In its own module, not conftest.py, so that test files import it by a name no other test
folder uses.)
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from loopback import free_port

from issuer_stub import create_app
from issuer_stub.demo import seed

PASSWORD = "correct horse battery"
# Cheap argon2 parameters: tests sign in often; production keeps the defaults.
FAST_HASH = {"PASSWORD_TIME_COST": 1, "PASSWORD_MEMORY_KIB": 1024, "PASSWORD_PARALLELISM": 1}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_app(tmp_path: Path, base_url: str = "http://localhost:5001", **extra: Any) -> Flask:
    """An issuer app on a fresh database and instance folder under tmp_path."""
    config: dict[str, Any] = {
        "TESTING": True,
        "DATABASE": str(tmp_path / "issuer.sqlite"),
        "BASE_URL": base_url,
        "ALLOW_INSECURE_LOCALHOST": True,
        "SECRET_KEY": b"k" * 32,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        **FAST_HASH,
        **extra,
    }
    return create_app(config)


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    """A CSRF token from a page's form (tied to the client's session)."""
    page = client.get(path).get_data(as_text=True)
    found = _CSRF.search(page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


class Staff:
    """Sign in and send forms as a staff member, with the page's CSRF token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token = ""

    def sign_in(self, username: str = "admin", password: str = PASSWORD) -> Any:
        token = csrf_token(self.client)
        response = self.client.post(
            "/sign-in", data={"username": username, "password": password, "csrf_token": token}
        )
        self.token = csrf_token(self.client, "/")
        return response

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.client.post(path, data={**(data or {}), "csrf_token": self.token}, **kwargs)


def serve_seeded(tmp_path: Path, live_server: Any) -> tuple[Flask, Staff, str]:
    """A seeded issuer over real HTTP at the address it knows itself by: (app, admin, URL)."""
    port = free_port()
    app = make_app(tmp_path, base_url=f"http://localhost:{port}")
    seed(app, password=PASSWORD)
    url = live_server(app, port).url
    staff = Staff(app.test_client())
    assert staff.sign_in().status_code == 303
    return app, staff, url


TABLES = (
    "profile",
    "staff",
    "courses",
    "awards",
    "offers",
    "access_tokens",
    "deliveries",
    "spent_nonces",
    "status_documents",
    "status_lists",
    "api_tokens",
    "bulk_jobs",
    "audit",
)


def dump(app: Flask, tables: tuple[str, ...] = TABLES) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the given tables, for before/after comparisons (G3: nothing changed)."""
    conn = sqlite3.connect(app.config["DATABASE"])
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}
    finally:
        conn.close()
