"""Owning the data: export everything, import it (all or nothing, once), delete the account."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wallet_samples import IDENTITY, issue_all
from wallet_world import FAST_KDF, PASSWORD, Auth, make_app, table_counts

from microcred import backup, strictjson
from microcred.holder import HolderIdentity

PASSPHRASE = "export passphrase 2026"


@pytest.fixture
def full(client: FlaskClient, auth: Auth, card_for: Callable[..., str]) -> list[str]:
    """A learner with two cards and one used share."""
    auth.signup()
    cards = [card_for(), card_for(formats=("sd-jwt-vc", "ldp-vc"))]
    response = client.post(
        f"/cards/{cards[0]}/share", data={"mode": "sd-jwt", "claim": ["given_name"], "days": "7"}
    )
    share_id = response.headers["Location"].rsplit("/", 1)[1]
    client.get(f"/s/{share_id}", headers={"Accept": "application/dc+sd-jwt", "X-Verifier": "v1"})
    return cards


def export(client: FlaskClient, passphrase: str = PASSPHRASE) -> bytes:
    response = client.post(
        "/account/export", data={"passphrase": passphrase, "confirm": passphrase}
    )
    assert response.status_code == 200, response.data[:500]
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="wallet-learner-'
    )
    return response.data


def import_file(client: FlaskClient, data: bytes, passphrase: str = PASSPHRASE) -> Any:
    return client.post(
        "/account/import",
        data={"backup": (io.BytesIO(data), "wallet.mcwallet"), "passphrase": passphrase},
        content_type="multipart/form-data",
    )


@pytest.fixture
def fresh(tmp_path: Path) -> tuple[Flask, FlaskClient]:
    """Another wallet instance (its own database and KEK) with a new account."""
    other = make_app(tmp_path / "other")
    client = other.test_client()
    Auth(client).signup("moved")
    return other, client


def titles(client: FlaskClient) -> list[str]:
    page = client.get("/").data.decode()
    return [part.split("</span>", 1)[0] for part in page.split('class="wallet-card-title">')[1:]]


def test_export_holds_everything_encrypted(client: FlaskClient, full: list[str]) -> None:
    data = export(client)
    assert data.startswith(b"MCWX")
    assert b"Data Analysis" not in data
    document = backup.open_backup(data, PASSPHRASE)
    assert len(document["cards"]) == 2
    assert len(document["keys"]) == 2 and all("d" in key["jwk"] for key in document["keys"])
    assert len(document["shares"]) == 1 and document["shares"][0]["accesses"][0]["verifier"] == "v1"


def test_import_into_a_fresh_wallet_gives_the_same_cards(
    client: FlaskClient, full: list[str], fresh: tuple[Flask, FlaskClient]
) -> None:
    data = export(client)
    other, other_client = fresh
    response = import_file(other_client, data)
    assert response.status_code == 303
    assert "Imported 2 card(s)" in other_client.get("/").data.decode()
    assert titles(other_client) == titles(client)
    counts = table_counts(other)
    assert (counts["cards"], counts["credentials"], counts["holder_keys"]) == (2, 5, 2)
    assert counts["shares"] == 1 and counts["share_accesses"] == 1


def test_import_is_idempotent(
    client: FlaskClient, full: list[str], fresh: tuple[Flask, FlaskClient]
) -> None:
    data = export(client)
    other, other_client = fresh
    import_file(other_client, data)
    before = table_counts(other)
    response = import_file(other_client, data)
    assert response.status_code == 303
    assert table_counts(other) == before
    assert "0 card(s); 2 were already here" in other_client.get("/").data.decode()


def test_imported_keys_still_present_credentials(
    client: FlaskClient, full: list[str], fresh: tuple[Flask, FlaskClient]
) -> None:
    other, other_client = fresh
    import_file(other_client, export(client))
    from wallet.portability import open_key
    from wallet.store import accounts, cards, get_db

    with other.app_context():
        user = accounts.user_by_name(get_db(), "moved")
        assert user is not None
        rows = cards.all_credentials(get_db(), user["id"])
        for row in rows:
            key = cards.sealed_key(get_db(), user["id"], row["key_id"])
            assert key is not None
            holder = open_key(user, key)
            assert row["key_id"] and holder.did.startswith("did:jwk:")


def _reseal(data: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    document = backup.open_backup(data, PASSPHRASE)
    change(document)
    return backup.seal_backup(document, PASSPHRASE, params=FAST_KDF)


def _forge_grade(document: dict[str, Any]) -> None:
    badge = document["cards"][0]["credentials"]
    ldp = next(c for c in badge if c["format"] == "ldp-vc")
    ldp["credential"]["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"


def _other_issuer_text(document: dict[str, Any]) -> None:
    sd = next(c for c in document["cards"][1]["credentials"] if c["format"] == "sd-jwt-vc")
    head, payload, signature = sd["credential"].split("~")[0].split(".")
    sd["credential"] = sd["credential"].replace(signature, signature[::-1], 1)


def _mislabel(document: dict[str, Any]) -> None:
    sd = next(c for c in document["cards"][0]["credentials"] if c["format"] == "sd-jwt-vc")
    sd["format"] = "vc-jwt"


def _unknown_member(document: dict[str, Any]) -> None:
    document["cards"][0]["surprise"] = True


def _greedy_header(data: bytes) -> bytes:
    """The header of a forged file asking for 1 GiB and 10 passes of argon2 to open."""
    header = bytearray(data[: backup.HEADER_BYTES])
    struct.pack_into(">BIB", header, 6, 10, 1_048_576, 4)
    return bytes(header) + data[backup.HEADER_BYTES :]


BAD_FILES: list[tuple[str, Callable[[bytes], bytes], str, str]] = [
    ("kdf-1gib", _greedy_header, PASSPHRASE, "allows at most 64 MiB"),
    ("truncated", lambda d: d[: len(d) // 2], PASSPHRASE, "cut short"),
    ("truncated-header", lambda d: d[:20], PASSPHRASE, "incomplete"),
    ("tampered", lambda d: d[:-40] + bytes([d[-40] ^ 1]) + d[-39:], PASSPHRASE, "changed"),
    ("wrong-passphrase", lambda d: d, "not the passphrase", "passphrase is wrong"),
    ("not-a-backup", lambda d: b"%PDF-1.7 hello", PASSPHRASE, "not a wallet backup"),
    ("empty", lambda d: b"", PASSPHRASE, "not a wallet backup"),
    ("forged-credential", lambda d: _reseal(d, _forge_grade), PASSPHRASE, "did not verify"),
    ("bad-signature", lambda d: _reseal(d, _other_issuer_text), PASSPHRASE, "did not verify"),
    ("mislabelled", lambda d: _reseal(d, _mislabel), PASSPHRASE, "did not verify"),
    ("unknown-member", lambda d: _reseal(d, _unknown_member), PASSPHRASE, "unknown members"),
]


@pytest.mark.parametrize(
    ("change", "passphrase", "message"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_import_files_change_nothing(
    client: FlaskClient,
    full: list[str],
    fresh: tuple[Flask, FlaskClient],
    change: Callable[[bytes], bytes],
    passphrase: str,
    message: str,
) -> None:
    data = change(export(client))
    other, other_client = fresh
    before = table_counts(other)
    response = import_file(other_client, data, passphrase)
    assert 400 <= response.status_code < 500, response.status_code
    assert message in response.data.decode()
    assert table_counts(other) == before


EXPIRED_AT = dt.datetime(2026, 6, 2, tzinfo=dt.UTC)  # the day after the samples' issue date


def _expired_card(document: dict[str, Any], *, forge: bool = False) -> None:
    """Add a card of three genuine (or, with `forge`, one forged) expired credentials."""
    credentials = [
        {"id": f"expired-{kind}", "format": kind, "credential": c, "key_id": None}
        | {"configuration_id": None}
        for kind, c in issue_all(HolderIdentity.generate(), expires_at=EXPIRED_AT)
    ]
    if forge:
        badge = next(c for c in credentials if c["format"] == "ldp-vc")["credential"]
        badge["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
        # A proof's own `expires` is read before its signature: the first check says "expired".
        badge["proof"]["expires"] = "2026-06-03T00:00:00Z"
    document["cards"].append({"id": "expired-card", "received_at": 1.0, "credentials": credentials})


def _card_rows(app: Flask, username: str) -> list[dict[str, Any]]:
    from wallet.store import accounts, cards, get_db

    with app.app_context():
        user = accounts.user_by_name(get_db(), username)
        assert user is not None
        return cards.list_cards(get_db(), user["id"])


def test_expired_credentials_in_a_backup_are_kept_with_their_verdict(
    client: FlaskClient, full: list[str], fresh: tuple[Flask, FlaskClient]
) -> None:
    data = _reseal(export(client), _expired_card)
    other, other_client = fresh
    response = import_file(other_client, data)
    assert response.status_code == 303, response.data.decode()[-800:]
    home = other_client.get("/").data.decode()
    assert "Imported 3 card(s)" in home and "✗ Expired" in home
    counts = table_counts(other)
    assert (counts["cards"], counts["credentials"]) == (3, 8)
    expired = [row for row in _card_rows(other, "moved") if row["verdict"] == "INVALID"]
    assert [(row["reason"], row["formats"]) for row in expired] == [
        ("expired", "ldp-vc,sd-jwt-vc,vc-jwt")
    ]
    page = other_client.get(f"/cards/{expired[0]['id']}").data.decode()
    assert "✗ Expired" in page and "kept as your record" in page and "Last checked" in page


def test_a_forged_credential_that_claims_to_be_expired_stops_the_import(
    client: FlaskClient, full: list[str], fresh: tuple[Flask, FlaskClient]
) -> None:
    data = _reseal(export(client), lambda document: _expired_card(document, forge=True))
    other, other_client = fresh
    before = table_counts(other)
    response = import_file(other_client, data)
    assert response.status_code == 400
    text = response.data.decode()
    assert "Card 3 of the backup did not verify" in text
    assert "Open Badges 3.0" in text and "Doctor of Everything" in text and "expired" in text
    assert table_counts(other) == before


def test_export_refuses_weak_or_mismatched_passphrases(
    client: FlaskClient, full: list[str]
) -> None:
    short = client.post("/account/export", data={"passphrase": "short", "confirm": "short"})
    assert short.status_code == 400 and b"at least 10 characters" in short.data
    differ = client.post("/account/export", data={"passphrase": PASSPHRASE, "confirm": "other one"})
    assert differ.status_code == 400 and b"differ" in differ.data


def test_import_of_an_old_export_after_deleting_a_card_restores_it(
    client: FlaskClient, full: list[str]
) -> None:
    data = export(client)
    client.post(f"/cards/{full[0]}/delete")
    assert len(titles(client)) == 1
    assert import_file(client, data).status_code == 303
    assert len(titles(client)) == 2


def test_delete_account_needs_the_password_and_removes_everything(
    app: Flask, client: FlaskClient, full: list[str]
) -> None:
    wrong = client.post("/account/delete", data={"password": "not it at all"})
    assert wrong.status_code == 401
    assert table_counts(app)["cards"] == 2
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    counts = table_counts(app)
    assert all(value == 0 for value in counts.values()), counts
    assert client.get("/").status_code == 303


def test_private_keys_are_never_in_the_database(app: Flask, full: list[str]) -> None:
    database = Path(app.config["DATABASE"])
    with sqlite3.connect(database) as conn:
        dump = "\n".join(conn.iterdump())
    from wallet.portability import open_key
    from wallet.store import accounts, cards, get_db

    with app.app_context():
        user = accounts.user_by_name(get_db(), "learner")
        assert user is not None
        for row in cards.all_keys(get_db(), user["id"]):
            private = open_key(user, row).key.to_jwk()["d"]
            assert private not in dump
    kek = Path(app.config["KEK_FILE"])
    assert kek.stat().st_mode & 0o777 == 0o600
    assert kek.read_bytes().hex() not in dump


def test_a_copy_of_the_database_without_the_kek_opens_no_key(
    app: Flask, full: list[str], tmp_path: Path
) -> None:
    from microcred.errors import CryptoError
    from microcred.key_vault import KeyVault
    from wallet.store import accounts, cards, get_db

    with app.app_context():
        user = accounts.user_by_name(get_db(), "learner")
        assert user is not None
        row = cards.all_keys(get_db(), user["id"])[0]
    with pytest.raises(CryptoError):
        KeyVault(bytes(32)).open(
            user["wrapped_dek"], user["id"], f"holder-key:{row['id']}", row["sealed"]
        )


def test_holder_key_is_not_exportable_in_plain(client: FlaskClient, full: list[str]) -> None:
    data = export(client)
    holder_material = [HolderIdentity.generate().to_bytes()]
    assert all(m not in data for m in holder_material)
    assert strictjson.dumps(IDENTITY.key.to_jwk()).encode() not in data
    assert len(issue_all(HolderIdentity.generate())) == 3
