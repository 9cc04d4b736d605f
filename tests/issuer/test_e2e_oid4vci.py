"""Done-when: the whole OpenID4VCI flow over real HTTP, then revoke, suspend and unsuspend.

A running issuer_stub (live_server on loopback) issues to `microcred.oid4vci_client.WalletClient`
playing the wallet, for each of the three formats; every credential verifies VALID with the core
pipeline (DID and status lists fetched over HTTP, registry listing the issuer), then reports
suspended, VALID again after unsuspending, and revoked: each time with a fresh Verifier.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from issuer_app import Staff, serve_seeded

from microcred import did as dids
from microcred.did import DIDResolver
from microcred.fetch import Fetcher, FetchPolicy
from microcred.keys import PrivateKey
from microcred.oid4vci import JWT_VC_CONFIG, OB3_CONFIG, SD_JWT_CONFIG
from microcred.oid4vci_client import WalletClient
from microcred.report import Report
from microcred.status_cache import StatusListCache
from microcred.trust import TrustRegistry
from microcred.verify import Policy, Verifier

LOOPBACK = FetchPolicy(allow_http=True, allow_loopback=True)
_LINK = re.compile(r'id="offer-link" type="text" readonly value="([^"]+)"')
_TX = re.compile(r'class="code-big"[^>]*>(\d{6})<')


@pytest.fixture
def issuer(tmp_path: Path, live_server: Any) -> dict[str, Any]:
    """A seeded issuer served over real HTTP on a port known before the app was built."""
    app, staff, base = serve_seeded(tmp_path, live_server)
    return {"app": app, "staff": staff, "base": base}


def offer_for(
    staff: Staff, given: str = "Văn An", learner_id: str = "SV20250001"
) -> dict[str, str]:
    """Issue to one learner through the staff form; return the award id, link and tx code."""
    response = staff.post(
        "/issue",
        {
            "course": "1",
            "given_name": "Văn An",
            "family_name": "Nguyễn",
            "learner_id": learner_id,
            "grade": "8,5",
            "date_of_issuance": "2025-06-30",
            "tx_code": "on",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    award_id = response.headers["Location"].rsplit("/", 1)[-1]
    page = staff.client.get(f"/awards/{award_id}").get_data(as_text=True)
    link, tx = _LINK.search(page), _TX.search(page)
    assert link and tx
    return {"award": award_id, "link": link.group(1).replace("&amp;", "&"), "tx": tx.group(1)}


def verify(base: str, issuer_did: str, credential: Any) -> Report:
    """A fresh verifier each time, so a status change is seen at once."""
    fetcher = Fetcher(LOOPBACK)
    resolver = DIDResolver(fetcher.get_json, web_scheme="http")
    registry = TrustRegistry.from_json(
        {
            "name": "Test registry",
            "issuers": [
                {
                    "did": issuer_did,
                    "name": "Trường Đại học Công nghệ Sông Hồng",
                    "country": "VN",
                    "accreditingBody": "Bộ Giáo dục và Đào tạo",
                }
            ],
        },
        source="test",
    )
    verifier = Verifier(
        resolver=resolver, status_lists=StatusListCache(fetcher, resolver), registry=registry
    )
    return verifier.verify(credential, Policy())


@pytest.mark.parametrize(
    "config", [SD_JWT_CONFIG, OB3_CONFIG, JWT_VC_CONFIG], ids=["sd-jwt-vc", "ob3-ldp", "vc-jwt"]
)
def test_issue_verify_suspend_unsuspend_revoke(issuer: dict[str, Any], config: str) -> None:
    base, staff = issuer["base"], issuer["staff"]
    issuer_did = dids.did_web(base)
    holder = PrivateKey.generate("Ed25519")
    wallet = WalletClient(Fetcher(LOOPBACK), holder, allow_http=True)
    offer = offer_for(staff)

    resolved = wallet.resolve(offer["link"])
    assert resolved.issuer_name == "Trường Đại học Công nghệ Sông Hồng"
    assert resolved.offer.tx_code is not None and resolved.offer.tx_code.length == 6
    (issued,) = wallet.accept(resolved, tx_code=offer["tx"], configuration_ids=[config])
    assert issued.configuration_id == config

    report = verify(base, issuer_did, issued.credential)
    assert report.verdict == "VALID", report.to_json()["checks"]
    assert report.issuer.did == issuer_did
    assert (
        report.certificate is not None
        and report.certificate.title == "Phân tích dữ liệu với Python"
    )
    if config == SD_JWT_CONFIG:
        # Bound to the proof key: cnf.jwk is the holder's public key.
        assert report.claims.get("given_name") == "Văn An"
    else:
        assert report.claims["id"] in (
            dids.did_key(holder.public_key),
            dids.did_jwk(holder.public_key),
        )

    page = staff.client.get(f"/awards/{offer['award']}/offer-status").get_data(as_text=True)
    assert "Collected" in page

    steps = [
        ("suspend", "INVALID", "suspended"),
        ("unsuspend", "VALID", ""),
        ("revoke", "INVALID", "revoked"),
    ]
    for action, verdict, reason in steps:
        response = staff.post(
            f"/awards/{offer['award']}/status", {"action": action, "confirm": "on"}
        )
        assert response.status_code == 303
        report = verify(base, issuer_did, issued.credential)
        assert (report.verdict, report.reason) == (verdict, reason), action


def test_one_token_fetches_all_three_formats(issuer: dict[str, Any]) -> None:
    holder = PrivateKey.generate("P-256")
    wallet = WalletClient(Fetcher(LOOPBACK), holder, allow_http=True)
    offer = offer_for(issuer["staff"], learner_id="SV20250009")
    issued = wallet.receive(offer["link"], tx_code=offer["tx"])
    assert [c.format for c in issued] == ["dc+sd-jwt", "ldp_vc", "jwt_vc_json"]
    issuer_did = dids.did_web(issuer["base"])
    verdicts = {c.format: verify(issuer["base"], issuer_did, c.credential).verdict for c in issued}
    assert set(verdicts.values()) == {"VALID"}, verdicts
