"""Issuing to one learner, the offer page, its polling fragment and status changes (UI side)."""

from __future__ import annotations

import sqlite3
import time

from flask import Flask
from issuer_app import Staff, dump
from issuer_world import LEARNER, FlaskHTTP, make_offer

from microcred import qr, strictjson
from microcred.keys import PrivateKey
from microcred.oid4vci import OB3_CONFIG, SD_JWT_CONFIG
from microcred.oid4vci_client import WalletClient
from microcred.status_list_credential import read_status_list_credential


def test_the_offer_page_shows_qr_link_and_a_separate_transaction_code(staff: Staff) -> None:
    offer = make_offer(staff)
    page = staff.client.get(f"/awards/{offer['award']}").get_data(as_text=True)
    assert "Waiting for the learner" in page and 'hx-trigger="every 2s"' in page
    assert offer["link"].startswith("openid-credential-offer://?credential_offer_uri=")
    assert len(offer["tx"]) == 6
    # The code sits in its own box behind a <details>, never next to the QR image.
    assert page.index("<details>") < page.index(offer["tx"])
    png = staff.client.get(f"/awards/{offer['award']}/qr.png")
    assert png.mimetype == "image/png"
    assert qr.decode(png.get_data()) == [offer["link"]]


def status_fragment(staff: Staff, award_id: str, shown: str = "waiting") -> str:
    """The polled offer-status fragment, as htmx fetches it from a page showing `shown`."""
    answer = staff.client.get(
        f"/awards/{award_id}/offer-status?shown={shown}", headers={"HX-Request": "true"}
    )
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_the_offer_page_follows_the_wallet_until_the_credentials_are_collected(
    app: Flask, staff: Staff
) -> None:
    clock = [time.time()]
    app.config["CLOCK"] = lambda: clock[0]
    offer = make_offer(staff)
    assert "every 2s" in status_fragment(staff, offer["award"])
    wallet = WalletClient(
        FlaskHTTP(app.test_client()), PrivateKey.generate(), allow_http=True, clock=lambda: clock[0]
    )
    resolved = wallet.resolve(offer["link"])
    token = wallet.request_token(resolved, offer["tx"])
    # Redeemed, nothing fetched yet: the wallet is between /token and /credential.
    fragment = status_fragment(staff, offer["award"])
    assert "The wallet opened the offer" in fragment and "every 2s" in fragment
    assert "nothing collected" not in fragment and "Create a new offer" not in fragment
    # The used QR code and transaction code leave the page (out-of-band swaps).
    assert '<div id="offer-qr" hx-swap-oob="delete"></div>' in fragment
    assert '<div id="offer-code" hx-swap-oob="delete"></div>' in fragment
    page = staff.client.get(f"/awards/{offer['award']}").get_data(as_text=True)
    assert "qr.png" not in page and offer["tx"] not in page and "every 2s" in page
    # The page polls on with the state it shows; the removals are sent once only.
    assert "shown=collecting" in fragment
    assert "hx-swap-oob" not in status_fragment(staff, offer["award"], shown="collecting")

    wallet.request_credential(resolved, token, SD_JWT_CONFIG)
    fragment = status_fragment(staff, offer["award"])
    assert "Collected" in fragment and "In the wallet: SD-JWT VC" in fragment
    assert "every 2s" in fragment  # the token may still fetch other formats
    wallet.request_credential(resolved, token, OB3_CONFIG)
    fragment = status_fragment(staff, offer["award"])
    assert "In the wallet: SD-JWT VC, Open Badges 3.0" in fragment

    clock[0] += app.config["ACCESS_TOKEN_LIFETIME"] + 1
    fragment = status_fragment(staff, offer["award"])
    assert "Collected" in fragment and "hx-trigger" not in fragment  # polling stops
    assert 'id="renew-offer" hx-swap-oob="true"' in fragment  # a new offer is possible now
    page = staff.client.get(f"/awards/{offer['award']}").get_data(as_text=True)
    assert "Collected" in page and "qr.png" not in page and 'id="offer-link"' not in page


def test_a_redeemed_offer_with_nothing_collected_ends_when_its_token_expires(
    app: Flask, staff: Staff
) -> None:
    clock = [time.time()]
    app.config["CLOCK"] = lambda: clock[0]
    offer = make_offer(staff)
    wallet = WalletClient(FlaskHTTP(app.test_client()), PrivateKey.generate(), allow_http=True)
    wallet.request_token(wallet.resolve(offer["link"]), offer["tx"])
    assert "every 2s" in status_fragment(staff, offer["award"])
    clock[0] += app.config["ACCESS_TOKEN_LIFETIME"] + 1
    fragment = status_fragment(staff, offer["award"])
    assert "Offer opened, nothing collected" in fragment and "hx-trigger" not in fragment
    assert "Create a new offer" in fragment


def test_a_new_offer_after_a_collection_shows_its_qr_code_again(staff: Staff) -> None:
    offer = make_offer(staff)
    app = staff.client.application
    wallet = WalletClient(FlaskHTTP(app.test_client()), PrivateKey.generate(), allow_http=True)
    wallet.receive(offer["link"], tx_code=offer["tx"], configuration_ids=[SD_JWT_CONFIG])
    # Lost phone: staff makes a new offer; the page offers it, noting the earlier collection.
    assert staff.post(f"/awards/{offer['award']}/offer", {}).status_code == 303
    page = staff.client.get(f"/awards/{offer['award']}").get_data(as_text=True)
    assert 'id="offer-link"' in page and "Waiting for the learner" in page
    assert "Collected before" in page


def test_the_same_learner_cannot_get_the_same_award_twice(app: Flask, staff: Staff) -> None:
    first = make_offer(staff)
    before = dump(app)
    response = staff.post("/issue", {**LEARNER, "tx_code": "on"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "already has this micro-credential" in page and first["award"] in page
    assert dump(app) == before


def test_learner_form_errors_are_shown_per_field(app: Flask, staff: Staff) -> None:
    before = dump(app)
    form = {**LEARNER, "given_name": "", "family_name": "", "date_of_issuance": "30/06/2025"}
    page = staff.post("/issue", {**form, "email": "nope"}).get_data(as_text=True)
    for message in ("given or family name", "use a date like", "not an e-mail address"):
        assert message in page
    assert dump(app) == before


def test_status_lists_change_with_the_status_and_only_then(app: Flask, staff: Staff) -> None:
    offer = make_offer(staff)
    conn = sqlite3.connect(app.config["DATABASE"])
    (index,) = conn.execute(
        "SELECT status_index FROM awards WHERE id = ?", [offer["award"]]
    ).fetchone()
    conn.close()
    first = staff.client.get("/status/revocation")
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert first.headers["Content-Type"] == "application/vc+ld+json"
    etag = first.headers["ETag"]
    again = staff.client.get("/status/revocation", headers={"If-None-Match": etag})
    assert again.status_code == 304  # served from the stored document, not rebuilt
    staff.post(f"/awards/{offer['award']}/status", {"action": "revoke", "confirm": "on"})
    changed = staff.client.get("/status/revocation")
    assert changed.headers["ETag"] != etag
    document = strictjson.loads_object(changed.get_data())
    bits = read_status_list_credential(
        document, purpose="revocation", list_id="http://localhost:5001/status/revocation"
    )
    assert bits.get(index) == 1
    # The revoked award's offer is dead: the learner's page says so.
    assert staff.client.get(f"/offers/{offer['offer']}").status_code == 410


def test_revoking_needs_a_confirmation(staff: Staff) -> None:
    offer = make_offer(staff)
    response = staff.post(f"/awards/{offer['award']}/status", {"action": "revoke"})
    assert response.status_code == 303
    page = staff.client.get(f"/awards/{offer['award']}").get_data(as_text=True)
    assert "Tick the box" in page and "revoked" not in page.split("<h1>")[1][:200]


def test_a_new_offer_replaces_the_old_one(staff: Staff) -> None:
    offer = make_offer(staff)
    staff.post(f"/awards/{offer['award']}/status", {"action": "suspend", "reason": "checking"})
    response = staff.post(f"/awards/{offer['award']}/offer", {"tx_code": "on"})
    assert response.status_code == 303
    assert staff.client.get(f"/offers/{offer['offer']}").status_code == 410
    page = staff.client.get(f"/awards/{offer['award']}").get_data(as_text=True)
    assert "A new offer is ready" in page and "checking" in page  # the reason is in the history


def test_the_list_searches_and_filters(staff: Staff) -> None:
    make_offer(staff, learner_id="SV1", given_name="Thị Ánh")
    make_offer(staff, learner_id="SV2", given_name="Quốc Bảo")
    rows = staff.client.get("/awards?q=Ánh", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Thị Ánh" in rows and "Quốc Bảo" not in rows and "<h1>" not in rows
    waiting = staff.client.get("/awards?state=waiting").get_data(as_text=True)
    assert "2 credentials" in waiting


def test_the_learners_offer_page_and_json_share_one_address(app: Flask, staff: Staff) -> None:
    offer = make_offer(staff)
    page = staff.client.get(f"/offers/{offer['offer']}", headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    assert "Open in my wallet app" in html and offer["tx"] not in html
    document = staff.client.get(f"/offers/{offer['offer']}", headers={"Accept": "application/json"})
    assert document.headers["Cache-Control"] == "no-store"
    assert document.get_json()["credential_issuer"] == "http://localhost:5001"
