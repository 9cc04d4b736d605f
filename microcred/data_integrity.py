"""W3C Data Integrity proofs: eddsa-rdfc-2022 (VC 2.0, Open Badges 3.0), and the VCDM 1.1 suites
Ed25519Signature2020 and Ed25519Signature2018.

All three sign SHA-256(canonical proof configuration) || SHA-256(canonical document), where
"canonical" is RDFC-1.0 (URDNA2015) over the JSON-LD expansion with the shipped contexts
(vc-di-eddsa §3.3 "eddsa-rdfc-2022", §3.3.4 Hashing). The 2020 suite and eddsa-rdfc-2022 put the
bare signature in `proofValue`; the 2018 suite signs those 64 bytes as the unencoded payload of
a detached JWS in `jws` (`detached_jws`). Key lookup is injected: `resolve_key(verification_method,
proof_purpose)` returns the PublicKey after the caller has checked that the DID document lists
the method under that relationship.
"""

from __future__ import annotations

import copy
import hashlib
import re
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import detached_jws, linked_data, multibase
from .errors import AlgorithmNotAllowed, DataIntegrityError, MalformedEncoding, UnsupportedProof
from .keys import PrivateKey, PublicKey
from .linked_data import DEFAULT_CONTEXTS

DATA_INTEGRITY_PROOF = "DataIntegrityProof"
EDDSA_RDFC_2022 = "eddsa-rdfc-2022"
# The VCDM 1.1 suites: their own proof types, no `cryptosuite` member, same hashing.
ED25519_SIGNATURE_2020 = "Ed25519Signature2020"
ED25519_SIGNATURE_2018 = "Ed25519Signature2018"
SUITES = (EDDSA_RDFC_2022, ED25519_SIGNATURE_2020, ED25519_SIGNATURE_2018)
# Proof types that name their suite themselves and so must carry no `cryptosuite`.
_LEGACY_TYPES = frozenset({ED25519_SIGNATURE_2020, ED25519_SIGNATURE_2018})
ED25519_SIGNATURE_LENGTH = 64
# Seconds of clock difference tolerated for `created` and `expires` (as jose.DEFAULT_LEEWAY).
CLOCK_LEEWAY = 60
# Proofs in one proof set; each costs a canonicalization and a signature check.
MAX_PROOFS = 8
# XML Schema dateTimeStamp: a time zone is required (DI §2.1 `created`, `expires`).
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\Z")

ResolveKey = Callable[[str, str], PublicKey]


@dataclass(frozen=True)
class VerifiedProof:
    """A proof that verified: its method, type, suite, purpose and creation time."""

    verification_method: str
    proof_type: str
    cryptosuite: str
    purpose: str
    created: str | None


def sign(
    document: dict[str, Any],
    key: PrivateKey,
    *,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    cryptosuite: str = EDDSA_RDFC_2022,
    expires: str | None = None,
    allowed_contexts: Collection[str] = DEFAULT_CONTEXTS,
) -> dict[str, Any]:
    """Return a copy of `document` with an Ed25519 proof (`cryptosuite` names the suite)."""
    if not key.public_key.is_ed25519:
        raise AlgorithmNotAllowed("these suites sign with Ed25519 keys only")
    if "proof" in document:
        raise DataIntegrityError("document already has a proof", code="already_signed")
    if cryptosuite not in SUITES:
        raise DataIntegrityError("unsupported cryptosuite", code="unsupported_cryptosuite")
    _timestamp(created, "created")
    if expires is not None:
        _timestamp(expires, "expires")
    proof: dict[str, Any] = {"type": DATA_INTEGRITY_PROOF, "cryptosuite": cryptosuite}
    if cryptosuite in _LEGACY_TYPES:
        proof = {"type": cryptosuite}
    proof.update(created=created, verificationMethod=verification_method)
    optional = {"expires": expires, "challenge": challenge, "domain": domain}
    proof.update(proofPurpose=proof_purpose, **{k: v for k, v in optional.items() if v is not None})
    # vc-di-eddsa §3.3.1 Create Proof: hash the proof configuration, then the document.
    config_hash = _hash(_proof_config(proof, document), allowed_contexts)
    data = config_hash + _hash(document, allowed_contexts)
    if cryptosuite == ED25519_SIGNATURE_2018:
        proof["jws"] = detached_jws.sign(data, key)
    else:
        proof["proofValue"] = "z" + multibase.base58btc_encode(key.sign(data))
    signed = copy.deepcopy(document)
    signed["proof"] = proof
    return signed


def verify(
    document: dict[str, Any],
    resolve_key: ResolveKey,
    *,
    expected_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    now: float | None = None,
    allowed_contexts: Collection[str] = DEFAULT_CONTEXTS,
) -> VerifiedProof:
    """Verify every proof of `document`; return the first (the only one, unless a proof set)."""
    return verify_proofs(
        document,
        resolve_key,
        expected_purpose=expected_purpose,
        challenge=challenge,
        domain=domain,
        now=now,
        allowed_contexts=allowed_contexts,
    )[0]


def verify_proofs(
    document: dict[str, Any],
    resolve_key: ResolveKey,
    *,
    expected_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    now: float | None = None,
    allowed_contexts: Collection[str] = DEFAULT_CONTEXTS,
) -> tuple[VerifiedProof, ...]:
    """Verify a proof or proof set (DI §4.4 "Verify Proof Sets and Chains"); all must verify.

    A proof of a type or cryptosuite not implemented here raises UnsupportedProof, but only
    after every other proof verified: a forged proof is reported as such wherever it stands.
    """
    linked_data.check_document(document, allowed_contexts)
    proofs = _proof_list(document.get("proof"))
    current = time.time() if now is None else now
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    by_id = _proofs_by_id(proofs)
    document_hashes: dict[tuple[str, ...], bytes] = {}
    results = []
    unsupported: UnsupportedProof | None = None
    for proof in proofs:
        try:
            result = _check_proof(proof, expected_purpose, challenge, domain, current)
        except UnsupportedProof as error:
            unsupported = unsupported or error
            continue
        signature, prefix = _signature(proof, result.proof_type)
        previous = _previous(proof, by_id)
        if previous not in document_hashes:
            # A chained proof signed the document together with the proofs it names.
            secured = dict(unsecured, proof=[by_id[i] for i in previous]) if previous else unsecured
            document_hashes[previous] = _hash(secured, allowed_contexts)
        config = _proof_config(proof, document)
        data = _hash(config, allowed_contexts) + document_hashes[previous]
        key = resolve_key(result.verification_method, result.purpose)
        if not key.is_ed25519:  # the suite fixes the algorithm: no key/alg confusion
            raise AlgorithmNotAllowed("the proof's suite needs an Ed25519 key")
        key.verify(signature, prefix + data)
        results.append(result)
    if unsupported is not None:
        raise unsupported
    return tuple(results)


def _hash(document: dict[str, Any], allowed_contexts: Collection[str]) -> bytes:
    canonical = linked_data.canonical_nquads(document, allowed_contexts)
    return hashlib.sha256(canonical.encode("utf-8")).digest()


def _proof_config(proof: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    # vc-di-eddsa §3.3.5 Proof Configuration: the proof without its value, in the document's
    # contexts (the 2018 suite's value is its `jws`).
    config = {k: v for k, v in proof.items() if k not in ("proofValue", "jws")}
    config["@context"] = document["@context"]
    return config


def _proof_list(proof: Any) -> list[dict[str, Any]]:
    proofs = proof if isinstance(proof, list) else [proof]
    if proof is None or not proofs:
        raise DataIntegrityError("document has no proof", code="proof_missing")
    if len(proofs) > MAX_PROOFS:
        raise DataIntegrityError(f"more than {MAX_PROOFS} proofs", code="too_many_proofs")
    if not all(isinstance(p, dict) for p in proofs):
        raise DataIntegrityError("proof is not a JSON object", code="malformed_proof")
    return proofs


def _proofs_by_id(proofs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {}
    for proof in proofs:
        proof_id = proof.get("id")
        if proof_id is None:
            continue
        if not isinstance(proof_id, str) or proof_id in by_id:
            raise DataIntegrityError("proof ids must be unique strings", code="malformed_proof")
        by_id[proof_id] = proof
    return by_id


def _previous(proof: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> tuple[str, ...]:
    value = proof.get("previousProof")
    if value is None:
        return ()
    previous = value if isinstance(value, list) else [value]
    if not previous or not all(isinstance(p, str) for p in previous):
        raise DataIntegrityError("previousProof must name proofs by id", code="malformed_proof")
    for proof_id in previous:
        # C13: a chain must point at proofs of this set, never at itself.
        if proof_id not in by_id or by_id[proof_id] is proof:
            raise DataIntegrityError(
                "previousProof names no other proof", code="previous_proof_missing"
            )
    return tuple(previous)


def _check_proof(
    proof: dict[str, Any], purpose: str, challenge: str | None, domain: str | None, now: float
) -> VerifiedProof:
    proof_type, suite = proof.get("type"), proof.get("cryptosuite")
    if proof_type == DATA_INTEGRITY_PROOF and suite == EDDSA_RDFC_2022:
        cryptosuite = EDDSA_RDFC_2022
    elif proof_type in _LEGACY_TYPES and suite is None:
        cryptosuite = str(proof_type)
    elif proof_type in _LEGACY_TYPES or (proof_type == DATA_INTEGRITY_PROOF and suite is None):
        # C10: a suite we implement, with parameters it does not define: broken, not foreign.
        raise DataIntegrityError("proof type and cryptosuite do not match", code="malformed_proof")
    else:
        # C10: JCS, ECDSA, BBS, RSA ... are not implemented here. Such a proof was not checked,
        # which is not the same as forged: UnsupportedProof makes the pipeline's verdict
        # UNVERIFIED (never VALID, no claims shown), as for a key or status it cannot obtain.
        raise UnsupportedProof(f"proof type {str(proof_type)[:40]!r} / {str(suite)[:40]!r}")
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not method:
        raise DataIntegrityError("proof has no verificationMethod", code="malformed_proof")
    if proof.get("proofPurpose") != purpose:  # C12, DI §4.6 "Proof Purpose Validation"
        raise DataIntegrityError(
            "proofPurpose is not the expected one", code="proof_purpose_mismatch"
        )
    if challenge is not None and proof.get("challenge") != challenge:  # C11
        raise DataIntegrityError("challenge does not match", code="invalid_challenge")
    if domain is not None:
        domains = proof.get("domain")
        if domain not in (domains if isinstance(domains, list) else [domains]):
            raise DataIntegrityError("domain does not match", code="invalid_domain")
    created = proof.get("created")
    if created is not None and _timestamp(created, "created") > now + CLOCK_LEEWAY:
        raise DataIntegrityError("proof created in the future", code="proof_not_yet_valid")
    expires = proof.get("expires")
    if expires is not None and _timestamp(expires, "expires") < now - CLOCK_LEEWAY:
        raise DataIntegrityError("proof has expired", code="proof_expired")
    return VerifiedProof(method, proof_type, cryptosuite, purpose, created)


def _signature(proof: dict[str, Any], proof_type: str) -> tuple[bytes, bytes]:
    """The proof's signature, and what precedes the hashes in the bytes it signs."""
    if proof_type != ED25519_SIGNATURE_2018:
        return _proof_value(proof), b""
    if "proofValue" in proof:
        raise DataIntegrityError("a 2018 proof carries its value in jws", code="malformed_proof")
    # Ed25519 Signature 2018: the hashes are the unencoded payload of a detached JWS.
    jws = detached_jws.parse(proof.get("jws"))
    return jws.signature, jws.signing_input(b"")


def _proof_value(proof: dict[str, Any]) -> bytes:
    value = proof.get("proofValue")
    # vc-di-eddsa §3.3.2 Verify Proof: multibase base58btc, exactly one Ed25519 signature.
    if not isinstance(value, str) or not value.startswith("z"):
        raise DataIntegrityError(
            "proofValue is not base58btc multibase", code="malformed_proof_value"
        )
    try:
        signature = multibase.base58btc_decode(value[1:])
    except MalformedEncoding:
        raise DataIntegrityError(
            "proofValue is not base58btc", code="malformed_proof_value"
        ) from None
    if len(signature) != ED25519_SIGNATURE_LENGTH:
        raise DataIntegrityError("proofValue is not 64 bytes", code="malformed_proof_value")
    return signature


def _timestamp(value: Any, name: str) -> float:
    if not isinstance(value, str) or not _DATE_TIME.match(value):
        raise DataIntegrityError(
            f"{name} is not an XML Schema dateTimeStamp", code="malformed_proof"
        )
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        raise DataIntegrityError(f"{name} is not a valid date", code="malformed_proof") from None
