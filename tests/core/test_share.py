"""Share presentations: exactly the ticked claims (plus title and issuer), bearer, no KB."""

from __future__ import annotations

import pytest
from held_samples import ISSUER_KEY, sd_jwt

from microcred import sdjwt, sdjwt_vc, share
from microcred.disclosure import SD
from microcred.errors import InputError

NAMES = ("given_name", "family_name")


def disclosed(presentation: str) -> set[str]:
    verified = sdjwt_vc.verify_vc(presentation, ISSUER_KEY.public_key, require_key_binding=False)
    return {str(path[0]) for path in verified.disclosed_paths}


def test_shareable_claims_are_the_selectively_disclosable_ones() -> None:
    names = [claim.name for claim in share.shareable_claims(sd_jwt())]
    assert {"given_name", "family_name", "learner_identification", "assessment_grade"} <= set(names)
    assert "achievement_title" not in names  # plaintext: always shown
    grade = next(c for c in share.shareable_claims(sd_jwt()) if c.name == "assessment_grade")
    assert (grade.label, grade.value, grade.always) == ("Grade", "8.5", False)


def test_plain_claims_are_what_every_share_shows() -> None:
    plain = share.plain_claims(sd_jwt())
    assert "achievement_title" in plain and "issuing_authority" in plain
    assert not {"iss", "cnf", "vct", "_sd", "_sd_alg"} & set(plain)


def test_share_reveals_exactly_the_chosen_claims() -> None:
    presentation = share.present_claims(sd_jwt(), NAMES)
    assert disclosed(presentation) == set(NAMES)
    verified = sdjwt_vc.verify_vc(presentation, ISSUER_KEY.public_key, require_key_binding=False)
    assert "assessment_grade" not in verified.payload
    assert verified.payload["achievement_title"] == "Data Analysis with Python"
    assert not verified.key_binding_verified


def test_share_with_nothing_chosen_shows_only_plaintext() -> None:
    presentation = share.present_claims(sd_jwt(), [])
    assert disclosed(presentation) == set()
    assert presentation.endswith("~")


def test_unknown_claim_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        share.present_claims(sd_jwt(), ["given_name", "salary"])
    assert caught.value.code == "unknown_claim"


def test_always_shown_claims_are_added_when_disclosable() -> None:
    issued = sdjwt.issue(
        {"iss": "did:example:1", "achievement_title": SD("T"), "assessment_grade": SD("A")},
        ISSUER_KEY,
        typ="dc+sd-jwt",
    )
    presentation = share.present_claims(issued, [])
    names = {
        str(p[0])
        for p in sdjwt.verify(
            presentation, ISSUER_KEY.public_key, typ=None, require_key_binding=False
        ).disclosed_paths
    }
    assert names == {"achievement_title"}


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [(["address"], {("address",), ("address", "street")}), ([], set())],
    ids=["parent-takes-children", "unchosen-parent-hides-children"],
)
def test_nested_disclosures_follow_their_top_level_claim(
    chosen: list[str], expected: set[tuple[str, ...]]
) -> None:
    issued = sdjwt.issue(
        {"iss": "did:example:1", "address": SD({"street": SD("Main St"), "city": "Hanoi"})},
        ISSUER_KEY,
        typ="dc+sd-jwt",
    )
    presentation = share.present_claims(issued, chosen)
    verified = sdjwt.verify(
        presentation, ISSUER_KEY.public_key, typ=None, require_key_binding=False
    )
    assert set(verified.disclosed_paths) == expected


def test_held_credential_with_kb_jwt_is_refused() -> None:
    with pytest.raises(InputError):
        share.shareable_claims(sd_jwt() + "a.b.c")


@pytest.mark.parametrize(
    ("days", "ok"),
    [
        (7, True),
        ("7", True),
        (" 30 ", True),
        (1, True),
        (90, True),
        (0, False),
        (91, False),
        ("-1", False),
        ("7.5", False),
        ("", False),
        (True, False),
        (None, False),
    ],
    ids=[
        "int",
        "text",
        "spaces",
        "min",
        "max",
        "zero",
        "over",
        "negative",
        "fraction",
        "empty",
        "bool",
        "none",
    ],
)
def test_terms_take_whole_days_within_bounds(days: object, ok: bool) -> None:
    if ok:
        terms = share.terms(days, True, now=1_000_000.0)
        assert terms.expires_at > terms.created_at == 1_000_000.0
        assert terms.one_time
    else:
        with pytest.raises(InputError):
            share.terms(days, False, now=1_000_000.0)


def test_default_expiry_is_seven_days() -> None:
    terms = share.terms(share.DEFAULT_DAYS, False, now=0.0)
    assert terms.expires_at == 7 * 24 * 3600


@pytest.mark.parametrize(
    ("accept", "machine"),
    [
        ("application/dc+sd-jwt", True),
        ("application/vc+ld+json", True),
        ("application/json", True),
        ("text/html, application/dc+sd-jwt;q=0.9", True),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),
        ("", False),
        ("*/*", False),
    ],
    ids=["sd-jwt", "ld", "json", "mixed", "browser", "none", "any"],
)
def test_verifiers_are_told_apart_from_browsers(accept: str, machine: bool) -> None:
    assert share.wants_presentation(accept) is machine


def test_media_types_and_ids() -> None:
    assert share.media_type_for("sd-jwt") == "application/dc+sd-jwt"
    assert share.media_type_for("ob3") == "application/vc+ld+json"
    ids = {share.new_share_id() for _ in range(100)}
    assert len(ids) == 100 and all(len(i) == 22 for i in ids)
