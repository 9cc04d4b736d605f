"""Taking everything away and bringing it back: the export file and its all-or-nothing import."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from microcred import backup
from microcred.errors import CredentialError, InputError, MicrocredError
from microcred.export_reader import read_export
from microcred.holder import HolderIdentity
from microcred.wallet_export import (
    ExportedAccess,
    ExportedCard,
    ExportedCredential,
    ExportedKey,
    ExportedShare,
    WalletExport,
)

from .account import new_id
from .holding import Received, card_rows, check_received, payload_of
from .outside import get_outside
from .store import cards as card_store, get_db, shares as share_store
from .store.imports import ImportCounts, import_everything


def _kdf() -> backup.KdfParams:
    params = current_app.config.get("BACKUP_KDF")
    return params if isinstance(params, backup.KdfParams) else backup.DEFAULT_KDF


def _open_limit() -> backup.KdfParams:
    """The most KDF work a backup may ask for: this wallet's setting (or the default, if more)."""
    return _kdf().widest(backup.DEFAULT_KDF)


def key_label(key_id: str) -> str:
    """The vault label a holder key is sealed under."""
    return f"holder-key:{key_id}"


def open_key(user: dict[str, Any], row: dict[str, Any]) -> HolderIdentity:
    """Unseal one of the user's holder keys."""
    vault = get_outside().vault
    plain = vault.open(user["wrapped_dek"], user["id"], key_label(row["id"]), row["sealed"])
    return HolderIdentity.from_bytes(plain)


def seal_key(user: dict[str, Any], holder: HolderIdentity, key_id: str) -> dict[str, Any]:
    """A holder-key row for the store, the private key sealed under the user's data key."""
    vault = get_outside().vault
    return {
        "id": key_id,
        "did": holder.did,
        "thumbprint": holder.thumbprint,
        "sealed": vault.seal(user["wrapped_dek"], user["id"], key_label(key_id), holder.to_bytes()),
        "created_at": time.time(),
    }


def gather(user: dict[str, Any]) -> WalletExport:
    """Everything of this learner as an export: keys, cards with credentials, shares."""
    db = get_db()
    keys = tuple(
        ExportedKey(row["id"], open_key(user, row).key.to_jwk())
        for row in card_store.all_keys(db, user["id"])
    )
    by_card: dict[str, list[ExportedCredential]] = defaultdict(list)
    received: dict[str, float] = {}
    for row in card_store.all_credentials(db, user["id"]):
        by_card[row["card_id"]].append(
            ExportedCredential(
                row["id"],
                row["format"],
                payload_of(row["format"], row["body"]),
                row["key_id"],
                row["configuration_id"],
            )
        )
        received[row["card_id"]] = row["received_at"]
    cards = tuple(ExportedCard(cid, received[cid], tuple(items)) for cid, items in by_card.items())
    shares = tuple(_exported_share(row) for row in share_store.all_shares(db, user["id"]))
    return WalletExport(new_id(), time.time(), user["username"], keys, cards, shares)


def _exported_share(row: dict[str, Any]) -> ExportedShare:
    return ExportedShare(
        id=row["id"],
        card_id=row["card_id"],
        credential_id=row["credential_id"],
        mode=row["mode"],
        claims=tuple(row["claims"]),
        presentation=row["presentation"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        one_time=row["one_time"],
        used=row["used"],
        withdrawn_at=row["withdrawn_at"],
        accesses=tuple(
            ExportedAccess(a["at"], a["verifier"], a["outcome"]) for a in row["accesses"]
        ),
    )


def export_file(user: dict[str, Any], passphrase: str) -> bytes:
    """The learner's encrypted backup file."""
    return backup.seal_backup(gather(user).to_document(), passphrase, params=_kdf())


def _prepare_keys(user: dict[str, Any], export: WalletExport) -> list[dict[str, Any]]:
    rows = []
    for item in export.keys:
        try:
            holder = HolderIdentity.from_private_jwk(item.private_jwk)
        except MicrocredError:
            raise InputError(_("The backup holds a damaged key."), code="export_invalid") from None
        rows.append({**seal_key(user, holder, new_id()), "file_id": item.id})
    return rows


def _prepare_cards(export: WalletExport) -> list[dict[str, Any]]:
    entries = []
    for index, card in enumerate(export.cards):
        items = [Received(c.format, c.credential, c.configuration_id) for c in card.credentials]
        try:
            # The learner's own record: expired or revoked credentials come back with their
            # verdict (losing them would be data loss); a forged one stops the import (J07).
            checked = check_received(items, None, keep_lapsed=True)
        except CredentialError as error:
            message = _("Card %(n)d of the backup did not verify: %(why)s", n=index + 1, why=error)
            raise CredentialError(message, code="import_not_verified") from None
        row, credentials = card_rows(checked, source="import", now=card.received_at)
        for credential, original in zip(credentials, card.credentials, strict=True):
            credential["file_id"], credential["file_key_id"] = original.id, original.key_id
        entries.append({"card": row, "credentials": credentials})
    return entries


def import_file(user: dict[str, Any], data: bytes, passphrase: str) -> ImportCounts:
    """Open, check and re-verify a backup, then store all of it or nothing (J07, G3)."""
    export = read_export(backup.open_backup(data, passphrase, limit=_open_limit()))
    keys = _prepare_keys(user, export)
    cards = _prepare_cards(export)
    shares = [
        {
            "id": s.id,
            "card_id": s.card_id,
            "credential_id": s.credential_id,
            "mode": s.mode,
            "claims": list(s.claims),
            "presentation": s.presentation,
            "created_at": s.created_at,
            "expires_at": s.expires_at,
            "one_time": s.one_time,
            "used": s.used,
            "withdrawn_at": s.withdrawn_at,
            "accesses": [
                {"at": a.at, "verifier": a.verifier, "outcome": a.outcome} for a in s.accesses
            ],
        }
        for s in export.shares
    ]
    return import_everything(get_db(), user["id"], keys=keys, cards=cards, shares=shares)
