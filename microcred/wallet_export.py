"""What a wallet export holds (credentials, holder keys, shares), checked strictly on the way in.

The export is the plaintext inside `microcred.backup`; `microcred.export_reader` reads it back
with the caps of network input. The ids inside the file only link its parts together; an
importing wallet makes its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EXPORT_TYPE",
    "EXPORT_VERSION",
    "ExportedAccess",
    "ExportedCard",
    "ExportedCredential",
    "ExportedKey",
    "ExportedShare",
    "WalletExport",
]

EXPORT_TYPE = "microcred-wallet-export"
EXPORT_VERSION = 1


@dataclass(frozen=True)
class ExportedKey:
    """A holder key: its id in the file and its private JWK."""

    id: str
    private_jwk: dict[str, Any]


@dataclass(frozen=True)
class ExportedCredential:
    """One format of a card: the credential as received (compact text or JSON-LD object)."""

    id: str
    format: str
    credential: str | dict[str, Any]
    key_id: str | None = None
    configuration_id: str | None = None


@dataclass(frozen=True)
class ExportedCard:
    """One achievement, held in one or more formats."""

    id: str
    received_at: float
    credentials: tuple[ExportedCredential, ...]


@dataclass(frozen=True)
class ExportedAccess:
    """One fetch of a share: when, by whom (if said), and whether it was served."""

    at: float
    verifier: str | None
    outcome: str


@dataclass(frozen=True)
class ExportedShare:
    """A share link with its terms, what it sends, and its access log."""

    id: str
    card_id: str
    credential_id: str
    mode: str
    claims: tuple[str, ...]
    presentation: str
    created_at: float
    expires_at: float
    one_time: bool
    used: bool
    withdrawn_at: float | None
    accesses: tuple[ExportedAccess, ...] = ()


@dataclass(frozen=True)
class WalletExport:
    """Everything a learner takes away from a wallet."""

    export_id: str
    created_at: float
    account: str
    keys: tuple[ExportedKey, ...] = ()
    cards: tuple[ExportedCard, ...] = ()
    shares: tuple[ExportedShare, ...] = field(default_factory=tuple)

    def to_document(self) -> dict[str, Any]:
        """The JSON document that goes into the backup file."""
        return {
            "type": EXPORT_TYPE,
            "version": EXPORT_VERSION,
            "export_id": self.export_id,
            "created_at": self.created_at,
            "account": self.account,
            "keys": [{"id": k.id, "jwk": k.private_jwk} for k in self.keys],
            "cards": [_card_document(card) for card in self.cards],
            "shares": [_share_document(share) for share in self.shares],
        }


def _card_document(card: ExportedCard) -> dict[str, Any]:
    return {
        "id": card.id,
        "received_at": card.received_at,
        "credentials": [
            {
                "id": c.id,
                "format": c.format,
                "credential": c.credential,
                "key_id": c.key_id,
                "configuration_id": c.configuration_id,
            }
            for c in card.credentials
        ],
    }


def _share_document(share: ExportedShare) -> dict[str, Any]:
    return {
        "id": share.id,
        "card_id": share.card_id,
        "credential_id": share.credential_id,
        "mode": share.mode,
        "claims": list(share.claims),
        "presentation": share.presentation,
        "created_at": share.created_at,
        "expires_at": share.expires_at,
        "one_time": share.one_time,
        "used": share.used,
        "withdrawn_at": share.withdrawn_at,
        "accesses": [
            {"at": a.at, "verifier": a.verifier, "outcome": a.outcome} for a in share.accesses
        ],
    }
