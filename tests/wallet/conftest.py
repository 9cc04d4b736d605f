"""Fixtures of the wallet tests: an app per test, a client, a sign-up helper, cards to hold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
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
