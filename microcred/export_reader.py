"""Reading a wallet export back, strictly: the same caps as network input (SECURITY-CASES J08).

Bounded counts and sizes, known formats only, no unknown members, every reference inside the
file; anything else is refused with an InputError naming where the document is wrong.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from .errors import InputError
from .wallet_export import (
    EXPORT_TYPE,
    EXPORT_VERSION,
    ExportedAccess,
    ExportedCard,
    ExportedCredential,
    ExportedKey,
    ExportedShare,
    WalletExport,
)

__all__ = ["read_export"]

FORMATS = ("sd-jwt-vc", "ldp-vc", "vc-jwt")
SHARE_MODES = ("sd-jwt", "ob3")
ACCESS_OUTCOMES = ("served", "refused")
MAX_CARDS = 20_000
MAX_CREDENTIALS_PER_CARD = 6
MAX_KEYS = 20_000
MAX_SHARES = 50_000
MAX_ACCESSES = 1_000
MAX_TEXT = 512_000  # one compact credential
MAX_SHORT = 500
_TOP = frozenset(
    {"type", "version", "export_id", "created_at", "account", "keys", "cards", "shares"}
)


def _fail(where: str, message: str) -> InputError:
    return InputError(f"export {where}: {message}", code="export_invalid")


def _members(value: Any, where: str, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, "must be an object")
    unknown = sorted(str(key)[:30] for key in value if key not in allowed)
    if unknown:
        raise _fail(where, f"unknown members {', '.join(unknown)}")
    return value


def _text(value: Any, where: str, *, limit: int = MAX_SHORT, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > limit:
        raise _fail(where, f"must be text of 1 to {limit} characters")
    return value


def _time(value: Any, where: str, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(where, "must be a time in seconds")
    try:
        dt.datetime.fromtimestamp(value, dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise _fail(where, "is not a real time") from None
    return float(value)


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(where, "must be true or false")
    return value


def _list(value: Any, where: str, limit: int) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(where, "must be a list")
    if len(value) > limit:
        raise _fail(where, f"has more than {limit} items")
    return value


def _key(item: Any, where: str) -> ExportedKey:
    data = _members(item, where, frozenset({"id", "jwk"}))
    jwk = data.get("jwk")
    if not isinstance(jwk, dict) or "d" not in jwk:
        raise _fail(f"{where}.jwk", "must be a private JWK")
    return ExportedKey(_text(data.get("id"), f"{where}.id"), jwk)


def _credential(item: Any, where: str) -> ExportedCredential:
    allowed = frozenset({"id", "format", "credential", "key_id", "configuration_id"})
    data = _members(item, where, allowed)
    kind = data.get("format")
    if kind not in FORMATS:
        raise _fail(f"{where}.format", f"must be one of {', '.join(FORMATS)}")
    body = data.get("credential")
    if kind == "ldp-vc" and not isinstance(body, dict):
        raise _fail(f"{where}.credential", "must be a JSON-LD object")
    if kind != "ldp-vc":
        body = _text(body, f"{where}.credential", limit=MAX_TEXT)
    assert isinstance(body, str | dict)
    return ExportedCredential(
        id=_text(data.get("id"), f"{where}.id"),
        format=kind,
        credential=body,
        key_id=_text(data.get("key_id"), f"{where}.key_id", optional=True),
        configuration_id=_text(data.get("configuration_id"), f"{where}.config", optional=True),
    )


def _card(item: Any, where: str) -> ExportedCard:
    data = _members(item, where, frozenset({"id", "received_at", "credentials"}))
    credentials = _list(data.get("credentials"), f"{where}.credentials", MAX_CREDENTIALS_PER_CARD)
    if not credentials:
        raise _fail(f"{where}.credentials", "must not be empty")
    return ExportedCard(
        id=_text(data.get("id"), f"{where}.id"),
        received_at=_time(data.get("received_at"), f"{where}.received_at"),
        credentials=tuple(
            _credential(c, f"{where}.credentials[{i}]") for i, c in enumerate(credentials)
        ),
    )


def _access(item: Any, where: str) -> ExportedAccess:
    data = _members(item, where, frozenset({"at", "verifier", "outcome"}))
    if data.get("outcome") not in ACCESS_OUTCOMES:
        raise _fail(f"{where}.outcome", "is not a known outcome")
    return ExportedAccess(
        _time(data.get("at"), f"{where}.at"),
        _text(data.get("verifier"), f"{where}.verifier", optional=True),
        data["outcome"],
    )


_SHARE_KEYS = frozenset(
    {
        "id",
        "card_id",
        "credential_id",
        "mode",
        "claims",
        "presentation",
        "created_at",
        "expires_at",
        "one_time",
        "used",
        "withdrawn_at",
        "accesses",
    }
)


def _share(item: Any, where: str) -> ExportedShare:
    data = _members(item, where, _SHARE_KEYS)
    if data.get("mode") not in SHARE_MODES:
        raise _fail(f"{where}.mode", "is not a known share mode")
    claims = _list(data.get("claims"), f"{where}.claims", 100)
    accesses = _list(data.get("accesses", []), f"{where}.accesses", MAX_ACCESSES)
    return ExportedShare(
        id=_text(data.get("id"), f"{where}.id"),
        card_id=_text(data.get("card_id"), f"{where}.card_id"),
        credential_id=_text(data.get("credential_id"), f"{where}.credential_id"),
        mode=data["mode"],
        claims=tuple(_text(c, f"{where}.claims") for c in claims),
        presentation=_text(data.get("presentation"), f"{where}.presentation", limit=MAX_TEXT),
        created_at=_time(data.get("created_at"), f"{where}.created_at"),
        expires_at=_time(data.get("expires_at"), f"{where}.expires_at"),
        one_time=_flag(data.get("one_time"), f"{where}.one_time"),
        used=_flag(data.get("used"), f"{where}.used"),
        withdrawn_at=_time(data.get("withdrawn_at"), f"{where}.withdrawn_at", optional=True),
        accesses=tuple(_access(a, f"{where}.accesses[{i}]") for i, a in enumerate(accesses)),
    )


def read_export(document: Any) -> WalletExport:
    """Check an export document member by member and return it typed; refuse anything else."""
    data = _members(document, "document", _TOP)
    if data.get("type") != EXPORT_TYPE:
        raise InputError("this backup does not hold a wallet export", code="export_invalid")
    if data.get("version") != EXPORT_VERSION:
        raise InputError("this export version is not supported", code="export_version")
    keys = _list(data.get("keys"), "keys", MAX_KEYS)
    cards = _list(data.get("cards"), "cards", MAX_CARDS)
    shares = _list(data.get("shares"), "shares", MAX_SHARES)
    export = WalletExport(
        export_id=_text(data.get("export_id"), "export_id"),
        created_at=_time(data.get("created_at"), "created_at"),
        account=_text(data.get("account"), "account"),
        keys=tuple(_key(k, f"keys[{i}]") for i, k in enumerate(keys)),
        cards=tuple(_card(c, f"cards[{i}]") for i, c in enumerate(cards)),
        shares=tuple(_share(s, f"shares[{i}]") for i, s in enumerate(shares)),
    )
    _check_links(export)
    return export


def _check_links(export: WalletExport) -> None:
    """Every id is unique and every reference points at something in the same file."""
    key_ids = {key.id for key in export.keys}
    credential_ids: dict[str, str] = {}
    card_ids: set[str] = set()
    for card in export.cards:
        if card.id in card_ids:
            raise _fail("cards", "list a card id twice")
        card_ids.add(card.id)
        for credential in card.credentials:
            if credential.id in credential_ids:
                raise _fail("cards", "list a credential id twice")
            if credential.key_id is not None and credential.key_id not in key_ids:
                raise _fail("cards", "refer to a key the file does not hold")
            credential_ids[credential.id] = card.id
    if len(key_ids) != len(export.keys):
        raise _fail("keys", "list a key id twice")
    for share in export.shares:
        if credential_ids.get(share.credential_id) != share.card_id:
            raise _fail("shares", "refer to a credential the file does not hold")
