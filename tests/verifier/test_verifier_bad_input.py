"""Every "Bad input" item of issue 5 (SECURITY-CASES rows naming V): verdict, reason, 4xx, no 500.

Credentials come from a real loopback institution; the API rows go through VC-API, the image
and page rows through the scan page. A row asserts the HTTP status, the verdict and the reason
code, and that bad input leaves the database unchanged where nothing should be recorded.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import io
import struct
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from issuer_site import HOLDER, Institution
from verifier_world import bearer, bound, make_app, signed_in, table_counts, trust

from microcred import base64url, issuance, jose, qr, strictjson
from microcred.demo import DEMO_AWARD, DEMO_COURSE
from microcred.disclosure import Disclosure
from microcred.keys import PrivateKey

NOW = dt.datetime.now(dt.UTC)
DAY = dt.timedelta(days=1)
CLIENT = "decentralized_identifier:did:web:localhost%3A5003"
Body = tuple[str, dict[str, Any]]


def credential(value: Any) -> Body:
    return "/credentials/verify", {"verifiableCredential": value}


def presentation(value: Any, nonce: str = "fresh-nonce-0123456789", aud: str = CLIENT) -> Body:
    body = {"verifiablePresentation": value, "options": {"challenge": nonce, "domain": aud}}
    return "/presentations/verify", body


def tampered_disclosure(inst: Institution) -> Body:
    forged = Disclosure.create("c2FsdHNhbHRzYWx0", "assessment_grade", "10", "sha-256")
    return credential(bearer(inst.sd_jwt()) + forged.raw + "~")


def tampered_jwt(inst: Institution) -> Body:
    header, payload, signature = inst.vc_jwt().split(".")
    claims = strictjson.loads_object(base64url.decode(payload))
    claims["vc"]["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
    forged = base64url.encode(strictjson.dumps(claims).encode())
    return credential(f"{header}.{forged}.{signature}")


def wrong_key(inst: Institution) -> Body:
    impostor = dataclasses.replace(inst.identity, key=PrivateKey.generate())
    original, inst.identity = inst.identity, impostor
    try:
        return credential(bearer(inst.sd_jwt()))
    finally:
        inst.identity = original


def alg_none(inst: Institution) -> Body:
    jwt, rest = inst.sd_jwt().split("~", 1)
    _, payload, _ = jwt.split(".")
    header = base64url.encode(b'{"alg":"none","typ":"dc+sd-jwt"}')
    return credential(f"{header}.{payload}.~{rest}")


def unknown_context(inst: Institution) -> Body:
    badge = inst.open_badge()
    badge["@context"] = [*badge["@context"], "https://evil.example/remap.jsonld"]
    return credential(badge)


def dropped_term(inst: Institution) -> Body:
    badge = copy.deepcopy(inst.open_badge())
    badge["credentialSubject"]["honors"] = "summa cum laude"
    return credential(badge)


def revoked(inst: Institution) -> Body:
    inst.revoke(1)
    return credential(inst.sd_jwt(1))


def revoked_badge(inst: Institution) -> Body:
    inst.revoke(1)
    return credential(inst.open_badge(1))


def suspended(inst: Institution) -> Body:
    inst.suspend(1)
    return credential(inst.vc_jwt(1))


def status_bomb(inst: Institution) -> Body:
    bomb = {"bits": 1, "lst": base64url.encode(zlib.compress(b"\0" * 40_000_000, 9))}
    payload = {"sub": f"{inst.base}/status/token", "iat": int(NOW.timestamp()), "status_list": bomb}
    token = jose.sign(
        payload, inst.key, typ="statuslist+jwt", kid=inst.identity.verification_method
    )
    inst.site.put("/status/token", token, "application/statuslist+jwt")
    return credential(inst.sd_jwt())


def status_unreachable(inst: Institution) -> Body:
    del inst.site.documents["/status/token"]
    return credential(inst.sd_jwt())


CASES: list[Any] = [
    pytest.param(
        tampered_disclosure, 400, "INVALID", "unreferenced_disclosure", id="tampered-disclosure"
    ),
    pytest.param(tampered_jwt, 400, "INVALID", "signature_invalid", id="tampered-vc-jwt"),
    pytest.param(
        lambda i: credential(i.sd_jwt(issued_at=NOW - 3 * DAY, expires_at=NOW - DAY)),
        400,
        "INVALID",
        "expired",
        id="expired",
    ),
    pytest.param(
        lambda i: credential(i.sd_jwt(issued_at=NOW + DAY)),
        400,
        "INVALID",
        "not_yet_valid",
        id="not-yet-valid",
    ),
    pytest.param(
        lambda i: credential(i.open_badge(expires_at=NOW - DAY, issued_at=NOW - 3 * DAY)),
        400,
        "INVALID",
        "expired",
        id="expired-badge",
    ),
    pytest.param(revoked, 400, "INVALID", "revoked", id="revoked"),
    pytest.param(revoked_badge, 400, "INVALID", "revoked", id="revoked-badge"),
    pytest.param(suspended, 400, "INVALID", "suspended", id="suspended"),
    pytest.param(wrong_key, 400, "INVALID", "signature_invalid", id="wrong-key"),
    pytest.param(alg_none, 400, "INVALID", "alg_not_allowed", id="alg-none"),
    pytest.param(unknown_context, 400, "INVALID", "unknown_context", id="unknown-context"),
    pytest.param(dropped_term, 400, "INVALID", "data_loss", id="dropped-term"),
    pytest.param(
        lambda i: presentation(bound(i.sd_jwt(), nonce="old-nonce-0123456789", audience=CLIENT)),
        400,
        "INVALID",
        "kb_nonce_mismatch",
        id="replayed",
    ),
    pytest.param(
        lambda i: presentation(
            bound(i.sd_jwt(), nonce="fresh-nonce-0123456789", audience="did:web:other.example")
        ),
        400,
        "INVALID",
        "kb_aud_mismatch",
        id="wrong-audience",
    ),
    pytest.param(
        lambda i: presentation(bearer(i.sd_jwt())),
        400,
        "INVALID",
        "key_binding_missing",
        id="binding-stripped",
    ),
    pytest.param(status_bomb, 400, "INVALID", "status_list_too_large", id="status-list-bomb"),
    pytest.param(
        status_unreachable, 422, "UNVERIFIED", "status_unavailable", id="status-list-unreachable"
    ),
]


@pytest.mark.parametrize(("build", "status", "verdict", "reason"), CASES)
def test_api_bad_credentials(
    app: Flask,
    client: FlaskClient,
    institution: Institution,
    build: Callable[[Institution], Body],
    status: int,
    verdict: str,
    reason: str,
) -> None:
    trust(app, institution)
    path, body = build(institution)
    response = client.post(path, json=body)
    assert (response.status_code, response.json["verdict"], response.json["reason"]) == (
        status,
        verdict,
        reason,
    )
    assert response.json["verified"] is False
    if verdict == "INVALID":  # G5: nothing of a rejected credential is shown as fact
        assert response.json["claims"] == {} and response.json["certificate"] is None


def test_did_web_at_a_private_address_is_not_fetched(
    tmp_path: Any, institution: Institution
) -> None:
    app = make_app(tmp_path, ALLOW_INSECURE_LOCALHOST=False)  # the production policy
    trust(app, institution)
    institution.site.hits.clear()
    response = app.test_client().post(
        "/credentials/verify", json={"verifiableCredential": institution.sd_jwt()}
    )
    assert (response.status_code, response.json["verdict"], response.json["reason"]) == (
        422,
        "UNVERIFIED",
        "issuer_unresolvable",
    )
    assert "url_blocked" in response.json["checks"][1]["message"] or "blocked" in str(response.json)
    assert sum(institution.site.hits.values()) == 0  # refused before connecting (D01)


PRIVATE_ANSWERS = {
    "private-10": ["10.0.0.5"],
    "cloud-metadata": ["169.254.169.254"],
    "private-192": ["192.168.1.20"],
    "ipv6-ula": ["fd00::5"],
    "one-bad-of-two": ["93.184.216.34", "172.16.0.9"],  # round-robin must not smuggle one in
}


@pytest.mark.parametrize("insecure_localhost", [False, True], ids=["production", "demo"])
@pytest.mark.parametrize("answer", list(PRIVATE_ANSWERS), ids=list(PRIVATE_ANSWERS))
def test_did_web_whose_name_resolves_to_a_private_address(
    tmp_path: Any, answer: str, insecure_localhost: bool
) -> None:
    asked: list[str] = []

    def dns(host: str, port: int) -> list[str]:
        asked.append(host)
        return PRIVATE_ANSWERS[answer]

    app = make_app(tmp_path, ALLOW_INSECURE_LOCALHOST=insecure_localhost, DNS_RESOLVER=dns)
    # A did:web names a host, never an address: the private address comes from DNS (D01).
    key = PrivateKey.generate()
    identity = issuance.IssuerIdentity(
        "did:web:uni.example", "did:web:uni.example#key-1", key, "Uni"
    )
    trust(app, identity)
    credential = issuance.issue_sd_jwt_vc(
        identity, DEMO_COURSE, DEMO_AWARD, holder_jwk=None, issued_at=NOW - DAY
    )
    response = app.test_client().post(
        "/credentials/verify", json={"verifiableCredential": credential}
    )
    body = response.json
    assert (response.status_code, body["verdict"], body["reason"]) == (
        422, "UNVERIFIED", "issuer_unresolvable"
    )  # fmt: skip
    assert "address_blocked" in str(body["checks"]) and body["certificate"] is None
    assert asked == ["uni.example"]  # resolved, checked, and never connected to


def png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )


def qr_row(text: str, case: str) -> Any:
    """A row of the table below: a photo of a QR code that holds `text`, not a credential."""
    return pytest.param(lambda: qr.encode_png(text), "not_a_credential", id=case)


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        qr_row("javascript:alert(document.cookie)", "qr-javascript"),
        qr_row(
            "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fi.example%2Fo",
            "qr-credential-offer",
        ),
        qr_row("openid4vp://?client_id=x&request_uri=https%3A%2F%2Fv.example", "qr-vp-request"),
        qr_row("https://example.com/careers", "qr-plain-url"),
        qr_row("BEGIN:VCARD\nFN:Someone\nEND:VCARD", "qr-vcard"),
        pytest.param(
            lambda: png_header(50_000, 50_000) + b"\0" * 64, "image_too_large", id="pixel-flood"
        ),
        pytest.param(lambda: b"<svg onload=alert(1)>", "unsupported_upload", id="svg-with-script"),
        pytest.param(lambda: b"GIF89a" + b"\0" * 20, "unsupported_upload", id="gif"),
        pytest.param(lambda: png_header(100, 100), "image_invalid", id="truncated-png"),
        qr_row("hello", "qr-plain-text"),
    ],
)
def test_uploads_that_are_not_credentials(
    app: Flask, client: FlaskClient, upload: Callable[[], bytes], code: str
) -> None:
    before = table_counts(app)
    response = client.post("/verify", data={"upload": (io.BytesIO(upload()), "photo.png")})
    assert 400 <= response.status_code < 500
    assert code in response.get_data(as_text=True)
    assert "verdict-valid" not in response.get_data(as_text=True)
    assert table_counts(app) == before
    assert "Location" not in response.headers  # never navigated anywhere


def test_a_huge_paste_is_refused_cleanly(app: Flask, client: FlaskClient) -> None:
    response = client.post("/verify", data={"text": "{" + " " * 900_000 + "}"})
    assert response.status_code in (400, 413)


XSS_TITLE = '<script>alert("x")</script>'
XSS_DESCRIPTION = '<img src=x onerror="alert(1)"> and a "quote"'


def test_html_in_credential_fields_is_shown_as_text(
    app: Flask, client: FlaskClient, institution: Institution
) -> None:
    trust(app, institution)
    course = dataclasses.replace(DEMO_COURSE, title=XSS_TITLE, description=XSS_DESCRIPTION)
    sd = issuance.issue_sd_jwt_vc(
        institution.identity, course, DEMO_AWARD,
        holder_jwk=HOLDER.public_key.jwk, status=(f"{institution.base}/status/token", 1),
        issued_at=NOW - DAY,
    )  # fmt: skip
    location = client.post("/verify", data={"text": bearer(sd)}).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert "verdict-valid" in html
    assert XSS_TITLE not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=" in html
    history = signed_in(app).get("/history").get_data(as_text=True)
    assert XSS_TITLE not in history and "&lt;script&gt;" in history
