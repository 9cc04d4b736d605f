"""Fixtures of the wallet tests: an app per test, a client, a sign-up helper, cards to hold;
a running issuer_stub with a wallet that trusts it, for the receiving tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from loopback import free_port
from wallet_live import make_issuer, registry_file
from wallet_world import Auth, give_card, make_app


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path / "wallet")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def card_for(app: Flask) -> Callable[..., str]:
    """`card_for(username)` puts a card with all three formats into that learner's wallet."""
    return lambda username="learner", formats=(): give_card(app, username, formats)


@pytest.fixture
def issuer(tmp_path: Path, live_server: Any) -> dict[str, Any]:
    """A seeded issuer_stub served on loopback: {"app": the app, "base": its URL}."""
    port = free_port()
    app = make_issuer(tmp_path / "issuer", port)
    live_server(app, port)
    return {"app": app, "base": f"http://localhost:{port}"}


@pytest.fixture
def wallet(tmp_path: Path, issuer: dict[str, Any]) -> Flask:
    """A wallet whose trust registry lists the running issuer."""
    registry = registry_file(tmp_path / "registry", issuer["base"])
    return make_app(tmp_path / "wallet", TRUST_REGISTRY=str(registry))


@pytest.fixture
def learner(wallet: Flask) -> FlaskClient:
    """A signed-in learner of that wallet."""
    client = wallet.test_client()
    Auth(client).signup()
    return client
