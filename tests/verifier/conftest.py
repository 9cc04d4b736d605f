"""Fixtures of the verifier tests: the app, its client, a loopback institution and wallet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from issuer_site import Institution, Site
from verifier_world import make_app, signed_in


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def staff(app: Flask) -> FlaskClient:
    """A client signed in as a staff member, for the registry, settings and history."""
    return signed_in(app)


@pytest.fixture
def institution(live_server: Callable[..., Any]) -> Institution:
    """A loopback institution with did:web and status lists, served over real HTTP."""
    site = Site()
    server = live_server(site)
    return Institution(site, server.url)


@pytest.fixture
def wallet_site(live_server: Callable[..., Any]) -> tuple[Site, str]:
    """A stand-in for a wallet's share endpoint: (site, base URL)."""
    site = Site()
    return site, live_server(site).url
