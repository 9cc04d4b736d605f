"""What a report says about each check, in every state, and what the policy demands.

Every check carries a stable reason code whether it passed, failed or was not checked; a check
that passed before a later one failed still says "passed"; the three formats of one award give
the same readable certificate facts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from issuer_site import AWARD, DAY, NOW
from verify_world import (
    AUDIENCE,
    BOUND,
    FORMATS,
    NONCE,
    NOW_TS,
    PLAIN,
    World,
    make_verifier,
    outcome,
    present,
    presented,
)

from microcred import base64url, strictjson
from microcred.report import CHECKS
from microcred.verify import Policy

LATER = NOW + 2 * DAY


def altered_jwt(token: str) -> str:
    """A VC-JWT (or an SD-JWT's issuer JWT) with one claim changed and the old signature."""
    jwt, tilde, rest = token.partition("~")
    head, body, signature = jwt.split(".")
    claims = strictjson.loads_object(base64url.decode(body))
    if "vc" in claims:
        claims["vc"]["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
    else:
        claims["achievement_title"] = "Doctor of Everything"
    body = base64url.encode(strictjson.dumps(claims).encode())
    return f"{head}.{body}.{signature}" + tilde + rest


def altered(world: World, fmt: str) -> Any:
    if fmt == "ldp-vc":
        document = dict(world.ob, name="Doctor of Everything")
        return document
    return altered_jwt(world.jwt if fmt == "vc-jwt" else present(world.sd))


def expired(world: World, fmt: str) -> Any:
    """A genuine credential of each format that expired a day before the policy's time."""
    window = {"issued_at": NOW - 3 * DAY, "expires_at": NOW - DAY}
    if fmt == "sd-jwt-vc":
        return present(world.inst.sd_jwt(**window))
    return (world.inst.open_badge if fmt == "ldp-vc" else world.inst.vc_jwt)(**window)


# --- reason codes in every state ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "case", ["valid", "altered", "expired", "no-registry", "untrusted"], ids=str
)
def test_every_check_has_a_reason_code_in_every_state(world: World, fmt: str, case: str) -> None:
    payload, policy = presented(world, fmt)
    verifier = make_verifier(world)
    if case == "altered":
        payload = altered(world, fmt)
    elif case == "expired":
        payload = expired(world, fmt)
    elif case == "no-registry":
        verifier = make_verifier(world, registry=False)
    elif case == "untrusted":
        verifier = make_verifier(world, issuers=[])
    report = verifier.verify(payload, policy)
    assert [check.name for check in report.checks] == [name for name, _ in CHECKS]
    for check in report.checks:
        assert check.code, (case, check)
    assert {check.state for check in report.checks} <= {"passed", "failed", "not_checked"}


def test_passed_checks_name_what_passed(world: World) -> None:
    report = make_verifier(world).verify(world.ob, PLAIN)
    codes = {check.name: (check.state, check.code) for check in report.checks}
    assert codes == {
        "format": ("passed", "ldp-vc"),
        "issuer_key": ("passed", "resolved"),
        "signature": ("passed", "signature_valid"),
        "validity": ("passed", "within_validity_period"),
        "revocation": ("passed", "status_ok"),
        "suspension": ("passed", "status_ok"),
        "issuer_trust": ("passed", "trusted"),
        "holder_binding": ("not_checked", "not_requested"),
    }
    assert report.check("signature").message == "eddsa-rdfc-2022"


# --- what held before a later check failed ------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_failed_signature_shows_the_key_as_resolved(world: World, fmt: str) -> None:
    report = make_verifier(world).verify(
        altered(world, fmt), BOUND if fmt == "sd-jwt-vc" else PLAIN
    )
    assert outcome(report, "signature") == ("INVALID", "failed", "signature_invalid")
    assert outcome(report, "issuer_key")[1:] == ("passed", "resolved")
    assert report.check("issuer_key").message == world.inst.did
    for name in ("validity", "revocation", "issuer_trust"):
        assert outcome(report, name)[1:] == ("not_checked", "not_reached")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_expired_credential_shows_its_signature_as_verified(world: World, fmt: str) -> None:
    report = make_verifier(world).verify(
        expired(world, fmt), BOUND if fmt == "sd-jwt-vc" else PLAIN
    )
    assert outcome(report, "validity") == ("INVALID", "failed", "expired")
    assert outcome(report, "signature")[1:] == ("passed", "signature_valid")
    assert outcome(report, "issuer_key")[1:] == ("passed", "resolved")


def test_a_replayed_presentation_shows_the_issuer_signature_as_verified(world: World) -> None:
    report = make_verifier(world).verify(present(world.sd, nonce="replayed"), BOUND)
    assert outcome(report, "holder_binding")[:2] == ("INVALID", "failed")
    assert outcome(report, "signature")[1:] == ("passed", "signature_valid")


def test_an_unreachable_issuer_is_the_reason_not_the_checks_it_blocked(fresh: World) -> None:
    del fresh.site.documents["/.well-known/did.json"]
    report = make_verifier(fresh).verify(fresh.jwt, PLAIN)
    assert outcome(report, "issuer_key") == ("UNVERIFIED", "not_checked", "issuer_unresolvable")
    assert report.reason == "issuer_unresolvable"


# --- B11: the policy decides about holder binding -----------------------------------------------


def test_a_nonce_and_an_audience_make_binding_required(world: World) -> None:
    policy = Policy(now=NOW_TS, nonce=NONCE, audience=AUDIENCE)
    assert policy.require_holder_binding
    bare = world.sd  # the issued SD-JWT, without a key-binding JWT
    report = make_verifier(world).verify(bare, policy)
    assert outcome(report, "holder_binding") == ("INVALID", "failed", "key_binding_missing")
    assert make_verifier(world).verify(present(world.sd), policy).verdict == "VALID"


@pytest.mark.parametrize("given", [{"nonce": NONCE}, {"audience": AUDIENCE}], ids=str)
def test_half_of_a_binding_policy_is_a_programming_error(given: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        Policy(now=NOW_TS, **given)


# --- one award, three formats, the same facts ---------------------------------------------------


def test_the_three_formats_agree_on_the_date_of_issuing(world: World) -> None:
    # The world issues a day before NOW, the award is dated NOW: the date must be the award's.
    assert (NOW - DAY).date().isoformat() != AWARD.date_of_issuance
    dates = {}
    for fmt in FORMATS:
        payload, policy = presented(world, fmt)
        report = make_verifier(world).verify(payload, policy)
        assert report.certificate is not None
        dates[fmt] = report.certificate.date_of_issuance
    assert dates == dict.fromkeys(FORMATS, AWARD.date_of_issuance)


def test_the_vc_jwt_keeps_its_validity_start_apart_from_the_award_date(world: World) -> None:
    token = world.inst.vc_jwt(issued_at=LATER)
    claims = strictjson.loads_object(base64url.decode(token.split(".")[1]))
    assert claims["nbf"] == int(LATER.timestamp())
    assert claims["vc"]["issued"] == AWARD.date_of_issuance + "T00:00:00Z"
    report = make_verifier(world).verify(token, PLAIN)
    assert outcome(report, "validity") == ("INVALID", "failed", "not_yet_valid")
    later = Policy(now=(LATER + dt.timedelta(hours=1)).timestamp())
    assert make_verifier(world).verify(token, later).verdict == "VALID"
