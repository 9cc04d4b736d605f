"""did:key, did:jwk and did:web: spec vectors, strict syntax (D03, D08, D14), resolution, cache."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred import base64url, did, multibase
from microcred.did import DIDResolver, did_jwk, did_key, did_web, did_web_url, resolve
from microcred.errors import (
    BlockedURL,
    DIDResolutionError,
    FetchError,
    InvalidDID,
    InvalidDIDDocument,
    InvalidKey,
    MalformedJSON,
    ResponseTooLarge,
    UnsupportedDIDMethod,
    VerificationMethodError,
)
from microcred.keys import PrivateKey, PublicKey

VECTORS = Path(__file__).parent.parent / "vectors"
WEB_DID = "did:web:uni.example"
WEB_URL = "https://uni.example/.well-known/did.json"


def _load(*parts: str) -> Any:
    return json.loads(VECTORS.joinpath(*parts).read_text())


ED25519_VECTORS = _load("did-key", "ed25519-x25519.json")
NIST_VECTORS = _load("did-key", "nist-curves.json")
P256_DIDS = [name for name in NIST_VECTORS if name.startswith("did:key:zDn")]
UNSUPPORTED_DIDS = [
    name
    for file in ("nist-curves.json", "secp256k1.json", "bls12381.json", "rsa.json")
    for name in _load("did-key", file)
    if not name.startswith("did:key:zDn")
] + list(_load("did-key", "x25519.json")["didDocument"])
SUITE = {
    p.stem: json.loads(p.read_text())
    for p in (VECTORS / "did-key" / "did-key-test-suite").glob("*.json")
}
JWK_EXAMPLES = _load("did-jwk", "spec-examples.json")
WEB_EXAMPLES = _load("did-web", "spec-examples.json")
WEB_PAIRS = WEB_EXAMPLES["did_to_url"] + WEB_EXAMPLES["derived_not_in_spec_text"]


def _short(name: str) -> str:
    return name.removeprefix("did:key:")[:12]


# --- did:key -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ED25519_VECTORS), ids=_short)
def test_did_key_ed25519_vectors(name: str) -> None:
    entry = ED25519_VECTORS[name]
    public = PrivateKey.from_ed25519_seed(bytes.fromhex(entry["seed"])).public_key
    assert did_key(public) == name
    published = entry["verificationKeyPair"]
    if "publicKeyBase58" in published:
        assert multibase.base58btc_encode(public.raw) == published["publicKeyBase58"]
    else:
        assert PublicKey.from_jwk(published["publicKeyJwk"]) == public
    document = resolve(name)
    vm_url = entry["didDocument"]["assertionMethod"][0]
    assert document.method(vm_url).public_key == public
    # Compare keys, not whole documents: the vectors use the older key types.
    assert document.raw["verificationMethod"][0]["publicKeyMultibase"] == name[8:]


@pytest.mark.parametrize("name", P256_DIDS, ids=_short)
def test_did_key_p256_vectors(name: str) -> None:
    published = NIST_VECTORS[name]["verificationMethod"]
    if "publicKeyJwk" in published:
        expected = PublicKey.from_jwk(published["publicKeyJwk"])
    else:
        expected = PublicKey.from_p256_compressed(
            multibase.base58btc_decode(published["publicKeyBase58"])
        )
    assert did_key(expected) == name
    assert resolve(name).method(f"{name}#{name[8:]}").public_key == expected


@pytest.mark.parametrize("name", UNSUPPORTED_DIDS, ids=_short)
def test_did_key_other_curves_are_refused_as_unsupported(name: str) -> None:
    with pytest.raises(InvalidKey) as excinfo:
        resolve(name)
    assert excinfo.value.code == "unsupported_codec"


@pytest.mark.parametrize("case", sorted(SUITE), ids=str)
def test_did_key_test_suite(case: str) -> None:
    vector = SUITE[case]
    if not vector["negative"]:
        assert resolve(vector["did"]).id == vector["did"]
        return
    with pytest.raises(InvalidDID) as excinfo:
        resolve(vector["did"])
    assert excinfo.value.code == "invalid_did"


def test_did_key_document_shape() -> None:
    name = next(iter(ED25519_VECTORS))
    document = resolve(name)
    vm_id = f"{name}#{name[8:]}"
    assert document.id == name
    assert list(document.methods) == [vm_id]
    vm = document.methods[vm_id]
    assert (vm.type, vm.controller) == ("Multikey", name)
    assert set(document.relationships) == {
        "assertionMethod",
        "authentication",
        "capabilityInvocation",
        "capabilityDelegation",
    }
    assert all(ids == {vm_id} for ids in document.relationships.values())
    assert document.raw["@context"][1] == "https://w3id.org/security/multikey/v1"


def _did_key_of(codec: int, raw: bytes) -> str:
    return "did:key:" + multibase.encode_base58btc(multibase.encode_varint(codec) + raw)


# D08: did:key with a wrong codec, length or point; the spec's own error names.
@pytest.mark.parametrize(
    ("name", "code"),
    [
        (_did_key_of(0xE7, b"\x02" + bytes(range(32))), "unsupported_codec"),
        (_did_key_of(multibase.ED25519_PUB, bytes(range(31))), "invalidPublicKeyLength"),
        (_did_key_of(multibase.P256_PUB, b"\x04" + bytes(64)), "invalidPublicKeyLength"),
        (_did_key_of(multibase.ED25519_PUB, b"\x01" + bytes(31)), "invalidPublicKey"),
        (_did_key_of(multibase.P256_PUB, b"\x02" + (1).to_bytes(32, "big")), "invalidPublicKey"),
    ],
    ids=[
        "wrong-codec",
        "ed25519-short",
        "p256-uncompressed",
        "ed25519-small-order",
        "p256-off-curve",
    ],
)
def test_did_key_refuses_bad_keys(name: str, code: str) -> None:
    with pytest.raises(InvalidKey) as excinfo:
        resolve(name)
    assert excinfo.value.code == code


@pytest.mark.parametrize(
    "name",
    [
        "did:key:1:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
        "did:key:u7QHtAQ",
        "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW0",
        "did:key:z",
    ],
    ids=["version-component", "base64url-multibase", "bad-base58-char", "empty-value"],
)
def test_did_key_refuses_malformed_values(name: str) -> None:
    with pytest.raises(InvalidDID):
        resolve(name)


# --- did:jwk -------------------------------------------------------------------------------


def test_did_jwk_spec_example_p256() -> None:
    example = JWK_EXAMPLES[0]
    expected_doc = example["didDocument_as_in_spec"]
    public = PublicKey.from_jwk(example["decoded_jwk"])
    assert did_jwk(public) == example["did"]
    document = resolve(example["did"])
    assert list(document.methods) == [example["did_url"]]
    assert document.methods[example["did_url"]].public_key == public
    assert document.raw["verificationMethod"] == expected_doc["verificationMethod"]
    relationships = {"assertionMethod", "authentication", "capabilityInvocation",
                     "capabilityDelegation", "keyAgreement"}  # fmt: skip
    assert set(document.relationships) == relationships
    assert all(name in expected_doc for name in relationships)
    assert document.method(example["did_url"]).public_key == public


def test_did_jwk_spec_example_x25519_is_not_a_signing_key() -> None:
    example = JWK_EXAMPLES[1]
    assert json.loads(base64url.decode(example["did"][8:])) == example["decoded_jwk"]
    with pytest.raises(InvalidKey):
        resolve(example["did"])


def _did_jwk_of(jwk: Any) -> str:
    return "did:jwk:" + base64url.encode(json.dumps(jwk).encode())


def test_did_jwk_round_trip_and_use() -> None:
    public = PrivateKey.from_ed25519_seed(bytes(32)).public_key
    assert resolve(did_jwk(public)).method(did_jwk(public) + "#0").public_key == public
    enc = _did_jwk_of(dict(public.jwk, use="enc"))
    with pytest.raises(VerificationMethodError) as excinfo:
        resolve(enc).method(enc + "#0")
    assert excinfo.value.code == "invalid_relationship"
    sig = _did_jwk_of(dict(public.jwk, use="sig"))
    assert "keyAgreement" not in resolve(sig).relationships


@pytest.mark.parametrize(
    ("name", "code"),
    [
        (_did_jwk_of(PrivateKey.from_ed25519_seed(bytes(32)).to_jwk()), "private_key_material"),
        ("did:jwk:" + base64url.encode(b"[1,2]"), "invalid_did"),
        ("did:jwk:" + base64url.encode(b'{"kty":"OKP","kty":"EC"}'), "invalid_did"),
        ("did:jwk:eyJrdHkiOiJPS1AifQ=", "invalid_did"),
        ("did:jwk:eyJrdHkiOiJPS1AifR", "invalid_did"),
    ],
    ids=["private-key", "not-object", "duplicate-member", "padding", "non-canonical-base64url"],
)
def test_did_jwk_refuses_bad_values(name: str, code: str) -> None:
    with pytest.raises(InvalidDID) as excinfo:
        resolve(name)
    assert excinfo.value.code == code


# --- did:web -------------------------------------------------------------------------------


@pytest.mark.parametrize("pair", WEB_PAIRS, ids=lambda pair: pair["did"])
def test_did_web_spec_examples_both_ways(pair: dict[str, str]) -> None:
    assert did_web_url(pair["did"]) == pair["url"]
    base = pair["url"].removesuffix("/did.json").removesuffix("/.well-known")
    assert did_web(base) == pair["did"]


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("http://localhost:5001", "did:web:localhost%3A5001"),
        ("http://localhost:5001/", "did:web:localhost%3A5001"),
        ("https://Uni.Example/issuers/a", "did:web:uni.example:issuers:a"),
        ("https://xn--bcher-kva.example", "did:web:xn--bcher-kva.example"),
    ],
    ids=["demo-issuer", "trailing-slash", "host-case-folded", "punycode"],
)
def test_did_web_from_base_url(base: str, expected: str) -> None:
    assert did_web(base) == expected


def test_did_web_url_scheme_for_the_demo() -> None:
    assert did_web_url("did:web:localhost%3A5001", scheme="http") == (
        "http://localhost:5001/.well-known/did.json"
    )
    with pytest.raises(ValueError):
        did_web_url(WEB_DID, scheme="ftp")


# D03 (and D14): the method-specific id follows one strict grammar; anything else is invalid.
@pytest.mark.parametrize(
    "name",
    [
        "did:web:example.com:..:..:admin",
        "did:web:example.com:.:admin",
        "did:web:example.com::admin",
        "did:web:example.com:admin:",
        "did:web:example.com%2Fadmin",
        "did:web:example.com:user%2Fadmin",
        "did:web:example.com:user%20x",
        "did:web:user%40example.com",
        "did:web:user@example.com",
        "did:web:example.com/admin",
        "did:web:example.com:3000",
        "did:web:example.com%3a3000",
        "did:web:example.com%3A",
        "did:web:example.com%3A0",
        "did:web:example.com%3A03000",
        "did:web:example.com%3A65536",
        "did:web:example.com%3A80%3A81",
        "did:web:Example.com",
        "did:web:exämple.com",
        "did:web:xn--exmple-cua.com:ä",
        "did:web:127.0.0.1",
        "did:web:2130706433",
        "did:web:0x7f000001",
        "did:web:[::1]",
        "did:web:-example.com",
        "did:web:example-.com",
        "did:web:example..com",
        "did:web:example.com.",
        "did:web:" + "a" * 64 + ".com",
        "did:web:" + ".".join(["a" * 60] * 5),
        "did:web:example.com#key-1",
        "did:web:example.com?service=x",
        "did:web:",
        "did:web:" + "a" * 2100,
        "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
    ],
    ids=[
        "traversal",
        "dot-segment",
        "empty-segment",
        "trailing-colon",
        "encoded-slash-host",
        "encoded-slash-path",
        "encoded-space-path",
        "encoded-userinfo",
        "userinfo",
        "raw-slash",
        "raw-colon-port",
        "lowercase-percent",
        "empty-port",
        "port-zero",
        "port-leading-zero",
        "port-too-big",
        "two-ports",
        "uppercase-host",
        "unicode-host",
        "unicode-path",
        "ipv4",
        "ipv4-integer",
        "ipv4-hex",
        "ipv6",
        "label-leading-hyphen",
        "label-trailing-hyphen",
        "empty-label",
        "trailing-dot",
        "label-too-long",
        "host-too-long",
        "fragment",
        "query",
        "empty",
        "oversized",
        "not-did-web",
    ],
)
def test_did_web_url_refuses_bad_identifiers(name: str) -> None:
    with pytest.raises(InvalidDID):
        did_web_url(name)


@pytest.mark.parametrize(
    "base",
    [
        "ftp://example.com",
        "https://user:pw@example.com",
        "https://user@example.com",
        "https://example.com?x=1",
        "https://example.com#frag",
        "https://example.com:99999",
        "https://127.0.0.1",
        "https://[::1]:5001",
        "https://example.com/../admin",
        "https://example.com/a%2Fb",
        "https:///path",
        "example.com",
    ],
    ids=[
        "ftp",
        "userinfo-password",
        "userinfo",
        "query",
        "fragment",
        "bad-port",
        "ipv4",
        "ipv6",
        "traversal",
        "encoded-slash",
        "no-host",
        "no-scheme",
    ],
)
def test_did_web_refuses_bad_base_urls(base: str) -> None:
    with pytest.raises(InvalidDID):
        did_web(base)


# --- resolve -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["did:ethr:0xb9c5714089478a327f09197987f16f9e5d936e8a", "did:example:123", "did:peer:2.Ez6"],
    ids=["ethr", "example", "peer"],
)
def test_resolve_refuses_unsupported_methods(name: str) -> None:
    with pytest.raises(UnsupportedDIDMethod) as excinfo:
        resolve(name)
    assert excinfo.value.code == "did_method_not_supported"


# D14: malformed DIDs are invalidDid, never a crash.
@pytest.mark.parametrize(
    "name",
    [
        "",
        "did:",
        "did:key",
        "did:key:",
        "DID:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
        "did:KEY:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
        "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6Mk",
        " did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
        "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp\n",
        "urn:uuid:1234",
        "did:web:%zz",
        "did:key:z" + "2" * 3000,
        None,
        42,
    ],
    ids=[
        "empty",
        "no-method",
        "no-id",
        "empty-id",
        "uppercase-scheme",
        "uppercase-method",
        "did-url",
        "leading-space",
        "trailing-newline",
        "not-a-did",
        "bad-percent",
        "oversized",
        "none",
        "int",
    ],
)
def test_resolve_refuses_malformed_dids(name: Any) -> None:
    with pytest.raises(InvalidDID) as excinfo:
        resolve(name)
    assert excinfo.value.code == "invalid_did"


class FakeFetch:
    """A fetch_json stand-in that counts calls and answers from a script."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.urls: list[str] = []

    def __call__(self, url: str) -> Any:
        self.urls.append(url)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture(scope="module")
def issuer_key() -> PublicKey:
    return PrivateKey.from_ed25519_seed(bytes(range(32))).public_key


@pytest.fixture
def web_document(issuer_key: PublicKey) -> dict[str, Any]:
    return did.did_web_document(WEB_DID, [("key-1", issuer_key)])


def test_resolve_did_web_through_fetch_json(
    web_document: dict[str, Any], issuer_key: PublicKey
) -> None:
    fetch = FakeFetch(web_document)
    document = resolve(WEB_DID, fetch_json=fetch)
    assert fetch.urls == [WEB_URL]
    assert document.method(f"{WEB_DID}#key-1").public_key == issuer_key
    local = "did:web:localhost%3A5001"
    resolve(local, fetch_json=FakeFetch(did.did_web_document(local, [("k", issuer_key)])),
            web_scheme="http")  # fmt: skip


@pytest.mark.parametrize(
    "error",
    [
        BlockedURL("private address", code="url_blocked"),
        ResponseTooLarge("over cap"),
        FetchError("timed out", code="timeout"),
    ],
    ids=["D01-blocked", "D05-too-large", "D06-timeout"],
)
def test_resolve_did_web_fetch_failure_is_unresolvable(error: FetchError) -> None:
    with pytest.raises(DIDResolutionError) as excinfo:
        resolve(WEB_DID, fetch_json=FakeFetch(error))
    assert excinfo.value.code == "issuer_unresolvable"
    assert error.code in str(excinfo.value)


def test_resolve_did_web_refuses_bad_answers(web_document: dict[str, Any]) -> None:
    with pytest.raises(InvalidDIDDocument) as excinfo:
        resolve(WEB_DID, fetch_json=FakeFetch(MalformedJSON("duplicate member name")))
    assert excinfo.value.code == "malformed_json"
    # D04: a document served for another DID (e.g. copied from another host).
    with pytest.raises(InvalidDIDDocument) as excinfo:
        resolve("did:web:evil.example", fetch_json=FakeFetch(web_document))
    assert excinfo.value.code == "document_id_mismatch"


def test_resolve_did_web_needs_a_fetcher_and_never_fetches_bad_dids(
    web_document: dict[str, Any],
) -> None:
    with pytest.raises(DIDResolutionError):
        resolve(WEB_DID)
    fetch = FakeFetch(web_document)
    with pytest.raises(InvalidDID):
        resolve("did:web:uni.example:..:admin", fetch_json=fetch)
    assert fetch.urls == []


# --- DIDResolver ---------------------------------------------------------------------------


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_resolver_caches_did_web_for_its_ttl(web_document: dict[str, Any]) -> None:
    fetch, clock = FakeFetch(web_document), FakeClock()
    resolver = DIDResolver(fetch, ttl=60.0, clock=clock)
    first = resolver.resolve(WEB_DID)
    clock.now += 59.0
    assert resolver(WEB_DID) is first
    assert len(fetch.urls) == 1
    clock.now += 1.0
    assert resolver.resolve(WEB_DID) is not first
    assert len(fetch.urls) == 2
    resolver.forget(WEB_DID)
    resolver.resolve(WEB_DID)
    assert len(fetch.urls) == 3


def test_resolver_never_caches_failures(web_document: dict[str, Any]) -> None:
    fetch = FakeFetch(FetchError("down"), web_document)
    resolver = DIDResolver(fetch, clock=FakeClock())
    with pytest.raises(DIDResolutionError):
        resolver.resolve(WEB_DID)
    assert resolver.resolve(WEB_DID).id == WEB_DID
    assert len(fetch.urls) == 2


def test_resolver_serves_no_stale_document_after_ttl(web_document: dict[str, Any]) -> None:
    # D06/D11: once the TTL is over, a failing fetch fails; the old document is not reused.
    fetch, clock = FakeFetch(web_document, FetchError("down")), FakeClock()
    resolver = DIDResolver(fetch, ttl=10.0, clock=clock)
    resolver.resolve(WEB_DID)
    clock.now += 10.0
    for _ in range(2):
        with pytest.raises(DIDResolutionError):
            resolver.resolve(WEB_DID)
    assert len(fetch.urls) == 3


class Answer:
    """What Fetcher.get returns, as far as the resolver cares: JSON and max-age."""

    def __init__(self, document: dict[str, Any], max_age: int | None) -> None:
        self.document, self.max_age = document, max_age

    def json(self) -> Any:
        return self.document


@pytest.mark.parametrize(
    ("max_age", "kept"),
    [(120, 120.0), (0, did.MIN_TTL), (10**9, did.MAX_TTL), (None, 60.0)],
    ids=["max-age", "zero-clamped", "years-clamped", "none-default"],
)
def test_resolver_keeps_a_document_for_its_max_age(
    web_document: dict[str, Any], max_age: int | None, kept: float
) -> None:
    fetch, clock = FakeFetch(Answer(web_document, max_age)), FakeClock()
    resolver = DIDResolver(fetch_response=fetch, ttl=60.0, clock=clock)
    resolver.resolve(WEB_DID)
    assert resolver.expires(WEB_DID) == clock.now + kept
    clock.now += kept - 1
    resolver.resolve(WEB_DID)
    assert len(fetch.urls) == 1
    clock.now += 1
    resolver.resolve(WEB_DID)
    assert len(fetch.urls) == 2


def test_resolver_refresh_replaces_only_on_success(web_document: dict[str, Any]) -> None:
    fetch, clock = FakeFetch(Answer(web_document, 100), FetchError("down")), FakeClock()
    resolver = DIDResolver(fetch_response=fetch, clock=clock)
    assert resolver.expires(WEB_DID) is None
    first = resolver.resolve(WEB_DID)
    clock.now += 90
    fetch.answers = [Answer(web_document, 100), FetchError("down")]
    assert resolver.refresh(WEB_DID) == clock.now + 100
    assert resolver.resolve(WEB_DID) is not first and len(fetch.urls) == 2
    kept = resolver.resolve(WEB_DID)
    with pytest.raises(DIDResolutionError):
        resolver.refresh(WEB_DID)  # unreachable: the cached copy stays until it expires
    assert resolver.resolve(WEB_DID) is kept and resolver.expires(WEB_DID) == clock.now + 100


def test_resolver_resolves_did_key_and_did_jwk_without_fetching(issuer_key: PublicKey) -> None:
    fetch = FakeFetch(FetchError("must not be called"))
    resolver = DIDResolver(fetch)
    name = did_key(issuer_key)
    assert resolver.key(f"{name}#{name[8:]}") == issuer_key
    assert resolver.key(did_jwk(issuer_key) + "#0", "authentication") == issuer_key
    assert fetch.urls == []


def test_resolver_key_checks_the_expected_did(
    web_document: dict[str, Any], issuer_key: PublicKey
) -> None:
    resolver = DIDResolver(FakeFetch(web_document), web_scheme="https")
    assert resolver.key(f"{WEB_DID}#key-1", did=WEB_DID) == issuer_key
    # A21: kid under the attacker's DID while iss is the university.
    attacker = did_key(issuer_key)
    with pytest.raises(VerificationMethodError) as excinfo:
        resolver.key(f"{attacker}#{attacker[8:]}", did=WEB_DID)
    assert excinfo.value.code == "key_not_authorized"
    with pytest.raises(VerificationMethodError) as excinfo:
        resolver.key(f"{WEB_DID}#key-1", "keyAgreement")
    assert excinfo.value.code == "invalid_relationship"


@pytest.mark.parametrize(
    "vm_url",
    [WEB_DID, f"{WEB_DID}#", "#key-1", "did:web:uni.example:..#key-1", "x" * 3000],
    ids=["no-fragment", "empty-fragment", "relative", "bad-did", "oversized"],
)
def test_resolver_key_refuses_malformed_urls(web_document: dict[str, Any], vm_url: str) -> None:
    fetch = FakeFetch(web_document)
    with pytest.raises(InvalidDID):
        DIDResolver(fetch).key(vm_url)
    assert fetch.urls == []
