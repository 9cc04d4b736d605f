"""Staff sign-in: which pages are public, which need a session, and how sessions behave."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from issuer_site import Institution, Site
from verifier_world import (
    STAFF_PASSWORD,
    STAFF_USER,
    add_staff,
    bearer,
    make_app,
    signed_in,
    snapshot,
    trust,
)

from microcred import strictjson
from verifier import store

REGISTRY_FILE = {
    "name": "R",
    "issuers": [{"did": "did:web:evil.example", "name": "Evil", "country": "VN",
                 "accreditingBody": "Self"}],
}  # fmt: skip
Action = Callable[[FlaskClient, int, str], Any]


def _issuer_id(app: Flask) -> int:
    return int(store.list_issuers(store.connect(app.config["DATABASE"]))[0]["id"])


ADMIN_ACTIONS: list[Any] = [
    pytest.param(
        lambda c, _i, _u: c.post("/settings", data={"retention_days": "1"}), id="settings"
    ),
    pytest.param(
        lambda c, _i, _u: c.post("/registry/add", data=REGISTRY_FILE["issuers"][0]),
        id="registry-add",
    ),
    pytest.param(
        lambda c, _i, _u: c.post(
            "/registry/import",
            data={"file": (io.BytesIO(strictjson.dumps(REGISTRY_FILE).encode()), "r.json")},
        ),
        id="registry-import-file",
    ),  # fmt: skip
    pytest.param(
        lambda c, _i, url: c.post("/registry/import", data={"url": url}), id="registry-import-url"
    ),
    pytest.param(lambda c, i, _u: c.post(f"/registry/{i}/remove"), id="registry-remove"),
]


@pytest.mark.parametrize("action", ADMIN_ACTIONS)
def test_admin_actions_without_a_session_are_refused_and_change_nothing(
    app: Flask, client: FlaskClient, institution: Institution, live_server: Any, action: Action
) -> None:
    trust(app, institution)
    add_staff(app)
    site = Site()
    site.put_json("/registry.json", REGISTRY_FILE)
    url = live_server(site).url + "/registry.json"
    before = snapshot(app)
    response = action(client, _issuer_id(app), url)
    assert response.status_code == 401 and b"Sign in as staff to do this." in response.data
    assert snapshot(app) == before
    assert sum(site.hits.values()) == 0  # not even fetched
    # The same action with a staff session goes through (the check above was not vacuous).
    assert action(signed_in(app), _issuer_id(app), url).status_code == 303
    changed = [line for line in snapshot(app) if 'INTO "sessions"' not in line]
    assert changed != before


@pytest.mark.parametrize("path", ["/history", "/registry", "/settings", "/history?q=x"])
def test_admin_pages_send_visitors_to_sign_in(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert client.get(path, headers={"HX-Request": "true"}).status_code == 401
    assert b"Trust registry" not in client.get("/").data  # nor linked from the public pages


def test_public_pages_need_no_session(
    app: Flask, client: FlaskClient, institution: Institution
) -> None:
    trust(app, institution)
    for path in ("/", "/ask", "/sign-in", "/.well-known/did.json"):
        assert client.get(path).status_code == 200, path
    location = client.post("/verify", data={"text": bearer(institution.sd_jwt())}).headers[
        "Location"
    ]
    assert b"verdict-valid" in client.get(location).data
    api = client.post("/credentials/verify", json={"verifiableCredential": institution.sd_jwt()})
    assert api.json["verdict"] == "VALID"
    asked = client.post("/ask", data={"claims": ["title"]})
    assert asked.status_code == 303 and client.get(asked.headers["Location"]).status_code == 200
    assert client.post("/api/vp/requests", json={"claims": ["title"]}).status_code == 201


def test_sign_in_goes_back_only_to_this_app(app: Flask, client: FlaskClient) -> None:
    add_staff(app)
    form = {"username": STAFF_USER, "password": STAFF_PASSWORD}
    for target, expected in (
        ("/registry", "/registry"),
        ("https://evil.example/", "/history"),
        ("//evil.example/", "/history"),
        ("/\\evil.example", "/history"),
    ):
        answer = app.test_client().post("/sign-in", data={**form, "next": target})
        assert (answer.status_code, answer.headers["Location"]) == (303, expected), target
    signed = signed_in(app)
    page = signed.get("/history").get_data(as_text=True)
    assert "Sign out" in page and "Trust registry" in page


def test_wrong_passwords_are_refused_then_throttled(app: Flask, client: FlaskClient) -> None:
    add_staff(app)
    for attempt in range(5):
        wrong = client.post("/sign-in", data={"username": STAFF_USER, "password": f"nope{attempt}"})
        assert wrong.status_code == 401
        assert b"The user name or password is wrong." in wrong.data
    right = {"username": STAFF_USER, "password": STAFF_PASSWORD}
    throttled = client.post("/sign-in", data=right)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    assert client.get("/history").status_code == 303  # still not signed in
    # An unknown account is refused exactly like a wrong password.
    other = app.test_client().post("/sign-in", data={"username": "ghost", "password": "x" * 12})
    assert other.status_code == 401 and b"The user name or password is wrong." in other.data


def test_sign_in_starts_a_new_session_and_sign_out_ends_it(app: Flask) -> None:
    client = signed_in(app)
    cookie = client.get_cookie("verifier_session")
    assert cookie is not None
    stolen = cookie.value
    assert client.post("/sign-out").status_code == 303
    assert client.get("/history").status_code == 303
    # Replaying the cookie of the ended session opens nothing (SECURITY-CASES I06).
    replay = app.test_client()
    replay.set_cookie("verifier_session", stolen)
    assert replay.get("/history").status_code == 303
    db = store.connect(app.config["DATABASE"])
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_sign_in_drops_the_visitor_session(app: Flask, institution: Institution) -> None:
    client = app.test_client()
    location = client.post("/verify", data={"text": institution.vc_jwt()}).headers["Location"]
    before = client.get_cookie("verifier_session")
    add_staff(app)
    client.post("/sign-in", data={"username": STAFF_USER, "password": STAFF_PASSWORD})
    after = client.get_cookie("verifier_session")
    assert before is not None and after is not None and after.value != before.value
    assert client.get(location).status_code == 404  # a fresh session: nothing carried over


def test_idle_sessions_expire(tmp_path: Path) -> None:
    moment = [1_000_000.0]
    app = make_app(tmp_path, CLOCK=lambda: moment[0], SESSION_IDLE=600)
    client = signed_in(app)
    moment[0] += 590
    assert client.get("/history").status_code == 200  # used within the idle time...
    moment[0] += 590
    assert client.get("/history").status_code == 200  # ...which starts again
    moment[0] += 601
    assert client.get("/history").status_code == 303


def test_create_staff_command(app: Flask) -> None:
    runner = app.test_cli_runner()
    short = runner.invoke(args=["create-staff", "--username", "lan", "--password", "short"])
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    named = ["create-staff", "--username", "lan.nguyen", "--password", "LAN.NGUYEN-2026"]
    assert "do not include the user name" in runner.invoke(args=named).output
    made = runner.invoke(
        args=["create-staff", "--username", "lan", "--name", "Lan", "--password", "x" * 12]
    )
    assert made.exit_code == 0 and "created" in made.output
    stored = store.connect(app.config["DATABASE"]).execute("SELECT password_hash FROM staff")
    assert stored.fetchone()[0].startswith("$argon2id$")
    client = app.test_client()
    assert (
        client.post("/sign-in", data={"username": "LAN", "password": "x" * 12}).status_code == 303
    )
    again = runner.invoke(args=["create-staff", "--username", "lan", "--password", "y" * 12])
    assert "updated" in again.output
    assert client.get("/history").status_code == 303  # a new password ends the sessions


def test_demo_seed_creates_the_staff_account(app: Flask, institution: Institution) -> None:
    from verifier.demo import seed

    seed(app, issuer_did=institution.did, issuer_name="Demo", staff_password="demo-password-1")
    client = app.test_client()
    form = {"username": "staff", "password": "demo-password-1"}
    assert client.post("/sign-in", data=form).status_code == 303
    seed(app, issuer_did=institution.did, issuer_name="Demo", staff_password="demo-password-2")
    fresh = app.test_client()
    assert fresh.post("/sign-in", data=form).status_code == 401
    assert fresh.post("/sign-in", data={**form, "password": "demo-password-2"}).status_code == 303


def test_api_token_when_configured(tmp_path: Path, institution: Institution) -> None:
    app = make_app(tmp_path, API_TOKEN="hr-system-token-0123456789abcdef")
    trust(app, institution)
    client = app.test_client()
    body = {"verifiableCredential": institution.sd_jwt()}
    refused = client.post("/credentials/verify", json=body)
    assert refused.status_code == 401 and refused.json["error"] == "unauthorized"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.post("/credentials/verify", json=body, headers=wrong).status_code == 401
    assert client.post("/api/vp/requests", json={"claims": ["title"]}).status_code == 401
    token = {"Authorization": "Bearer hr-system-token-0123456789abcdef"}
    assert client.post("/credentials/verify", json=body, headers=token).json["verdict"] == "VALID"
    created = client.post("/api/vp/requests", json={"claims": ["title"]}, headers=token).json
    result = {"Authorization": f"Bearer {created['result_token']}"}
    assert client.get(f"/api/vp/requests/{created['id']}", headers=result).status_code == 200


def test_seed_demo_command(app: Flask, institution: Institution, tmp_path: Path) -> None:
    registry = tmp_path / "registry.json"
    entry = {"did": institution.did, "name": "Trường Đại học", "country": "VN",
             "accreditingBody": "Bộ Giáo dục"}  # fmt: skip
    registry.write_text(strictjson.dumps({"name": "demo", "issuers": [entry]}), "utf-8")
    runner = app.test_cli_runner()
    args = ["seed-demo", "--registry", str(registry), "--staff", "hr", "--password", "demo-hr-2026"]
    for _ in range(2):  # idempotent
        result = runner.invoke(args=args)
        assert result.exit_code == 0 and "Trusted 1 issuer(s)" in result.output, result.output
    rows = store.list_issuers(store.connect(app.config["DATABASE"]))
    assert [(r["did"], r["name"], r["source"]) for r in rows] == [
        (institution.did, "Trường Đại học", "demo")
    ]
    form = {"username": "hr", "password": "demo-hr-2026"}
    assert app.test_client().post("/sign-in", data=form).status_code == 303
    registry.write_text('{"name": "x", "issuers": [{"did": "nope"}]}')
    refused = runner.invoke(args=args)
    assert refused.exit_code != 0 and "Error" in refused.output
    weak = runner.invoke(args=[*args[:-1], "short"])
    assert weak.exit_code != 0
