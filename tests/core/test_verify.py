"""The verification pipeline end to end, against a real institution on loopback.

Happy paths of the three formats and of a Data Integrity presentation, what a report shows
(claims, Annex I, JSON), status changes over time, caching and the trust registry. The hostile
cases of SECURITY-CASES are in test_verify_security.py.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from issuer_site import AWARD, COURSE, DAY, NOW
from verify_world import (
    AUDIENCE,
    BOUND,
    FORMATS,
    HOLDER_DID,
    NAMES,
    NONCE,
    NOW_TS,
    PLAIN,
    REQUIRED,
    World,
    accredited,
    make_verifier,
    outcome,
    present,
    presentation,
    presented,
    vm_of,
)

from microcred import data_integrity, strictjson
from microcred.did import did_key
from microcred.keys import PrivateKey
from microcred.model import ANNEX_I_MANDATORY, SDJWT_ALWAYS_VISIBLE, SDJWT_SELECTIVE_CLAIMS
from microcred.report import CHECKS
from microcred.verify import Policy

BSL_SUITE_VC = (
    Path(__file__).parent.parent
    / "vectors"
    / "w3c-bitstring-status-list"
    / "test-suite-validVc.json"
)
# --- happy paths ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_genuine_credential_of_a_listed_issuer_is_valid(world: World, fmt: str) -> None:
    payload, policy = presented(world, fmt)
    report = make_verifier(world).verify(payload, policy)
    assert (report.verdict, report.reason, report.format) == ("VALID", "", fmt)
    assert [check.name for check in report.checks] == [name for name, _ in CHECKS]
    for name in (*REQUIRED, "issuer_trust"):
        assert report.check(name).state == "passed", name
    assert report.check("revocation").code == report.check("suspension").code == "status_ok"
    assert report.issuer.did == world.inst.did
    assert report.issuer.trust_status == "trusted"
    assert report.issuer.registry_entry is not None
    assert report.issuer.registry_entry.name == "Hanoi Uni"


@pytest.mark.parametrize("fmt", FORMATS)
def test_holder_binding_is_passed_only_when_proved(world: World, fmt: str) -> None:
    payload, policy = presented(world, fmt)
    report = make_verifier(world).verify(payload, policy)
    expected = ("passed", "key_binding") if fmt == "sd-jwt-vc" else ("not_checked", "not_requested")
    assert (report.check("holder_binding").state, report.check("holder_binding").code) == expected


def test_a_kb_presentation_without_a_policy_nonce_is_treated_as_bearer(world: World) -> None:
    report = make_verifier(world).verify(present(world.sd), PLAIN)
    assert report.verdict == "VALID"
    assert report.check("holder_binding").state == "not_checked"


@pytest.mark.parametrize(
    "disclose",
    [(), NAMES, (*NAMES, ("assessment_grade",)), (("assessment_grade",),)],
    ids=["nothing", "names", "names-and-grade", "grade-only"],
)
def test_sd_jwt_claims_are_exactly_those_presented(world: World, disclose: Any) -> None:
    report = make_verifier(world).verify(present(world.sd, disclose), BOUND)
    chosen = {path[0] for path in disclose}
    assert report.verdict == "VALID"
    assert set(report.disclosed) == chosen
    assert set(report.claims) & set(SDJWT_SELECTIVE_CLAIMS) == chosen
    assert set(report.claims) - chosen <= set(SDJWT_ALWAYS_VISIBLE)
    assert report.claims["achievement_title"] == COURSE.title
    assert report.certificate is not None
    assert report.certificate.grade == (AWARD.grade if "assessment_grade" in chosen else None)
    assert report.certificate.given_name == (AWARD.given_name if NAMES[0] in disclose else None)
    assert ("grade" in report.annex_i.optional_present) == ("assessment_grade" in chosen)


def test_undisclosed_names_show_as_a_missing_annex_element(world: World) -> None:
    report = make_verifier(world).verify(present(world.sd, ()), BOUND)
    assert report.verdict == "VALID"
    assert report.annex_i is not None
    assert report.annex_i.missing == ("learner",)


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_lists_the_annex_i_elements(world: World, fmt: str) -> None:
    payload, policy = presented(world, fmt)
    report = make_verifier(world).verify(payload, policy)
    assert report.annex_i is not None
    assert report.annex_i.present == tuple(key for key, _ in ANNEX_I_MANDATORY)
    assert report.annex_i.missing == ()
    assert report.certificate is not None
    assert report.certificate.title == COURSE.title
    assert report.certificate.ects == COURSE.ects


@pytest.mark.parametrize("fmt", ["ldp-vc", "vc-jwt"])
def test_w3c_claims_are_the_credential_subject(world: World, fmt: str) -> None:
    payload, policy = presented(world, fmt)
    report = make_verifier(world).verify(payload, policy)
    assert report.claims["id"] == HOLDER_DID
    assert report.certificate is not None
    assert report.certificate.grade == AWARD.grade


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_json_has_the_verdict_first_and_serialises(world: World, fmt: str) -> None:
    payload, policy = presented(world, fmt)
    for report in (
        make_verifier(world).verify(payload, policy),
        make_verifier(world).verify("not a credential", policy),
    ):
        data = report.to_json()
        assert next(iter(data)) == "verdict"
        assert data["verdict"] == report.verdict
        assert data["reason"] == report.reason
        text = json.dumps(data)
        assert strictjson.loads(text)["checks"][0]["name"] == "format"


# --- a Data Integrity presentation ---------------------------------------------------------------


def test_ldp_presentation_by_the_subject_is_valid_and_holder_bound(world: World) -> None:
    report = make_verifier(world).verify(presentation(world.ob), BOUND)
    assert (report.verdict, report.reason, report.format) == ("VALID", "", "ldp-vp")
    assert report.check("holder_binding").state == "passed"
    assert report.issuer.did == world.inst.did
    assert report.claims["id"] == HOLDER_DID


@pytest.mark.parametrize(
    "nonce, audience, code",
    [
        ("another-nonce", AUDIENCE, "invalid_challenge"),
        (NONCE, "https://other.example", "invalid_domain"),
    ],
    ids=["C11-wrong-challenge", "C11-wrong-domain"],
)
def test_ldp_presentation_for_another_session_is_invalid(
    world: World, nonce: str, audience: str, code: str
) -> None:
    policy = Policy(now=NOW_TS, require_holder_binding=True, nonce=nonce, audience=audience)
    report = make_verifier(world).verify(presentation(world.ob), policy)
    assert outcome(report, "signature") == ("INVALID", "failed", code)
    assert report.reason == code
    assert report.claims == {}


def test_ldp_presentation_by_someone_else_fails_holder_binding(world: World) -> None:
    other = PrivateKey.from_ed25519_seed(bytes(32))
    vp = presentation(world.ob, holder=other, holder_did=did_key(other.public_key))
    report = make_verifier(world).verify(vp, BOUND)
    assert outcome(report, "holder_binding") == ("INVALID", "failed", "holder_mismatch")


def test_ldp_presentation_signed_with_a_key_not_of_the_holder_is_invalid(world: World) -> None:
    other = PrivateKey.from_ed25519_seed(bytes(32))
    vp = {k: v for k, v in presentation(world.ob).items() if k != "proof"}
    forged = data_integrity.sign(
        vp,
        other,
        verification_method=vm_of(did_key(other.public_key)),
        created="2026-06-01T11:59:00Z",
        proof_purpose="authentication",
        challenge=NONCE,
        domain=AUDIENCE,
    )
    report = make_verifier(world).verify(forged, BOUND)
    assert outcome(report, "issuer_key") == ("INVALID", "failed", "key_not_authorized")


def test_ldp_presentation_with_an_assertion_proof_is_invalid(world: World) -> None:
    report = make_verifier(world).verify(presentation(world.ob, purpose="assertionMethod"), BOUND)
    assert outcome(report, "signature") == ("INVALID", "failed", "proof_purpose_mismatch")


def test_ldp_presentation_with_a_changed_credential_is_invalid(world: World) -> None:
    vp = presentation(world.ob)
    vp["verifiableCredential"][0]["credentialSubject"]["result"][0]["value"] = "10"
    report = make_verifier(world).verify(vp, BOUND)
    assert outcome(report, "signature") == ("INVALID", "failed", "signature_invalid")


def test_ldp_presentation_is_not_holder_bound_without_a_challenge(world: World) -> None:
    report = make_verifier(world).verify(presentation(world.ob), PLAIN)
    assert report.verdict == "VALID"
    assert report.check("holder_binding").state == "not_checked"
    # Requiring binding without a nonce and audience is a programming error, not a verdict.
    with pytest.raises(ValueError):
        Policy(now=NOW_TS, require_holder_binding=True, nonce=NONCE)


# --- status over time --------------------------------------------------------------------------


def revoke(world: World, fmt: str) -> None:
    if fmt == "sd-jwt-vc":
        world.inst.token_list.set(1, 1)
    else:
        world.inst.lists["revocation"].set(1)
    world.inst.publish()


def suspend(world: World, fmt: str, value: int = 1) -> None:
    if fmt == "sd-jwt-vc":
        world.inst.token_list.set(1, 2 * value)
    else:
        world.inst.lists["suspension"].set(1, value)
    world.inst.publish()


@pytest.mark.parametrize("fmt", FORMATS)
def test_revoked_credential_is_invalid(fresh: World, fmt: str) -> None:
    revoke(fresh, fmt)
    payload, policy = presented(fresh, fmt)
    report = make_verifier(fresh).verify(payload, policy)
    assert outcome(report, "revocation") == ("INVALID", "failed", "revoked")
    assert report.reason == "revoked"
    assert report.check("suspension").state == "passed"


@pytest.mark.parametrize("fmt", FORMATS)
def test_suspended_credential_is_invalid_until_lifted(fresh: World, fmt: str) -> None:
    suspend(fresh, fmt)
    payload, policy = presented(fresh, fmt)
    verifier = make_verifier(fresh)
    report = verifier.verify(payload, policy)
    assert outcome(report, "suspension") == ("INVALID", "failed", "suspended")
    assert report.check("revocation").state == "passed"
    suspend(fresh, fmt, 0)
    assert make_verifier(fresh).verify(payload, policy).verdict == "VALID"


@pytest.mark.parametrize("fmt", FORMATS)
def test_lifted_suspension_is_seen_once_the_cached_list_expires(fresh: World, fmt: str) -> None:
    clock = [1_000_000.0]
    verifier = make_verifier(fresh, clock=lambda: clock[0])
    payload, policy = presented(fresh, fmt)
    suspend(fresh, fmt)
    assert verifier.verify(payload, policy).reason == "suspended"
    suspend(fresh, fmt, 0)
    # The site answers max-age=60 and the token says ttl=60: within that the cached list holds.
    clock[0] += 30
    assert verifier.verify(payload, policy).reason == "suspended"
    clock[0] += 31
    report = verifier.verify(payload, policy)
    assert (report.verdict, report.reason) == ("VALID", "")


def test_a_reserved_token_status_value_is_never_valid(fresh: World) -> None:
    fresh.inst.token_list.set(1, 3)  # E16: 0x03 is an application-specific value
    fresh.inst.publish()
    report = make_verifier(fresh).verify(present(fresh.sd), BOUND)
    assert outcome(report, "revocation") == ("INVALID", "failed", "unknown_status")


def test_credentials_at_other_indices_are_unaffected(fresh: World) -> None:
    revoke(fresh, "ldp-vc")
    suspend(fresh, "sd-jwt-vc")
    verifier = make_verifier(fresh)
    for payload, policy in (
        (fresh.inst.open_badge(2), PLAIN),
        (fresh.inst.vc_jwt(0), PLAIN),
        (present(fresh.inst.sd_jwt(2)), BOUND),
    ):
        assert verifier.verify(payload, policy).verdict == "VALID"


# --- caching ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_second_verification_makes_no_request(fresh: World, fmt: str) -> None:
    verifier = make_verifier(fresh)
    payload, policy = presented(fresh, fmt)
    assert verifier.verify(payload, policy).verdict == "VALID"
    hits = dict(fresh.site.hits)
    assert hits["/.well-known/did.json"] == 1
    assert verifier.verify(payload, policy).verdict == "VALID"
    assert fresh.site.hits == hits


def test_another_credential_of_the_same_issuer_makes_no_request(fresh: World) -> None:
    verifier = make_verifier(fresh)
    for fmt in FORMATS:
        verifier.verify(*presented(fresh, fmt))
    hits = dict(fresh.site.hits)
    assert set(hits) == {
        "/.well-known/did.json",
        "/status/token",
        "/status/revocation",
        "/status/suspension",
    }
    assert verifier.verify(fresh.inst.open_badge(9), PLAIN).verdict == "VALID"
    assert verifier.verify(present(fresh.inst.sd_jwt(9)), BOUND).verdict == "VALID"
    assert fresh.site.hits == hits


def test_the_bsl_test_suite_credential_gets_a_working_status_entry(fresh: World) -> None:
    """The credential w3c/vc-bitstring-status-list-test-suite gives an issuer to add status to."""
    document = strictjson.loads_object(BSL_SUITE_VC.read_text(encoding="utf-8"))
    document.update(
        id="urn:uuid:0b5e1c2a-7d3f-4e0a-9c11-000000000007",
        issuer=fresh.inst.did,
        validFrom="2026-05-31T12:00:00Z",
        credentialStatus=fresh.inst.status_entries(7),
    )
    signed = data_integrity.sign(
        document,
        fresh.inst.key,
        verification_method=fresh.inst.identity.verification_method,
        created="2026-05-31T12:00:00Z",
    )
    report = make_verifier(fresh).verify(signed, PLAIN)
    assert (report.verdict, report.check("revocation").code) == ("VALID", "status_ok")
    fresh.inst.lists["revocation"].set(7)
    fresh.inst.publish()
    report = make_verifier(fresh).verify(signed, PLAIN)
    assert outcome(report, "revocation") == ("INVALID", "failed", "revoked")


# --- the trust registry -------------------------------------------------------------------------


def test_without_a_registry_a_genuine_credential_is_unverified(world: World) -> None:
    report = make_verifier(world, registry=False).verify(world.ob, PLAIN)
    assert outcome(report, "issuer_trust") == ("UNVERIFIED", "not_checked", "no_registry")
    assert report.reason == "no_registry"


def test_trust_is_not_required_when_the_policy_says_so(world: World) -> None:
    policy = Policy(now=NOW_TS, require_trust=False)
    for verifier in (make_verifier(world, registry=False), make_verifier(world, issuers=[])):
        report = verifier.verify(world.ob, policy)
        assert (report.verdict, report.reason) == ("VALID", "")


def _window(centre: dt.datetime) -> dict[str, str]:
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    return {"validFrom": (centre - DAY).strftime(fmt), "validUntil": (centre + DAY).strftime(fmt)}


@pytest.mark.parametrize(
    "accredited_around, verdict",
    [(NOW, "VALID"), (dt.datetime.now(dt.UTC), "UNVERIFIED")],
    ids=["accredited-at-policy-now", "accredited-only-at-wall-clock"],
)
def test_accreditation_is_judged_at_the_policy_time(
    world: World, accredited_around: dt.datetime, verdict: str
) -> None:
    issuers = [accredited(world.inst.did, **_window(accredited_around))]
    report = make_verifier(world, issuers=issuers).verify(world.ob, PLAIN)
    assert report.verdict == verdict
