"""Ed25519 and P-256 keys as JWKs: generate, load, sign, verify, thumbprint."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

import nacl.exceptions
import nacl.signing
from cryptography.exceptions import InvalidSignature as _CryptoInvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from . import base64url, secret_file, strictjson
from .errors import InvalidKey, InvalidSignature

# JOSE names: EdDSA is what today's wallets send; Ed25519 is RFC 9864's fully-specified name.
ED25519_ALGS = frozenset({"EdDSA", "Ed25519"})
ES256 = "ES256"
SUPPORTED_ALGS = frozenset({"EdDSA", "Ed25519", "ES256"})
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _coordinate(jwk: dict[str, Any], name: str, size: int) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise InvalidKey(f"JWK member {name!r} missing")
    try:
        raw = base64url.decode(value)
    except Exception:
        raise InvalidKey(f"JWK member {name!r} is not base64url") from None
    if len(raw) != size:
        raise InvalidKey(f"JWK member {name!r} must be {size} bytes")
    return raw


@dataclass(frozen=True)
class PublicKey:
    """A public key (Ed25519 or P-256) with its JWK form."""

    jwk: dict[str, Any]
    _verifier: Any = field(repr=False, compare=False, hash=False)

    @classmethod
    def from_jwk(cls, jwk: Any) -> PublicKey:
        """Load a public JWK; refuse private members and unknown key types."""
        if not isinstance(jwk, dict):
            raise InvalidKey("JWK is not an object")
        if "d" in jwk:
            raise InvalidKey("private key material where a public key was expected")
        kty, crv = jwk.get("kty"), jwk.get("crv")
        if kty == "OKP" and crv == "Ed25519":
            return cls.from_ed25519_bytes(_coordinate(jwk, "x", 32))
        if kty == "EC" and crv == "P-256":
            x, y = _coordinate(jwk, "x", 32), _coordinate(jwk, "y", 32)
            try:
                numbers = ec.EllipticCurvePublicNumbers(
                    int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
                )
                verifier = numbers.public_key()
            except ValueError:
                raise InvalidKey("P-256 point is not on the curve") from None
            public = {
                "kty": "EC",
                "crv": "P-256",
                "x": base64url.encode(x),
                "y": base64url.encode(y),
            }
            return cls(public, verifier)
        raise InvalidKey("unsupported key type (Ed25519 and P-256 only)")

    @classmethod
    def from_ed25519_bytes(cls, raw: bytes) -> PublicKey:
        """Load a raw 32-byte Ed25519 public key."""
        if len(raw) != 32:
            raise InvalidKey("Ed25519 public key must be 32 bytes")
        try:
            verifier = nacl.signing.VerifyKey(raw)
        except (nacl.exceptions.CryptoError, ValueError, TypeError):
            raise InvalidKey("invalid Ed25519 public key") from None
        return cls({"kty": "OKP", "crv": "Ed25519", "x": base64url.encode(raw)}, verifier)

    @classmethod
    def from_p256_compressed(cls, raw: bytes) -> PublicKey:
        """Load a SEC1 compressed (33-byte) P-256 public key."""
        try:
            key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            raise InvalidKey("invalid P-256 public key") from None
        numbers = key.public_numbers()
        jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": base64url.encode(numbers.x.to_bytes(32, "big")),
            "y": base64url.encode(numbers.y.to_bytes(32, "big")),
        }
        return cls(jwk, key)

    @property
    def is_ed25519(self) -> bool:
        """True for Ed25519 keys."""
        return bool(self.jwk["kty"] == "OKP")

    @property
    def alg(self) -> str:
        """The JOSE algorithm this key signs with."""
        return "EdDSA" if self.is_ed25519 else ES256

    @property
    def raw(self) -> bytes:
        """Raw public bytes: 32 for Ed25519, 33 (compressed SEC1) for P-256."""
        if self.is_ed25519:
            return base64url.decode(self.jwk["x"])
        from cryptography.hazmat.primitives import serialization

        return bytes(
            self._verifier.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
            )
        )

    def accepts_alg(self, alg: str) -> bool:
        """Whether a JOSE `alg` matches this key's type (no alg/key-type confusion)."""
        return alg in ED25519_ALGS if self.is_ed25519 else alg == ES256

    def verify(self, signature: bytes, data: bytes) -> None:
        """Raise InvalidSignature unless `signature` is this key's signature over `data`."""
        if self.is_ed25519:
            if len(signature) != 64:
                raise InvalidSignature("Ed25519 signature must be 64 bytes")
            try:
                self._verifier.verify(data, signature)
            except nacl.exceptions.BadSignatureError:
                raise InvalidSignature("signature does not verify") from None
            return
        # ES256 signatures are raw R||S (RFC 7518 §3.4), never DER.
        if len(signature) != 64:
            raise InvalidSignature("ES256 signature must be 64 bytes (R||S)")
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        if not (0 < r < _P256_ORDER and 0 < s < _P256_ORDER):
            raise InvalidSignature("ES256 signature out of range")
        try:
            self._verifier.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
        except _CryptoInvalidSignature:
            raise InvalidSignature("signature does not verify") from None

    def thumbprint(self) -> str:
        """RFC 7638 JWK thumbprint (SHA-256, base64url)."""
        members = ("crv", "kty", "x") if self.is_ed25519 else ("crv", "kty", "x", "y")
        canonical = strictjson.dumps({m: self.jwk[m] for m in members})
        return base64url.encode(hashlib.sha256(canonical.encode()).digest())


class PrivateKey:
    """A signing key; its repr and str never show private material."""

    def __init__(self, signer: Any, public: PublicKey) -> None:
        self._signer = signer
        self.public_key = public

    def __repr__(self) -> str:
        return f"PrivateKey({self.public_key.alg}, {self.public_key.thumbprint()})"

    @classmethod
    def generate(cls, kind: str = "Ed25519") -> PrivateKey:
        """Generate a fresh Ed25519 or P-256 key."""
        if kind == "Ed25519":
            return cls.from_ed25519_seed(nacl.signing.SigningKey.generate().encode())
        if kind in ("P-256", "ES256"):
            signer = ec.generate_private_key(ec.SECP256R1())
            return cls._from_ec(signer)
        raise InvalidKey(f"unsupported key kind {kind!r}")

    @classmethod
    def from_ed25519_seed(cls, seed: bytes) -> PrivateKey:
        """Load an Ed25519 key from its 32-byte seed."""
        if len(seed) != 32:
            raise InvalidKey("Ed25519 seed must be 32 bytes")
        signer = nacl.signing.SigningKey(seed)
        return cls(signer, PublicKey.from_ed25519_bytes(bytes(signer.verify_key)))

    @classmethod
    def _from_ec(cls, signer: ec.EllipticCurvePrivateKey) -> PrivateKey:
        numbers = signer.public_key().public_numbers()
        public = PublicKey.from_jwk(
            {
                "kty": "EC",
                "crv": "P-256",
                "x": base64url.encode(numbers.x.to_bytes(32, "big")),
                "y": base64url.encode(numbers.y.to_bytes(32, "big")),
            }
        )
        return cls(signer, public)

    @classmethod
    def from_jwk(cls, jwk: Any) -> PrivateKey:
        """Load a private JWK (with `d`)."""
        if not isinstance(jwk, dict) or "d" not in jwk:
            raise InvalidKey("private JWK needs member 'd'")
        public = PublicKey.from_jwk({k: v for k, v in jwk.items() if k != "d"})
        if public.is_ed25519:
            key = cls.from_ed25519_seed(_coordinate(jwk, "d", 32))
        else:
            d = int.from_bytes(_coordinate(jwk, "d", 32), "big")
            try:
                key = cls._from_ec(ec.derive_private_key(d, ec.SECP256R1()))
            except ValueError:
                raise InvalidKey("invalid P-256 private key") from None
        if key.public_key.jwk != public.jwk:
            raise InvalidKey("private and public parts of the JWK do not match")
        return key

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], kind: str = "Ed25519") -> PrivateKey:
        """The key kept as a private JWK in a mode-600 file, generated into it on first use."""
        text = secret_file.read_or_create(
            path, lambda: json.dumps(cls.generate(kind).to_jwk()).encode()
        )
        return cls.from_jwk(json.loads(text))

    def to_jwk(self) -> dict[str, Any]:
        """The private JWK (with `d`): for storage in a protected file only."""
        jwk = dict(self.public_key.jwk)
        if self.public_key.is_ed25519:
            jwk["d"] = base64url.encode(self._signer.encode())
        else:
            jwk["d"] = base64url.encode(
                self._signer.private_numbers().private_value.to_bytes(32, "big")
            )
        return jwk

    @property
    def alg(self) -> str:
        """The JOSE algorithm this key signs with."""
        return self.public_key.alg

    def sign(self, data: bytes) -> bytes:
        """Sign bytes: Ed25519 (64 bytes) or ES256 raw R||S (64 bytes)."""
        if self.public_key.is_ed25519:
            return bytes(self._signer.sign(data).signature)
        r, s = decode_dss_signature(self._signer.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
