"""Fixtures of the issuer tests: a fresh seeded app per test and a signed-in administrator."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from issuer_app import PASSWORD, Staff, make_app

from issuer_stub.demo import seed


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """A seeded issuer (demo institution, admin account, three published courses)."""
    monkeypatch.chdir(tmp_path)
    built = make_app(tmp_path)
    seed(built, username="admin", password=PASSWORD)
    return built


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """An anonymous test client."""
    return app.test_client()


@pytest.fixture
def staff(client: FlaskClient) -> Staff:
    """A signed-in administrator."""
    helper = Staff(client)
    response = helper.sign_in()
    assert response.status_code == 303
    return helper
