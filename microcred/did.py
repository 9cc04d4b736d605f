"""DIDs: did:key, did:jwk and did:web, made from keys and resolved to DID documents."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from . import base64url, multibase, strictjson
from .did_document import (
    DIDDocument,
    VerificationMethod,
    multikey_document,
    parse_document,
)
from .errors import (
    DIDResolutionError,
    FetchError,
    InputError,
    InvalidDID,
    InvalidDIDDocument,
    UnsupportedDIDMethod,
    VerificationMethodError,
)
from .keys import PublicKey

__all__ = [
    "DIDDocument",
    "DIDResolver",
    "VerificationMethod",
    "did_jwk",
    "did_key",
    "did_web",
    "did_web_document",
    "did_web_url",
    "parse_document",
    "resolve",
]

# Longest DID accepted at all (G2); a did:jwk with a P-256 key needs about 150 characters.
MAX_DID_CHARS = 2048
# DID Core §3.1 syntax: did:<method-name>:<method-specific-id>, idchar or %XX, no trailing ':'.
_IDCHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
_DID = re.compile(rf"did:([a-z0-9]+):((?:{_IDCHAR}*:)*{_IDCHAR}+)")
# did:web host labels (RFC 1123), lower case only so that one DID names one URL.
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_PORT = re.compile(r"[1-9][0-9]{0,4}")
_PATH_SEGMENT = re.compile(r"[A-Za-z0-9._-]+")
_FRAGMENT = re.compile(r"[A-Za-z0-9._~-]+")
# did:key document: the one key serves every purpose except key agreement (did:key §3.1.1).
KEY_RELATIONSHIPS = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
)
# What an issuer's did:web key does: sign credentials and authenticate (e.g. OpenID4VCI).
WEB_RELATIONSHIPS = ("assertionMethod", "authentication")
# Seconds a did:web document stays cached: minutes, so a removed key stops working soon (D11).
DEFAULT_TTL = 300.0
# Bounds on a document's own max-age, when the resolver is given it (D11, E11: not 0, not days).
MIN_TTL = 30.0
MAX_TTL = 3600.0
# Distinct DIDs kept in one resolver's cache.
MAX_CACHE_ENTRIES = 1024

FetchJSON = Callable[[str], Any]
# A GET returning an answer with `.json()` and `.max_age` (microcred.fetch.Fetcher.get fits).
FetchResponse = Callable[[str], Any]


def _split(did: Any) -> tuple[str, str]:
    """Check general DID syntax and return (method, method-specific id)."""
    if not isinstance(did, str) or len(did) > MAX_DID_CHARS:
        raise InvalidDID(f"a DID is a string of at most {MAX_DID_CHARS} characters")
    match = _DID.fullmatch(did)
    if match is None:
        raise InvalidDID("not a DID (did:<method>:<id>, ASCII, no fragment or query)")
    return match.group(1), match.group(2)


def did_key(public: PublicKey) -> str:
    """The did:key of a public key: `did:key:z6Mk...` (Ed25519) or `did:key:zDn...` (P-256)."""
    return "did:key:" + multibase.encode_multikey(public)


def did_jwk(public: PublicKey) -> str:
    """The did:jwk of a public key: base64url of its JWK with members in sorted order."""
    jwk = {name: public.jwk[name] for name in sorted(public.jwk)}
    return "did:jwk:" + base64url.encode(strictjson.dumps(jwk).encode("utf-8"))


def _host(host_port: str) -> str:
    """Check the did:web host (and %3A port) and return it as a URL authority."""
    # D03: the only escape allowed is the port colon, upper case; the grammars below refuse
    # any other % (%2F, %40, %3a ...), as well as userinfo and raw colons.
    host, sep, port = host_port.partition("%3A")
    if sep and (_PORT.fullmatch(port) is None or int(port) > 65535):
        raise InvalidDID("did:web port is not a number from 1 to 65535")
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise InvalidDID("did:web host is not a lower-case ASCII domain name (use punycode)")
    # did:web: "MUST NOT include IP addresses"; top-level labels never start with a digit.
    if not labels[-1][0].isalpha():
        raise InvalidDID("did:web host must be a domain name, not an IP address")
    return f"{host}:{port}" if sep else host


def did_web_url(did: str, *, scheme: str = "https") -> str:
    """The URL of a did:web DID's document (did:web spec "Read (Resolve)" steps 1-5)."""
    if scheme not in ("https", "http"):
        raise ValueError("scheme must be 'https' or 'http'")
    method, specific = _split(did)
    if method != "web":
        raise InvalidDID("not a did:web DID")
    host_port, *path = specific.split(":")
    authority = _host(host_port)
    for segment in path:
        # D03: no traversal, no empty segments, no escapes in the path.
        if _PATH_SEGMENT.fullmatch(segment) is None or segment in (".", ".."):
            raise InvalidDID("did:web path segment is not a plain name")
    # D03: `example.com:3000` is a port written without %3A, not a path named "3000".
    if path and path[0].isdigit():
        raise InvalidDID("did:web port colon must be written %3A")
    # Step 4: no path means the document lives under /.well-known.
    location = "/" + "/".join(path) if path else "/.well-known"
    return f"{scheme}://{authority}{location}/did.json"


def did_web(base_url: str) -> str:
    """The did:web DID of a site, e.g. `http://localhost:5001` -> `did:web:localhost%3A5001`."""
    try:
        parts = urlsplit(base_url)
        port = parts.port
    except (ValueError, TypeError, AttributeError):
        raise InvalidDID("not a URL") from None
    if parts.scheme not in ("https", "http") or parts.query or parts.fragment:
        raise InvalidDID("did:web needs an http(s) URL without query or fragment")
    if parts.username is not None or parts.password is not None or not parts.hostname:
        raise InvalidDID("did:web URL must have a host and no user information")
    specific = parts.hostname + (f"%3A{port}" if port is not None else "")
    segments = parts.path.rstrip("/").split("/")[1:]
    did = ":".join(["did:web", specific, *segments])
    did_web_url(did)  # the same strict grammar as resolution, so the DID can be resolved back
    return did


def did_web_document(did: str, keys: Sequence[tuple[str, PublicKey]]) -> dict[str, Any]:
    """The did.json an issuer publishes for `did`: one Multikey method per (fragment, key)."""
    did_web_url(did)
    if not keys:
        raise InvalidDIDDocument("a DID document needs at least one key")
    methods = []
    for name, key in keys:
        fragment = name[len(did) :] if name.startswith(did + "#") else name
        fragment = fragment.removeprefix("#")
        if _FRAGMENT.fullmatch(fragment) is None:
            raise InvalidDIDDocument("key id must be a plain fragment such as 'key-1'")
        methods.append((f"{did}#{fragment}", key))
    # Multikey + publicKeyMultibase, not JsonWebKey2020: eddsa-rdfc-2022 verifiers (VC DI EdDSA
    # §2.1.1) expect Multikey, and the jws-2020 suite context is deprecated. Retired keys must
    # stay listed here until the credentials they signed expire (D10).
    return multikey_document(did, methods, WEB_RELATIONSHIPS)


def _resolve_key(did: str, specific: str) -> DIDDocument:
    """did:key "Document Creation Algorithm": one Multikey method named by the DID's own value."""
    # Step 3: a single base58btc value; no version component, other bases are invalidDid.
    if ":" in specific or not specific.startswith("z"):
        raise InvalidDID("did:key value must be one base58btc multibase value")
    try:
        key = multibase.decode_multikey(specific)
    except InputError as exc:
        raise InvalidDID(f"did:key value: {exc.message}") from None
    # InvalidKey (invalidPublicKeyLength / invalidPublicKey / unsupported_codec) propagates.
    vm_id = f"{did}#{specific}"
    raw = multikey_document(did, [(vm_id, key)], KEY_RELATIONSHIPS)
    # TODO: the optional X25519 keyAgreement method derived from Ed25519 keys is not built.
    methods = {vm_id: VerificationMethod(vm_id, did, "Multikey", key)}
    return DIDDocument(did, methods, {name: frozenset({vm_id}) for name in KEY_RELATIONSHIPS}, raw)


def _resolve_jwk(did: str, specific: str) -> DIDDocument:
    """did:jwk "Read": the JWK is the DID; its one method is `#0`."""
    try:
        jwk = strictjson.loads_object(base64url.decode(specific), max_bytes=MAX_DID_CHARS)
    except InputError as exc:
        raise InvalidDID(f"did:jwk value: {exc.message}") from None
    if "d" in jwk:
        raise InvalidDID("did:jwk holds a private key", code="private_key_material")
    key = PublicKey.from_jwk(jwk)
    # did:jwk: "use":"enc" keys only agree on keys, "use":"sig" keys never do.
    use = jwk.get("use")
    if use == "enc":
        names: tuple[str, ...] = ("keyAgreement",)
    elif use == "sig":
        names = KEY_RELATIONSHIPS
    else:
        names = (*KEY_RELATIONSHIPS, "keyAgreement")
    vm_id = f"{did}#0"
    vm = {"id": vm_id, "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk}
    raw: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/suites/jws-2020/v1",
        ],
        "id": did,
        "verificationMethod": [vm],
        **{name: [vm_id] for name in names},
    }
    methods = {vm_id: VerificationMethod(vm_id, did, "JsonWebKey2020", key)}
    return DIDDocument(did, methods, {name: frozenset({vm_id}) for name in names}, raw)


def _resolve_web(did: str, fetch_json: FetchJSON | None, scheme: str) -> DIDDocument:
    """did:web "Read": fetch the document through the injected client, then check it."""
    url = did_web_url(did, scheme=scheme)
    if fetch_json is None:
        raise DIDResolutionError("no fetcher configured for did:web")
    try:
        raw = fetch_json(url)
    except FetchError as exc:
        # D05/D06: unreachable is UNVERIFIED (issuer_unresolvable), never "bad signature".
        raise DIDResolutionError(f"DID document not fetched ({exc.code}): {exc.message}") from exc
    except InputError as exc:
        raise InvalidDIDDocument(f"DID document: {exc.message}", code=exc.code) from exc
    return parse_document(raw, did)


def resolve(
    did: str, *, fetch_json: FetchJSON | None = None, web_scheme: str = "https"
) -> DIDDocument:
    """Resolve a DID to its document: did:key and did:jwk locally, did:web via `fetch_json`."""
    method, specific = _split(did)
    if method == "key":
        return _resolve_key(did, specific)
    if method == "jwk":
        return _resolve_jwk(did, specific)
    if method == "web":
        return _resolve_web(did, fetch_json, web_scheme)
    raise UnsupportedDIDMethod(f"DID method {method[:20]!r} is not supported")


class DIDResolver:
    """Resolves DIDs and keys, keeping did:web documents for a short TTL; thread-safe.

    Given `fetch_response` instead of `fetch_json`, each did:web document is kept for its own
    max-age, clamped to [MIN_TTL, MAX_TTL] (`ttl` when the answer has none).
    """

    def __init__(
        self,
        fetch_json: FetchJSON | None = None,
        *,
        web_scheme: str = "https",
        ttl: float = DEFAULT_TTL,
        clock: Callable[[], float] = time.monotonic,
        fetch_response: FetchResponse | None = None,
    ) -> None:
        self._fetch_json = fetch_json
        self._fetch_response = fetch_response
        self._web_scheme = web_scheme
        self._ttl = ttl
        self._clock = clock
        self._cache: dict[str, tuple[float, DIDDocument]] = {}
        self._static: dict[str, DIDDocument] = {}
        self._lock = threading.Lock()

    def resolve(self, did: str) -> DIDDocument:
        """Resolve a DID, answering did:web from the cache while its entry is fresh."""
        if not (isinstance(did, str) and did.startswith("did:web:")):
            # did:key and did:jwk documents are pure functions of the DID: keep them, bounded.
            known = self._static.get(did) if isinstance(did, str) else None
            if known is None:
                known = resolve(did, fetch_json=self._fetch_json, web_scheme=self._web_scheme)
                if len(self._static) >= MAX_CACHE_ENTRIES:
                    self._static.clear()
                self._static[did] = known
            return known
        now = self._clock()
        with self._lock:
            entry = self._cache.pop(did, None)
            if entry is not None and entry[0] > now:
                self._cache[did] = entry
                return entry[1]
        # Fetch outside the lock: one slow issuer must not stall every other verification.
        # Failures raise before anything is stored, so they are never cached (D06, D11).
        document, ttl = self._fetch_web(did)
        self._keep(did, now + ttl, document)
        return document

    __call__ = resolve

    def refresh(self, did: str) -> float:
        """Fetch a did:web document now and cache it (the old copy stays on failure); its expiry."""
        now = self._clock()
        document, ttl = self._fetch_web(did)
        self._keep(did, now + ttl, document)
        return now + ttl

    def expires(self, did: str) -> float | None:
        """When the cached document of `did` expires (resolver clock); None when not cached."""
        entry = self._cache.get(did)
        return entry[0] if entry is not None else None

    def _fetch_web(self, did: str) -> tuple[DIDDocument, float]:
        if self._fetch_response is None:
            return resolve(did, fetch_json=self._fetch_json, web_scheme=self._web_scheme), self._ttl
        fetch_response = self._fetch_response
        ages: list[int | None] = []

        def fetch_json(url: str) -> Any:
            answer = fetch_response(url)
            ages.append(answer.max_age)
            return answer.json()

        document = resolve(did, fetch_json=fetch_json, web_scheme=self._web_scheme)
        age = ages[0] if ages else None
        return document, self._ttl if age is None else min(max(float(age), MIN_TTL), MAX_TTL)

    def _keep(self, did: str, expires: float, document: DIDDocument) -> None:
        with self._lock:
            self._cache.pop(did, None)  # re-inserted last: the oldest entries go first
            self._cache[did] = (expires, document)
            while len(self._cache) > MAX_CACHE_ENTRIES:
                del self._cache[next(iter(self._cache))]

    def forget(self, did: str) -> None:
        """Drop a cached document, e.g. after an issuer reports a key change."""
        with self._lock:
            self._cache.pop(did, None)

    def key(
        self, vm_url: str, relationship: str = "assertionMethod", *, did: str | None = None
    ) -> PublicKey:
        """The public key at a DID URL, if its DID (and `did`, when given) authorises it."""
        if not isinstance(vm_url, str) or len(vm_url) > MAX_DID_CHARS:
            raise InvalidDID(
                "verification method URL is not a short string", code="invalid_did_url"
            )
        did_part, sep, fragment = vm_url.partition("#")
        if not sep or not fragment:
            raise InvalidDID("verification method URL needs a #fragment", code="invalid_did_url")
        # A21: the key must sit under the DID the caller trusts for this token (iss / issuer).
        if did is not None and did_part != did:
            raise VerificationMethodError("verification method belongs to another DID")
        return self.resolve(did_part).method(vm_url, relationship).public_key
