"""Data Integrity proofs: W3C and Open Badges vectors, then every refusal (C01-C14)."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from microcred import data_integrity, linked_data, multibase
from microcred.errors import (
    AlgorithmNotAllowed,
    DataIntegrityError,
    DataLoss,
    InvalidSignature,
    PayloadTooLarge,
    UnknownContext,
    UnsupportedProof,
)
from microcred.keys import PrivateKey, PublicKey

VECTORS = Path(__file__).parent.parent / "vectors"
W3C = VECTORS / "w3c-vc-di-eddsa" / "TestVectors"
OB3 = VECTORS / "openbadges-3.0" / "eddsa-rdfc-2022-test-vector"
# The W3C vectors use the spec-examples context, which is opt-in.
WITH_EXAMPLES = linked_data.DEFAULT_CONTEXTS | {linked_data.EXAMPLES_V2}
SUITE_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
CREATED = "2023-02-24T23:36:38Z"
NOW = 1_700_000_000.0  # 2023-11-14, after every `created` used here
W3C_METHOD = (
    "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def read_text(path: Path) -> str:
    return path.read_text("utf-8").strip()


def did_key_resolver(method: str, purpose: str) -> PublicKey:
    """Resolve did:key methods of the vectors: the fragment is the Multikey itself."""
    return multibase.decode_multikey(method.split("#", 1)[1])


def multikey_private(text: str) -> PrivateKey:
    raw = multibase.base58btc_decode(text[1:])
    assert raw[:2] == b"\x80\x26"  # multicodec ed25519-priv
    return PrivateKey.from_ed25519_seed(raw[2:])


W3C_KEY = multikey_private(read_json(W3C / "keyPair.json")["privateKeyMultibase"])
OB3_VECTOR = read_json(OB3 / "vector.json")
OB3_KEY = PrivateKey.from_ed25519_seed(
    bytes.fromhex(OB3_VECTOR["privateKeyHex(64-byte seed||pub)"])[:32]
)
OB3_METHOD = OB3_VECTOR["signedCredential"]["proof"]["verificationMethod"]


def ob3_resolver(method: str, purpose: str) -> PublicKey:
    assert method == OB3_METHOD and purpose == "assertionMethod"
    return OB3_KEY.public_key


def unsigned_ob3() -> dict[str, Any]:
    document = copy.deepcopy(OB3_VECTOR["signedCredential"])
    del document["proof"]
    return document


def sign_ob3(document: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    options.setdefault("created", OB3_VECTOR["signedCredential"]["proof"]["created"])
    return data_integrity.sign(
        unsigned_ob3() if document is None else document,
        OB3_KEY,
        verification_method=OB3_METHOD,
        **options,
    )


def verify_ob3(document: dict[str, Any], **options: Any) -> data_integrity.VerifiedProof:
    options.setdefault("now", NOW)
    return data_integrity.verify(document, ob3_resolver, **options)


# --- vectors: every intermediate value -------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "suffix", "extra_context"),
    [
        ("eddsa-rdfc-2022", "DataInt", None),
        ("Ed25519Signature2020", "EdSig", SUITE_2020_CONTEXT),
    ],
    ids=["eddsa-rdfc-2022", "Ed25519Signature2020"],
)
def test_w3c_vector_intermediate_values(
    folder: str, suffix: str, extra_context: str | None
) -> None:
    base = W3C / folder
    document = read_json(W3C / "unsigned.json")
    if extra_context:
        document["@context"].append(extra_context)
    config = read_json(base / f"proofConfig{suffix}.json")

    canonical_document = linked_data.canonical_nquads(document, WITH_EXAMPLES)
    canonical_config = linked_data.canonical_nquads(config, WITH_EXAMPLES)
    assert canonical_document.strip() == read_text(base / f"canonDoc{suffix}.txt")
    assert canonical_config.strip() == read_text(base / f"proofCanon{suffix}.txt")
    document_hash = hashlib.sha256(canonical_document.encode()).digest()
    config_hash = hashlib.sha256(canonical_config.encode()).digest()
    assert document_hash.hex() == read_text(base / f"docHash{suffix}.txt")
    assert config_hash.hex() == read_text(base / f"proofHash{suffix}.txt")
    combined = config_hash + document_hash
    assert combined.hex() == read_text(base / f"combinedHash{suffix}.txt")
    signature = W3C_KEY.sign(combined)
    assert signature.hex() == read_text(base / f"sigHex{suffix}.txt")
    assert "z" + multibase.base58btc_encode(signature) == read_text(base / f"sigBTC58{suffix}.txt")


@pytest.mark.parametrize(
    ("cryptosuite", "signed_file", "extra_context"),
    [
        ("eddsa-rdfc-2022", "eddsa-rdfc-2022/signedDataInt.json", None),
        ("Ed25519Signature2020", "Ed25519Signature2020/signedEdSig.json", SUITE_2020_CONTEXT),
    ],
    ids=["eddsa-rdfc-2022", "Ed25519Signature2020"],
)
def test_sign_reproduces_w3c_signed_document(
    cryptosuite: str, signed_file: str, extra_context: str | None
) -> None:
    document = read_json(W3C / "unsigned.json")
    if extra_context:
        document["@context"].append(extra_context)
    signed = data_integrity.sign(
        document,
        W3C_KEY,
        verification_method=W3C_METHOD,
        created=CREATED,
        cryptosuite=cryptosuite,
        allowed_contexts=WITH_EXAMPLES,
    )
    assert signed == read_json(W3C / signed_file)
    assert "proof" not in document  # a new document, the input is untouched


@pytest.mark.parametrize(
    "signed_file",
    [
        "eddsa-rdfc-2022/signedDataInt.json",
        "Ed25519Signature2020/signedEdSig.json",
        "proof-set-chain/signedProofSet1.json",
        "proof-set-chain/signedProofSet2.json",
        "proof-set-chain/signedProofChain1.json",
        "proof-set-chain/signedProofChain2.json",
    ],
)
def test_w3c_signed_documents_verify(signed_file: str) -> None:
    document = read_json(W3C / signed_file)
    proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    results = data_integrity.verify_proofs(
        document, did_key_resolver, now=NOW, allowed_contexts=WITH_EXAMPLES
    )
    assert [r.verification_method for r in results] == [p["verificationMethod"] for p in proofs]


def test_open_badges_vector_intermediate_values() -> None:
    document = unsigned_ob3()
    config = {k: v for k, v in OB3_VECTOR["signedCredential"]["proof"].items() if k != "proofValue"}
    config["@context"] = document["@context"]
    canonical_document = linked_data.canonical_nquads(document)
    canonical_config = linked_data.canonical_nquads(config)
    assert canonical_document == (OB3 / "document-canon.txt").read_text("utf-8")
    assert canonical_config == (OB3 / "proof-canon.txt").read_text("utf-8")
    document_hash = hashlib.sha256(canonical_document.encode()).digest()
    config_hash = hashlib.sha256(canonical_config.encode()).digest()
    assert document_hash.hex() == OB3_VECTOR["documentHashHex"]
    assert config_hash.hex() == OB3_VECTOR["proofHashHex"]
    assert OB3_KEY.sign(config_hash + document_hash).hex() == OB3_VECTOR["signatureHex"]


def test_open_badges_vector_sign_and_verify() -> None:
    assert sign_ob3() == OB3_VECTOR["signedCredential"]
    result = verify_ob3(OB3_VECTOR["signedCredential"])
    assert result == data_integrity.VerifiedProof(
        verification_method=OB3_METHOD,
        proof_type="DataIntegrityProof",
        cryptosuite="eddsa-rdfc-2022",
        purpose="assertionMethod",
        created="2010-01-01T19:23:24Z",
    )


@pytest.mark.parametrize(
    "name",
    [
        "basicOpenBadgeCredential__0__Sample_OpenBadgeCredential.json",
        "achievementAlignmentCase__0__Achievement_alignment_CASE_.json",
        "achievementAlignmentCe__0__Achievement_alignment_Credential_Engine_.json",
    ],
)
def test_open_badges_spec_examples_round_trip(name: str) -> None:
    example = read_json(VECTORS / "openbadges-3.0" / "spec-examples" / name)
    example.pop("proof", None)
    signed = sign_ob3(example)
    assert verify_ob3(signed).cryptosuite == "eddsa-rdfc-2022"


@pytest.mark.parametrize(
    "name",
    [
        "fullOpenBadge__0__Complete_OpenBadgeCredential.json",
        "skillAssertionCase__0__Skill_Assertion_CASE_.json",
        "skillAssertionCtdl__0__Skill_Assertion_Credential_Registry_.json",
    ],
)
def test_open_badges_spec_examples_with_the_extensions_context_are_refused(name: str) -> None:
    # C01: they add the 1EdTech `extensions.json` context, which microcred does not ship.
    example = read_json(VECTORS / "openbadges-3.0" / "spec-examples" / name)
    assert "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json" in example["@context"]
    with pytest.raises(UnknownContext):
        sign_ob3(example)
    example["proof"] = sign_ob3(unsigned_ob3())["proof"]
    with pytest.raises(UnknownContext):
        verify_ob3(example)


def test_tampered_document_fails() -> None:
    signed = sign_ob3()
    signed["name"] = "Leadership Badge"
    with pytest.raises(InvalidSignature):
        verify_ob3(signed)


# --- refusals ---------------------------------------------------------------------------------

OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC2 = "https://www.w3.org/ns/credentials/v2"


def _with_contexts(contexts: list[Any]) -> Any:
    def change(document: dict[str, Any]) -> None:
        document["@context"] = contexts

    return change


def _set(path: tuple[str, ...], value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _proof_value(value: str) -> Any:
    return _set(("proof", "proofValue"), value)


VALID_VALUE = OB3_VECTOR["signedCredential"]["proof"]["proofValue"]

REFUSALS = [
    # C01, C08, C09: only shipped contexts, never fetched.
    (
        "C01-unknown-context",
        _with_contexts([VC2, "https://evil.example/ctx.json"]),
        UnknownContext,
        "unknown_context",
    ),
    (
        "C08-metadata-ip",
        _with_contexts([VC2, "http://169.254.169.254/latest/meta-data/"]),
        UnknownContext,
        "unknown_context",
    ),
    (
        "C08-file-url",
        _with_contexts([VC2, "file:///etc/passwd"]),
        UnknownContext,
        "unknown_context",
    ),
    (
        "C09-http-context",
        _with_contexts(["http://www.w3.org/ns/credentials/v2", OB3_CONTEXT]),
        UnknownContext,
        "unknown_context",
    ),
    # C02: a known list: VC base first and once, no repeats, nothing outside the allow-list.
    (
        "C02-base-not-first",
        _with_contexts([OB3_CONTEXT, VC2]),
        DataIntegrityError,
        "invalid_context_list",
    ),
    (
        "C02-repeated",
        _with_contexts([VC2, OB3_CONTEXT, OB3_CONTEXT]),
        DataIntegrityError,
        "invalid_context_list",
    ),
    (
        "C02-two-bases",
        _with_contexts([VC2, "https://www.w3.org/2018/credentials/v1", OB3_CONTEXT]),
        DataIntegrityError,
        "invalid_context_list",
    ),
    (
        "C02-inserted-vocab",
        _with_contexts([VC2, linked_data.EXAMPLES_V2, OB3_CONTEXT]),
        DataIntegrityError,
        "context_not_allowed",
    ),
    ("C02-not-a-list", _with_contexts(VC2), DataIntegrityError, "invalid_context_list"),
    # C03: inline context objects.
    (
        "C03-inline-vocab",
        _with_contexts([VC2, OB3_CONTEXT, {"@vocab": "https://evil.example/#"}]),
        DataIntegrityError,
        "inline_context",
    ),
    # C06: @context anywhere below the top.
    (
        "C06-nested-context",
        _set(("credentialSubject", "@context"), [VC2]),
        DataIntegrityError,
        "nested_context",
    ),
    # C04: a term no context defines, added after signing, would be dropped and unsigned.
    (
        "C04-undefined-term",
        _set(("credentialSubject", "honors"), "summa cum laude"),
        DataLoss,
        "data_loss",
    ),
    ("C04-undefined-top-level", _set(("degree",), "PhD"), DataLoss, "data_loss"),
    # C10: suite, type and proofValue shape. A suite not implemented here is UnsupportedProof
    # (unchecked); a suite we implement with parameters it does not define is malformed.
    (
        "C10-jcs-suite",
        _set(("proof", "cryptosuite"), "eddsa-jcs-2022"),
        UnsupportedProof,
        "unsupported_cryptosuite",
    ),
    (
        "C10-ecdsa-suite",
        _set(("proof", "cryptosuite"), "ecdsa-rdfc-2019"),
        UnsupportedProof,
        "unsupported_cryptosuite",
    ),
    (
        "C10-unknown-proof-type",
        _set(("proof", "type"), "RsaSignature2018"),
        UnsupportedProof,
        "unsupported_cryptosuite",
    ),
    (
        "C10-2020-with-suite",
        _set(("proof", "type"), "Ed25519Signature2020"),
        DataIntegrityError,
        "malformed_proof",
    ),
    (
        "C10-2018-with-suite",
        _set(("proof", "type"), "Ed25519Signature2018"),
        DataIntegrityError,
        "malformed_proof",
    ),
    (
        "C10-no-suite",
        lambda document: document["proof"].pop("cryptosuite"),
        DataIntegrityError,
        "malformed_proof",
    ),
    (
        "C10-short-value",
        _proof_value(VALID_VALUE[:-4]),
        DataIntegrityError,
        "malformed_proof_value",
    ),
    (
        "C10-long-value",
        _proof_value(VALID_VALUE + "2"),
        DataIntegrityError,
        "malformed_proof_value",
    ),
    (
        "C10-base64url-value",
        _proof_value("u" + "A" * 86),
        DataIntegrityError,
        "malformed_proof_value",
    ),
    (
        "C10-not-base58",
        _proof_value("z" + "0OIl" * 22),
        DataIntegrityError,
        "malformed_proof_value",
    ),
    ("C10-value-not-string", _proof_value(123), DataIntegrityError, "malformed_proof_value"),
    # C12: a proof made for another purpose.
    (
        "C12-authentication-proof",
        _set(("proof", "proofPurpose"), "authentication"),
        DataIntegrityError,
        "proof_purpose_mismatch",
    ),
    # Times of the proof itself.
    (
        "created-in-future",
        _set(("proof", "created"), "2099-01-01T00:00:00Z"),
        DataIntegrityError,
        "proof_not_yet_valid",
    ),
    (
        "created-no-zone",
        _set(("proof", "created"), "2010-01-01T19:23:24"),
        DataIntegrityError,
        "malformed_proof",
    ),
    ("no-proof", _set(("proof",), None), DataIntegrityError, "proof_missing"),
    ("empty-proof-set", _set(("proof",), []), DataIntegrityError, "proof_missing"),
    ("no-method", _set(("proof", "verificationMethod"), ""), DataIntegrityError, "malformed_proof"),
]


@pytest.mark.parametrize(
    ("change", "error", "code"),
    [pytest.param(change, error, code, id=case) for case, change, error, code in REFUSALS],
)
def test_refusals(change: Any, error: type[Exception], code: str) -> None:
    signed = sign_ob3()
    change(signed)
    with pytest.raises(error) as raised:
        verify_ob3(signed)
    assert raised.value.code == code  # type: ignore[attr-defined]


def test_c04_term_dropped_at_signing_is_refused_too() -> None:
    document = unsigned_ob3()
    document["credentialSubject"]["honors"] = "summa cum laude"
    with pytest.raises(DataLoss):
        sign_ob3(document)


def test_c05_vocab_context_only_when_allowed() -> None:
    document = unsigned_ob3()
    document["@context"] = [VC2, linked_data.EXAMPLES_V2, OB3_CONTEXT]
    with pytest.raises(DataIntegrityError, match="not allowed"):
        sign_ob3(document)
    signed = sign_ob3(document, allowed_contexts=WITH_EXAMPLES)
    assert verify_ob3(signed, allowed_contexts=WITH_EXAMPLES).purpose == "assertionMethod"


def test_c07_relative_iri_is_refused() -> None:
    document = unsigned_ob3()
    document["credentialSubject"]["id"] = "learners/42"  # resolved against no base: dropped
    with pytest.raises(DataLoss) as raised:
        sign_ob3(document)
    assert raised.value.code == "relative_iri"


def test_c07_undefined_type_is_a_relative_iri() -> None:
    signed = sign_ob3()
    signed["type"].append("ExcellenceCredential")
    with pytest.raises(DataLoss) as raised:
        verify_ob3(signed)
    assert raised.value.code == "relative_iri"


def _presentation(**proof_options: Any) -> dict[str, Any]:
    presentation = {
        "@context": [VC2],
        "type": ["VerifiablePresentation"],
        "holder": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "verifiableCredential": [copy.deepcopy(OB3_VECTOR["signedCredential"])],
    }
    return sign_ob3(presentation, proof_purpose="authentication", **proof_options)


def verify_presentation(document: dict[str, Any], **options: Any) -> data_integrity.VerifiedProof:
    return data_integrity.verify(
        document,
        lambda method, purpose: OB3_KEY.public_key,
        expected_purpose="authentication",
        now=NOW,
        **options,
    )


def test_presentation_with_challenge_and_domain_verifies() -> None:
    signed = _presentation(challenge="n-0S6_WzA2Mj", domain="https://verifier.example")
    result = verify_presentation(
        signed, challenge="n-0S6_WzA2Mj", domain="https://verifier.example"
    )
    assert result.purpose == "authentication"


@pytest.mark.parametrize(
    ("expected", "code"),
    [
        ({"challenge": "another-nonce", "domain": "https://verifier.example"}, "invalid_challenge"),
        ({"challenge": "n-0S6_WzA2Mj", "domain": "https://evil.example"}, "invalid_domain"),
    ],
    ids=["C11-challenge", "C11-domain"],
)
def test_c11_replayed_presentation_is_refused(expected: dict[str, str], code: str) -> None:
    signed = _presentation(challenge="n-0S6_WzA2Mj", domain="https://verifier.example")
    with pytest.raises(DataIntegrityError) as raised:
        verify_presentation(signed, **expected)
    assert raised.value.code == code


def test_c11_missing_challenge_is_refused() -> None:
    signed = _presentation()
    with pytest.raises(DataIntegrityError) as raised:
        verify_presentation(signed, challenge="n-0S6_WzA2Mj")
    assert raised.value.code == "invalid_challenge"


def test_c12_credential_proof_cannot_authenticate() -> None:
    with pytest.raises(DataIntegrityError) as raised:
        verify_ob3(OB3_VECTOR["signedCredential"], expected_purpose="authentication")
    assert raised.value.code == "proof_purpose_mismatch"


def test_c13_one_bad_proof_fails_the_set() -> None:
    document = read_json(W3C / "proof-set-chain" / "signedProofSet2.json")
    first = document["proof"][0]["proofValue"]
    document["proof"][1]["proofValue"] = first  # well-formed, but another key's signature
    with pytest.raises(InvalidSignature):
        data_integrity.verify(document, did_key_resolver, now=NOW, allowed_contexts=WITH_EXAMPLES)


@pytest.mark.parametrize(
    "previous",
    [
        "urn:uuid:00000000-0000-0000-0000-000000000000",
        ["urn:uuid:d94f792a-c546-4d06-b38a-da070ab56c23", "urn:uuid:gone"],
    ],
    ids=["single", "one-of-two"],
)
def test_c13_dangling_previous_proof_is_refused(previous: Any) -> None:
    document = read_json(W3C / "proof-set-chain" / "signedProofChain2.json")
    document["proof"][3]["previousProof"] = previous
    with pytest.raises(DataIntegrityError) as raised:
        data_integrity.verify(document, did_key_resolver, now=NOW, allowed_contexts=WITH_EXAMPLES)
    assert raised.value.code == "previous_proof_missing"


def test_c13_chain_link_removed_is_refused() -> None:
    document = read_json(W3C / "proof-set-chain" / "signedProofChain2.json")
    del document["proof"][2]  # the proof the last one chains to
    with pytest.raises(DataIntegrityError) as raised:
        data_integrity.verify(document, did_key_resolver, now=NOW, allowed_contexts=WITH_EXAMPLES)
    assert raised.value.code == "previous_proof_missing"


def _poison_subject(count: int) -> dict[str, Any]:
    # Blank nodes that all point at each other: identical at every degree (RDFC-1.0 poison).
    ids = [f"_:n{i}" for i in range(count)]
    return {
        "id": "did:example:learner",
        "knows": [{"id": i, "knows": [{"id": j} for j in ids if j != i]} for i in ids],
    }


def test_c14_poison_graph_is_refused() -> None:
    document = read_json(W3C / "unsigned.json")
    document["credentialSubject"] = _poison_subject(8)
    with pytest.raises(PayloadTooLarge) as raised:
        data_integrity.sign(
            document,
            W3C_KEY,
            verification_method=W3C_METHOD,
            created=CREATED,
            allowed_contexts=WITH_EXAMPLES,
        )
    assert raised.value.code == "canonicalization_work"


def test_c14_deep_document_is_refused_before_processing() -> None:
    signed = sign_ob3()
    nested: dict[str, Any] = {}
    signed["credentialSubject"]["achievement"]["criteria"]["narrative"] = nested
    for _ in range(100):
        nested["narrative"] = {}
        nested = nested["narrative"]
    with pytest.raises(PayloadTooLarge) as raised:
        verify_ob3(signed)
    assert raised.value.code == "too_deep"


def test_expired_proof_is_refused() -> None:
    signed = sign_ob3(expires="2011-01-01T00:00:00Z")
    assert verify_ob3(signed, now=1_262_400_000.0).created  # 2010-01-02: still valid
    with pytest.raises(DataIntegrityError) as raised:
        verify_ob3(signed)
    assert raised.value.code == "proof_expired"


def test_created_in_future_is_refused_by_the_clock() -> None:
    signed = sign_ob3(created="2030-01-01T00:00:00Z")
    with pytest.raises(DataIntegrityError) as raised:
        verify_ob3(signed)
    assert raised.value.code == "proof_not_yet_valid"
    assert verify_ob3(signed, now=1_900_000_000.0).created == "2030-01-01T00:00:00Z"


def test_p256_key_is_refused() -> None:
    signed = sign_ob3()
    p256 = PrivateKey.generate("P-256").public_key
    with pytest.raises(AlgorithmNotAllowed):
        data_integrity.verify(signed, lambda method, purpose: p256, now=NOW)
    with pytest.raises(AlgorithmNotAllowed):
        data_integrity.sign(
            unsigned_ob3(), PrivateKey.generate("P-256"), verification_method="x", created=CREATED
        )


def test_jcs_vector_is_refused() -> None:
    document = read_json(W3C / "eddsa-jcs-2022" / "signedJCS.json")
    with pytest.raises(DataIntegrityError):
        data_integrity.verify(document, did_key_resolver, now=NOW, allowed_contexts=WITH_EXAMPLES)


def test_resolver_gets_method_and_purpose() -> None:
    seen: list[tuple[str, str]] = []

    def resolver(method: str, purpose: str) -> PublicKey:
        seen.append((method, purpose))
        return OB3_KEY.public_key

    data_integrity.verify(OB3_VECTOR["signedCredential"], resolver, now=NOW)
    assert seen == [(OB3_METHOD, "assertionMethod")]


def test_sign_refuses_signed_document_and_unknown_suite() -> None:
    with pytest.raises(DataIntegrityError, match="already"):
        sign_ob3(copy.deepcopy(OB3_VECTOR["signedCredential"]))
    with pytest.raises(DataIntegrityError) as raised:
        sign_ob3(cryptosuite="eddsa-jcs-2022")
    assert raised.value.code == "unsupported_cryptosuite"


@pytest.mark.parametrize(
    ("suite_context", "cryptosuite"),
    [
        (SUITE_2020_CONTEXT, "Ed25519Signature2020"),
        ("https://w3id.org/security/data-integrity/v2", "eddsa-rdfc-2022"),
    ],
    ids=["Ed25519Signature2020", "eddsa-rdfc-2022"],
)
def test_vcdm_1_1_credential_round_trip(suite_context: str, cryptosuite: str) -> None:
    credential = {
        "@context": ["https://www.w3.org/2018/credentials/v1", suite_context],
        "id": "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    signed = data_integrity.sign(
        credential,
        W3C_KEY,
        verification_method=W3C_METHOD,
        created=CREATED,
        cryptosuite=cryptosuite,
    )
    result = data_integrity.verify(signed, did_key_resolver, now=NOW)
    assert (result.proof_type, result.cryptosuite) == (signed["proof"]["type"], cryptosuite)
    signed["credentialSubject"]["id"] = "did:example:someone-else"
    with pytest.raises(InvalidSignature):
        data_integrity.verify(signed, did_key_resolver, now=NOW)


def test_2020_proof_without_its_context_is_data_loss() -> None:
    # VC 2.0 and OB 3.0 do not define the Ed25519Signature2020 type: it would not be signed.
    with pytest.raises(DataLoss):
        sign_ob3(cryptosuite="Ed25519Signature2020")
