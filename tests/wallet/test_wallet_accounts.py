"""Accounts: argon2id passwords, rotated server-side sessions, CSRF, throttled sign-in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wallet_world import PASSWORD, Auth, form_token, make_app, table_counts

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


class CountingHasher:
    """Counts argon2 work (hash and verify) done by the wallet's hasher."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from argon2 import PasswordHasher

        from wallet import account

        self.calls = 0
        counter = self
        real = account.hasher

        class Counting(PasswordHasher):
            def hash(self, *args: Any, **kwargs: Any) -> str:
                counter.calls += 1
                return super().hash(*args, **kwargs)

            def verify(self, *args: Any, **kwargs: Any) -> bool:
                counter.calls += 1
                return super().verify(*args, **kwargs)

        def counted() -> PasswordHasher:
            made = real()
            return Counting(made.time_cost, made.memory_cost, made.parallelism)

        monkeypatch.setattr(account, "hasher", counted)


def _signin(client: FlaskClient, username: str, password: str, address: str) -> Any:
    return client.post(
        "/signin",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_one_address_cannot_spray_passwords_over_many_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path / "spray", SIGNIN_FAILURES_PER_ADDRESS=4)
    client = app.test_client()
    Auth(client).signup()
    Auth(client).signout()
    hashing = CountingHasher(monkeypatch)
    # One password tried on many names (most unknown): each costs an argon2 hash until the cap.
    names = ["anna", "binh", "chi", "dung", "em", "giang", "learner"]
    statuses = [_signin(client, n, "Summer2026!!", "2001:db8:7:7::1").status_code for n in names]
    assert statuses[:4] == [401] * 4 and set(statuses[4:]) == {429}
    assert hashing.calls == 4
    # Another address of the same /64 is the same subscriber; a different address is not.
    same_block = _signin(client, "learner", PASSWORD, "2001:db8:7:7::99")
    assert same_block.status_code == 429 and b"Too many attempts" in same_block.data
    assert _signin(client, "learner", PASSWORD, "2001:db8:7:8::1").status_code == 303


def test_a_successful_sign_in_does_not_reset_the_address_window(tmp_path: Path) -> None:
    app = make_app(tmp_path / "reset", SIGNIN_FAILURES_PER_ADDRESS=3)
    client = app.test_client()
    Auth(client).signup()
    Auth(client).signout()
    for name in ("anna", "binh"):
        assert _signin(client, name, "Summer2026!!", "10.1.1.1").status_code == 401
    assert _signin(client, "learner", PASSWORD, "10.1.1.1").status_code == 303
    assert _signin(client, "chi", "Summer2026!!", "10.1.1.1").status_code == 401
    assert _signin(client, "dung", "Summer2026!!", "10.1.1.1").status_code == 429


def test_sign_ups_are_limited_per_address(tmp_path: Path) -> None:
    app = make_app(tmp_path / "signups", SIGNUPS_PER_ADDRESS=2)
    client = app.test_client()

    def signup(name: str, address: str) -> Any:
        form = {"username": name, "password": PASSWORD, "confirm": PASSWORD}
        return client.post("/signup", data=form, environ_base={"REMOTE_ADDR": address})

    assert [signup(n, "10.2.2.2").status_code for n in ("one", "two")] == [303, 303]
    refused = signup("three", "10.2.2.2")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 3000
    assert b"Too many new accounts from your network" in refused.data
    assert table_counts(app)["users"] == 2
    assert signup("three", "10.3.3.3").status_code == 303


@pytest.mark.parametrize(("hops", "third"), [(0, 429), (1, 303)], ids=["direct", "proxied"])
def test_behind_a_trusted_proxy_the_forwarded_address_counts(
    tmp_path: Path, hops: int, third: int
) -> None:
    app = make_app(tmp_path / "proxied", SIGNUPS_PER_ADDRESS=2, TRUSTED_PROXY_HOPS=hops)
    client = app.test_client()
    statuses = []
    for number, learner in enumerate(("one", "two", "three")):
        form = {"username": learner, "password": PASSWORD, "confirm": PASSWORD}
        forwarded = {"X-Forwarded-For": f"203.0.113.{number}"}
        statuses.append(client.post("/signup", data=form, headers=forwarded).status_code)
    assert statuses == [303, 303, third]


def test_a_form_error_does_not_count_as_a_sign_up(tmp_path: Path) -> None:
    app = make_app(tmp_path / "typos", SIGNUPS_PER_ADDRESS=1)
    client = app.test_client()
    for _ in range(3):
        bad = {"username": "ok-name", "password": "short", "confirm": "short"}
        assert client.post("/signup", data=bad).status_code == 400
    assert Auth(client).signup().status_code == 303


def test_hashing_waits_for_a_free_slot_then_says_busy(
    app: Flask, auth: Auth, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wallet import account

    auth.signup()
    auth.signout()
    monkeypatch.setattr(account, "SLOT_WAIT", 0.05)
    slots = app.extensions["wallet_hash_slots"]
    while slots.acquire(blocking=False):  # every slot taken, as by concurrent sign-ins
        pass
    busy = auth.signin()
    assert busy.status_code == 429 and b"The wallet is busy" in busy.data
    assert busy.headers["Retry-After"] == "5"
    slots.release()
    assert auth.signin().status_code == 303


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
    response = Auth(client).signup()
    assert response.status_code == 400
    assert b"The form expired or came from another site" in response.data
    assert table_counts(app)["users"] == 0
    response = Auth(client).signup(csrf_token=form_token(client, "/signup"))
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
