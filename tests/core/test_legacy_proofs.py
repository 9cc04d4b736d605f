"""VCDM 1.1 credentials with Ed25519Signature2018 proofs made by didkit, verified natively.

didkit (`vcjwt.issue_ldp`) makes the did:key inputs; it cannot resolve a did:web with a port, so
the did:web credential is signed by `data_integrity.sign`, which is shown here to write exactly
didkit's bytes. A proof of a type microcred does not implement is unchecked, not forged.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest
from issuer_site import AWARD, COURSE, DAY
from verify_world import (
    HOLDER_DID,
    NOW,
    PLAIN,
    World,
    accredited,
    make_verifier,
    outcome,
    vm_of,
)

from microcred import base64url, data_integrity, linked_data, strictjson, vcjwt
from microcred.did import DIDResolver, did_key
from microcred.errors import DataIntegrityError, InvalidSignature
from microcred.keys import PrivateKey, PublicKey
from microcred.model import to_vcdm11

ISSUER = PrivateKey.from_ed25519_seed(bytes(range(3, 35)))
ISSUER_DID = did_key(ISSUER.public_key)
ISSUER_VM = vm_of(ISSUER_DID)
CREATED = "2026-05-31T12:00:00Z"
ED2018 = "Ed25519Signature2018"


def twin(issuer: str) -> dict[str, Any]:
    """The demo award as a VCDM 1.1 Open Badges credential, without status entries."""
    return to_vcdm11(
        COURSE,
        AWARD,
        credential_id="urn:uuid:5d1c6a3e-2018-4000-8000-000000000001",
        issuer_id=issuer,
        issuer_name="Hanoi Uni",
        subject_id=HOLDER_DID,
        issuance_date=NOW - DAY,
    )


@pytest.fixture(scope="module")
def didkit_made() -> dict[str, Any]:
    return vcjwt.issue_ldp(twin(ISSUER_DID), ISSUER, verification_method=ISSUER_VM, created=CREATED)


def offline_key(vm: str, purpose: str) -> PublicKey:
    return DIDResolver().key(vm, purpose, did=ISSUER_DID)


def listing_issuer(world: World) -> Any:
    return make_verifier(world, issuers=[accredited(ISSUER_DID)])


# --- the suite, natively ------------------------------------------------------------------------


def test_a_didkit_2018_proof_verifies_natively(didkit_made: dict[str, Any]) -> None:
    assert didkit_made["proof"]["type"] == ED2018 and "jws" in didkit_made["proof"]
    result = data_integrity.verify(didkit_made, offline_key, now=NOW.timestamp())
    assert (result.proof_type, result.verification_method) == (ED2018, ISSUER_VM)


def test_our_2018_signer_writes_didkit_s_bytes(didkit_made: dict[str, Any]) -> None:
    ours = data_integrity.sign(
        twin(ISSUER_DID), ISSUER, verification_method=ISSUER_VM, created=CREATED, cryptosuite=ED2018
    )
    assert ours == didkit_made
    assert vcjwt.verify_ldp_didkit(ours)["errors"] == []


def test_a_changed_2018_credential_fails(didkit_made: dict[str, Any]) -> None:
    changed = copy.deepcopy(didkit_made)
    changed["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
    with pytest.raises(InvalidSignature):
        data_integrity.verify(changed, offline_key, now=NOW.timestamp())


def signed_with_header(document: dict[str, Any], header: dict[str, Any]) -> dict[str, Any]:
    """The document with its 2018 proof re-signed by the issuer under another JWS header."""
    proof = {k: v for k, v in document["proof"].items() if k != "jws"}
    unsecured = {k: v for k, v in document.items() if k != "proof"}

    def digest(value: dict[str, Any]) -> bytes:
        return hashlib.sha256(linked_data.canonical_nquads(value).encode()).digest()

    # Ed25519 Signature 2018: SHA-256(proof options) || SHA-256(document), the detached payload.
    data = digest({**proof, "@context": document["@context"]}) + digest(unsecured)
    header_b64 = base64url.encode(strictjson.dumps(header).encode())
    signature = ISSUER.sign(header_b64.encode() + b"." + data)
    return {**unsecured, "proof": {**proof, "jws": f"{header_b64}..{base64url.encode(signature)}"}}


def test_the_test_signer_matches_the_suite(didkit_made: dict[str, Any]) -> None:
    header = {"alg": "EdDSA", "crit": ["b64"], "b64": False}
    assert signed_with_header(didkit_made, header) == didkit_made


def _jws(document: dict[str, Any], value: str) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    changed["proof"]["jws"] = value
    return changed


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "EdDSA", "crit": ["b64"], "b64": True},
        {"alg": "EdDSA", "crit": ["b64"], "b64": 0},
        {"alg": "EdDSA", "b64": False},
        {"alg": "EdDSA"},
        {"alg": "EdDSA", "crit": ["b64", "exp"], "b64": False, "exp": 1},
        {"alg": "EdDSA", "crit": ["b64"], "b64": False, "kid": "did:example:attacker#k"},
        {"alg": "ES256", "crit": ["b64"], "b64": False},
        {"alg": "none", "crit": ["b64"], "b64": False},
    ],
    ids=["b64-true", "b64-zero", "no-crit", "plain", "extra-crit", "kid", "es256", "none"],
)
def test_a08_only_the_suite_s_own_header_is_accepted(
    didkit_made: dict[str, Any], header: dict[str, Any]
) -> None:
    # Signed correctly under the other header: only the header rule refuses it.
    with pytest.raises(DataIntegrityError) as raised:
        data_integrity.verify(signed_with_header(didkit_made, header), offline_key)
    assert raised.value.code == "malformed_proof"


@pytest.mark.parametrize(
    "mutate, code",
    [
        (lambda jws: jws.replace("..", ".e30."), "malformed_proof"),  # attached payload
        (lambda jws: jws + "AA", "malformed_proof_value"),  # 65-byte signature
        (lambda jws: jws.split("..")[0] + "..", "malformed_proof_value"),  # no signature
        (lambda jws: jws.replace("..", "."), "malformed_proof"),
        (lambda jws: jws + "=", "malformed_proof"),  # padding: not strict base64url
        (lambda jws: "x" * 600, "malformed_proof"),
    ],
    ids=["attached", "long-signature", "empty-signature", "two-parts", "padded", "huge"],
)
def test_malformed_detached_jws_is_refused(
    didkit_made: dict[str, Any], mutate: Any, code: str
) -> None:
    with pytest.raises(DataIntegrityError) as raised:
        data_integrity.verify(_jws(didkit_made, mutate(didkit_made["proof"]["jws"])), offline_key)
    assert raised.value.code == code


def test_a_2018_proof_with_a_proof_value_too_is_refused(didkit_made: dict[str, Any]) -> None:
    changed = copy.deepcopy(didkit_made)
    changed["proof"]["proofValue"] = "z" + "1" * 86
    with pytest.raises(DataIntegrityError) as raised:
        data_integrity.verify(changed, offline_key)
    assert raised.value.code == "malformed_proof"


# --- through the pipeline -----------------------------------------------------------------------


def test_a_didkit_made_did_key_credential_is_valid(
    world: World, didkit_made: dict[str, Any]
) -> None:
    report = listing_issuer(world).verify(strictjson.dumps(didkit_made), PLAIN)
    assert (report.verdict, report.format) == ("VALID", "ldp-vc")
    signature = report.check("signature")
    assert (signature.code, signature.message) == ("signature_valid", ED2018)
    assert report.certificate is not None
    assert report.certificate.title == COURSE.title
    assert report.certificate.date_of_issuance == AWARD.date_of_issuance


def test_a_did_web_2018_credential_resolves_its_key_through_the_pipeline(world: World) -> None:
    inst = world.inst
    signed = data_integrity.sign(
        twin(inst.did),
        inst.key,
        verification_method=inst.identity.verification_method,
        created=CREATED,
        cryptosuite=ED2018,
    )
    before = world.site.hits.get("/.well-known/did.json", 0)
    report = make_verifier(world).verify(signed, PLAIN)
    assert report.verdict == "VALID", report.checks
    assert report.check("issuer_key").message == inst.did
    assert world.site.hits["/.well-known/did.json"] == before + 1  # through our guarded client


def test_a_2018_credential_signed_by_another_did_is_invalid(world: World) -> None:
    # A21: a valid signature, but by a key that is not a method of the stated issuer.
    other = PrivateKey.from_ed25519_seed(bytes([9]) * 32)
    other_did = did_key(other.public_key)
    signed = vcjwt.issue_ldp(
        twin(other_did), other, verification_method=vm_of(other_did), created=CREATED
    )
    signed["issuer"]["id"] = ISSUER_DID
    report = listing_issuer(world).verify(signed, PLAIN)
    assert report.verdict == "INVALID"
    assert report.check("issuer_key").state == "failed"


def test_a_changed_2018_credential_is_invalid_but_its_key_was_resolved(
    world: World, didkit_made: dict[str, Any]
) -> None:
    changed = copy.deepcopy(didkit_made)
    changed["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
    report = listing_issuer(world).verify(changed, PLAIN)
    assert outcome(report, "signature") == ("INVALID", "failed", "signature_invalid")
    assert outcome(report, "issuer_key") == ("INVALID", "passed", "resolved")
    assert report.claims == {} and report.certificate is None


# --- proofs of suites microcred does not implement ---------------------------------------------


@pytest.mark.parametrize(
    "proof_type, cryptosuite",
    [
        ("DataIntegrityProof", "ecdsa-rdfc-2019"),
        ("DataIntegrityProof", "eddsa-jcs-2022"),
        ("DataIntegrityProof", "bbs-2023"),
    ],
)
def test_an_unimplemented_suite_is_unverified_not_forged(
    world: World, proof_type: str, cryptosuite: str
) -> None:
    document = copy.deepcopy(world.ob)
    document["proof"].update(type=proof_type, cryptosuite=cryptosuite)
    report = make_verifier(world).verify(document, PLAIN)
    assert outcome(report, "signature") == (
        "UNVERIFIED",
        "not_checked",
        "unsupported_cryptosuite",
    )
    assert report.reason == "unsupported_cryptosuite"
    # G5: nothing it says is shown, since no signature covered it.
    assert report.claims == {} and report.certificate is None


@pytest.mark.parametrize("proof_type", ["RsaSignature2018", "EcdsaSecp256k1Signature2019"])
def test_an_unimplemented_vcdm11_proof_type_is_unverified(
    world: World, didkit_made: dict[str, Any], proof_type: str
) -> None:
    document = copy.deepcopy(didkit_made)
    document["proof"]["type"] = proof_type
    report = listing_issuer(world).verify(document, PLAIN)
    assert (report.verdict, report.reason) == ("UNVERIFIED", "unsupported_cryptosuite")


@pytest.mark.parametrize("unknown_first", [True, False], ids=["unknown-first", "unknown-last"])
def test_a_forged_proof_beside_an_unknown_one_is_still_invalid(
    world: World, unknown_first: bool
) -> None:
    document = copy.deepcopy(world.ob)
    forged = dict(document["proof"], id="urn:proof:forged")
    # A genuine signature of the institution, but over another document.
    forged["proofValue"] = data_integrity.sign(
        {**{k: v for k, v in document.items() if k != "proof"}, "name": "other"},
        world.inst.key,
        verification_method=world.inst.identity.verification_method,
        created=document["proof"]["created"],
    )["proof"]["proofValue"]
    unknown = dict(document["proof"], id="urn:proof:unknown", cryptosuite="ecdsa-rdfc-2019")
    document["proof"] = [unknown, forged] if unknown_first else [forged, unknown]
    report = make_verifier(world).verify(document, PLAIN)
    assert outcome(report, "signature") == ("INVALID", "failed", "signature_invalid")
