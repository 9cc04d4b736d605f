"""The export document: strict members, bounded counts, every reference inside the file."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from held_samples import HOLDER, open_badge, sd_jwt

from microcred import export_reader
from microcred.errors import InputError
from microcred.export_reader import read_export
from microcred.wallet_export import (
    ExportedAccess,
    ExportedCard,
    ExportedCredential,
    ExportedKey,
    ExportedShare,
    WalletExport,
)


def sample() -> WalletExport:
    return WalletExport(
        export_id="exp-1",
        created_at=1_780_000_000.0,
        account="learner",
        keys=(ExportedKey("k1", HOLDER.key.to_jwk()),),
        cards=(
            ExportedCard(
                "c1",
                1_780_000_000.0,
                (
                    ExportedCredential(
                        "cr1", "sd-jwt-vc", sd_jwt(), "k1", "MicroCredential_sd_jwt"
                    ),
                    ExportedCredential("cr2", "ldp-vc", open_badge(), "k1"),
                ),
            ),
        ),
        shares=(
            ExportedShare(
                id="s1",
                card_id="c1",
                credential_id="cr1",
                mode="sd-jwt",
                claims=("given_name",),
                presentation=sd_jwt(),
                created_at=1_780_000_000.0,
                expires_at=1_780_600_000.0,
                one_time=False,
                used=False,
                withdrawn_at=None,
                accesses=(ExportedAccess(1_780_000_100.0, "did:web:employer.example", "served"),),
            ),
        ),
    )


def test_round_trip() -> None:
    export = sample()
    assert read_export(export.to_document()) == export


def _set(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    target = doc
    for step in path[:-1]:
        target = target[step]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


CASES = [
    (("type",), "something-else"),
    (("version",), 2),
    (("surprise",), 1),
    (("keys",), "not a list"),
    (("keys", 0, "jwk"), {"kty": "OKP", "crv": "Ed25519", "x": "AA"}),
    (("cards", 0, "credentials"), []),
    (("cards", 0, "credentials", 0, "format"), "mdoc"),
    (("cards", 0, "credentials", 1, "credential"), "a string where JSON-LD belongs"),
    (("cards", 0, "credentials", 0, "credential"), {"not": "a string"}),
    (("cards", 0, "credentials", 0, "key_id"), "missing-key"),
    (("cards", 0, "received_at"), "yesterday"),
    (("cards", 0, "received_at"), True),
    (("cards", 0, "received_at"), 1e300),
    (("cards", 0, "id"), ""),
    (("shares", 0, "credential_id"), "elsewhere"),
    (("shares", 0, "mode"), "everything"),
    (("shares", 0, "one_time"), "no"),
    (("shares", 0, "accesses", 0, "outcome"), "maybe"),
    (("account",), KeyError),
]


@pytest.mark.parametrize(
    ("path", "value"), CASES, ids=["/".join(map(str, c[0])) + f"={c[1]!r}"[:30] for c in CASES]
)
def test_bad_documents_are_refused(path: tuple[Any, ...], value: Any) -> None:
    doc = _set(copy.deepcopy(sample().to_document()), path, value)
    with pytest.raises(InputError):
        read_export(doc)


def test_duplicate_card_ids_are_refused() -> None:
    doc = sample().to_document()
    doc["cards"].append(copy.deepcopy(doc["cards"][0]))
    doc["cards"][1]["credentials"][0]["id"] = "other"
    doc["cards"][1]["credentials"][1]["id"] = "other2"
    with pytest.raises(InputError):
        read_export(doc)


def test_counts_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_reader, "MAX_CARDS", 0)
    with pytest.raises(InputError):
        read_export(sample().to_document())


def test_not_an_object_is_refused() -> None:
    with pytest.raises(InputError):
        read_export([1, 2, 3])
