"""DID documents: strict parsing (D04, D07, D08) and key authorisation (A21, A22, A23, D10)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from microcred import multibase
from microcred.did import did_web_document, parse_document
from microcred.did_document import MAX_METHODS, DIDDocument, VerificationMethod
from microcred.errors import InvalidDIDDocument, VerificationMethodError
from microcred.keys import PrivateKey, PublicKey

VECTORS = Path(__file__).parent.parent / "vectors"
DID = "did:web:uni.example"
ATTACKER = "did:web:attacker.example"
ED_SEED = bytes(range(32))
OTHER_SEED = bytes(range(1, 33))

Mutation = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def ed25519() -> PublicKey:
    return PrivateKey.from_ed25519_seed(ED_SEED).public_key


@pytest.fixture(scope="module")
def other() -> PublicKey:
    return PrivateKey.from_ed25519_seed(OTHER_SEED).public_key


@pytest.fixture(scope="module")
def p256() -> PublicKey:
    return PrivateKey.generate("P-256").public_key


@pytest.fixture
def document(ed25519: PublicKey, other: PublicKey) -> dict[str, Any]:
    """A did.json with an assertion key, an authentication-only key and a key-agreement key."""
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID,
        "verificationMethod": [
            {
                "id": "#key-1",
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": multibase.encode_multikey(ed25519),
            },
            {
                "id": f"{DID}#auth",
                "type": "JsonWebKey2020",
                "controller": DID,
                "publicKeyJwk": dict(other.jwk),
            },
        ],
        "assertionMethod": ["#key-1"],
        "authentication": [f"{DID}#auth"],
    }


def test_did_web_document_is_published_as_multikey(ed25519: PublicKey, p256: PublicKey) -> None:
    raw = did_web_document(DID, [("key-1", ed25519), ("#key-2", p256)])
    assert raw["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    ids = [f"{DID}#key-1", f"{DID}#key-2"]
    assert [vm["id"] for vm in raw["verificationMethod"]] == ids
    assert {vm["type"] for vm in raw["verificationMethod"]} == {"Multikey"}
    assert raw["verificationMethod"][0]["publicKeyMultibase"].startswith("z6Mk")
    assert raw["verificationMethod"][1]["publicKeyMultibase"].startswith("zDn")
    assert raw["assertionMethod"] == ids and raw["authentication"] == ids
    document = parse_document(json.dumps(raw), DID)
    assert document.method(ids[0]).public_key == ed25519
    assert document.method(ids[1], "authentication").public_key == p256


@pytest.mark.parametrize(
    "names",
    [["key-1", "#key-1"], ["key 1"], ["key-1#x"], []],
    ids=["duplicate", "space", "second-hash", "no-keys"],
)
def test_did_web_document_refuses_bad_key_ids(ed25519: PublicKey, names: list[str]) -> None:
    with pytest.raises(InvalidDIDDocument):
        did_web_document(DID, [(name, ed25519) for name in names])


def test_parse_resolves_relative_ids_and_relationships(
    document: dict[str, Any], ed25519: PublicKey, other: PublicKey
) -> None:
    parsed = parse_document(document, DID)
    assert set(parsed.methods) == {f"{DID}#key-1", f"{DID}#auth"}
    assert parsed.relationships == {
        "assertionMethod": frozenset({f"{DID}#key-1"}),
        "authentication": frozenset({f"{DID}#auth"}),
    }
    assert parsed.method(f"{DID}#key-1").public_key == ed25519
    assert parsed.method("#key-1").public_key == ed25519
    assert parsed.method("#auth", "authentication").public_key == other
    assert parsed.raw is document


def test_parse_accepts_embedded_methods_in_a_relationship(
    document: dict[str, Any], p256: PublicKey
) -> None:
    document["assertionMethod"].append(
        {"id": "#emb", "type": "JsonWebKey", "controller": DID, "publicKeyJwk": dict(p256.jwk)}
    )
    parsed = parse_document(document, DID)
    assert parsed.method(f"{DID}#emb").public_key == p256
    with pytest.raises(VerificationMethodError) as excinfo:
        parsed.method(f"{DID}#emb", "authentication")
    assert excinfo.value.code == "invalid_relationship"


def test_parse_reads_the_older_ed25519_key_types() -> None:
    vector = json.loads((VECTORS / "did-key" / "ed25519-x25519.json").read_text())
    did, entry = next(iter(vector.items()))
    published = entry["verificationKeyPair"]["publicKeyBase58"]
    key = PublicKey.from_ed25519_bytes(multibase.base58btc_decode(published))
    raw = {
        "id": DID,
        "verificationMethod": [
            {"id": "#a", "type": "Ed25519VerificationKey2018", "controller": DID,
             "publicKeyBase58": published},
            {"id": "#b", "type": "Ed25519VerificationKey2020", "controller": DID,
             "publicKeyMultibase": did.removeprefix("did:key:")},
        ],
        "assertionMethod": ["#a", "#b"],
    }  # fmt: skip
    parsed = parse_document(raw, DID)
    assert parsed.method("#a").public_key == key == parsed.method("#b").public_key


def test_parse_skips_well_formed_keys_it_cannot_verify_with() -> None:
    # did:web spec, first example (its trailing comma removed): an X25519 key-agreement key sits
    # between two signing keys; it is skipped, never used, and does not spoil the document.
    raw = {
        "id": "did:web:example.com",
        "verificationMethod": [
            {"id": "did:web:example.com#key-0", "type": "JsonWebKey2020",
             "controller": "did:web:example.com",
             "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519",
                              "x": "0-e2i2_Ua1S5HbTYnVB0lj2Z2ytXu2-tYmDFf8f5NjU"}},
            {"id": "did:web:example.com#key-1", "type": "JsonWebKey2020",
             "controller": "did:web:example.com",
             "publicKeyJwk": {"kty": "OKP", "crv": "X25519",
                              "x": "9GXjPGGvmRq9F6Ng5dQQ_s31mfhxrcNZxRGONrmH30k"}},
            {"id": "did:web:example.com#key-2", "type": "JsonWebKey2020",
             "controller": "did:web:example.com",
             "publicKeyJwk": {"kty": "EC", "crv": "P-256",
                              "x": "38M1FDts7Oea7urmseiugGW7tWc3mLpJh6rKe7xINZ8",
                              "y": "nDQW6XZ7b_u2Sy9slofYLlG03sOEoug3I0aAPQ0exs4"}},
        ],
        "authentication": ["did:web:example.com#key-0", "did:web:example.com#key-2"],
        "assertionMethod": ["did:web:example.com#key-0", "did:web:example.com#key-2"],
        "keyAgreement": ["did:web:example.com#key-1", "did:web:example.com#key-2"],
    }  # fmt: skip
    parsed = parse_document(raw, "did:web:example.com")
    assert set(parsed.methods) == {"did:web:example.com#key-0", "did:web:example.com#key-2"}
    assert not parsed.method("did:web:example.com#key-2").public_key.is_ed25519
    with pytest.raises(VerificationMethodError) as excinfo:
        parsed.method("did:web:example.com#key-1", "keyAgreement")
    assert excinfo.value.code == "key_not_published"


def _set(path: tuple[Any, ...], value: Any) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return mutate


def _delete(path: tuple[Any, ...]) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return mutate


def _append_copy(index: int, **changes: Any) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        entry = copy.deepcopy(doc["verificationMethod"][index])
        entry.update(changes)
        doc["verificationMethod"].append(entry)

    return mutate


def _many_methods(doc: dict[str, Any]) -> None:
    template = doc["verificationMethod"][0]
    doc["verificationMethod"] = [dict(template, id=f"#k{i}") for i in range(MAX_METHODS + 1)]


def _many_with_embedded(doc: dict[str, Any]) -> None:
    template = doc["verificationMethod"][0]
    doc["verificationMethod"] = [dict(template, id=f"#k{i}") for i in range(MAX_METHODS)]
    doc["assertionMethod"] = [dict(template, id="#one-more")]


def _private_jwk(doc: dict[str, Any]) -> None:
    private = PrivateKey.from_ed25519_seed(OTHER_SEED).to_jwk()
    doc["verificationMethod"][1]["publicKeyJwk"] = private


def _ed25519_type_with_p256_key(doc: dict[str, Any]) -> None:
    p256 = PrivateKey.generate("P-256").public_key
    doc["verificationMethod"][0]["type"] = "Ed25519VerificationKey2020"
    doc["verificationMethod"][0]["publicKeyMultibase"] = multibase.encode_multikey(p256)


# D04 and D07: a document that is not exactly about this DID, or not well-formed, is refused.
@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (_set(("id",), ATTACKER), "document_id_mismatch"),
        (_set(("id",), DID + ":"), "document_id_mismatch"),
        (_delete(("id",)), "document_id_mismatch"),
        (_delete(("verificationMethod",)), "invalid_did_document"),
        (_set(("verificationMethod",), []), "invalid_did_document"),
        (_set(("verificationMethod",), {"id": "#key-1"}), "invalid_did_document"),
        (_append_copy(0), "duplicate_method_id"),
        (_append_copy(0, id=f"{DID}#key-1"), "duplicate_method_id"),
        (
            _set(
                ("assertionMethod",),
                [
                    {
                        "id": "#auth",
                        "type": "Multikey",
                        "controller": DID,
                        "publicKeyMultibase": "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
                    }
                ],
            ),
            "duplicate_method_id",
        ),
        (_private_jwk, "private_key_material"),
        (
            _set(("verificationMethod", 0, "type"), "EcdsaSecp256k1RecoveryMethod2020"),
            "unsupported_verification_method",
        ),
        (_set(("verificationMethod", 0, "type"), "multikey"), "unsupported_verification_method"),
        (_delete(("verificationMethod", 0, "type")), "unsupported_verification_method"),
        (_set(("verificationMethod", 0, "publicKeyJwk"), {"kty": "OKP"}), "invalid_did_document"),
        (_delete(("verificationMethod", 0, "publicKeyMultibase")), "invalid_did_document"),
        (
            _set(("verificationMethod", 0, "type"), "Ed25519VerificationKey2018"),
            "invalid_did_document",
        ),
        (
            _set(
                ("verificationMethod", 0, "publicKeyMultibase"),
                multibase.encode_base58btc(b"\xed\x01" + bytes(31)),
            ),
            "invalidPublicKeyLength",
        ),
        (
            _set(
                ("verificationMethod", 0, "publicKeyMultibase"),
                multibase.encode_base58btc(b"\xed\x01" + b"\x01" + bytes(31)),
            ),
            "invalidPublicKey",
        ),
        (_set(("verificationMethod", 0, "publicKeyMultibase"), "u7QE"), "malformed_encoding"),
        (_ed25519_type_with_p256_key, "invalid_did_document"),
        (_set(("verificationMethod", 1, "publicKeyJwk"), "not-a-jwk"), "invalid_key"),
        (_set(("verificationMethod", 0, "controller"), 42), "invalid_did_document"),
        (
            _set(("verificationMethod", 0, "controller"), "https://uni.example"),
            "invalid_did_document",
        ),
        (_set(("verificationMethod", 0, "id"), "key-1"), "invalid_did_document"),
        (_set(("verificationMethod", 0, "id"), f"{DID}"), "invalid_did_document"),
        (_set(("verificationMethod", 0), "#key-1"), "invalid_did_document"),
        (_many_methods, "invalid_did_document"),
        (_many_with_embedded, "invalid_did_document"),
        (_set(("assertionMethod",), "#key-1"), "invalid_did_document"),
        (_set(("assertionMethod",), ["key-1"]), "invalid_did_document"),
        (_set(("assertionMethod",), [7]), "invalid_did_document"),
        (_set(("assertionMethod",), ["#x"] * 257), "invalid_did_document"),
    ],
    ids=[
        "D04-other-did",
        "D04-near-miss",
        "D04-no-id",
        "D07-no-verification-method",
        "D07-empty-verification-method",
        "D07-verification-method-not-list",
        "D07-duplicate-id",
        "D07-duplicate-relative-and-absolute",
        "D07-duplicate-embedded",
        "D07-private-jwk",
        "D07-unknown-type",
        "D07-type-wrong-case",
        "D07-no-type",
        "D07-two-key-properties",
        "D07-no-key-property",
        "D07-wrong-key-property-for-type",
        "D08-short-key",
        "D08-bad-point",
        "D07-multikey-not-base58",
        "D07-ed25519-type-with-p256-key",
        "D07-jwk-not-object",
        "D07-controller-not-string",
        "D07-controller-not-did",
        "D07-id-not-url",
        "D07-id-without-fragment",
        "D07-method-not-object",
        "G2-too-many-methods",
        "G2-too-many-with-embedded",
        "D07-relationship-not-list",
        "D07-relationship-bad-reference",
        "D07-relationship-number",
        "G2-relationship-too-long",
    ],
)
def test_parse_refuses_bad_documents(document: dict[str, Any], mutate: Mutation, code: str) -> None:
    parse_document(copy.deepcopy(document), DID)  # the unmutated document is fine
    mutate(document)
    with pytest.raises(InvalidDIDDocument) as excinfo:
        parse_document(document, DID)
    assert excinfo.value.code == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"id": "did:web:uni.example", "id": "did:web:attacker.example"}', "malformed_json"),
        ("<html>not json</html>", "malformed_json"),
        (b'{"id": NaN}', "malformed_json"),
        ("[]", "malformed_json"),
        (b" " * 300_000, "too_large"),
    ],
    ids=["A09-duplicate-id-member", "D07-html", "A10-nan", "D07-array", "D05-oversized"],
)
def test_parse_refuses_bad_json_text(text: str | bytes, code: str) -> None:
    with pytest.raises(InvalidDIDDocument) as excinfo:
        parse_document(text, DID)
    assert excinfo.value.code == code


def _with_foreign_method(doc: dict[str, Any]) -> None:
    # A method published in the issuer's document but named under the attacker's DID.
    entry = dict(doc["verificationMethod"][0], id=f"{ATTACKER}#key-1")
    doc["verificationMethod"].append(entry)
    doc["assertionMethod"].append(f"{ATTACKER}#key-1")


def _foreign_controller(doc: dict[str, Any]) -> None:
    doc["verificationMethod"][0]["controller"] = ATTACKER


def _nothing(doc: dict[str, Any]) -> None:
    pass


# A21 / A22 / A23 / D10: the key behind a kid must be this DID's, published, and authorised.
@pytest.mark.parametrize(
    ("mutate", "vm_url", "relationship", "code"),
    [
        (_nothing, f"{ATTACKER}#key-1", "assertionMethod", "key_not_authorized"),
        (_with_foreign_method, f"{ATTACKER}#key-1", "assertionMethod", "key_not_authorized"),
        (_nothing, f"{DID}:evil#key-1", "assertionMethod", "key_not_authorized"),
        (_nothing, f"{DID}.attacker.example#key-1", "assertionMethod", "key_not_authorized"),
        (_nothing, f"{DID}?versionId=1#key-1", "assertionMethod", "key_not_authorized"),
        (_nothing, DID, "assertionMethod", "key_not_authorized"),
        (_nothing, f"{DID}#", "assertionMethod", "key_not_authorized"),
        (_nothing, "key-1", "assertionMethod", "key_not_authorized"),
        (_nothing, f"{DID}#" + "k" * 3000, "assertionMethod", "key_not_authorized"),
        (_nothing, f"{DID}#key-0", "assertionMethod", "key_not_published"),
        (_nothing, f"{DID}#KEY-1", "assertionMethod", "key_not_published"),
        (_nothing, f"{DID}#auth", "assertionMethod", "invalid_relationship"),
        (_nothing, f"{DID}#key-1", "authentication", "invalid_relationship"),
        (_nothing, f"{DID}#key-1", "keyAgreement", "invalid_relationship"),
        (_nothing, f"{DID}#key-1", "assertion", "invalid_relationship"),
        (_foreign_controller, f"{DID}#key-1", "assertionMethod", "invalid_verification_method"),
    ],
    ids=[
        "A21-other-did",
        "A21-other-did-listed-in-document",
        "A21-path-under-did",
        "A21-look-alike-host",
        "A21-query",
        "A21-no-fragment",
        "A21-empty-fragment",
        "A21-not-a-url",
        "A05-oversized",
        "D10-retired-key",
        "D10-fragment-case",
        "A22-authentication-only-key",
        "A22-assertion-key-for-authentication",
        "A22-key-agreement",
        "A22-unknown-relationship",
        "A23-foreign-controller",
    ],
)
def test_method_refuses_unauthorised_keys(
    document: dict[str, Any], mutate: Mutation, vm_url: str, relationship: str, code: str
) -> None:
    mutate(document)
    parsed = parse_document(document, DID)
    with pytest.raises(VerificationMethodError) as excinfo:
        parsed.method(vm_url, relationship)
    assert excinfo.value.code == code


def test_method_refuses_a_method_whose_id_differs_from_the_url(ed25519: PublicKey) -> None:
    # A23: the entry found under a URL must carry that URL as its id.
    url = f"{DID}#key-1"
    vm = VerificationMethod(f"{DID}#key-2", DID, "Multikey", ed25519)
    parsed = DIDDocument(DID, {url: vm}, {"assertionMethod": frozenset({url})}, {})
    with pytest.raises(VerificationMethodError) as excinfo:
        parsed.method(url)
    assert excinfo.value.code == "invalid_verification_method"
    good = DIDDocument(DID, {url: VerificationMethod(url, DID, "Multikey", ed25519)},
                       {"assertionMethod": frozenset({url})}, {})  # fmt: skip
    assert good.method(url).public_key == ed25519
