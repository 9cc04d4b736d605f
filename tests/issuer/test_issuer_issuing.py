"""Issuing to one learner, the offer page, its polling fragment and status changes (UI side)."""

from __future__ import annotations

import sqlite3

from flask import Flask
from issuer_app import Staff, dump
from issuer_world import LEARNER, FlaskHTTP, make_offer

from microcred import qr, strictjson
from microcred.keys import PrivateKey
from microcred.oid4vci import SD_JWT_CONFIG
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


def test_the_fragment_turns_to_collected_when_the_wallet_has_the_credential(
    app: Flask, staff: Staff
) -> None:
    offer = make_offer(staff)
    fragment = staff.client.get(f"/awards/{offer['award']}/offer-status")
    assert "every 2s" in fragment.get_data(as_text=True)
    wallet = WalletClient(FlaskHTTP(app.test_client()), PrivateKey.generate(), allow_http=True)
    wallet.receive(offer["link"], tx_code=offer["tx"], configuration_ids=[SD_JWT_CONFIG])
    fragment = staff.client.get(f"/awards/{offer['award']}/offer-status").get_data(as_text=True)
    assert "Collected" in fragment and "SD-JWT VC" in fragment
    assert "hx-trigger" not in fragment  # polling stops


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
