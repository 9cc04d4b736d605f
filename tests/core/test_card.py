"""Reading held credentials back for display, without network or signature checks."""

from __future__ import annotations

import pytest
from held_samples import HOLDER, ISSUER_DID, open_badge, sd_jwt, vc_jwt

from microcred import card, strictjson
from microcred.errors import InputError


def test_sd_jwt_is_read_with_every_disclosure() -> None:
    held = card.read_held("sd-jwt-vc", sd_jwt())
    assert held.issuer == ISSUER_DID
    assert held.holder_jwk == HOLDER.public_jwk
    assert held.certificate.title == "Data Analysis with Python"
    assert held.certificate.grade == "8.5"
    assert held.certificate.given_name == "Thị Ánh"


@pytest.mark.parametrize(
    ("kind", "make"),
    [("ldp-vc", open_badge), ("vc-jwt", vc_jwt)],
    ids=["open-badge", "vc-jwt"],
)
def test_did_bound_formats_name_the_holder(kind: str, make: object) -> None:
    held = card.read_held(kind, make())  # type: ignore[operator]
    assert held.issuer == ISSUER_DID
    assert held.holder_did == HOLDER.did
    assert held.certificate.title == "Data Analysis with Python"


def test_open_badge_can_be_read_from_its_stored_text() -> None:
    held = card.read_held("ldp-vc", strictjson.dumps(open_badge()))
    assert held.format == "ldp-vc"


def test_display_prefers_the_richest_format() -> None:
    held = [card.read_held("vc-jwt", vc_jwt()), card.read_held("sd-jwt-vc", sd_jwt())]
    assert card.display_credential(held).format == "sd-jwt-vc"
    assert card.same_achievement(held[0], held[1])


def test_different_awards_are_not_the_same_achievement() -> None:
    one = card.read_held("sd-jwt-vc", sd_jwt())
    other = card.HeldCredential("sd-jwt-vc", "did:example:other", one.certificate)
    assert not card.same_achievement(one, other)


def test_digest_is_stable_and_format_aware() -> None:
    badge = open_badge()
    assert card.credential_digest(badge) == card.credential_digest(strictjson.dumps(badge))
    assert card.credential_digest(sd_jwt()) != card.credential_digest(badge)


@pytest.mark.parametrize(
    ("kind", "value"),
    [("mdoc", "x"), ("sd-jwt-vc", {"not": "text"}), ("vc-jwt", {"a": 1})],
    ids=["unknown-format", "sd-jwt-object", "jwt-object"],
)
def test_unknown_shapes_are_refused(kind: str, value: object) -> None:
    with pytest.raises(InputError):
        card.read_held(kind, value)  # type: ignore[arg-type]


def test_display_of_nothing_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        card.display_credential([])
