"""The verifier app through the Flask client: pages, results, history, registry, settings, API."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from issuer_site import Institution, Site
from verifier_world import bearer, ld_presentation, make_app, table_counts, trust

from microcred import strictjson
from microcred.http_policy import CONTENT_SECURITY_POLICY
from verifier import reports, store

PAGES = ["/", "/ask", "/history", "/registry", "/settings"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_with_security_headers(staff: FlaskClient, path: str) -> None:
    response = staff.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert b"<script>" not in response.data  # no inline script anywhere (CSP)
    assert b' style="' not in response.data


def test_did_document_is_served(app: Flask, client: FlaskClient) -> None:
    document = client.get("/.well-known/did.json").json
    assert document["id"] == "did:web:localhost%3A5003"
    assert document["verificationMethod"][0]["id"] == "did:web:localhost%3A5003#key-1"
    key_file = app.instance_path + "/verifier-key.json"
    import os
    import stat

    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    # A second app on the same instance folder keeps the same DID key.
    again = make_app(__import__("pathlib").Path(app.instance_path)).test_client()
    assert again.get("/.well-known/did.json").json == document


def verify_text(client: FlaskClient, text: str) -> Any:
    return client.post("/verify", data={"text": text, "source": "paste"})


def test_paste_a_trusted_credential_gives_a_valid_result(
    app: Flask, client: FlaskClient, institution: Institution
) -> None:
    trust(app, institution)
    response = verify_text(client, bearer(institution.sd_jwt()))
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "verdict-valid" in html and "Data Analysis with Python" in html
    assert "Demo University of Science" in html and "Ministry of Education and Training" in html
    assert "disclosed" in html and "Nguyễn" in html  # the family name was disclosed, and marked
    assert "8.5" not in html  # the grade was not disclosed
    entries = store.history(store.connect(app.config["DATABASE"]))
    assert [(e["title"], e["verdict"], e["source"]) for e in entries] == [
        ("Data Analysis with Python", "VALID", "paste")
    ]


def test_result_is_only_for_the_session_that_made_it(
    app: Flask, client: FlaskClient, institution: Institution
) -> None:
    location = verify_text(client, institution.vc_jwt()).headers["Location"]
    assert client.get(location).status_code == 200
    stranger = app.test_client()
    assert stranger.get(location).status_code == 404
    assert stranger.get(location + ".json").status_code == 404


def test_json_report_download(app: Flask, client: FlaskClient, institution: Institution) -> None:
    location = verify_text(client, institution.vc_jwt()).headers["Location"]
    download = client.get(location + ".json")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    report = strictjson.loads_object(download.data)
    assert report["verdict"] == "UNVERIFIED" and report["reason"] == "issuer_not_in_registry"
    assert [c["name"] for c in report["checks"]][:3] == ["format", "issuer_key", "signature"]


def test_an_untrusted_issuer_is_never_green(client: FlaskClient, institution: Institution) -> None:
    location = verify_text(client, institution.vc_jwt()).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert "verdict-unverified" in html and "verdict-valid" not in html
    assert "not in your registry" in html
    # G5: the certificate is shown, set apart and said to be unconfirmed, with the reason.
    certificate = html[html.index('id="certificate"') :]
    assert "certificate-unconfirmed" in html and "Data Analysis with Python" in certificate
    assert "These claims are not confirmed." in certificate
    assert "The issuer is not in your trust registry." in certificate


def test_a_valid_certificate_reads_well(
    app: Flask, client: FlaskClient, institution: Institution
) -> None:
    trust(app, institution, validFrom="2025-01-01")
    html = client.get(verify_text(client, institution.vc_jwt()).headers["Location"]).get_data(
        as_text=True
    )
    assert "certificate-unconfirmed" not in html and "not confirmed" not in html
    assert html.count("<dt>Workload") == 1 and "5 ECTS credits · 125 hours" in html
    assert "<dt>Hours" not in html and "<dt>ECTS credits" not in html
    assert "<dd>English</dd>" in html and "<dd>en</dd>" not in html
    assert "since Jan 1, 2025, no end date" in html and "open start" not in html


@pytest.mark.parametrize(
    ("entry", "shown"),
    [
        ({}, None),
        ({"valid_from": "2025-01-01"}, "since Jan 1, 2025, no end date"),
        ({"valid_until": "2030-12-31"}, "until Dec 31, 2030"),
        ({"valid_from": "2025-01-01", "valid_until": "2030-12-31"}, "Jan 1, 2025 – Dec 31, 2030"),
    ],
)
def test_accreditation_period_in_words(
    app: Flask, entry: dict[str, str], shown: str | None
) -> None:
    with app.test_request_context():
        assert reports.accreditation_period(entry) == shown


@pytest.mark.parametrize(
    ("certificate", "workload", "language"),
    [
        ({"ects": 5.0, "workload_hours": 125.0, "language": "vi"}, "5 ECTS credits · 125 hours",
         "Vietnamese"),
        ({"workload_hours": 40.0, "study_time": "40 hours", "language": "en-GB"}, "40 hours",
         "English (United Kingdom)"),
        ({"study_time": "two weeks full time", "language": "xx-unknown"}, "two weeks full time",
         "xx-unknown"),
    ],
)  # fmt: skip
def test_workload_and_language_rows(
    app: Flask, certificate: dict[str, Any], workload: str, language: str
) -> None:
    with app.test_request_context():
        rows = {name: value for name, _label, value in reports.certificate_rows(certificate)}
    assert (rows["workload"], rows["language"]) == (workload, language)


def test_results_expire(tmp_path: Any, institution: Institution) -> None:
    app = make_app(tmp_path, RESULT_LIFETIME=0)
    client = app.test_client()
    location = verify_text(client, institution.vc_jwt()).headers["Location"]
    assert client.get(location).status_code == 404


def test_no_token_is_stored(app: Flask, client: FlaskClient, institution: Institution) -> None:
    presentation = bearer(institution.sd_jwt(), names=["given_name"])
    verify_text(client, presentation)
    dump = "\n".join(store.connect(app.config["DATABASE"]).conn.iterdump())
    jwt_part = presentation.split("~")[0]
    assert jwt_part[-40:] not in dump and presentation.split("~")[1] not in dump
    # Undisclosed data never reaches the database (I16): the grade and learner id stay out.
    assert "student-2026-0042" not in dump and "8.5" not in dump


def test_history_search_and_retention(app: Flask, staff: FlaskClient) -> None:
    db = store.connect(app.config["DATABASE"])
    for title, age_days in (("Old course", 40), ("Data course", 1), ("Other", 2)):
        db.execute(
            "INSERT INTO history (created_at, title, verdict, source)"
            " VALUES (?, ?, 'VALID', 'api')",
            [time.time() - age_days * 86_400, title],
        )
    page = staff.get("/history?q=course").get_data(as_text=True)
    assert "Data course" in page and "Other" not in page and "Old course" not in page
    assert staff.get("/history?q=%25").status_code == 200  # a literal % is searched, not a wildcard
    assert store.cleanup(db)["history"] == 1
    response = staff.post("/settings", data={"retention_days": "1"})
    assert response.status_code == 303
    assert [e["title"] for e in store.history(db)] == []
    assert store.retention_days(db) == 1


@pytest.mark.parametrize("value", ["0", "-3", "abc", "99999", ""])
def test_settings_refuse_bad_retention(app: Flask, staff: FlaskClient, value: str) -> None:
    response = staff.post("/settings", data={"retention_days": value})
    assert response.status_code == 422
    assert b"field-error" in response.data
    assert store.retention_days(store.connect(app.config["DATABASE"])) == 30


def test_registry_add_and_remove(app: Flask, staff: FlaskClient) -> None:
    form = {"did": "did:web:uni.example", "name": "Uni", "country": "vn", "accreditingBody": "MOET",
            "validFrom": "2025-01-01", "validUntil": ""}  # fmt: skip
    assert staff.post("/registry/add", data=form).status_code == 303
    page = staff.get("/registry").get_data(as_text=True)
    assert "did:web:uni.example" in page and "2025-01-01" in page
    issuer_id = store.list_issuers(store.connect(app.config["DATABASE"]))[0]["id"]
    assert staff.post(f"/registry/{issuer_id}/remove").status_code == 303
    assert staff.post(f"/registry/{issuer_id}/remove").status_code == 404
    assert table_counts(app)["issuers"] == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"did": "not-a-did"}, "is not a DID", id="bad-did"),
        pytest.param({"did": "did:web:x#frag"}, "is not a DID", id="did-with-fragment"),
        pytest.param({"country": "Vietnam"}, "two-letter", id="bad-country"),
        pytest.param({"name": ""}, "non-empty", id="no-name"),
        pytest.param({"validFrom": "2026-02-30"}, "not a real date", id="impossible-date"),
        pytest.param(
            {"validFrom": "2026-01-02", "validUntil": "2026-01-01"}, "not after", id="reversed"
        ),
    ],
)
def test_registry_add_validation(
    app: Flask, staff: FlaskClient, change: dict[str, str], message: str
) -> None:
    form = {"did": "did:web:uni.example", "name": "Uni", "country": "VN", "accreditingBody": "MOET"}
    response = staff.post("/registry/add", data={**form, **change})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert table_counts(app)["issuers"] == 0


REGISTRY = {
    "name": "Accredited universities",
    "issuers": [
        {"did": "did:web:a.example", "name": "A", "country": "VN", "accreditingBody": "MOET"},
        {"did": "did:web:b.example", "name": "B", "country": "FR", "accreditingBody": "HCERES"},
    ],
}


def test_registry_import_file_then_url_replaces_by_source(
    app: Flask, staff: FlaskClient, live_server: Any
) -> None:
    upload = (io.BytesIO(strictjson.dumps(REGISTRY).encode()), "registry.json")
    assert staff.post("/registry/import", data={"file": upload}).status_code == 303
    again = (io.BytesIO(strictjson.dumps(REGISTRY).encode()), "registry.json")
    assert staff.post("/registry/import", data={"file": again}).status_code == 303
    assert table_counts(app)["issuers"] == 2  # the same file again: no duplicates
    site = Site()
    site.put_json("/registry.json", {"name": "R", "issuers": REGISTRY["issuers"][:1]})
    url = live_server(site).url + "/registry.json"
    assert staff.post("/registry/import", data={"url": url}).status_code == 303
    dids = sorted(row["did"] for row in store.list_issuers(store.connect(app.config["DATABASE"])))
    assert dids == ["did:web:a.example", "did:web:a.example", "did:web:b.example"]


@pytest.mark.parametrize(
    ("data", "status"),
    [
        pytest.param(
            {"file": (io.BytesIO(b'{"name": "x", "issuers": [1]}'), "r.json")}, 422, id="bad-entry"
        ),
        pytest.param(
            {"file": (io.BytesIO(b'{"name":"x","name":"y","issuers":[]}'), "r.json")},
            422,
            id="dup-keys",
        ),
        pytest.param({"file": (io.BytesIO(b"\x89PNG"), "r.json")}, 422, id="not-json"),
        pytest.param({"url": "http://127.0.0.1:1/registry.json"}, 502, id="unreachable-url"),
        pytest.param({"url": "file:///etc/passwd"}, 502, id="file-url"),
        pytest.param({}, 422, id="nothing"),
    ],
)
def test_registry_import_refuses_bad_input(
    app: Flask, staff: FlaskClient, data: dict[str, Any], status: int
) -> None:
    response = staff.post("/registry/import", data=data)
    assert response.status_code == status
    assert table_counts(app)["issuers"] == 0


def test_cli_commands(app: Flask, institution: Institution) -> None:
    trust(app, institution)
    runner = app.test_cli_runner()
    assert "database ready" in runner.invoke(args=["init-db"]).output
    assert "documents: 1" in runner.invoke(args=["prefetch"]).output
    assert "history: 0" in runner.invoke(args=["cleanup"]).output


def test_demo_seed_adds_the_institution(app: Flask, institution: Institution) -> None:
    from verifier.demo import seed

    seed(app, issuer_did=institution.did, issuer_name="Demo University of Science")
    seed(app, issuer_did=institution.did, issuer_name="Demo University of Science")
    rows = store.list_issuers(store.connect(app.config["DATABASE"]))
    assert [(r["did"], r["source"]) for r in rows] == [(institution.did, "demo")]
    client = app.test_client()
    answer = client.post("/credentials/verify", json={"verifiableCredential": institution.vc_jwt()})
    assert answer.json["verdict"] == "VALID"


def test_vc_api_answers(app: Flask, client: FlaskClient, institution: Institution) -> None:
    trust(app, institution)
    valid = client.post(
        "/credentials/verify", json={"verifiableCredential": institution.open_badge()}
    )
    assert valid.status_code == 200
    assert valid.json["verdict"] == "VALID" and valid.json["verified"] is True
    assert valid.json["certificate"]["title"] == "Data Analysis with Python"
    vp = client.post(
        "/presentations/verify", json={"verifiablePresentation": bearer(institution.sd_jwt())}
    )
    assert vp.status_code == 200 and vp.json["format"] == "sd-jwt-vc"
    assert table_counts(app)["history"] == 2


CLIENT_ID = "decentralized_identifier:did:web:localhost%3A5003"


@pytest.mark.parametrize(
    ("challenge", "domain", "status", "verdict"),
    [
        pytest.param("nonce-0123456789abcdef", CLIENT_ID, 200, "VALID", id="bound"),
        pytest.param("another-nonce-0123456", CLIENT_ID, 400, "INVALID", id="replayed"),
        pytest.param("nonce-0123456789abcdef", "did:web:other.example", 400, "INVALID",
                     id="other-verifier"),
    ],
)  # fmt: skip
def test_vc_api_json_ld_presentation(
    app: Flask, client: FlaskClient, institution: Institution,
    challenge: str, domain: str, status: int, verdict: str,
) -> None:  # fmt: skip
    trust(app, institution)
    vp = ld_presentation(
        institution.open_badge(), challenge="nonce-0123456789abcdef", domain=CLIENT_ID
    )
    body = {"verifiablePresentation": vp, "options": {"challenge": challenge, "domain": domain}}
    answer = client.post("/presentations/verify", json=body)
    assert (answer.status_code, answer.json["verdict"]) == (status, verdict)
    assert answer.json["format"] == "ldp-vp"
    if verdict == "VALID":
        assert answer.json["certificate"]["title"] == "Data Analysis with Python"
    else:  # G5: nothing of a rejected presentation is shown as fact
        assert answer.json["certificate"] is None


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param(b"", 400, id="empty"),
        pytest.param(b"not json", 400, id="not-json"),
        pytest.param(b"[]", 400, id="array"),
        pytest.param(b'{"verifiableCredential": 5}', 400, id="number"),
        pytest.param(b'{"verifiableCredential": null}', 400, id="null"),
        pytest.param(b'{"a":1,"a":2}', 400, id="duplicate-keys"),
        pytest.param(b'{"verifiableCredential": "' + b"x" * 2_000_000 + b'"}', 413, id="too-large"),
        pytest.param(b"[" * 50_000, 413, id="deep"),
        pytest.param(b'{"verifiableCredential": {"type": ["Nope"]}}', 400, id="not-a-credential"),
        pytest.param(b'{"verifiableCredential": "a.b"}', 400, id="not-compact"),
    ],
)
def test_vc_api_bad_bodies_are_4xx(
    app: Flask, client: FlaskClient, body: bytes, status: int
) -> None:
    response = client.post("/credentials/verify", data=body, content_type="application/json")
    assert response.status_code == status
    assert response.is_json


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"challenge": "n"}, id="challenge-only"),
        pytest.param({"challenge": 1, "domain": "d"}, id="challenge-not-text"),
        pytest.param("x", id="options-not-object"),
    ],
)
def test_presentation_options_are_checked(client: FlaskClient, options: Any) -> None:
    body = {"verifiablePresentation": "a.b.c~", "options": options}
    assert client.post("/presentations/verify", json=body).status_code == 400


def test_api_vp_request_needs_its_result_token(client: FlaskClient) -> None:
    created = client.post("/api/vp/requests", json={"claims": ["title", "name"]})
    assert created.status_code == 201
    body = created.json
    assert body["qr_text"].startswith("openid4vp://?client_id=decentralized_identifier")
    path = f"/api/vp/requests/{body['id']}"
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 404
    read = client.get(path, headers={"Authorization": f"Bearer {body['result_token']}"})
    assert read.json == {"id": body["id"], "status": "pending", "report": None}
    # The browser page of the same request is not readable without the creating session.
    assert client.get(f"/vp/{body['id']}").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"claims": []}, id="no-claims"),
        pytest.param({"claims": ["password"]}, id="unknown-claim"),
        pytest.param({"claims": "title"}, id="not-a-list"),
        pytest.param({"claims": ["title"], "issuer": 5}, id="issuer-not-text"),
    ],
)
def test_api_vp_request_bad_bodies(app: Flask, client: FlaskClient, body: Any) -> None:
    assert client.post("/api/vp/requests", json=body).status_code == 400
    assert table_counts(app)["vp_requests"] == 0


def test_csrf_is_enforced_on_forms_but_not_on_protocol_endpoints(tmp_path: Any) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/verify", data={"text": "x"}).status_code == 400
    assert client.post("/registry/add", data={"did": "did:web:x"}).status_code == 400
    assert (
        client.post("/credentials/verify", json={"verifiableCredential": "a.b.c"}).status_code
        == 400
    )
    assert client.post("/credentials/verify", json={}).json["error"] == "bad_request"
    assert (
        client.post("/vp/response/unknown", data={"state": "x"}).json["error"] == "invalid_request"
    )


def test_not_found_and_method_errors_are_pages_or_json(client: FlaskClient) -> None:
    assert client.get("/nope").status_code == 404
    assert b"Back to the start" in client.get("/nope").data
    assert client.get("/credentials/verify").status_code == 405
    assert client.get("/credentials/verify").json["error"] == "method_not_allowed"


def test_camera_frames_decoded_on_the_server(client: FlaskClient) -> None:
    from microcred import qr

    found = client.post("/scan/frame", data=qr.encode_png("hello frame"), content_type="image/png")
    assert found.json == {"text": "hello frame"}
    blank = client.post("/scan/frame", data=blank_png(), content_type="image/png")
    assert blank.json == {"text": None}
    assert client.post("/scan/frame", data=b"GIF89a").status_code == 400
    assert client.post("/scan/frame", data=b"\xff\xd8\xff" + b"0" * 2_100_000).status_code == 413


def blank_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (64, 48), 255).save(out, format="PNG")
    return out.getvalue()


def test_verifications_are_limited_per_address(tmp_path: Any, institution: Institution) -> None:
    app = make_app(tmp_path, VERIFY_REQUESTS_PER_MINUTE=3)
    client = app.test_client()
    body = {"verifiableCredential": institution.vc_jwt()}
    for _ in range(2):
        assert client.post("/credentials/verify", json=body).status_code == 422
    assert verify_text(client, institution.vc_jwt()).status_code == 303  # the page counts too
    before = table_counts(app)
    for refused in (
        client.post("/credentials/verify", json=body),
        client.post("/presentations/verify", json={"verifiablePresentation": "a.b.c~"}),
        client.post("/api/vp/requests", json={"claims": ["title"]}),
        client.post("/ask", data={"claims": ["title"]}),
        verify_text(client, institution.vc_jwt()),
    ):
        assert refused.status_code == 429
        assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert client.post("/credentials/verify", json=body).json["error"] == "too_many_requests"
    assert table_counts(app) == before  # refused before any work or write
    elsewhere = {"REMOTE_ADDR": "192.0.2.7"}
    other = client.post("/credentials/verify", json=body, environ_base=elsewhere)
    assert other.status_code == 422


@pytest.mark.parametrize(("hops", "third"), [(0, 429), (1, 422)], ids=["direct", "proxied"])
def test_behind_a_trusted_proxy_the_forwarded_address_counts(
    tmp_path: Any, institution: Institution, hops: int, third: int
) -> None:
    app = make_app(tmp_path, VERIFY_REQUESTS_PER_MINUTE=2, TRUSTED_PROXY_HOPS=hops)
    client = app.test_client()
    body = {"verifiableCredential": institution.vc_jwt()}
    statuses = [
        client.post(
            "/credentials/verify", json=body, headers={"X-Forwarded-For": f"203.0.113.{n}"}
        ).status_code
        for n in range(3)
    ]
    assert statuses == [422, 422, third]


def test_the_api_token_lifts_the_limit(tmp_path: Any, institution: Institution) -> None:
    app = make_app(tmp_path, VERIFY_REQUESTS_PER_MINUTE=1, API_TOKEN="t" * 32)
    client = app.test_client()
    body = {"verifiableCredential": institution.vc_jwt()}
    for _ in range(3):
        answer = client.post(
            "/credentials/verify", json=body, headers={"Authorization": "Bearer " + "t" * 32}
        )
        assert answer.status_code == 422
    assert verify_text(client, institution.vc_jwt()).status_code == 303
    assert verify_text(client, institution.vc_jwt()).status_code == 429  # pages stay limited


def test_camera_frames_are_limited_per_address(tmp_path: Any) -> None:
    app = make_app(tmp_path, FRAME_REQUESTS_PER_MINUTE=2)
    client = app.test_client()
    for _ in range(2):
        assert client.post("/scan/frame", data=blank_png()).json == {"text": None}
    refused = client.post("/scan/frame", data=blank_png())
    assert refused.status_code == 429 and refused.is_json and "Retry-After" in refused.headers


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("credential.json", lambda i: strictjson.dumps(i.open_badge()), id="json-ld"),
        pytest.param("credential.txt", lambda i: bearer(i.sd_jwt()) + "\n", id="sd-jwt-text"),
    ],
)
def test_a_credential_file_is_verified(
    app: Flask, staff: FlaskClient, institution: Institution, name: str, content: Any
) -> None:
    trust(app, institution)
    upload = (io.BytesIO(content(institution).encode()), name)
    response = staff.post("/verify", data={"upload": upload})
    assert response.status_code == 303
    assert b"verdict-valid" in staff.get(response.headers["Location"]).data
    assert [e["source"] for e in store.history(store.connect(app.config["DATABASE"]))] == ["file"]


def test_a_dropped_file_is_recorded_as_a_file(
    app: Flask, client: FlaskClient, institution: Institution
) -> None:
    text = strictjson.dumps(institution.open_badge())
    assert client.post("/verify", data={"text": text, "source": "file"}).status_code == 303
    assert client.post("/verify", data={"text": text, "source": "<b>"}).status_code == 303
    sources = [e["source"] for e in store.history(store.connect(app.config["DATABASE"]))]
    assert sorted(sources) == ["file", "paste"]  # an unknown source is filed as a paste
