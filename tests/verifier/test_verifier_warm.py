"""Warm caches: registry issuers' DID documents and status lists are refreshed ahead of expiry.

The app's clock is injected and the warmer's passes are run by hand, so nothing here waits:
moving the clock past an expiry is what a minute of real time would do. The institution serves
everything with `max-age=60` (token lists with `ttl: 60`).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from issuer_site import LIST_SIZE, Institution
from verifier_world import make_app, trust

from microcred import issuance
from microcred.demo import DEMO_AWARD, DEMO_COURSE
from microcred.token_status_list import TokenStatusList, sign_status_list_token
from verifier import store
from verifier.warmer import MAX_SLEEP, REFRESH_LEAD, Warmer

OWN_LIST = "/lists/7"  # not one of the conventional /status/* paths
LIFETIME = 60.0


class Clock:
    """The app's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def warm(tmp_path: Path, clock: Clock) -> Flask:
    return make_app(tmp_path, CLOCK=clock)


def run_pass(app: Flask) -> dict[str, int]:
    """One pass of the app's warmer, as its thread makes them."""
    warmer: Warmer = app.extensions["verifier.warmer"]
    db = store.connect(app.config["DATABASE"])
    try:
        return warmer.tick(db)
    finally:
        db.conn.close()


def own_list_credential(inst: Institution, index: int = 3) -> str:
    """A credential whose token status list lives at OWN_LIST, published there."""
    token = sign_status_list_token(
        TokenStatusList(bits=2, size=LIST_SIZE), inst.key, sub=inst.base + OWN_LIST,
        kid=inst.identity.verification_method, iat=int(time.time()), ttl=int(LIFETIME),
    )  # fmt: skip
    inst.site.put(OWN_LIST, token, "application/statuslist+jwt")
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    return issuance.issue_sd_jwt_vc(
        inst.identity, DEMO_COURSE, DEMO_AWARD, holder_jwk=None,
        status=(inst.base + OWN_LIST, index), issued_at=yesterday,
    )  # fmt: skip


def verdict(app: Flask, credential: Any) -> str:
    answer = app.test_client().post(
        "/credentials/verify", json={"verifiableCredential": credential}
    )
    return str(answer.json["verdict"])


def test_a_verification_never_fetches_while_the_issuer_is_in_the_registry(
    warm: Flask, clock: Clock, institution: Institution
) -> None:
    trust(warm, institution)
    assert run_pass(warm) == {"issuers": 1, "documents": 1, "lists": 3, "failed": 0}
    own = own_list_credential(institution)
    assert verdict(warm, own) == "VALID"  # its list was never seen: fetched this once
    assert institution.site.hits[OWN_LIST] == 1
    run_pass(warm)  # remembers the list the credential used
    for _ in range(5):  # five lifetimes of every document
        clock.now += LIFETIME - REFRESH_LEAD
        refreshed = run_pass(warm)
        assert (refreshed["documents"], refreshed["lists"]) == (1, 4)
        hits = dict(institution.site.hits)
        clock.now += REFRESH_LEAD  # past the expiry of what the previous pass fetched
        assert verdict(warm, own) == "VALID"
        assert verdict(warm, institution.sd_jwt()) == "VALID"
        assert verdict(warm, institution.open_badge()) == "VALID"
        assert dict(institution.site.hits) == hits  # nothing fetched by a verification
    assert warm.extensions["verifier.warmer"].delay == min(LIFETIME - REFRESH_LEAD, MAX_SLEEP)


def test_a_revocation_reaches_verifications_through_the_warmer(
    warm: Flask, clock: Clock, institution: Institution
) -> None:
    trust(warm, institution)
    run_pass(warm)
    assert verdict(warm, institution.sd_jwt(index=5)) == "VALID"
    institution.revoke(5)
    clock.now += LIFETIME - REFRESH_LEAD
    run_pass(warm)
    hits = dict(institution.site.hits)
    assert verdict(warm, institution.sd_jwt(index=5)) == "INVALID"
    assert dict(institution.site.hits) == hits


def test_another_process_prefetches_the_lists_seen_by_this_one(
    tmp_path: Path, warm: Flask, clock: Clock, institution: Institution
) -> None:
    trust(warm, institution)
    own = own_list_credential(institution)
    verdict(warm, own)
    run_pass(warm)
    second = make_app(tmp_path, CLOCK=clock)  # same database, empty caches
    # The list this issuer's credentials use, remembered; no guessing at /status/* paths.
    assert run_pass(second)["lists"] == 1
    hits = dict(institution.site.hits)
    assert verdict(second, own) == "VALID"
    assert dict(institution.site.hits) == hits


def test_issuers_removed_from_the_registry_are_left_to_expire(
    warm: Flask, clock: Clock, institution: Institution
) -> None:
    trust(warm, institution)
    verdict(warm, own_list_credential(institution))
    run_pass(warm)
    db = store.connect(warm.config["DATABASE"])
    store.remove_issuer(db, store.list_issuers(db)[0]["id"])
    hits = dict(institution.site.hits)
    clock.now += LIFETIME
    assert run_pass(warm) == {"issuers": 0, "documents": 0, "lists": 0, "failed": 0}
    assert dict(institution.site.hits) == hits
    assert db.execute("SELECT count(*) FROM status_lists").fetchone()[0] == 0


def test_an_unreachable_issuer_is_not_hammered(
    warm: Flask, clock: Clock, institution: Institution
) -> None:
    trust(warm, institution)
    run_pass(warm)
    institution.site.put("/.well-known/did.json", "down", "text/plain", "503 Service Unavailable")
    clock.now += LIFETIME - REFRESH_LEAD
    assert run_pass(warm)["failed"] == 1
    # The copy fetched before is still fresh: verifications go on without fetching.
    hits = dict(institution.site.hits)
    assert verdict(warm, institution.sd_jwt()) == "VALID"
    for _ in range(3):
        clock.now += 5
        run_pass(warm)
    assert institution.site.hits["/.well-known/did.json"] == hits["/.well-known/did.json"]


def test_the_thread_starts_with_the_first_request_and_stops(
    tmp_path: Path, institution: Institution
) -> None:
    app = make_app(tmp_path, WARM_CACHES=True)
    trust(app, institution)
    warmer: Warmer = app.extensions["verifier.warmer"]
    assert warmer.thread is None  # creating the app (or a `flask` command) starts nothing
    app.test_client().get("/")
    thread = warmer.thread
    assert thread is not None and thread.is_alive()
    app.test_client().get("/")
    assert warmer.thread is thread  # one per process
    deadline = time.monotonic() + 20
    while institution.site.hits["/.well-known/did.json"] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    warmer.stop()
    assert not thread.is_alive()
    assert institution.site.hits["/.well-known/did.json"] == 1
