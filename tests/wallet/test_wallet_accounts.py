"""Accounts: argon2id passwords, rotated server-side sessions, CSRF, throttled sign-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wallet_world import PASSWORD, Auth, make_app, table_counts

from wallet.store import accounts, get_db


def test_signup_signs_in_and_hashes_with_argon2id(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    response = auth.signup()
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert b"Your micro-credentials" in client.get("/").data
    with app.app_context():
        user = accounts.user_by_name(get_db(), "LEARNER")
    assert user is not None
    assert user["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in user["password_hash"]


@pytest.mark.parametrize(
    ("username", "password", "confirm", "message"),
    [
        ("ab", PASSWORD, PASSWORD, b"3 to 40 letters"),
        ("has space", PASSWORD, PASSWORD, b"3 to 40 letters"),
        ("<script>", PASSWORD, PASSWORD, b"3 to 40 letters"),
        ("learner", "short", "short", b"At least 10 characters"),
        ("learner", PASSWORD, PASSWORD + "x", b"The two passwords differ"),
        ("learner", "x" * 2000, "x" * 2000, b"At least 10 characters"),
    ],
    ids=["too-short-name", "space", "markup", "short-password", "mismatch", "huge-password"],
)
def test_signup_problems_are_shown_and_nothing_is_stored(
    app: Flask, client: FlaskClient, username: str, password: str, confirm: str, message: bytes
) -> None:
    response = client.post(
        "/signup", data={"username": username, "password": password, "confirm": confirm}
    )
    assert response.status_code == 400
    assert message in response.data
    assert table_counts(app)["users"] == 0


def test_taken_name_is_refused_case_insensitively(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    auth.signup()
    auth.signout()
    response = auth.signup(username="Learner")
    assert response.status_code == 400 and b"That name is taken" in response.data
    assert table_counts(app)["users"] == 1


def test_wrong_password_gets_one_generic_message(client: FlaskClient, auth: Auth) -> None:
    auth.signup()
    auth.signout()
    wrong = auth.signin(password="not the password")
    unknown = auth.signin(username="nobody", password="not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert b"Wrong name or password." in wrong.data and b"Wrong name or password." in unknown.data


def test_repeated_failures_back_off(client: FlaskClient, auth: Auth) -> None:
    auth.signup()
    auth.signout()
    statuses = [auth.signin(password="wrong password!").status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5
    blocked = auth.signin()  # even the right password waits now
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) >= 1
    assert b"Too many attempts" in blocked.data


def test_backoff_is_per_address(app: Flask, auth: Auth) -> None:
    auth.signup()
    auth.signout()
    for _ in range(7):
        auth.signin(password="wrong password!")
    other = app.test_client()
    response = other.post(
        "/signin",
        data={"username": "learner", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert response.status_code == 303


def test_signin_rotates_the_session(app: Flask, client: FlaskClient, auth: Auth) -> None:
    auth.signup()
    with client.session_transaction() as session:
        first = session["sid"]
    auth.signout()
    with client.session_transaction() as session:
        session["planted"] = "attacker value"  # fixation: content from before sign-in
    auth.signin()
    with client.session_transaction() as session:
        assert session["sid"] != first
        assert "planted" not in session


def test_signout_ends_the_session_server_side(app: Flask, client: FlaskClient, auth: Auth) -> None:
    auth.signup()
    with client.session_transaction() as session:
        stolen = dict(session)
    response = auth.signout()
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    replay = app.test_client()
    with replay.session_transaction() as session:
        session.update(stolen)
    assert replay.get("/").status_code == 303  # the old cookie no longer signs anyone in


def test_pages_need_a_signed_in_learner(client: FlaskClient) -> None:
    for path in ("/", "/cards/x", "/shares", "/account", "/receive", "/vp?client_id=a"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["Location"].startswith("/signin?next=")


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/shares", "/shares"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
    ids=["relative", "scheme-relative", "absolute", "backslash", "javascript"],
)
def test_next_goes_only_to_this_app(
    client: FlaskClient, auth: Auth, target: str, landing: str
) -> None:
    auth.signup()
    auth.signout()
    response = client.post(
        "/signin", data={"username": "learner", "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == landing


def test_forms_need_a_csrf_token(tmp_path: Path) -> None:
    app = make_app(tmp_path / "csrf", WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post(
        "/signup", data={"username": "learner", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.status_code == 400
    assert b"The form expired or came from another site" in response.data
    assert table_counts(app)["users"] == 0
    page = client.get("/signup").data.decode()
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/signup",
        data={
            "username": "learner",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "csrf_token": token,
        },
    )
    assert response.status_code == 303


def test_security_headers_on_every_page(client: FlaskClient) -> None:
    response = client.get("/signin")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_session_cookie_is_httponly_and_samesite(client: FlaskClient, auth: Auth) -> None:
    response = auth.signup()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert cookie.startswith("wallet_session=")


def test_https_base_url_uses_a_secure_host_cookie(tmp_path: Path) -> None:
    app = make_app(tmp_path / "https", BASE_URL="https://wallet.example")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-wallet"


def test_secret_key_file_is_made_once_with_mode_600(tmp_path: Path) -> None:
    key_file = tmp_path / "secret-key"
    app = make_app(tmp_path / "one", SECRET_KEY=None, SECRET_KEY_FILE=str(key_file))
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(key_file.read_bytes()) == 32
    again = make_app(tmp_path / "two", SECRET_KEY=None, SECRET_KEY_FILE=str(key_file))
    assert app.config["SECRET_KEY"] == again.config["SECRET_KEY"]
