"""VCDM 1.1 VC-JWT (native rules, didkit as reference) and LDP through didkit."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hand_jws import hand_signed

from microcred import base64url, jose, strictjson, vcjwt
from microcred.errors import (
    AlgorithmNotAllowed,
    CredentialError,
    DataIntegrityError,
    DataLoss,
    Expired,
    InvalidDID,
    InvalidKey,
    InvalidSignature,
    MicrocredError,
    NotYetValid,
    TokenError,
    UnknownContext,
    UnsupportedDIDMethod,
    VerificationMethodError,
)
from microcred.keys import PrivateKey, PublicKey

ISSUER_KEY = PrivateKey.from_ed25519_seed(bytes(range(32)))
ATTACKER_KEY = PrivateKey.from_ed25519_seed(bytes([2]) * 32)
# did:key of the two seeds above, as didkit.key_to_did("key", ...) computes them.
KEY_DID = "did:key:z6MkehRgf7yJbgaGfYsdoAsKdBPE3dj2CYhowQdcjqSJgvVd"
KEY_VM = KEY_DID + "#z6MkehRgf7yJbgaGfYsdoAsKdBPE3dj2CYhowQdcjqSJgvVd"
ATTACKER_DID = "did:key:z6Mko9hTggMwjSTEaJaPUfE6tqcy2xvU6BnNq3e3o8qVBiyH"
ATTACKER_VM = ATTACKER_DID + "#z6Mko9hTggMwjSTEaJaPUfE6tqcy2xvU6BnNq3e3o8qVBiyH"
# The demo issuer: did:web with a port, which didkit cannot resolve.
WEB_DID = "did:web:localhost%3A5001"
WEB_KID = WEB_DID + "#key-1"
OB_DRAFT_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
STATUS_2021_CONTEXT = "https://w3id.org/vc/status-list/2021/v1"
OB_303_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
NOW = 1_704_070_800.0  # 2024-01-01T01:00:00Z, an hour after issuance
CREATED = "2024-01-01T00:00:00Z"


def sample_credential(issuer: str = WEB_DID) -> dict[str, Any]:
    """A VCDM 1.1 micro-credential that didkit's built-in OB draft context fully defines."""
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1", OB_DRAFT_CONTEXT],
        "id": "urn:uuid:6f1b7c4e-2d0a-4f5e-9b1c-3a8d2e7f9c01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Data Protection Basics",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example University"},
        "issuanceDate": "2024-01-01T00:00:00Z",
        "expirationDate": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner-1",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://localhost:5001/achievements/dpb",
                "type": ["Achievement"],
                "name": "Data Protection Basics",
                "description": "Applies GDPR principles to everyday processing.",
                "criteria": {"narrative": "Pass the final written assessment."},
                "achievementType": "MicroCredential",
                "creditsAvailable": 3,
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "apply data protection law",
                        "targetUrl": "http://data.europa.eu/esco/skill/0b4a5a6e",
                        "targetType": "ceasn:Competency",
                        "targetFramework": "ESCO",
                    }
                ],
                "resultDescription": [
                    {
                        "id": "urn:uuid:0b7e0a4e-0c1d-4a8e-8c55-5d1a2b3c4d5e",
                        "type": ["ResultDescription"],
                        "name": "Final grade",
                        "resultType": "LetterGrade",
                    }
                ],
            },
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": "urn:uuid:0b7e0a4e-0c1d-4a8e-8c55-5d1a2b3c4d5e",
                    "value": "A",
                }
            ],
        },
    }


class Resolver:
    """A key lookup by DID URL and verification relationship that records its calls."""

    def __init__(self, keys: dict[str, tuple[PublicKey, set[str]]]) -> None:
        self.keys = keys
        self.calls: list[tuple[str, str]] = []

    def __call__(self, kid: str, relationship: str) -> PublicKey:
        self.calls.append((kid, relationship))
        entry = self.keys.get(kid)
        if entry is None or relationship not in entry[1]:
            raise VerificationMethodError("not an authorised key")
        return entry[0]


def web_resolver() -> Resolver:
    return Resolver({WEB_KID: (ISSUER_KEY.public_key, {"assertionMethod"})})


def good_parts() -> tuple[dict[str, Any], dict[str, Any]]:
    jws = jose.parse(vcjwt.issue_jwt(sample_credential(), ISSUER_KEY, verification_method=WEB_KID))
    return copy.deepcopy(jws.header), copy.deepcopy(jws.payload)


# --- native VC-JWT: issuance and round trip -------------------------------------------------------


def test_issue_jwt_uses_vcdm11_claims_for_a_did_web_issuer_with_port() -> None:
    token = vcjwt.issue_jwt(sample_credential(), ISSUER_KEY, verification_method=WEB_KID)
    jws = jose.parse(token)
    assert jws.header == {"alg": "EdDSA", "typ": "JWT", "kid": WEB_KID}
    assert {k: v for k, v in jws.payload.items() if k != "vc"} == {
        "iss": WEB_DID,
        "sub": "did:example:learner-1",
        "nbf": 1_704_067_200,
        "exp": 1_893_456_000,
        "jti": "urn:uuid:6f1b7c4e-2d0a-4f5e-9b1c-3a8d2e7f9c01",
    }
    assert isinstance(jws.payload["nbf"], int)
    assert jws.payload["vc"] == sample_credential()


def test_verify_jwt_round_trip_rebuilds_the_credential() -> None:
    resolver = web_resolver()
    token = vcjwt.issue_jwt(sample_credential(), ISSUER_KEY, verification_method=WEB_KID)
    result = vcjwt.verify_jwt(token, resolver, now=NOW)
    assert result.credential == sample_credential()
    assert (result.issuer, result.kid) == (WEB_DID, WEB_KID)
    assert resolver.calls == [(WEB_KID, "assertionMethod")]


def test_verify_jwt_restores_properties_from_the_registered_claims() -> None:
    # VCDM 1.1 §6.3.2: a vc claim without issuer/issuanceDate/expirationDate/id/subject id.
    header, payload = good_parts()
    for prop in ("issuer", "issuanceDate", "expirationDate", "id"):
        del payload["vc"][prop]
    del payload["vc"]["credentialSubject"]["id"]
    result = vcjwt.verify_jwt(hand_signed(header, payload, ISSUER_KEY), web_resolver(), now=NOW)
    expected = sample_credential()
    expected["issuer"] = WEB_DID
    assert result.credential == expected


def test_verify_jwt_restores_fractional_times() -> None:
    header, payload = good_parts()
    del payload["vc"]["issuanceDate"]
    payload["nbf"] = 1_704_067_200.25
    result = vcjwt.verify_jwt(hand_signed(header, payload, ISSUER_KEY), web_resolver(), now=NOW)
    assert result.credential["issuanceDate"] == "2024-01-01T00:00:00.250Z"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda h: h.pop("typ"), id="typ-absent-as-didkit-emits"),
        pytest.param(lambda h: h.update(typ="jwt"), id="typ-lowercase"),
        pytest.param(lambda h: h.update(kid="#key-1"), id="relative-kid"),
    ],
)
def test_verify_jwt_accepts_header_variants(change: Callable[[dict[str, Any]], Any]) -> None:
    header, payload = good_parts()
    change(header)
    result = vcjwt.verify_jwt(hand_signed(header, payload, ISSUER_KEY), web_resolver(), now=NOW)
    assert result.kid == WEB_KID


def test_verify_jwt_allows_clock_skew_within_leeway() -> None:
    token = vcjwt.issue_jwt(sample_credential(), ISSUER_KEY, verification_method=WEB_KID)
    assert vcjwt.verify_jwt(token, web_resolver(), now=1_704_067_200 - 30, leeway=60).issuer
    with pytest.raises(NotYetValid):
        vcjwt.verify_jwt(token, web_resolver(), now=1_704_067_200 - 30, leeway=0)


def test_p256_keys_sign_es256_natively() -> None:
    key = PrivateKey.generate("P-256")
    token = vcjwt.issue_jwt(sample_credential(), key, verification_method=WEB_KID)
    resolver = Resolver({WEB_KID: (key.public_key, {"assertionMethod"})})
    assert jose.parse(token).header["alg"] == "ES256"
    assert vcjwt.verify_jwt(token, resolver, now=NOW).credential == sample_credential()


def test_issue_jwt_refuses_a_key_of_another_did() -> None:
    with pytest.raises(VerificationMethodError) as caught:
        vcjwt.issue_jwt(sample_credential(), ATTACKER_KEY, verification_method=ATTACKER_VM)
    assert caught.value.code == "kid_not_issuer"


# --- native VC-JWT: negative cases ---------------------------------------------------------------

Mutation = Callable[[dict[str, Any], dict[str, Any]], Any]


def _set_vc(path: str, value: Any) -> Mutation:
    def change(header: dict[str, Any], payload: dict[str, Any]) -> None:
        target = payload["vc"]
        *parents, last = path.split(".")
        for name in parents:
            target = target[name]
        if value is None:
            del target[last]
        else:
            target[last] = value

    return change


def _both(*changes: Mutation) -> Mutation:
    def change(header: dict[str, Any], payload: dict[str, Any]) -> None:
        for each in changes:
            each(header, payload)

    return change


def _header(**values: Any) -> Mutation:
    return lambda header, payload: header.update(values)


def _claim(**values: Any) -> Mutation:
    return lambda header, payload: payload.update(values)


def _drop(name: str, where: str = "payload") -> Mutation:
    return lambda header, payload: (header if where == "header" else payload).pop(name)


NEGATIVE_JWT: list[Any] = [
    pytest.param(_header(typ="kb+jwt"), TokenError, "wrong_typ", id="A18-typ-kb+jwt"),
    pytest.param(_header(typ="statuslist+jwt"), TokenError, "wrong_typ", id="A18-statuslist"),
    pytest.param(_header(typ="dc+sd-jwt"), TokenError, "wrong_typ", id="A18-typ-dc+sd-jwt"),
    pytest.param(_header(typ="openid4vci-proof+jwt"), TokenError, "wrong_typ", id="A18-proof"),
    pytest.param(_header(typ="vc+jwt"), TokenError, "wrong_typ", id="A18-typ-vc+jwt-vcdm2"),
    pytest.param(_header(typ=["JWT"]), TokenError, "wrong_typ", id="A18-typ-not-a-string"),
    pytest.param(_header(alg="none"), AlgorithmNotAllowed, None, id="A01-alg-none"),
    pytest.param(_header(alg="HS256"), AlgorithmNotAllowed, None, id="A02-alg-HS256"),
    pytest.param(_header(crit=["x-custom"]), TokenError, "crit_unsupported", id="A06-crit"),
    pytest.param(_header(b64=False), TokenError, "b64_unsupported", id="A08-b64-false"),
    pytest.param(_drop("kid", "header"), TokenError, "missing_kid", id="A05-kid-missing"),
    pytest.param(_header(kid=WEB_DID), TokenError, "invalid_kid", id="A05-kid-without-fragment"),
    pytest.param(_header(kid="../../keys/x"), TokenError, "invalid_kid", id="A05-kid-traversal"),
    pytest.param(
        _header(kid=WEB_DID + "#" + "k" * 70_000), TokenError, "invalid_kid", id="A05-kid-70KB"
    ),
    pytest.param(
        _header(kid=WEB_DID + "#key 1"), TokenError, "invalid_kid", id="A05-kid-bad-fragment"
    ),
    pytest.param(
        _header(kid="did:web:attacker.example#key-1"),
        VerificationMethodError,
        "kid_not_issuer",
        id="A21-kid-of-another-did",
    ),
    pytest.param(
        _header(kid=WEB_DID + "/path#key-1"),
        VerificationMethodError,
        "kid_not_issuer",
        id="A21-kid-with-path",
    ),
    pytest.param(
        _set_vc("issuer", "did:web:uni.example"), TokenError, "issuer_mismatch", id="A20-issuer"
    ),
    pytest.param(
        _set_vc("issuer.id", "did:web:uni.example"),
        TokenError,
        "issuer_mismatch",
        id="A20-issuer-object-id",
    ),
    pytest.param(_claim(iss="https://uni.example"), InvalidDID, None, id="A20-iss-not-a-did"),
    pytest.param(_claim(jti="urn:uuid:other"), TokenError, "jti_mismatch", id="jti-vs-id"),
    pytest.param(_claim(jti=7), TokenError, "jti_mismatch", id="jti-not-a-string"),
    pytest.param(_claim(sub="did:example:other"), TokenError, "sub_mismatch", id="sub-vs-subject"),
    pytest.param(
        _set_vc("credentialSubject", [{"id": "did:example:a"}, {"id": "did:example:b"}]),
        TokenError,
        "sub_mismatch",
        id="sub-with-two-subjects",
    ),
    pytest.param(
        _claim(nbf=1_704_067_200 - 86_400), TokenError, "date_mismatch", id="nbf-vs-issuanceDate"
    ),
    pytest.param(
        _claim(exp=1_893_456_000 + 86_400), TokenError, "date_mismatch", id="exp-vs-expirationDate"
    ),
    pytest.param(
        _both(_claim(exp=1_704_067_800), _set_vc("expirationDate", "2024-01-01T00:10:00Z")),
        Expired,
        None,
        id="A19-expired",
    ),
    pytest.param(
        _both(_drop("exp"), _set_vc("expirationDate", "2024-01-01T00:10:00Z")),
        Expired,
        None,
        id="A19-expirationDate-without-exp",
    ),
    pytest.param(
        _both(_claim(nbf=1_735_689_600), _set_vc("issuanceDate", "2025-01-01T00:00:00Z")),
        NotYetValid,
        None,
        id="A19-not-yet-valid",
    ),
    pytest.param(
        _both(_drop("nbf"), _set_vc("issuanceDate", "2025-01-01T00:00:00Z")),
        NotYetValid,
        None,
        id="A19-issuanceDate-without-nbf",
    ),
    pytest.param(_claim(iat=1_735_689_600), NotYetValid, None, id="A19-iat-in-the-future"),
    pytest.param(_claim(nbf=1e20), TokenError, "invalid_claim", id="A15-nbf-absurd"),
    pytest.param(_claim(nbf="1704067200"), TokenError, "invalid_claim", id="nbf-a-string"),
    pytest.param(_drop("vc"), CredentialError, "missing_vc", id="no-vc-claim"),
    pytest.param(
        _claim(vp={"type": ["VerifiablePresentation"]}),
        CredentialError,
        "missing_vc",
        id="a-presentation",
    ),
    pytest.param(
        _set_vc("@context", ["https://www.w3.org/ns/credentials/v2"]),
        CredentialError,
        "wrong_context",
        id="vcdm2-context",
    ),
    pytest.param(
        _set_vc("type", ["OpenBadgeCredential"]),
        CredentialError,
        "not_a_credential",
        id="no-vc-type",
    ),
    pytest.param(
        _set_vc("credentialSubject", "did:example:x"),
        CredentialError,
        "not_a_credential",
        id="subject-not-an-object",
    ),
    pytest.param(
        _both(_drop("nbf"), _set_vc("issuanceDate", None)),
        CredentialError,
        "missing_issuance_date",
        id="no-issuance-date",
    ),
    pytest.param(
        _set_vc("issuanceDate", "2024-01-01T00:00:00"),
        CredentialError,
        "invalid_date",
        id="issuanceDate-without-time-zone",
    ),
]


@pytest.mark.parametrize(("change", "error", "code"), NEGATIVE_JWT)
def test_verify_jwt_rejects(
    change: Mutation, error: type[MicrocredError], code: str | None
) -> None:
    header, payload = good_parts()
    change(header, payload)
    with pytest.raises(error) as caught:
        vcjwt.verify_jwt(hand_signed(header, payload, ISSUER_KEY), web_resolver(), now=NOW)
    if code is not None:
        assert caught.value.code == code


def test_a21_key_of_another_did_is_refused_before_any_lookup() -> None:
    header, payload = good_parts()
    header["kid"] = ATTACKER_VM
    resolver = Resolver({ATTACKER_VM: (ATTACKER_KEY.public_key, {"assertionMethod"})})
    with pytest.raises(VerificationMethodError):
        vcjwt.verify_jwt(hand_signed(header, payload, ATTACKER_KEY), resolver, now=NOW)
    assert resolver.calls == []


def test_a22_key_outside_assertion_method_is_refused() -> None:
    token = vcjwt.issue_jwt(sample_credential(), ISSUER_KEY, verification_method=WEB_KID)
    resolver = Resolver({WEB_KID: (ISSUER_KEY.public_key, {"authentication"})})
    with pytest.raises(VerificationMethodError):
        vcjwt.verify_jwt(token, resolver, now=NOW)


def test_a04_embedded_jwk_is_never_the_trust_source() -> None:
    header, payload = good_parts()
    header["jwk"] = ATTACKER_KEY.public_key.jwk
    with pytest.raises(InvalidSignature):
        vcjwt.verify_jwt(hand_signed(header, payload, ATTACKER_KEY), web_resolver(), now=NOW)


def test_tampered_payload_fails_the_signature() -> None:
    header, payload = good_parts()
    token = hand_signed(header, payload, ISSUER_KEY)
    payload["vc"]["credentialSubject"]["achievement"]["creditsAvailable"] = 30
    forged = token.split(".")
    forged[1] = base64url.encode(strictjson.dumps(payload).encode())
    with pytest.raises(InvalidSignature):
        vcjwt.verify_jwt(".".join(forged), web_resolver(), now=NOW)


def test_resolver_must_return_a_public_key() -> None:
    token = vcjwt.issue_jwt(sample_credential(), ISSUER_KEY, verification_method=WEB_KID)
    with pytest.raises(InvalidKey):
        vcjwt.verify_jwt(token, lambda kid, rel: ISSUER_KEY.public_key.jwk, now=NOW)  # type: ignore


# --- didkit as the reference for did:key ----------------------------------------------------------


def did_key_resolver() -> Resolver:
    return Resolver({KEY_VM: (ISSUER_KEY.public_key, {"assertionMethod"})})


def test_didkit_token_verifies_natively() -> None:
    token = vcjwt.issue_jwt_didkit(
        sample_credential(KEY_DID), ISSUER_KEY, verification_method=KEY_VM
    )
    jws = jose.parse(token)
    # What didkit emits: no typ and a decimal nbf.
    assert "typ" not in jws.header
    assert jws.payload["nbf"] == 1_704_067_200.0 and isinstance(jws.payload["nbf"], float)
    result = vcjwt.verify_jwt(token, did_key_resolver(), now=NOW)
    assert result.credential == sample_credential(KEY_DID)


def test_native_token_verifies_with_didkit() -> None:
    token = vcjwt.issue_jwt(sample_credential(KEY_DID), ISSUER_KEY, verification_method=KEY_VM)
    assert vcjwt.verify_jwt_didkit(token) == {"checks": ["JWS"], "warnings": [], "errors": []}


def test_didkit_reports_a_forged_token() -> None:
    header, payload = good_parts()
    header["kid"], payload["iss"] = KEY_VM, KEY_DID
    payload["vc"]["issuer"]["id"] = KEY_DID
    result = vcjwt.verify_jwt_didkit(hand_signed(header, payload, ATTACKER_KEY))
    assert result["errors"]


@pytest.mark.parametrize(
    "issue",
    [
        pytest.param(vcjwt.issue_jwt_didkit, id="jwt"),
        pytest.param(vcjwt.issue_ldp, id="ldp"),
    ],
)
def test_didkit_cannot_sign_for_did_web_with_a_port(issue: Callable[..., Any]) -> None:
    with pytest.raises(UnsupportedDIDMethod) as caught:
        issue(sample_credential(), ISSUER_KEY, verification_method=WEB_KID)
    assert caught.value.code == "didkit_web_port"


@pytest.mark.parametrize(
    ("iss", "kid"),
    [
        pytest.param(WEB_DID, WEB_KID, id="both-did-web"),
        pytest.param(WEB_DID, KEY_VM, id="iss-did-web"),
        pytest.param(KEY_DID, WEB_KID, id="kid-did-web"),
    ],
)
def test_didkit_jwt_verification_refuses_did_web_so_it_never_fetches(iss: str, kid: str) -> None:
    header, payload = good_parts()
    header["kid"], payload["iss"] = kid, iss
    with pytest.raises(UnsupportedDIDMethod):
        vcjwt.verify_jwt_didkit(hand_signed(header, payload, ISSUER_KEY))


@pytest.mark.parametrize(
    ("issuer", "method"),
    [
        pytest.param(WEB_DID, KEY_VM, id="issuer-did-web"),
        pytest.param(KEY_DID, WEB_KID, id="method-did-web"),
    ],
)
def test_didkit_ldp_verification_refuses_did_web_so_it_never_fetches(
    signed_ldp: dict[str, Any], issuer: str, method: str
) -> None:
    document = copy.deepcopy(signed_ldp)
    document["issuer"]["id"], document["proof"]["verificationMethod"] = issuer, method
    with pytest.raises(UnsupportedDIDMethod):
        vcjwt.verify_ldp_didkit(document)


def test_didkit_paths_need_ed25519() -> None:
    with pytest.raises(InvalidKey):
        vcjwt.issue_ldp(
            sample_credential(KEY_DID), PrivateKey.generate("P-256"), verification_method=KEY_VM
        )


# --- LDP through didkit --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signed_ldp() -> dict[str, Any]:
    return vcjwt.issue_ldp(
        sample_credential(KEY_DID), ISSUER_KEY, verification_method=KEY_VM, created=CREATED
    )


def test_issue_ldp_adds_an_ed25519_2018_proof(signed_ldp: dict[str, Any]) -> None:
    proof = signed_ldp["proof"]
    assert proof["type"] == "Ed25519Signature2018"
    assert (proof["verificationMethod"], proof["created"]) == (KEY_VM, CREATED)
    assert proof["proofPurpose"] == "assertionMethod"
    assert {k: v for k, v in signed_ldp.items() if k != "proof"} == sample_credential(KEY_DID)


def test_verify_ldp(signed_ldp: dict[str, Any]) -> None:
    result = vcjwt.verify_ldp(signed_ldp, now=NOW)
    assert (result.issuer, result.verification_method, result.checks) == (
        KEY_DID,
        KEY_VM,
        ("proof",),
    )
    assert vcjwt.verify_ldp_didkit(signed_ldp) == {
        "checks": ["proof"],
        "warnings": [],
        "errors": [],
    }


def _mutate(change: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def apply(document: dict[str, Any]) -> dict[str, Any]:
        copied = copy.deepcopy(document)
        change(copied)
        return copied

    return apply


NEGATIVE_LDP: list[Any] = [
    pytest.param(
        _mutate(lambda d: d["credentialSubject"]["achievement"].update(creditsAvailable=30)),
        DataIntegrityError,
        "proof_invalid",
        id="tampered-value",
    ),
    pytest.param(
        _mutate(lambda d: d["credentialSubject"].update(honors="summa cum laude")),
        DataLoss,
        "data_loss",
        id="C04-undefined-term-added",
    ),
    pytest.param(
        _mutate(lambda d: d.update(proof=[d["proof"], d["proof"]])),
        DataIntegrityError,
        "proof_missing",
        id="C13-proof-set",
    ),
    pytest.param(
        _mutate(lambda d: d.pop("proof")), DataIntegrityError, "proof_missing", id="no-proof"
    ),
    pytest.param(
        _mutate(lambda d: d["proof"].update(proofPurpose="authentication")),
        DataIntegrityError,
        "wrong_purpose",
        id="C12-authentication-proof",
    ),
    pytest.param(
        _mutate(lambda d: d["proof"].update(verificationMethod=ATTACKER_VM)),
        VerificationMethodError,
        "kid_not_issuer",
        id="A21-method-of-another-did",
    ),
]


@pytest.mark.parametrize(("change", "error", "code"), NEGATIVE_LDP)
def test_verify_ldp_rejects(
    signed_ldp: dict[str, Any],
    change: Callable[[dict[str, Any]], dict[str, Any]],
    error: type[MicrocredError],
    code: str,
) -> None:
    with pytest.raises(error) as caught:
        vcjwt.verify_ldp(change(signed_ldp), now=NOW)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("when", "error"),
    [
        pytest.param(1_893_456_000 + 3600, Expired, id="A19-expired"),
        pytest.param(1_704_067_200 - 3600, NotYetValid, id="A19-not-yet-valid"),
    ],
)
def test_verify_ldp_checks_dates_didkit_ignores(
    signed_ldp: dict[str, Any], when: float, error: type[MicrocredError]
) -> None:
    assert vcjwt.verify_ldp_didkit(signed_ldp)["errors"] == []
    with pytest.raises(error):
        vcjwt.verify_ldp(signed_ldp, now=when)


def _achievement(**extra: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda c: c["credentialSubject"]["achievement"].update(extra)


STATUS_2021 = {
    "id": "https://localhost:5001/status/1#5",
    "type": "StatusList2021Entry",
    "statusPurpose": "revocation",
    "statusListIndex": "5",
    "statusListCredential": "https://localhost:5001/status/1",
}

# What didkit's built-in OB draft context (and VC v1) define, for the model module to rely on.
LDP_TERMS: list[Any] = [
    pytest.param(lambda c: None, None, id="sample-as-is"),
    pytest.param(
        _achievement(image={"id": "https://x.example/i.png", "type": "Image"}),
        None,
        id="achievement.image",
    ),
    pytest.param(
        _achievement(humanCode="DPB101", fieldOfStudy="Law", version="1.0"),
        None,
        id="achievement.humanCode-fieldOfStudy-version",
    ),
    pytest.param(
        lambda c: c["credentialSubject"].update(creditsEarned=3), None, id="subject.creditsEarned"
    ),
    pytest.param(
        lambda c: c.update(evidence=[{"type": ["Evidence"], "narrative": "n"}]), None, id="evidence"
    ),
    pytest.param(
        lambda c: (
            c["@context"].append(STATUS_2021_CONTEXT),
            c.update(credentialStatus=STATUS_2021),
        ),
        None,
        id="StatusList2021Entry-with-its-context",
    ),
    pytest.param(
        lambda c: c.update(credentialStatus=STATUS_2021),
        DataLoss,
        id="StatusList2021Entry-without-its-context",
    ),
    pytest.param(
        lambda c: c.update(credentialStatus=dict(STATUS_2021, type="BitstringStatusListEntry")),
        DataLoss,
        id="BitstringStatusListEntry",
    ),
    pytest.param(
        lambda c: c.update(awardedDate="2024-01-01T00:00:00Z"), DataLoss, id="awardedDate"
    ),
    pytest.param(_achievement(inLanguage="en"), DataLoss, id="achievement.inLanguage"),
    pytest.param(
        lambda c: c["credentialSubject"].update(honors="x"), DataLoss, id="undefined-term"
    ),
    pytest.param(
        lambda c: c["@context"].__setitem__(1, OB_303_CONTEXT),
        UnknownContext,
        id="ob-context-3.0.3",
    ),
]


@pytest.mark.parametrize(("change", "error"), LDP_TERMS)
def test_didkit_ldp_terms(change: Callable[[dict[str, Any]], Any], error: type | None) -> None:
    credential = sample_credential(KEY_DID)
    change(credential)
    if error is None:
        signed = vcjwt.issue_ldp(credential, ISSUER_KEY, verification_method=KEY_VM)
        assert vcjwt.verify_ldp(signed, now=NOW).checks == ("proof",)
    else:
        with pytest.raises(error):
            vcjwt.issue_ldp(credential, ISSUER_KEY, verification_method=KEY_VM)


def test_vcdm2_credentials_are_refused_before_didkit() -> None:
    credential = sample_credential(KEY_DID)
    credential["@context"][0] = "https://www.w3.org/ns/credentials/v2"
    with pytest.raises(CredentialError) as caught:
        vcjwt.issue_ldp(credential, ISSUER_KEY, verification_method=KEY_VM)
    assert caught.value.code == "wrong_context"


# --- the private event loop and the exit guard ----------------------------------------------------


def test_concurrent_callers_share_the_loop(signed_ldp: dict[str, Any]) -> None:
    results: list[Any] = []

    def work() -> None:
        try:
            results.append(vcjwt.verify_ldp(signed_ldp, now=NOW).checks)
        except Exception as exc:  # collected and asserted below
            results.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [("proof",)] * 4


def test_shutdown_is_idempotent_and_the_loop_comes_back(signed_ldp: dict[str, Any]) -> None:
    vcjwt.shutdown()
    vcjwt.shutdown()
    assert vcjwt.verify_ldp(signed_ldp, now=NOW).checks == ("proof",)


# Makes didkit raise (and succeed) many times, then exits: without the guard in didkit_loop the
# interpreter died at exit with SIGSEGV/SIGABRT in 20 of 20 runs.
EXIT_SCRIPT = """
from microcred import vcjwt
from microcred.errors import MicrocredError
from microcred.keys import PrivateKey
credential = {credential!r}
for _ in range(15):
    try:
        vcjwt.issue_ldp(credential, PrivateKey.from_ed25519_seed(bytes(range(32))),
                        verification_method={vm!r})
    except MicrocredError:
        pass
    vcjwt.verify_jwt_didkit({token!r})
"""


def test_processes_exit_cleanly_after_didkit_errors() -> None:
    credential = sample_credential(KEY_DID)
    credential["credentialSubject"]["honors"] = "x"  # didkit: "Key expansion failed"
    token = vcjwt.issue_jwt(sample_credential(KEY_DID), ATTACKER_KEY, verification_method=KEY_VM)
    script = EXIT_SCRIPT.format(credential=credential, vm=KEY_VM, token=token)
    root = str(Path(vcjwt.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=root)
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(20)
    ]
    outcomes = [(run.wait(timeout=60), run.stderr.read() if run.stderr else b"") for run in runs]
    for run in runs:
        for stream in (run.stdout, run.stderr):
            if stream:
                stream.close()
    assert outcomes == [(0, b"")] * 20
