"""Done-when: a running issuer_stub and wallet over real HTTP, from an offer to an imported backup.

Sign up; receive all three formats from an offer (OpenID4VCI with a transaction code); see the
card; share it without the grade; fetch the share URL as a verifier and verify the presentation
with the core pipeline (grade absent, VALID); withdraw the share (then refused); export; import
into a fresh wallet; same cards. Everything goes through real sockets on loopback, with CSRF on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from loopback import free_port
from wallet_live import Browserless, make_issuer, make_offer, registry_file
from wallet_world import FAST_KDF, PASSWORD, make_app

from microcred import (
    DIDResolver,
    Fetcher,
    FetchPolicy,
    StatusListCache,
    TrustRegistry,
    Verifier,
    did as dids,
)

PASSPHRASE = "moving to my new phone"
ALL_BUT_GRADE = ["given_name", "family_name", "learner_identification", "skills"]


@pytest.fixture
def world(tmp_path: Path, live_server: Any) -> dict[str, Any]:
    """A live issuer, a live wallet trusting it, and a second live wallet to move to."""
    issuer_port, wallet_port, other_port = free_port(), free_port(), free_port()
    issuer = make_issuer(tmp_path / "issuer", issuer_port)
    live_server(issuer, issuer_port)
    issuer_base = f"http://localhost:{issuer_port}"
    registry = registry_file(tmp_path, issuer_base)
    wallets = {}
    for name, port in (("wallet", wallet_port), ("other", other_port)):
        app = make_app(
            tmp_path / name,
            BASE_URL=f"http://localhost:{port}",
            WTF_CSRF_ENABLED=True,
            TRUST_REGISTRY=str(registry),
            BACKUP_KDF=FAST_KDF,
        )
        wallets[name] = (app, live_server(app, port).url)
    return {"issuer": issuer, "issuer_base": issuer_base, "wallets": wallets}


def sign_up(client: Browserless, username: str) -> None:
    client.get("/signup")
    answer = client.post(
        "/signup", {"username": username, "password": PASSWORD, "confirm": PASSWORD}
    )
    assert answer.status == 303, answer.text[:300]


def receive(client: Browserless, offer: dict[str, str]) -> str:
    """Paste the offer link, look at the offer, accept with the code; return the card path."""
    client.get("/receive")
    looked = client.post("/receive", {"link": offer["link"]})
    assert looked.status == 303, looked.text[:500]
    page = client.get(looked.location)
    assert "Trường Đại học Công nghệ Sông Hồng" in page.text
    assert "Known issuer" in page.text
    assert "Transaction code" in page.text
    for label in ("SD-JWT VC", "Open Badges 3.0", "VC-JWT"):
        assert label in page.text
    accepted = client.post(looked.location, {"action": "accept", "tx_code": offer["tx"]})
    assert accepted.status == 303, accepted.text[:800]
    assert accepted.location.startswith("/cards/")
    return accepted.location


def pipeline(issuer_base: str) -> Verifier:
    """The core pipeline as a verifier runs it: DID and status lists over HTTP, a registry."""
    fetcher = Fetcher(FetchPolicy(allow_http=True, allow_loopback=True))
    resolver = DIDResolver(fetcher.get_json, web_scheme="http")
    registry = TrustRegistry.from_json(
        {
            "name": "employer's registry",
            "issuers": [
                {
                    "did": dids.did_web(issuer_base),
                    "name": "Sông Hồng",
                    "country": "VN",
                    "accreditingBody": "MOET",
                }
            ],
        },
        source="test",
    )
    return Verifier(
        resolver=resolver, status_lists=StatusListCache(fetcher, resolver), registry=registry
    )


def card_titles(client: Browserless) -> list[str]:
    return re.findall(r'class="wallet-card-title">([^<]*)<', client.get("/").text)


def test_offer_to_share_to_backup(world: dict[str, Any]) -> None:
    _app, wallet_url = world["wallets"]["wallet"]
    learner = Browserless(wallet_url)
    sign_up(learner, "van-an")
    offer = make_offer(world["issuer"], grade="8.5")

    card_path = receive(learner, offer)
    card = learner.get(card_path)
    for text in (
        "Phân tích dữ liệu với Python",
        "Văn An",
        "8.5",
        "Known issuer",
        "sd-jwt-vc",
        "ldp-vc",
        "vc-jwt",
    ):
        assert text in card.text, text
    assert card_titles(learner) == ["Phân tích dữ liệu với Python"]

    learner.get(card_path + "/share")
    made = learner.post(
        card_path + "/share", {"mode": "sd-jwt", "claim": ALL_BUT_GRADE, "days": "7"}
    )
    assert made.status == 303
    share_page = learner.get(made.location)
    share_url = re.search(r'id="share-url" value="([^"]+)"', share_page.text)
    assert share_url and share_url.group(1).startswith(wallet_url + "/s/")

    employer = Browserless(wallet_url)
    headers = {"Accept": "application/dc+sd-jwt", "X-Verifier": "did:web:employer.example"}
    fetched = employer.get(share_url.group(1), headers)
    assert fetched.status == 200 and fetched.headers["content-type"] == "application/dc+sd-jwt"
    report = pipeline(world["issuer_base"]).verify(fetched.text)
    assert report.verdict == "VALID", report.to_json()["checks"]
    assert "assessment_grade" not in report.claims
    assert report.claims["given_name"] == "Văn An"
    assert report.certificate is not None and report.certificate.grade is None
    assert "did:web:employer.example" in learner.get(made.location).text

    learner.post(made.location + "/withdraw", {})
    refused = employer.get(share_url.group(1), headers)
    assert refused.status == 410 and b"share_withdrawn" in refused.body

    learner.get("/account")
    exported = learner.post("/account/export", {"passphrase": PASSPHRASE, "confirm": PASSPHRASE})
    assert exported.status == 200 and exported.body.startswith(b"MCWX")

    _other_app, other_url = world["wallets"]["other"]
    moved = Browserless(other_url)
    sign_up(moved, "an-new-phone")
    moved.get("/account")
    imported = moved.upload("/account/import", {"passphrase": PASSPHRASE}, "backup", exported.body)
    assert imported.status == 303, imported.text[:800]
    assert card_titles(moved) == card_titles(learner)
    moved_card = moved.get(re.findall(r'href="(/cards/[^"]+)"', moved.get("/").text)[0])
    for text in ("Phân tích dữ liệu với Python", "Văn An", "8.5", "sd-jwt-vc", "ldp-vc", "vc-jwt"):
        assert text in moved_card.text, text


def test_accepting_the_same_offer_twice_stores_one_card(world: dict[str, Any]) -> None:
    _app, wallet_url = world["wallets"]["wallet"]
    learner = Browserless(wallet_url)
    sign_up(learner, "binh")
    offer = make_offer(world["issuer"])
    learner.get("/receive")
    looked = learner.post("/receive", {"link": offer["link"]})
    learner.get(looked.location)
    first = learner.post(looked.location, {"action": "accept", "tx_code": offer["tx"]})
    second = learner.post(looked.location, {"action": "accept", "tx_code": offer["tx"]})
    assert first.status == 303 and second.status == 404
    assert len(card_titles(learner)) == 1
