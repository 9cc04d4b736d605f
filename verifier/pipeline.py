"""The verification machinery of one verifier process: guarded fetcher, DID and status caches.

Caches live per process (DID documents and status lists for their max-age, the trust registry
until the database says it changed) and are kept warm for registry issuers by `warmer`; nothing
else is kept in memory, so any number of processes can share one database (issue 5, "stateless").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import click
from flask import Flask, current_app
from sqlite_utils import Database

from microcred import payload
from microcred.did import DIDResolver
from microcred.endpoint import Resolver
from microcred.fetch import Fetcher, FetchPolicy
from microcred.report import Report
from microcred.status_cache import StatusListCache
from microcred.trust import TrustRegistry
from microcred.verify import Policy, Verifier

from . import store


class Pipeline:
    """One process's fetcher, resolver, status-list cache and registry cache."""

    def __init__(
        self,
        *,
        insecure_localhost: bool,
        clock: Callable[[], float] | None = None,
        dns_resolver: Resolver | None = None,
        status_min_ttl: float = 30.0,
        policy: FetchPolicy | None = None,
    ) -> None:
        # Production is https-only with no private addresses; the demo opts into loopback http.
        policy = policy or FetchPolicy.for_app(insecure_localhost=insecure_localhost)
        self.allow_http = insecure_localhost
        self.clock = clock or time.time
        self.fetcher = Fetcher(policy, resolver=dns_resolver)
        self.web_scheme = "http" if insecure_localhost else "https"
        # Uncached GETs: the resolver and the list cache keep each document for its own max-age,
        # and a refresh ahead of expiry must reach the issuer, not an older cached answer.
        fetcher = self.fetcher
        self.resolver = DIDResolver(
            web_scheme=self.web_scheme,
            clock=self.clock,
            fetch_response=lambda url: fetcher.get(url, use_cache=False),
        )
        self.status_lists = StatusListCache(
            self.fetcher, self.resolver, clock=self.clock, min_ttl=status_min_ttl
        )
        self._registry: tuple[int, TrustRegistry] | None = None

    def registry(self, db: Database) -> TrustRegistry:
        """The trust registry, rebuilt only when another write changed its version."""
        version = store.registry_version(db)
        cached = self._registry
        if cached is None or cached[0] != version:
            registry = TrustRegistry("verifier registry", tuple(store.registry_entries(db)))
            cached = self._registry = (version, registry)
        return cached[1]

    def verify(self, document: str | dict[str, Any], policy: Policy, db: Database) -> Report:
        """Run the core pipeline with this process's caches and the current registry."""
        verifier = Verifier(
            resolver=self.resolver, status_lists=self.status_lists, registry=self.registry(db)
        )
        return verifier.verify(document, policy)

    def check_text(self, text: str, db: Database) -> Report:
        """Verify what a scan, paste or file holds; share links are fetched (never opened)."""
        scanned = payload.classify(text, allow_http=self.allow_http)
        document = scanned.value
        if scanned.kind == "share_link" and isinstance(document, str):
            document = payload.fetch_shared(document, self.fetcher)
        return self.verify(document, Policy(), db)


def pipeline() -> Pipeline:
    """The current app's pipeline."""
    found: Pipeline = current_app.extensions["verifier.pipeline"]
    return found


def init_app(app: Flask) -> None:
    """Create this process's pipeline and cache warmer, and register the `prefetch` command."""
    from .warmer import Warmer

    made = app.extensions["verifier.pipeline"] = Pipeline(
        insecure_localhost=bool(app.config["ALLOW_INSECURE_LOCALHOST"]),
        clock=app.config["CLOCK"],
        dns_resolver=app.config["DNS_RESOLVER"],
        status_min_ttl=float(app.config["STATUS_MIN_TTL"]),
        policy=FetchPolicy.for_app(
            insecure_localhost=bool(app.config["ALLOW_INSECURE_LOCALHOST"]),
            ca_file=app.config.get("DEMO_CA_FILE"),
            own_hosts=app.config.get("DEMO_HOSTS") or (),
        ),
    )
    warmer = app.extensions["verifier.warmer"] = Warmer(made, app.config["DATABASE"])
    warm = app.config["WARM_CACHES"]
    if warm or (warm is None and not app.testing):
        # Started by the first request of each process: never in `flask` commands, and again
        # in every worker a server forks (a thread does not survive a fork).
        app.before_request(warmer.ensure_running)

    @app.cli.command("prefetch")
    def prefetch_command() -> None:
        """Fetch the DID documents and status lists of the registry's issuers, once, here."""
        db = store.connect(app.config["DATABASE"])
        try:
            done = warmer.tick(db)
        finally:
            db.conn.close()
        click.echo(", ".join(f"{name}: {count}" for name, count in done.items()))
