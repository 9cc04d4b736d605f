"""The wallet tests' world: apps on temporary folders, sign-up through the forms, cards to hold.

Test modules import from here (never from conftest, whose module name other folders share)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from wallet_samples import ISSUER_DID, issue_all

from microcred import backup
from microcred.holder import HolderIdentity
from wallet import create_app

PASSWORD = "a long enough password"
# argon2id at its cheapest: the tests check behaviour, not cost.
FAST_HASH = {"PASSWORD_TIME_COST": 1, "PASSWORD_MEMORY_KIB": 8, "PASSWORD_PARALLELISM": 1}
FAST_KDF = backup.KdfParams(time_cost=1, memory_kib=1024, parallelism=1)


def make_app(folder: Path, **overrides: Any) -> Flask:
    """A wallet app with its own database, KEK and secret in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    registry = folder / "registry.json"
    registry.write_text(
        json.dumps(
            {
                "name": "Test registry",
                "issuers": [
                    {
                        "did": ISSUER_DID,
                        "name": "Demo University of Science",
                        "country": "VN",
                        "accreditingBody": "Test Ministry",
                    }
                ],
            }
        )
    )
    config: dict[str, Any] = {
        "TESTING": True,
        "DATABASE": str(folder / "wallet.sqlite"),
        "KEK_FILE": str(folder / "wallet-kek"),
        "SECRET_KEY": "test-secret-" + folder.name,
        "BASE_URL": "http://localhost:5002",
        "ALLOW_INSECURE_LOCALHOST": True,
        "WTF_CSRF_ENABLED": False,
        "TRUST_REGISTRY": str(registry),
        "BACKUP_KDF": FAST_KDF,
        **FAST_HASH,
    }
    config.update(overrides)
    return create_app(config)


class Auth:
    """Sign up, in and out through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def signup(self, username: str = "learner", password: str = PASSWORD, **fields: str) -> Any:
        return self.client.post(
            "/signup",
            data={"username": username, "password": password, "confirm": password, **fields},
        )

    def signin(self, username: str = "learner", password: str = PASSWORD) -> Any:
        return self.client.post("/signin", data={"username": username, "password": password})

    def signout(self) -> Any:
        return self.client.post("/signout")


def form_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on the page at `path` (for an app with CSRF on)."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found is not None, path
    return found.group(1)


def give_card(app: Flask, username: str = "learner", formats: tuple[str, ...] = ()) -> str:
    """Put a verified card into a learner's wallet as the receive flow does; return its id."""
    from wallet.holding import Received, card_rows, check_received
    from wallet.portability import seal_key
    from wallet.store import accounts, cards, get_db

    holder = HolderIdentity.generate()
    items = [Received(k, c) for k, c in issue_all(holder) if not formats or k in formats]
    with app.app_context():
        user = accounts.user_by_name(get_db(), username)
        assert user is not None
        checked = check_received(items, holder)
        card, rows = card_rows(checked, source="offer")
        cards.save_card(get_db(), user["id"], card, rows, seal_key(user, holder, "k-" + card["id"]))
        return str(card["id"])


def table_counts(app: Flask) -> dict[str, int]:
    """Rows per table: the bad-input tests compare these before and after."""
    from wallet.store import get_db

    with app.app_context():
        db = get_db()
        names = [
            "users",
            "holder_keys",
            "cards",
            "credentials",
            "shares",
            "share_accesses",
            "pending",
        ]
        return {n: db.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in names}
