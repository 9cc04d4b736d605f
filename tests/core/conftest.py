"""Fixtures of the core tests: loopback institutions for the pipeline tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from issuer_site import Site
from loopback import LiveServer
from verify_world import World, build_world


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[Site, str]]:
    """A site served over HTTP for the whole module: (site, its URL)."""
    site = Site()
    server = LiveServer(site)
    yield site, server.url
    server.close()


@pytest.fixture(scope="module")
def world(site: tuple[Site, str]) -> World:
    """A stable institution: never changed by any test."""
    return build_world(*site)


@pytest.fixture(scope="module")
def scratch_site() -> Iterator[tuple[Site, str]]:
    """A second site for the module, whose institutions tests may change: (site, its URL)."""
    site = Site()
    server = LiveServer(site)
    yield site, server.url
    server.close()


@pytest.fixture
def fresh(scratch_site: tuple[Site, str]) -> World:
    """A new institution (new key, clean lists) that a test may revoke, break or remove."""
    world = build_world(*scratch_site)
    world.site.hits.clear()
    return world
