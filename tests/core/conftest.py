"""Fixtures of the core tests: loopback institutions for the pipeline tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from issuer_site import Site
from verify_world import World, build_world


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    site = Site()
    yield site
    site.close()


@pytest.fixture(scope="module")
def world(site: Site) -> World:
    """A stable institution: never changed by any test."""
    return build_world(site)


@pytest.fixture(scope="module")
def scratch_site() -> Iterator[Site]:
    site = Site()
    yield site
    site.close()


@pytest.fixture
def fresh(scratch_site: Site) -> World:
    """A new institution (new key, clean lists) that a test may revoke, break or remove."""
    world = build_world(scratch_site)
    scratch_site.hits.clear()
    return world
