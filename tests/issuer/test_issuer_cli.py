"""Command-line tasks: the first staff account and the demo seed; key files on first start."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from issuer_app import Staff, make_app

from issuer_stub.demo import seed


def test_create_staff_makes_a_working_administrator(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-staff", "--username", "lan.nguyen", "--name", "Nguyễn Thị Lan"],
        input="a good long password\na good long password\n",
    )
    assert result.exit_code == 0, result.output
    assert "administrator" in result.output
    again = runner.invoke(
        args=[
            "create-staff",
            "--username",
            "LAN.NGUYEN",
            "--name",
            "x",
            "--password",
            "another long one",
        ]
    )
    assert again.exit_code != 0 and "already taken" in again.output
    short = runner.invoke(
        args=["create-staff", "--username", "b", "--name", "x", "--password", "short"]
    )
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    response = Staff(app.test_client()).sign_in("lan.nguyen", "a good long password")
    assert response.status_code == 303


def test_seed_demo_is_idempotent(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["seed-demo", "--password", "demo password 1"])
    assert "admin / demo password 1" in result.output
    assert seed(app)["password"] is None  # the account already exists: nothing is made twice
    conn = sqlite3.connect(app.config["DATABASE"])
    courses = conn.execute("SELECT COUNT(*) FROM courses WHERE state = 'published'").fetchone()
    conn.close()
    assert courses == (3,)


def test_secrets_are_made_once_with_mode_600(tmp_path: Path) -> None:
    app = make_app(tmp_path, SECRET_KEY=None)
    instance = Path(app.instance_path)
    for name in ("issuer-signing-key.jwk", "secret_key"):
        assert (instance / name).stat().st_mode & 0o777 == 0o600
    did_document = app.test_client().get("/.well-known/did.json").get_json()
    restarted = make_app(tmp_path, SECRET_KEY=None)
    assert restarted.test_client().get("/.well-known/did.json").get_json() == did_document
    assert restarted.config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_a_loose_key_file_is_tightened(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    key_file = Path(app.instance_path) / "issuer-signing-key.jwk"
    key_file.chmod(0o644)
    make_app(tmp_path)
    assert key_file.stat().st_mode & 0o777 == 0o600
