"""Receiving: a live issuer_stub, and the issue's bad input (hostile offers, failing credentials).

Each bad-input row gets a clear message, a status under 500, and leaves the wallet's tables as
they were (SECURITY-CASES G04, G05, G10, B18, B19, H04, F07-style no-redirect fetches).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wallet_fake_site import FakeSite
from wallet_live import accept, look, make_offer
from wallet_world import Auth, make_app, table_counts

from microcred import qr
from microcred.key_proof import HolderKey as ProofHolder
from microcred.keys import PrivateKey


@pytest.fixture
def site() -> Any:
    fake = FakeSite()
    yield fake
    fake.close()


def test_offer_page_shows_who_offers_what(learner: FlaskClient, issuer: dict[str, Any]) -> None:
    offer = make_offer(issuer["app"])
    looked = look(learner, offer["link"])
    page = learner.get(looked.headers["Location"]).data.decode()
    assert "Trường Đại học Công nghệ Sông Hồng" in page and "Known issuer" in page
    assert issuer["base"] in page and "did:web:localhost%3A" in page
    assert "Enter the 6-digit code" in page


def test_unknown_issuer_is_said_so(tmp_path: Path, issuer: dict[str, Any]) -> None:
    app = make_app(tmp_path / "elsewhere")  # its registry lists only the offline test issuer
    client = app.test_client()
    Auth(client).signup()
    looked = look(client, make_offer(issuer["app"])["link"])
    assert "Unknown issuer" in client.get(looked.headers["Location"]).data.decode()


def test_accept_stores_one_card_with_three_formats(
    wallet: Flask, learner: FlaskClient, issuer: dict[str, Any]
) -> None:
    offer = make_offer(issuer["app"])
    response = accept(learner, offer["link"], offer["tx"])
    assert response.status_code == 303 and response.headers["Location"].startswith("/cards/")
    counts = table_counts(wallet)
    assert (counts["cards"], counts["credentials"], counts["holder_keys"]) == (1, 3, 1)


def test_decline_stores_nothing(
    wallet: Flask, learner: FlaskClient, issuer: dict[str, Any]
) -> None:
    looked = look(learner, make_offer(issuer["app"])["link"])
    response = learner.post(looked.headers["Location"], data={"action": "decline"})
    assert response.status_code == 303
    assert table_counts(wallet)["cards"] == 0
    assert learner.get(looked.headers["Location"]).status_code == 404


def test_wrong_code_can_be_retried(
    wallet: Flask, learner: FlaskClient, issuer: dict[str, Any]
) -> None:
    offer = make_offer(issuer["app"])
    looked = look(learner, offer["link"])
    wrong = "000000" if offer["tx"] != "000000" else "111111"
    response = learner.post(looked.headers["Location"], data={"action": "accept", "tx_code": wrong})
    assert 400 <= response.status_code < 500
    assert b"the issuer refused the token request" in response.data
    assert table_counts(wallet)["cards"] == 0
    again = learner.post(
        looked.headers["Location"], data={"action": "accept", "tx_code": offer["tx"]}
    )
    assert again.status_code == 303 and table_counts(wallet)["cards"] == 1


@pytest.mark.parametrize(
    ("code", "message"),
    [("12ab56", b"digits only"), ("123", b"has 6 characters"), ("", b"Enter the transaction code")],
    ids=["letters", "short", "empty"],
)
def test_code_shape_is_checked_before_asking(
    wallet: Flask, learner: FlaskClient, issuer: dict[str, Any], code: str, message: bytes
) -> None:
    looked = look(learner, make_offer(issuer["app"])["link"])
    response = learner.post(looked.headers["Location"], data={"action": "accept", "tx_code": code})
    assert response.status_code == 400 and message in response.data
    assert table_counts(wallet)["cards"] == 0


BAD_LINKS = [
    ("javascript", "javascript:alert(document.cookie)", "neither a credential offer"),
    ("data", "data:text/html,<script>alert(1)</script>", "neither a credential offer"),
    ("file", "file:///etc/passwd", "neither a credential offer"),
    ("vcard", "BEGIN:VCARD", "neither a credential offer"),
    ("empty", "", "paste or scan a link first"),
    ("huge", "openid-credential-offer://?credential_offer_uri=" + "a" * 6000, "far too long"),
    (
        "issuer-javascript",
        "openid-credential-offer://?credential_offer="
        + quote(
            json.dumps(
                {
                    "credential_issuer": "javascript:alert(1)",
                    "credential_configuration_ids": ["MicroCredential_sd_jwt"],
                    "grants": {
                        "urn:ietf:params:oauth:grant-type:pre-authorized_code": {
                            "pre-authorized_code": "x"
                        }
                    },
                }
            )
        ),
        "credential_issuer is not an https URL",
    ),
    (
        "private-address",
        "openid-credential-offer://?credential_offer_uri="
        + quote("http://10.0.0.5/offers/1", safe=""),
        "10.0.0.5",
    ),
    (
        "metadata-address",
        "openid-credential-offer://?credential_offer_uri="
        + quote("http://169.254.169.254/latest", safe=""),
        "169.254.169.254",
    ),
    (
        "two-parameters",
        "openid-credential-offer://?credential_offer_uri=x&credential_offer=y",
        "exactly one",
    ),
]


@pytest.mark.parametrize(
    ("link", "message"), [c[1:] for c in BAD_LINKS], ids=[c[0] for c in BAD_LINKS]
)
def test_bad_links_are_refused(
    wallet: Flask, learner: FlaskClient, link: str, message: str
) -> None:
    before = table_counts(wallet)
    response = look(learner, link)
    assert 400 <= response.status_code < 500, response.status_code
    assert message in response.data.decode(), response.data.decode()[-2000:]
    assert table_counts(wallet) == before


def test_production_wallet_refuses_loopback_and_http(
    tmp_path: Path, issuer: dict[str, Any]
) -> None:
    app = make_app(tmp_path / "prod", ALLOW_INSECURE_LOCALHOST=False)
    client = app.test_client()
    Auth(client).signup()
    before = table_counts(app)
    for uri in (make_offer(issuer["app"])["page"], "https://127.0.0.1/offers/1", "https://[::1]/o"):
        link = "openid-credential-offer://?credential_offer_uri=" + quote(uri, safe="")
        response = look(client, link)
        assert 400 <= response.status_code < 500
        assert (
            b"https" in response.data
            or b"not allowed" in response.data
            or b"blocked" in response.data
        )
    assert table_counts(app) == before


def _fake_offer(site: FakeSite, issuer: str | None = None) -> str:
    site.put_json(
        "/offers/1",
        {
            "credential_issuer": issuer or site.base,
            "credential_configuration_ids": ["MicroCredential_sd_jwt"],
            "grants": {
                "urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": "c"}
            },
        },
    )
    return "openid-credential-offer://?credential_offer_uri=" + quote(
        site.base + "/offers/1", safe=""
    )


def test_oversize_metadata_is_refused(wallet: Flask, learner: FlaskClient, site: FakeSite) -> None:
    link = _fake_offer(site)
    site.put(
        "/.well-known/openid-credential-issuer",
        b'{"x":"' + b"a" * 700_000 + b'"}',
        "application/json",
    )
    before = table_counts(wallet)
    response = look(learner, link)
    assert 400 <= response.status_code < 500
    assert b"over 512000" in response.data
    assert table_counts(wallet) == before


def test_metadata_for_another_issuer_is_refused(
    wallet: Flask, learner: FlaskClient, site: FakeSite
) -> None:
    link = _fake_offer(site)
    site.put_json(
        "/.well-known/openid-credential-issuer",
        {
            "credential_issuer": "https://university.example",
            "credential_endpoint": site.base + "/c",
            "credential_configurations_supported": {},
        },
    )
    response = look(learner, link)
    assert 400 <= response.status_code < 500
    assert table_counts(wallet)["pending"] == 0


def test_offer_redirects_are_not_followed(
    wallet: Flask, learner: FlaskClient, site: FakeSite
) -> None:
    site.redirect("/offers/1", "http://10.0.0.5/internal")
    link = "openid-credential-offer://?credential_offer_uri=" + quote(
        site.base + "/offers/1", safe=""
    )
    response = look(learner, link)
    assert 400 <= response.status_code < 500 and b"redirect" in response.data
    assert table_counts(wallet)["pending"] == 0


def test_a_credential_failing_verification_stores_nothing(
    wallet: Flask, learner: FlaskClient, issuer: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from issuer_stub import issuing

    original = issuing.issue

    def forged(*args: Any, **kwargs: Any) -> Any:
        credential = original(*args, **kwargs)
        if isinstance(credential, dict):  # the Open Badge: change the title after signing
            credential["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
        return credential

    monkeypatch.setattr(issuing, "issue", forged)
    offer = make_offer(issuer["app"])
    response = accept(learner, offer["link"], offer["tx"])
    assert 400 <= response.status_code < 500
    text = response.data.decode()
    assert "Nothing was received" in text and "Open Badges 3.0" in text
    counts = table_counts(wallet)
    assert counts["cards"] == counts["credentials"] == counts["holder_keys"] == 0


def test_a_credential_bound_to_another_key_stores_nothing(
    wallet: Flask, learner: FlaskClient, issuer: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from issuer_stub import issuing

    original = issuing.issue
    stranger = PrivateKey.generate().public_key

    def rebound(institution: Any, name: Any, award: Any, config: Any, holder: Any, now: Any) -> Any:
        other = (
            dataclasses.replace(holder, public_key=stranger)
            if config.endswith("sd_jwt")
            else holder
        )
        return original(institution, name, award, config, other, now)

    assert dataclasses.is_dataclass(ProofHolder)
    monkeypatch.setattr(issuing, "issue", rebound)
    offer = make_offer(issuer["app"])
    response = accept(learner, offer["link"], offer["tx"])
    assert 400 <= response.status_code < 500 and b"another key" in response.data
    assert table_counts(wallet)["cards"] == 0


def test_an_issued_sd_jwt_with_key_binding_is_refused(
    wallet: Flask, learner: FlaskClient, issuer: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from issuer_stub import issuing

    original = issuing.issue

    def with_kb(*args: Any, **kwargs: Any) -> Any:
        credential = original(*args, **kwargs)
        return (
            credential + "eyJhbGciOiJFZERTQSJ9.e30.AA"
            if isinstance(credential, str) and "~" in credential
            else credential
        )

    monkeypatch.setattr(issuing, "issue", with_kb)
    offer = make_offer(issuer["app"])
    response = accept(learner, offer["link"], offer["tx"])
    assert 400 <= response.status_code < 500
    assert table_counts(wallet)["cards"] == 0


def test_same_device_link_prefills_without_fetching(learner: FlaskClient) -> None:
    page = learner.get(
        "/receive?credential_offer_uri=https%3A%2F%2Fi.example%2Foffers%2F1"
    ).data.decode()
    assert (
        'value="openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fi.example%2Foffers%2F1"'
        in page
    )


def test_photo_of_the_qr_code_is_read(learner: FlaskClient, issuer: dict[str, Any]) -> None:
    offer = make_offer(issuer["app"])
    image = qr.encode_png(offer["link"])
    response = learner.post(
        "/scan/photo",
        data={"photo": (__import__("io").BytesIO(image), "qr.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303 and response.headers["Location"].startswith("/receive/")


@pytest.mark.parametrize(
    ("data", "status", "text"),
    [(b"%PDF-1.4 not an image", 400, "not a PNG"), (b"", 400, "Choose a photo")],
    ids=["not-an-image", "empty"],
)
def test_bad_photos_are_refused(
    wallet: Flask, learner: FlaskClient, data: bytes, status: int, text: str
) -> None:
    response = learner.post(
        "/scan/photo",
        data={"photo": (__import__("io").BytesIO(data), "x.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == status
    assert table_counts(wallet)["pending"] == 0


def test_camera_frames_are_decoded_on_the_server(learner: FlaskClient) -> None:
    found = learner.post(
        "/scan/frame", data=qr.encode_png("openid4vp://?client_id=a&request_uri=b")
    )
    assert found.json == {"text": "openid4vp://?client_id=a&request_uri=b"}
    blank = qr.encode_png("x")[:0]
    assert learner.post("/scan/frame", data=blank).status_code == 400
    garbage = learner.post("/scan/frame", data=b"GIF89a....")
    assert garbage.status_code == 400 and garbage.json is not None and "error" in garbage.json


def test_request_links_go_to_the_answer_flow(learner: FlaskClient) -> None:
    response = look(
        learner,
        "openid4vp://?client_id=decentralized_identifier%3Adid%3Aweb%3Av.example&request_uri=https%3A%2F%2Fv.example%2Fr%2F1",
    )
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/vp?client_id=decentralized_identifier")


def test_another_learners_pending_offer_is_not_found(
    wallet: Flask, learner: FlaskClient, issuer: dict[str, Any]
) -> None:
    looked = look(learner, make_offer(issuer["app"])["link"])
    other = wallet.test_client()
    Auth(other).signup("intruder")
    assert other.get(looked.headers["Location"]).status_code == 404
    assert other.post(looked.headers["Location"], data={"action": "accept"}).status_code == 404
