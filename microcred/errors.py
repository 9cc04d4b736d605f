"""The one exception hierarchy of microcred; each error carries a stable reason code.

MicrocredError (code: "error")
 ├── InputError (code: "malformed") ............ a payload that cannot be parsed or breaks a limit
 │    ├── MalformedJSON ("malformed_json")
 │    ├── MalformedEncoding ("malformed_encoding")
 │    ├── PayloadTooLarge ("too_large")
 │    └── UnsupportedFormat ("unsupported_format")
 ├── CryptoError
 │    ├── AlgorithmNotAllowed ("alg_not_allowed")
 │    ├── InvalidKey ("invalid_key")
 │    └── InvalidSignature ("signature_invalid")
 ├── TokenError ("token_invalid") ............... JOSE header/claims rules (typ, crit, b64, exp …)
 │    ├── Expired ("expired")
 │    └── NotYetValid ("not_yet_valid")
 ├── SDJWTError ("sd_jwt_invalid") .............. RFC 9901 §7.1 / §7.3 violations
 │    └── KeyBindingError ("key_binding_invalid")
 ├── DataIntegrityError ("proof_invalid")
 │    ├── UnknownContext ("unknown_context")
 │    ├── DataLoss ("data_loss")
 │    └── UnsupportedProof ("unsupported_cryptosuite") . a proof type not implemented: unchecked
 ├── DIDError
 │    ├── InvalidDID ("invalid_did")
 │    ├── UnsupportedDIDMethod ("did_method_not_supported")
 │    ├── DIDResolutionError ("issuer_unresolvable") . no document (maybe transient)
 │    ├── InvalidDIDDocument ("invalid_did_document")
 │    └── VerificationMethodError ("key_not_authorized") . key not in the document/relationship
 ├── FetchError ("fetch_failed") ................ the outbound HTTP client refused or failed
 │    ├── BlockedURL ("url_blocked")
 │    └── ResponseTooLarge ("response_too_large")
 ├── StatusListError ("status_invalid")
 │    └── StatusUnavailable ("status_unavailable")
 ├── HolderBindingError ("holder_binding_invalid") . presenter not bound to the credential
 ├── TrustRegistryError ("registry_invalid")
 ├── CredentialError ("credential_invalid") ..... well-formed but not an acceptable credential
 └── QRError ("qr_invalid")

Apps map MicrocredError to an HTTP response in one place; `code` is what clients may rely on.
Messages never contain key material or whole tokens.
"""

from __future__ import annotations


class MicrocredError(Exception):
    """Base of every error raised by the core."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class InputError(MicrocredError):
    """A payload that cannot be parsed or breaks a size/shape limit."""

    code = "malformed"


class MalformedJSON(InputError):
    """JSON that the strict parser refuses."""

    code = "malformed_json"


class MalformedEncoding(InputError):
    """Bad base64url, multibase, compression or text encoding."""

    code = "malformed_encoding"


class PayloadTooLarge(InputError):
    """Input over a configured size, depth or count cap."""

    code = "too_large"


class UnsupportedFormat(InputError):
    """A payload of a kind the core does not handle."""

    code = "unsupported_format"


class CryptoError(MicrocredError):
    """Keys, algorithms and signatures."""

    code = "crypto_error"


class AlgorithmNotAllowed(CryptoError):
    """An algorithm outside the allow-list for this context."""

    code = "alg_not_allowed"


class InvalidKey(CryptoError):
    """A key that cannot be used (wrong type, curve, length, private part where public expected)."""

    code = "invalid_key"


class InvalidSignature(CryptoError):
    """A signature that does not verify."""

    code = "signature_invalid"


class TokenError(MicrocredError):
    """A JWS/JWT that breaks a header or claim rule."""

    code = "token_invalid"


class Expired(TokenError):
    """Past its expiry."""

    code = "expired"


class NotYetValid(TokenError):
    """Before its not-before or issuance time."""

    code = "not_yet_valid"


class SDJWTError(MicrocredError):
    """An SD-JWT that breaks RFC 9901 processing rules."""

    code = "sd_jwt_invalid"


class KeyBindingError(SDJWTError):
    """A missing or invalid key-binding JWT."""

    code = "key_binding_invalid"


class DataIntegrityError(MicrocredError):
    """A Data Integrity proof that does not verify or cannot be processed."""

    code = "proof_invalid"


class UnknownContext(DataIntegrityError):
    """A JSON-LD context that is not shipped with the package."""

    code = "unknown_context"


class DataLoss(DataIntegrityError):
    """A property that JSON-LD expansion would drop (not covered by the signature)."""

    code = "data_loss"


class UnsupportedProof(DataIntegrityError):
    """A proof type or cryptosuite that is not implemented, so the proof could not be checked."""

    code = "unsupported_cryptosuite"


class DIDError(MicrocredError):
    """DIDs and their documents."""

    code = "did_error"


class InvalidDID(DIDError):
    """A DID that does not follow its method's syntax."""

    code = "invalid_did"


class UnsupportedDIDMethod(DIDError):
    """A DID method the core does not resolve."""

    code = "did_method_not_supported"


class DIDResolutionError(DIDError):
    """The DID document could not be obtained."""

    code = "issuer_unresolvable"


class InvalidDIDDocument(DIDError):
    """A DID document that is not acceptable."""

    code = "invalid_did_document"


class VerificationMethodError(DIDError):
    """A key that is not a verification method of the DID for the needed relationship."""

    code = "key_not_authorized"


class FetchError(MicrocredError):
    """The outbound HTTP client refused or failed a request."""

    code = "fetch_failed"


class BlockedURL(FetchError):
    """A URL refused by policy (scheme, private address, redirect)."""

    code = "url_blocked"


class ResponseTooLarge(FetchError):
    """A response over the byte cap."""

    code = "response_too_large"


class StatusListError(MicrocredError):
    """A status list or status entry that is invalid."""

    code = "status_invalid"


class StatusUnavailable(StatusListError):
    """The status list could not be obtained."""

    code = "status_unavailable"


class HolderBindingError(MicrocredError):
    """A presentation whose presenter is not the credential's holder."""

    code = "holder_binding_invalid"


class TrustRegistryError(MicrocredError):
    """A trust registry that cannot be loaded."""

    code = "registry_invalid"


class CredentialError(MicrocredError):
    """A well-formed payload that is not an acceptable credential."""

    code = "credential_invalid"


class QRError(MicrocredError):
    """An image or text that holds no usable QR code."""

    code = "qr_invalid"
