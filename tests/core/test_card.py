"""Reading held credentials back for display; telling lapsed credentials from forged ones."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from held_samples import HOLDER, IDENTITY, ISSUED_AT, ISSUER_DID, open_badge, sd_jwt, vc_jwt

from microcred import (
    DIDResolver,
    Fetcher,
    FetchPolicy,
    StatusListCache,
    Verifier,
    card,
    issuance,
    strictjson,
)
from microcred.demo import DEMO_AWARD, DEMO_COURSE
from microcred.errors import InputError
from microcred.report import Check, IssuerInfo, Report, State


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


# --- lapsed (expired, revoked) versus forged ------------------------------------------------

EXPIRED_AT = dt.datetime(2026, 6, 2, tzinfo=dt.UTC)  # a day after ISSUED_AT, long past by now


def _expired(kind: str) -> str | dict[str, Any]:
    if kind == "sd-jwt-vc":
        return issuance.issue_sd_jwt_vc(
            IDENTITY,
            DEMO_COURSE,
            DEMO_AWARD,
            holder_jwk=HOLDER.public_jwk,
            issued_at=ISSUED_AT,
            expires_at=EXPIRED_AT,
        )
    issue = issuance.issue_open_badge if kind == "ldp-vc" else issuance.issue_vc_jwt
    return issue(
        IDENTITY,
        DEMO_COURSE,
        DEMO_AWARD,
        credential_id="urn:uuid:expired",
        subject_id=HOLDER.did,
        issued_at=ISSUED_AT,
        expires_at=EXPIRED_AT,
    )


@pytest.fixture(scope="module")
def pipeline() -> Verifier:
    fetcher = Fetcher(FetchPolicy())  # did:key resolves offline: nothing is fetched
    resolver = DIDResolver(fetcher.get_json)
    return Verifier(resolver=resolver, status_lists=StatusListCache(fetcher, resolver))


KINDS = ["sd-jwt-vc", "ldp-vc", "vc-jwt"]


@pytest.mark.parametrize("kind", KINDS)
def test_valid_from_is_the_credentials_own_start(kind: str) -> None:
    assert card.valid_from(kind, _expired(kind)) == ISSUED_AT.timestamp()


@pytest.mark.parametrize(
    ("kind", "value"),
    [("sd-jwt-vc", "not~a~token~"), ("ldp-vc", {"validFrom": "yesterday"}), ("mdoc", "x")],
    ids=["garbage-sd-jwt", "unreadable-date", "unknown-format"],
)
def test_valid_from_of_unreadable_credentials_is_none(kind: str, value: Any) -> None:
    assert card.valid_from(kind, value) is None


@pytest.mark.parametrize("kind", KINDS)
def test_an_expired_credential_is_genuine_but_lapsed(pipeline: Verifier, kind: str) -> None:
    credential = _expired(kind)
    report = pipeline.verify(credential)
    assert (report.verdict, report.reason) == ("INVALID", "expired")
    assert card.genuine_but_lapsed(kind, credential, report, pipeline.resolver)


def test_a_forged_credential_is_not_lapsed_even_when_it_says_expired(pipeline: Verifier) -> None:
    forged = copy.deepcopy(_expired("ldp-vc"))
    assert isinstance(forged, dict)
    forged["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
    # A proof's own `expires` is read before its signature: the report says only "expired".
    forged["proof"]["expires"] = "2026-06-03T00:00:00Z"
    report = pipeline.verify(forged)
    assert (report.verdict, report.reason) == ("INVALID", "expired")
    assert not card.genuine_but_lapsed("ldp-vc", forged, report, pipeline.resolver)


def test_bad_signatures_and_valid_credentials_are_not_lapsed(pipeline: Verifier) -> None:
    token = vc_jwt()
    good = pipeline.verify(token)
    assert good.verdict != "INVALID"
    assert not card.genuine_but_lapsed("vc-jwt", token, good, pipeline.resolver)
    head, payload, signature = token.split(".")
    tampered = ".".join([head, payload, signature[::-1]])
    bad = pipeline.verify(tampered)
    assert bad.verdict == "INVALID" and bad.reason != "expired"
    assert not card.genuine_but_lapsed("vc-jwt", tampered, bad, pipeline.resolver)


@pytest.mark.parametrize(
    ("signature", "expected"), [("passed", True), ("not_checked", False)], ids=["signed", "not"]
)
def test_revoked_is_lapsed_only_after_the_signature_passed(
    pipeline: Verifier, signature: State, expected: bool
) -> None:
    checks = (Check("signature", signature), Check("revocation", "failed", "revoked"))
    report = Report("INVALID", "revoked", "vc-jwt", checks, IssuerInfo(ISSUER_DID))
    assert card.genuine_but_lapsed("vc-jwt", vc_jwt(), report, pipeline.resolver) is expected
