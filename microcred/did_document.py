"""DID documents: parse one strictly and find the key a DID authorises for a purpose."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import multibase, strictjson
from .errors import (
    InputError,
    InvalidDIDDocument,
    InvalidKey,
    VerificationMethodError,
)
from .keys import PublicKey

# Verification relationships (DID Core §5.3, Controlled Identifiers §2.3).
RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "keyAgreement",
    "capabilityInvocation",
    "capabilityDelegation",
)
# An issuer publishes a handful of keys; hundreds would only cost us work (G2).
MAX_METHODS = 64
# Entries per relationship list, for the same reason.
MAX_RELATIONSHIP_ENTRIES = 256
# Largest DID document text parsed here (D05; the fetch client caps bytes on the wire too).
MAX_DOCUMENT_BYTES = 256_000
# Longest verification method URL looked up (A05: a kid is a short DID URL).
MAX_VM_URL_CHARS = 2048
# Verification method type -> the one key property that type uses.
KEY_PROPERTIES = {
    "Multikey": "publicKeyMultibase",
    "Ed25519VerificationKey2020": "publicKeyMultibase",
    "Ed25519VerificationKey2018": "publicKeyBase58",
    "JsonWebKey2020": "publicKeyJwk",
    "JsonWebKey": "publicKeyJwk",
}
_ALL_KEY_PROPERTIES = frozenset(KEY_PROPERTIES.values())
# Types whose names promise an Ed25519 key: another key type under them is a mix-up.
_ED25519_TYPES = frozenset({"Ed25519VerificationKey2020", "Ed25519VerificationKey2018"})
# JWK key types PublicKey can verify with.
_SUPPORTED_JWK = frozenset({("OKP", "Ed25519"), ("EC", "P-256")})
# Well-formed keys of algorithms we do not verify with (X25519, secp256k1, P-384, RSA ...).
_UNUSABLE_KEY_CODES = frozenset({"unsupported_codec", "unsupported_key"})


@dataclass(frozen=True)
class VerificationMethod:
    """One public key published in a DID document, with its absolute id."""

    id: str
    controller: str
    type: str
    public_key: PublicKey


@dataclass(frozen=True)
class DIDDocument:
    """A parsed DID document: keys by absolute id and the relationships that authorise them."""

    id: str
    methods: dict[str, VerificationMethod]
    relationships: dict[str, frozenset[str]]
    raw: dict[str, Any]

    def method(self, vm_url: str, relationship: str = "assertionMethod") -> VerificationMethod:
        """Return the method at `vm_url` if this DID authorises it for `relationship`."""
        if not isinstance(vm_url, str) or len(vm_url) > MAX_VM_URL_CHARS:
            raise VerificationMethodError("verification method URL is not a short string")
        url = self.id + vm_url if vm_url.startswith("#") else vm_url
        did_part, hash_sign, fragment = url.partition("#")
        # A21: a key under another DID is never this DID's key, even if the signature verifies.
        if did_part != self.id or not hash_sign or not fragment:
            raise VerificationMethodError("verification method is not a key of this DID")
        vm = self.methods.get(url)
        if vm is None:
            # D10: a retired key removed from the document gets its own reason.
            raise VerificationMethodError(
                "verification method is not published in the DID document", code="key_not_published"
            )
        # A23 (CID "Retrieve Verification Method"): the method must be exactly the one asked for.
        if vm.id != url or vm.controller != self.id:
            raise VerificationMethodError(
                "verification method id or controller does not match the DID",
                code="invalid_verification_method",
            )
        # A22: a key listed only for authentication (say) must not sign credentials.
        if url not in self.relationships.get(relationship, frozenset()):
            raise VerificationMethodError(
                f"verification method is not listed under {relationship[:40]!r}",
                code="invalid_relationship",
            )
        return vm


# Parsing state: every id seen, with None for a well-formed method whose key we cannot use.
_Found = dict[str, VerificationMethod | None]


def _absolute(ref: Any, did: str, what: str) -> str:
    """Resolve a DID URL that may be relative (`#key-1`) against the document's DID."""
    if not isinstance(ref, str) or not ref or len(ref) > MAX_VM_URL_CHARS:
        raise InvalidDIDDocument(f"{what} is not a DID URL")
    if ref.startswith("#"):
        return did + ref
    if not ref.startswith("did:") or "#" not in ref:
        raise InvalidDIDDocument(f"{what} is neither '#fragment' nor an absolute DID URL")
    return ref


def _public_key(entry: dict[str, Any], vm_type: str) -> PublicKey:
    """Load the key of one verification method from the one property its type allows."""
    prop = KEY_PROPERTIES[vm_type]
    present = _ALL_KEY_PROPERTIES.intersection(entry)
    # Two key properties in one method: which one a verifier picks would be a coin toss.
    if present != {prop}:
        raise InvalidDIDDocument(f"{vm_type} needs exactly one key property, {prop}")
    value = entry[prop]
    if prop == "publicKeyJwk":
        if isinstance(value, dict) and "d" in value:
            # D07: private material published by mistake; never use it, refuse the document.
            raise InvalidDIDDocument(
                "verification method contains a private key", code="private_key_material"
            )
        if isinstance(value, dict) and (value.get("kty"), value.get("crv")) not in _SUPPORTED_JWK:
            raise InvalidKey("unsupported JWK key type", code="unsupported_key")
        key = PublicKey.from_jwk(value)
    elif prop == "publicKeyBase58":
        key = multibase.key_from_multicodec(
            multibase.ED25519_PUB, multibase.base58btc_decode(value)
        )
    else:
        key = multibase.decode_multikey(value)
    if vm_type in _ED25519_TYPES and not key.is_ed25519:
        raise InvalidDIDDocument(f"{vm_type} holds a key that is not Ed25519")
    return key


def _verification_method(entry: Any, did: str, found: _Found) -> str:
    """Parse one verification method object into `found` and return its absolute id."""
    if not isinstance(entry, dict):
        raise InvalidDIDDocument("verification method is not an object")
    vm_id = _absolute(entry.get("id"), did, "verification method id")
    controller, vm_type = entry.get("controller"), entry.get("type")
    if not isinstance(controller, str) or not controller.startswith("did:"):
        raise InvalidDIDDocument("verification method controller is not a DID")
    if vm_type not in KEY_PROPERTIES:
        raise InvalidDIDDocument(
            "unsupported verification method type", code="unsupported_verification_method"
        )
    # D07: two methods with one id would make the key a verifier picks depend on order.
    if vm_id in found:
        raise InvalidDIDDocument("duplicate verification method id", code="duplicate_method_id")
    if len(found) >= MAX_METHODS:
        raise InvalidDIDDocument(f"more than {MAX_METHODS} verification methods")
    try:
        key = _public_key(entry, vm_type)
    except (InvalidKey, InputError) as exc:
        # An X25519 or secp256k1 key next to the signing keys is normal: skip it, never use it.
        if exc.code in _UNUSABLE_KEY_CODES and vm_type not in _ED25519_TYPES:
            found[vm_id] = None
            return vm_id
        # D07/D08: a malformed key spoils the whole document; keep the key error's reason code.
        raise InvalidDIDDocument(f"verification method key: {exc.message}", code=exc.code) from None
    found[vm_id] = VerificationMethod(vm_id, controller, vm_type, key)
    return vm_id


def _relationship(value: Any, did: str, name: str, found: _Found) -> frozenset[str]:
    """Parse one relationship list of references and embedded verification methods."""
    if not isinstance(value, list) or len(value) > MAX_RELATIONSHIP_ENTRIES:
        raise InvalidDIDDocument(f"{name} is not a list of verification methods")
    ids: set[str] = set()
    for item in value:
        if isinstance(item, dict):
            ids.add(_verification_method(item, did, found))
        else:
            ids.add(_absolute(item, did, f"{name} entry"))
    return frozenset(ids)


def parse_document(raw: Any, did: str) -> DIDDocument:
    """Parse a DID document (object or JSON text) for `did`, refusing anything doubtful."""
    if isinstance(raw, str | bytes):
        try:
            raw = strictjson.loads_object(raw, max_bytes=MAX_DOCUMENT_BYTES)
        except InputError as exc:
            raise InvalidDIDDocument(f"DID document: {exc.message}", code=exc.code) from None
    if not isinstance(raw, dict):
        raise InvalidDIDDocument("DID document is not a JSON object")
    # D04 (did:web "Read" step 7): the document must be about the DID that was resolved.
    if raw.get("id") != did:
        raise InvalidDIDDocument(
            "DID document id differs from the DID", code="document_id_mismatch"
        )
    listed = raw.get("verificationMethod")
    if not isinstance(listed, list) or not listed:
        raise InvalidDIDDocument("DID document has no verificationMethod list")
    if len(listed) > MAX_METHODS:
        raise InvalidDIDDocument(f"more than {MAX_METHODS} verification methods")
    found: _Found = {}
    for entry in listed:
        _verification_method(entry, did, found)
    relationships = {
        name: _relationship(raw[name], did, name, found) for name in RELATIONSHIPS if name in raw
    }
    methods = {vm_id: vm for vm_id, vm in found.items() if vm is not None}
    return DIDDocument(did, methods, relationships, raw)


def multikey_document(
    did: str, keys: list[tuple[str, PublicKey]], relationships: tuple[str, ...]
) -> dict[str, Any]:
    """Build a DID document with Multikey verification methods listed under `relationships`."""
    methods = [
        {
            "id": vm_id,
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": multibase.encode_multikey(key),
        }
        for vm_id, key in keys
    ]
    ids = [vm_id for vm_id, _ in keys]
    if len(set(ids)) != len(ids):
        raise InvalidDIDDocument("duplicate verification method id", code="duplicate_method_id")
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
    }
    document.update({name: list(ids) for name in relationships})
    return document
