"""The wallet's view of the outside world: guarded HTTP, DID resolution, status, trust, the vault.

Built once per app from its config and kept in `app.extensions`, so every request shares the
fetch and DID caches. Plain http and loopback are allowed only with ALLOW_INSECURE_LOCALHOST.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import Flask, current_app

from microcred import DIDResolver, Fetcher, FetchPolicy, StatusListCache, TrustRegistry, Verifier
from microcred.errors import MicrocredError
from microcred.key_vault import KeyVault, load_or_create_kek

log = logging.getLogger(__name__)


@dataclass
class Outside:
    """Shared clients of one wallet app."""

    fetcher: Fetcher
    resolver: DIDResolver
    status_lists: StatusListCache
    vault: KeyVault
    registry_source: str | None = None
    _registry: TrustRegistry | None = field(default=None, repr=False)

    def registry(self) -> TrustRegistry | None:
        """The trust registry (a URL is re-fetched through the fetcher's cache); None if none."""
        if self.registry_source is None:
            return None
        if not self.registry_source.startswith(("https://", "http://")):
            return self._registry
        try:
            return TrustRegistry.fetch(self.registry_source, self.fetcher.get_json)
        except MicrocredError as error:
            log.warning("trust registry unavailable (%s)", error.code)
            return None

    def verifier(self) -> Verifier:
        """A verification pipeline wired to this wallet's clients and registry."""
        return Verifier(
            resolver=self.resolver, status_lists=self.status_lists, registry=self.registry()
        )


def init_app(app: Flask) -> None:
    """Build the shared clients from the app's config."""
    insecure = bool(app.config["ALLOW_INSECURE_LOCALHOST"])
    policy = FetchPolicy.for_app(
        insecure_localhost=insecure,
        ca_file=app.config.get("DEMO_CA_FILE"),
        own_hosts=app.config.get("DEMO_HOSTS") or (),
    )
    fetcher = Fetcher(policy)
    resolver = DIDResolver(fetcher.get_json, web_scheme="http" if insecure else "https")
    source = app.config.get("TRUST_REGISTRY")
    outside = Outside(
        fetcher=fetcher,
        resolver=resolver,
        status_lists=StatusListCache(fetcher, resolver),
        vault=KeyVault(load_or_create_kek(app.config["KEK_FILE"])),
        registry_source=str(source) if source else None,
    )
    if outside.registry_source and not outside.registry_source.startswith(("https:", "http:")):
        outside._registry = TrustRegistry.load(outside.registry_source)
    app.extensions["microcred_wallet"] = outside


def get_outside() -> Outside:
    """The current app's shared clients."""
    outside: Outside = current_app.extensions["microcred_wallet"]
    return outside
