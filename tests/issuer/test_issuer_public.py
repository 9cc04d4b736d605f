"""Public documents: metadata, did.json, status lists, register, logo; headers on every answer."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from issuer_app import Staff
from issuer_world import make_offer
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from microcred import did, http_policy
from microcred.keys import PrivateKey, PublicKey
from microcred.oid4vci import CONFIGURATION_IDS, PRE_AUTHORIZED_GRANT

BASE = "http://localhost:5001"


def test_issuer_metadata_names_this_issuer(client: FlaskClient) -> None:
    answer = client.get("/.well-known/openid-credential-issuer")
    document = answer.get_json()
    assert document["credential_issuer"] == BASE
    assert list(document["credential_configurations_supported"]) == list(CONFIGURATION_IDS)
    assert document["display"][0]["name"] == "Trường Đại học Công nghệ Sông Hồng"
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    server = client.get("/.well-known/oauth-authorization-server").get_json()
    assert server["issuer"] == BASE and server["token_endpoint"] == BASE + "/token"


def test_did_document_publishes_the_instance_key_only(app: Flask, client: FlaskClient) -> None:
    document = client.get("/.well-known/did.json").get_json()
    assert document["id"] == did.did_web(BASE) == "did:web:localhost%3A5001"
    key_file = Path(app.instance_path) / "issuer-signing-key.jwk"
    private = PrivateKey.from_jwk(json.loads(key_file.read_text()))
    (method,) = document["verificationMethod"]
    assert method["id"] == "did:web:localhost%3A5001#key-1"
    published = PublicKey.from_jwk(
        {"kty": "OKP", "crv": "Ed25519", "x": private.public_key.jwk["x"]}
    )
    assert published == private.public_key
    assert private.to_jwk()["d"] not in json.dumps(document)


def test_the_key_file_is_private_and_nowhere_else(app: Flask, client: FlaskClient) -> None:
    key_file = Path(app.instance_path) / "issuer-signing-key.jwk"
    assert key_file.stat().st_mode & 0o777 == 0o600
    secret = json.loads(key_file.read_text())["d"]
    database = Path(app.config["DATABASE"]).read_bytes()
    assert secret.encode() not in database
    for path in ("/.well-known/did.json", "/status/token", "/register.json"):
        assert secret not in client.get(path).get_data(as_text=True)


def test_status_documents_are_served_with_cache_headers(client: FlaskClient) -> None:
    for kind, media in (
        ("revocation", "application/vc+ld+json"),
        ("suspension", "application/vc+ld+json"),
        ("token", "application/statuslist+jwt"),
    ):
        answer = client.get(f"/status/{kind}")
        assert (answer.status_code, answer.mimetype) == (200, media)
        assert answer.headers["Cache-Control"] == "public, max-age=60"
        assert answer.headers["ETag"]
    assert client.get("/status/other").status_code == 404


def test_every_answer_carries_the_security_headers(client: FlaskClient) -> None:
    for path in ("/sign-in", "/register", "/status/token", "/nope", "/.well-known/did.json"):
        answer = client.get(path)
        for name, value in http_policy.SECURITY_HEADERS.items():
            assert answer.headers[name] == value, (path, name)


def test_nonce_and_token_answers_are_never_cached(app: Flask, staff: Staff) -> None:
    wallet = app.test_client()
    first, second = wallet.post("/nonce"), wallet.post("/nonce")
    assert first.headers["Cache-Control"] == "no-store"
    assert first.get_json()["c_nonce"] != second.get_json()["c_nonce"]
    offer = make_offer(staff, tx=False)
    document = wallet.get(f"/offers/{offer['offer']}", headers={"Accept": "application/json"})
    code = document.get_json()["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    assert "tx_code" not in document.get_json()["grants"][PRE_AUTHORIZED_GRANT]
    answer = wallet.post(
        "/token", data={"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
    )
    assert answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 300)
    # G09: the bearer access token is dead after five minutes.
    app.config["CLOCK"] = lambda: time.time() + 301
    late = wallet.post(
        "/credential",
        json={"credential_configuration_id": CONFIGURATION_IDS[0], "proofs": {"jwt": ["x"]}},
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert (late.status_code, late.get_json()["error"]) == (401, "invalid_token")
    assert late.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_register_lists_what_each_credential_stands_for(client: FlaskClient) -> None:
    document = client.get("/register.json").get_json()
    assert document["issuer"]["did"] == "did:web:localhost%3A5001"
    titles = [c["title"] for c in document["microcredentials"]]
    assert "Phân tích dữ liệu với Python" in titles and len(titles) == 3
    first = next(c for c in document["microcredentials"] if c["code"] == "DA-101")
    assert first["ects"] == 5.0 and first["eqf_level"] == 6 and first["state"] == "offered"
    assert first["skills"][0]["uri"].startswith("http://data.europa.eu/esco/skill/")
    page = client.get("/register/courses/da-101").get_data(as_text=True)
    assert "Làm sạch và kết hợp dữ liệu dạng bảng bằng pandas" in page
    assert client.get("/register/courses/nope").status_code == 404


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "ok"),
    [(_png(600, 300), True), (b"<svg onload=alert(1)>", False), (_png(3000, 3000), False)],
    ids=["png", "svg", "pixel-flood"],
)
def test_logo_uploads_are_checked_and_re_encoded(
    client: FlaskClient, staff: Staff, data: bytes, ok: bool
) -> None:
    fields = {"name": "Trường Đại học Công nghệ Sông Hồng", "country": "VN"}
    values = {**fields, "csrf_token": staff.token}
    values["logo"] = FileStorage(io.BytesIO(data), filename="logo.png", content_type="image/png")
    boundary, body = encode_multipart(values)
    response = staff.client.post(
        "/settings/profile", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == (303 if ok else 400)
    logo = client.get("/logo.png")
    if ok:
        image = Image.open(io.BytesIO(logo.get_data()))
        assert image.format == "PNG" and max(image.size) == 256
        metadata = client.get("/.well-known/openid-credential-issuer").get_json()
        assert metadata["display"][0]["logo"]["uri"] == BASE + "/logo.png"
    else:
        assert logo.status_code == 404


def test_the_profile_says_plainly_why_the_address_is_fixed(app: Flask, staff: Staff) -> None:
    page = staff.client.get("/settings/profile").get_data(as_text=True)
    assert f"<code>{BASE}</code>" in page and "did:web:localhost%3A5001" in page
    assert "cannot be changed on this page" in page and "ISSUER_BASE_URL" in page
    assert "show as unverifiable" in page
    assert 'name="base_url"' not in page
    # A forged field changes nothing: the DID stays the one derived from the setting.
    staff.post("/settings/profile", {"name": "X", "country": "VN", "base_url": "https://evil"})
    did_json = staff.client.get("/.well-known/did.json").get_json()
    assert did_json["id"] == "did:web:localhost%3A5001"
