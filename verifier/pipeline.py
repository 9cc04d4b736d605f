"""The verification machinery of one verifier process: guarded fetcher, DID and status caches.

Caches live per process (DID documents for their TTL, status lists for their max-age, the
trust registry until the database says it changed); nothing else is kept in memory, so any
number of processes can share one database (issue 5, "stateless").
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import click
from flask import Flask, current_app
from sqlite_utils import Database

from microcred import payload
from microcred.did import DIDResolver, did_web_url
from microcred.errors import MicrocredError
from microcred.fetch import Fetcher, FetchPolicy
from microcred.report import Report
from microcred.status_cache import StatusListCache, StatusRef
from microcred.trust import TrustRegistry
from microcred.verify import Policy, Verifier

from . import store

log = logging.getLogger(__name__)
# Where the interop contract's issuers publish their lists, relative to their did:web site.
CONVENTIONAL_LISTS = (
    StatusRef("token", None, "/status/token", 0),
    StatusRef("BitstringStatusListEntry", "revocation", "/status/revocation", 0),
    StatusRef("BitstringStatusListEntry", "suspension", "/status/suspension", 0),
)
WELL_KNOWN_DID = "/.well-known/did.json"


class Pipeline:
    """One process's fetcher, resolver, status-list cache and registry cache."""

    def __init__(self, *, insecure_localhost: bool) -> None:
        # Production is https-only with no private addresses; the demo opts into loopback http.
        policy = (
            FetchPolicy(allow_http=True, allow_loopback=True)
            if insecure_localhost
            else FetchPolicy()
        )
        self.allow_http = insecure_localhost
        self.fetcher = Fetcher(policy)
        self.web_scheme = "http" if insecure_localhost else "https"
        self.resolver = DIDResolver(self.fetcher.get_json, web_scheme=self.web_scheme)
        self.status_lists = StatusListCache(self.fetcher, self.resolver)
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

    def prefetch(self, db: Database) -> dict[str, int]:
        """Fetch registry issuers' DID documents and status lists into the caches."""
        done = {"issuers": 0, "documents": 0, "lists": 0}
        for issuer in sorted({entry.did for entry, _ in store.registry_entries(db)}):
            done["issuers"] += 1
            try:
                self.resolver.resolve(issuer)
            except MicrocredError as error:
                log.info("prefetch: %s not resolved (%s)", issuer, error.code)
                continue
            done["documents"] += 1
            done["lists"] += self._prefetch_lists(issuer)
        return done

    def _prefetch_lists(self, issuer: str) -> int:
        if not issuer.startswith("did:web:"):
            return 0
        url = did_web_url(issuer, scheme=self.web_scheme)
        if not url.endswith(WELL_KNOWN_DID):
            return 0
        base = url[: -len(WELL_KNOWN_DID)]
        fetched = 0
        for ref in CONVENTIONAL_LISTS:
            located = StatusRef(ref.kind, ref.purpose, base + ref.url, 0)
            try:
                self.status_lists.status(issuer, (located,), ref.purpose or "revocation")
                fetched += 1
            except MicrocredError:
                continue  # an issuer without this list: nothing to cache
        return fetched


def pipeline() -> Pipeline:
    """The current app's pipeline."""
    found: Pipeline = current_app.extensions["verifier.pipeline"]
    return found


def prefetch_now(app: Flask) -> dict[str, int]:
    """Prefetch for the registry's issuers, in this process."""
    db = store.connect(app.config["DATABASE"])
    try:
        result: dict[str, int] = app.extensions["verifier.pipeline"].prefetch(db)
        return result
    finally:
        db.conn.close()


def start_prefetch(app: Flask) -> None:
    """Prefetch at startup or after an import: in a thread unless configured otherwise."""
    if app.config["PREFETCH_IN_BACKGROUND"]:
        threading.Thread(target=prefetch_now, args=(app,), daemon=True).start()
    else:
        prefetch_now(app)


def init_app(app: Flask) -> None:
    """Create this process's pipeline, prefetch, and register the `prefetch` command."""
    app.extensions["verifier.pipeline"] = Pipeline(
        insecure_localhost=bool(app.config["ALLOW_INSECURE_LOCALHOST"])
    )

    @app.cli.command("prefetch")
    def prefetch_command() -> None:
        """Fetch the DID documents and status lists of the registry's issuers."""
        done = prefetch_now(app)
        click.echo(", ".join(f"{name}: {count}" for name, count in done.items()))

    if app.config["PREFETCH_ON_START"]:
        start_prefetch(app)
