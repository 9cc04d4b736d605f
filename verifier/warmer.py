"""Keeps the caches warm for registry issuers, so a verification never waits on a fetch.

A background thread per process refetches each registry issuer's DID document and status lists
shortly before they expire. The lists are the ones seen in verified credentials (remembered in
the database, so every process and every restart knows them), plus a first guess at the interop
contract's conventional `/status/*` paths. While an issuer is in the registry and reachable, its
documents are always fresh when a credential arrives (issue 5; SECURITY-CASES E14 and D12: the
issuer does not learn when a credential is checked).
"""

from __future__ import annotations

import functools
import logging
import math
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlite_utils import Database

from microcred.did import did_web_url
from microcred.errors import MicrocredError
from microcred.status_cache import StatusRef

from . import store
from .store import status_lists

if TYPE_CHECKING:
    from .pipeline import Pipeline

log = logging.getLogger(__name__)
# Seconds before expiry a document is refetched: more than one fetch's timeout (5 s).
REFRESH_LEAD = 10.0
# Bounds of the pause between two passes; a registry change wakes the thread at once.
MIN_SLEEP, MAX_SLEEP = 1.0, 30.0
# A document that failed to refresh is tried again after this long, not on every pass.
RETRY_AFTER = 60.0
# Seconds between two purges of expired results (besides the purge in every write).
PURGE_EVERY = 60.0
# Where the interop contract's issuers publish their lists, relative to their did:web site.
CONVENTIONAL_LISTS = (
    StatusRef("token", None, "/status/token", 0),
    StatusRef("BitstringStatusListEntry", "revocation", "/status/revocation", 0),
    StatusRef("BitstringStatusListEntry", "suspension", "/status/suspension", 0),
)
WELL_KNOWN_DID = "/.well-known/did.json"

Key = tuple[str, str, StatusRef | None]


class Warmer:
    """Refreshes one pipeline's caches for the registry's issuers ahead of expiry."""

    def __init__(self, pipeline: Pipeline, database: str) -> None:
        self.pipeline, self.database = pipeline, database
        self.delay = MIN_SLEEP  # until the next pass, as the last pass computed it
        self._failed: dict[Key, float] = {}
        self._guessed: set[str] = set()  # issuers whose conventional lists were tried
        self._remembered: set[tuple[str, StatusRef]] = set()
        self._last_purge = -math.inf
        self._wake, self._stop = threading.Event(), threading.Event()
        self._lock = threading.Lock()
        self._pid: int | None = None
        self.thread: threading.Thread | None = None

    def tick(self, db: Database) -> dict[str, int]:
        """One pass: refresh what is due, remember newly seen lists, purge; what was fetched."""
        now = self.pipeline.clock()
        issuers = {entry.did for entry in self.pipeline.registry(db).entries()}
        done = {"issuers": len(issuers), "documents": 0, "lists": 0, "failed": 0}
        resolver, lists = self.pipeline.resolver, self.pipeline.status_lists
        expiries = []
        for did in sorted(d for d in issuers if d.startswith("did:web:")):
            expires = resolver.expires(did)
            if self._due(("did", did, None), expires, now):
                refresh = functools.partial(resolver.refresh, did)
                expires = self._refresh(("did", did, None), refresh, done, "documents")
            expiries.append(expires)
        cached = {(issuer, ref): exp for issuer, ref, exp in lists.cached() if issuer in issuers}
        for issuer, ref in self._candidates(db, issuers, cached):
            key, expires = ("list", issuer, ref), cached.get((issuer, ref))
            if self._due(key, expires, now):
                expires = self._refresh(
                    key, functools.partial(lists.refresh, issuer, ref), done, "lists"
                )
            expiries.append(expires)
        self._remember(db, cached, now)
        if now - self._last_purge >= PURGE_EVERY:
            store.cleanup(db)
            self._last_purge = now
        soonest = min((e for e in expiries if e is not None), default=math.inf)
        self.delay = min(max(soonest - REFRESH_LEAD - now, MIN_SLEEP), MAX_SLEEP)
        return done

    def _due(self, key: Key, expires: float | None, now: float) -> bool:
        if self._failed.get(key, -math.inf) + RETRY_AFTER > now:
            return False
        return expires is None or expires - now <= REFRESH_LEAD

    def _refresh(
        self, key: Key, fetch: Callable[[], float], done: dict[str, int], kind: str
    ) -> float | None:
        try:
            expires = fetch()
        except MicrocredError as error:
            # Unreachable or invalid: the cached copy serves until it expires, then a
            # verification fetches (and reports) for itself. Not retried on every pass.
            log.info("cache warmer: %s %s not refreshed (%s)", kind, key[1], error.code)
            self._failed[key] = self.pipeline.clock()
            done["failed"] += 1
            return None
        self._failed.pop(key, None)
        done[kind] += 1
        return expires

    def _candidates(
        self, db: Database, issuers: set[str], cached: dict[tuple[str, StatusRef], float]
    ) -> list[tuple[str, StatusRef]]:
        """Lists to keep warm: cached or remembered ones, and a first guess for new issuers."""
        found = dict.fromkeys([*cached, *status_lists.known(db)])
        with_lists = {issuer for issuer, _ref in found}
        for issuer in sorted(issuers - with_lists - self._guessed):
            self._guessed.add(issuer)  # one guess per process: a 404 is not asked again
            found.update(dict.fromkeys(self._conventional(issuer)))
        return list(found)

    def _conventional(self, issuer: str) -> list[tuple[str, StatusRef]]:
        if not issuer.startswith("did:web:"):
            return []
        url = did_web_url(issuer, scheme=self.pipeline.web_scheme)
        if not url.endswith(WELL_KNOWN_DID):
            return []
        base = url.removesuffix(WELL_KNOWN_DID)
        return [(issuer, StatusRef(r.kind, r.purpose, base + r.url, 0)) for r in CONVENTIONAL_LISTS]

    def _remember(
        self, db: Database, cached: dict[tuple[str, StatusRef], float], now: float
    ) -> None:
        new = [pair for pair in cached if pair not in self._remembered]
        if new:
            status_lists.remember(db, new, now)
            self._remembered.update(new)

    # --- the thread ----------------------------------------------------------------------

    def ensure_running(self) -> None:
        """Start this process's thread if it has none (first request, or after a fork)."""
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._stop.clear()
            self.thread = threading.Thread(target=self._run, name="cache-warmer", daemon=True)
            self.thread.start()

    def wake(self) -> None:
        """Make the next pass now, e.g. after a registry change."""
        self._wake.set()

    def stop(self) -> None:
        """End the thread (tests; a server process simply exits)."""
        self._stop.set()
        self._wake.set()
        if self.thread is not None:
            self.thread.join(timeout=30)

    def _run(self) -> None:
        db = store.connect(self.database)
        try:
            while not self._stop.is_set():
                try:
                    self.tick(db)
                except Exception:  # a locked database, a bug: log it, keep the caches warm
                    log.exception("cache warmer pass failed")
                    self.delay = MAX_SLEEP
                self._wake.wait(self.delay)
                self._wake.clear()
        finally:
            db.conn.close()
