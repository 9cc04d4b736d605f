"""Staff sign-in: argon2 hashes, fresh sessions, server-side sign-out, throttling (I06, I09)."""

from __future__ import annotations

import sqlite3

from flask import Flask
from flask.testing import FlaskClient
from issuer_app import PASSWORD, Staff, csrf_token


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("issuer_session")
    assert cookie is not None
    return cookie.value


def test_pages_need_a_signed_in_staff_member(client: FlaskClient) -> None:
    response = client.get("/awards?q=x")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in?next=/awards")
    assert client.get("/register").status_code == 200  # the register is public


def test_sign_in_rotates_the_session_and_returns_to_the_page(client: FlaskClient) -> None:
    token = csrf_token(client)
    before = session_cookie(client)
    response = client.post(
        "/sign-in",
        data={"username": "ADMIN", "password": PASSWORD, "csrf_token": token, "next": "/awards"},
    )
    assert (response.status_code, response.headers["Location"]) == (303, "/awards")
    assert session_cookie(client) != before
    assert "Good to see you" in client.get("/").get_data(as_text=True)


def test_next_never_leaves_the_site(client: FlaskClient) -> None:
    token = csrf_token(client)
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        response = client.post(
            "/sign-in",
            data={"username": "admin", "password": PASSWORD, "csrf_token": token, "next": target},
        )
        assert response.headers["Location"] == "/"
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
        token = csrf_token(client)


def test_wrong_password_is_a_generic_401(client: FlaskClient) -> None:
    token = csrf_token(client)
    for username in ("admin", "nobody"):
        response = client.post(
            "/sign-in",
            data={"username": username, "password": "wrong-password", "csrf_token": token},
        )
        assert response.status_code == 401
        assert "The user name or password is wrong." in response.get_data(as_text=True)


def test_sign_in_is_throttled_per_account(client: FlaskClient) -> None:
    token = csrf_token(client)
    for _ in range(5):
        client.post("/sign-in", data={"username": "admin", "password": "nope", "csrf_token": token})
    response = client.post(
        "/sign-in", data={"username": "admin", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers


def test_sign_out_ends_the_session_on_the_server(app: Flask, staff: Staff) -> None:
    stolen = session_cookie(staff.client)
    staff.post("/sign-out")
    thief = app.test_client()
    thief.set_cookie("issuer_session", stolen)
    assert thief.get("/").status_code == 303  # the replayed cookie opens nothing


def test_passwords_are_argon2id_hashes(app: Flask) -> None:
    conn = sqlite3.connect(app.config["DATABASE"])
    (stored,) = conn.execute("SELECT password_hash FROM staff").fetchone()
    conn.close()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_admins_add_staff_who_can_then_sign_in(app: Flask, staff: Staff) -> None:
    response = staff.post(
        "/settings/staff",
        {"display_name": "Trần Văn Bình", "username": "binh.tran", "password": "another good one"},
    )
    assert response.status_code == 303
    other = Staff(app.test_client())
    assert other.sign_in("binh.tran", "another good one").status_code == 303
    # Not an administrator: settings are closed to them, the audit log is not.
    assert other.client.get("/settings/staff").status_code == 403
    assert other.client.get("/settings/audit").status_code == 200
    audit = other.client.get("/settings/audit").get_data(as_text=True)
    assert "staff added" in audit and "admin" in audit


def test_disabling_an_account_ends_its_sessions(app: Flask, staff: Staff) -> None:
    staff.post(
        "/settings/staff",
        {"display_name": "Lê Chi", "username": "chi.le", "password": "a long password"},
    )
    other = Staff(app.test_client())
    other.sign_in("chi.le", "a long password")
    conn = sqlite3.connect(app.config["DATABASE"])
    (staff_id,) = conn.execute("SELECT id FROM staff WHERE username = 'chi.le'").fetchone()
    conn.close()
    staff.post(f"/settings/staff/{staff_id}/active", {"active": "0"})
    assert other.client.get("/").status_code == 303


def test_changing_ones_password(app: Flask, staff: Staff) -> None:
    response = staff.post(
        "/account/password",
        {"current": PASSWORD, "new": "brand new secret", "repeat": "brand new secret"},
    )
    assert response.status_code == 303
    assert Staff(app.test_client()).sign_in("admin", "brand new secret").status_code == 303
    bad = staff.post("/account/password", {"current": "wrong", "new": "short", "repeat": "short"})
    assert bad.status_code == 400
