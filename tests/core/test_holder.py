"""Holder keys: Ed25519 with a did:jwk, serialised only to be sealed."""

from __future__ import annotations

import pytest

from microcred.did import resolve
from microcred.errors import CryptoError
from microcred.holder import HolderIdentity


def test_generated_key_has_did_jwk_and_method() -> None:
    holder = HolderIdentity.generate()
    assert holder.did.startswith("did:jwk:")
    assert holder.kid == holder.did + "#0"
    document = resolve(holder.did)
    assert document.method(holder.kid, "authentication").public_key.jwk == holder.public_jwk


def test_round_trip_through_bytes() -> None:
    holder = HolderIdentity.generate()
    again = HolderIdentity.from_bytes(holder.to_bytes())
    assert again.did == holder.did
    assert again.thumbprint == holder.thumbprint


def test_public_jwk_has_no_private_member() -> None:
    assert "d" not in HolderIdentity.generate().public_jwk


def test_repr_shows_no_key_material() -> None:
    holder = HolderIdentity.generate()
    private = holder.key.to_jwk()["d"]
    assert private not in repr(holder)


@pytest.mark.parametrize(
    "data",
    [b"not json", b"[]", b'{"kty":"OKP","crv":"Ed25519","x":"AA"}', b"{" * 5000],
    ids=["text", "array", "public-only", "oversize"],
)
def test_garbage_is_not_a_key(data: bytes) -> None:
    with pytest.raises(CryptoError):
        HolderIdentity.from_bytes(data)


def test_p256_holder_keys_work_too() -> None:
    holder = HolderIdentity.generate("P-256")
    assert holder.public_jwk["crv"] == "P-256"
    assert HolderIdentity.from_bytes(holder.to_bytes()).did == holder.did
