"""What a presentation would take out of the wallet, as the consent screen lists it."""

from __future__ import annotations

import pytest
from held_samples import HOLDER, sd_jwt

from microcred import sdjwt
from microcred.consent import covers, disclosed_names, held_sd_jwt, leaving
from microcred.model import VCT


def test_held_credential_has_every_claim_and_its_type() -> None:
    held = held_sd_jwt("cred-1", sd_jwt())
    assert held.id == "cred-1"
    assert held.vct == VCT
    assert held.claims["assessment_grade"] == "8.5"
    assert held.format == "dc+sd-jwt"


def test_leaving_lists_plaintext_and_requested_disclosures() -> None:
    out = leaving(sd_jwt(), [("given_name",), ("family_name",), ("achievement_title",)])
    assert out.requested_names == {"given_name", "family_name"}
    assert "achievement_title" in {item.name for item in out.always}
    assert "assessment_grade" not in out.requested_names
    grade_free = {item.name for item in out.always} | out.requested_names
    assert "assessment_grade" not in grade_free


def test_a_request_for_nothing_personal_sends_no_disclosure() -> None:
    assert leaving(sd_jwt(), []).requested == ()


@pytest.mark.parametrize(
    ("pattern", "path", "covered"),
    [
        (("skills",), ("skills",), True),
        (("skills", None, "label"), ("skills",), True),
        (("skills", None), ("skills", 3), True),
        (("skills", 0), ("skills", 1), False),
        (("given_name",), ("family_name",), False),
        (("address",), ("address", "street"), True),
    ],
    ids=["same", "parent-of-request", "any-element", "other-element", "other-claim", "child"],
)
def test_covers_follows_dcql_path_pointers(
    pattern: tuple[object, ...], path: tuple[object, ...], covered: bool
) -> None:
    assert covers(pattern, path) is covered  # type: ignore[arg-type]


def test_disclosed_names_reads_a_built_presentation() -> None:
    presentation = sdjwt.present(
        sd_jwt(),
        disclose=[("given_name",)],
        holder_key=HOLDER.key,
        nonce="n" * 22,
        audience="decentralized_identifier:did:web:v.example",
        iat=1_780_000_000,
    )
    assert disclosed_names(presentation) == {"given_name"}
