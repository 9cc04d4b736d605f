"""One verification pipeline: any supported payload in, one Report out, never an exception."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import model, strictjson
from .credential import Credential, detect, verify_credential
from .did import DIDResolver
from .errors import (
    CredentialError,
    DIDError,
    DIDResolutionError,
    Expired,
    FetchError,
    HolderBindingError,
    InputError,
    InvalidKey,
    KeyBindingError,
    MicrocredError,
    NotYetValid,
    StatusListError,
    StatusUnavailable,
    UnsupportedProof,
)
from .report import CHECKS, NOT_REACHED, Check, IssuerInfo, Report, verdict_of
from .status_cache import StatusListCache
from .trust import TrustRegistry

log = logging.getLogger(__name__)

# Largest payload the pipeline looks at (a presentation is a few KB).
MAX_PAYLOAD_BYTES = 512_000
_ALWAYS_REQUIRED = frozenset(
    {"format", "issuer_key", "signature", "validity", "revocation", "suspension"}
)
# The checks a VALID verdict needs, by (trust required, holder binding required).
_REQUIRED = {
    (trust, binding): _ALWAYS_REQUIRED
    | ({"issuer_trust"} if trust else set())
    | ({"holder_binding"} if binding else set())
    for trust in (False, True)
    for binding in (False, True)
}


@dataclass(frozen=True)
class Policy:
    """What a verifier demands beyond the credential's own rules.

    An expected nonce or audience means the caller wants a fresh presentation for itself, so
    either one makes holder binding required (SECURITY-CASES B11: the policy decides, never the
    presence of a key-binding JWT); binding then needs both.
    """

    require_holder_binding: bool = False
    nonce: str | None = None
    audience: str | None = None
    require_trust: bool = True
    leeway: int = 60
    now: float | None = None

    def __post_init__(self) -> None:
        if self.nonce is not None or self.audience is not None:
            object.__setattr__(self, "require_holder_binding", True)
        if self.require_holder_binding and not (self.nonce and self.audience):
            # Without a fresh nonce and our audience, a replayed presentation would pass.
            raise ValueError("holder binding needs a nonce and an audience")


# The state of a check the pipeline never got to, because an earlier one decided the verdict.
_NOT_REACHED = {
    name: Check(name, "not_checked", NOT_REACHED, "not reached: an earlier check decided")
    for name, _ in CHECKS
}


@functools.lru_cache(maxsize=1024)
def _check(name: str, state: str, code: str, message: str) -> Check:
    # Checks are immutable and mostly the same few: share them rather than build eight per
    # verification (the LRU lets one-off messages age out).
    return Check(name, state, code, message)  # type: ignore[arg-type]


@dataclass
class _Run:
    """The checks of one verification as they are decided (also the format checks' Progress)."""

    checks: dict[str, Check] = field(default_factory=dict)
    kind: str = "unknown"

    def set(self, name: str, state: str, code: str, message: str = "") -> None:
        self.checks[name] = _check(name, state, code, message)

    def key_resolved(self, issuer: str) -> None:
        self.set("issuer_key", "passed", "resolved", issuer)

    def signature_verified(self) -> None:
        self.set("signature", "passed", "signature_valid")

    def done(self) -> tuple[Check, ...]:
        return tuple(self.checks.get(name) or _NOT_REACHED[name] for name, _ in CHECKS)


# Errors that say "this is not an SD-JWT at all" rather than "this SD-JWT is forged".
_SYNTAX_CODES = frozenset(
    {"sd_jwt_malformed", "missing_trailing_tilde", "empty_disclosure", "misplaced_jwt"}
)
# A Data Integrity proof's own created/expires window is the credential's validity, too.
_PROOF_TIME_CODES = {"proof_not_yet_valid": "not_yet_valid", "proof_expired": "expired"}


def _check_for(error: MicrocredError) -> tuple[str, str]:
    """Which check an error belongs to, and whether it failed or could not be decided."""
    if isinstance(error, UnsupportedProof):
        # A proof we cannot check is unchecked, not forged: UNVERIFIED (see data_integrity).
        return "signature", "not_checked"
    if isinstance(error, Expired | NotYetValid):
        return "validity", "failed"
    if error.code in _PROOF_TIME_CODES:
        error.code = _PROOF_TIME_CODES[error.code]
        return "validity", "failed"
    if error.code in _SYNTAX_CODES:
        return "format", "failed"
    if isinstance(error, KeyBindingError | HolderBindingError):
        return "holder_binding", "failed"
    if isinstance(error, DIDResolutionError | FetchError):
        return "issuer_key", "not_checked"
    if isinstance(error, DIDError | InvalidKey):
        return "issuer_key", "failed"
    if isinstance(error, InputError | CredentialError):
        return "format", "failed"
    if isinstance(error, StatusListError):
        return "revocation", "failed"
    return "signature", "failed"


class Verifier:
    """Verifies credentials and presentations with injected DID resolution, status and trust."""

    def __init__(
        self,
        *,
        resolver: DIDResolver,
        status_lists: StatusListCache,
        registry: TrustRegistry | None = None,
    ) -> None:
        self.resolver = resolver
        self.status_lists = status_lists
        self.registry = registry

    def verify(self, payload: str | bytes | dict[str, Any], policy: Policy | None = None) -> Report:
        """Verify any supported payload and return its report."""
        policy = policy or Policy()
        run = _Run()
        try:
            return self._verify(payload, policy, run)
        except MicrocredError as error:
            name, state = _check_for(error)
            run.set(name, state, error.code, error.message)
            return self._report(run, policy, run.kind, None)
        except Exception:  # a bug must still yield a report, never a crash or a 500
            log.exception("verification failed unexpectedly")
            run.set("format", "failed", "internal_error", "the payload could not be processed")
            return self._report(run, policy, "unknown", None)

    def _verify(self, payload: str | bytes | dict[str, Any], policy: Policy, run: _Run) -> Report:
        document = _load(payload)
        kind = run.kind = detect(document)
        run.set("format", "passed", kind)
        # The run hears of the key and signature as they pass, so a later failure (an expired
        # or unbound credential) still reports them as passed rather than "not reached".
        credential = verify_credential(document, kind, self.resolver, policy, run)
        run.set("signature", "passed", "signature_valid", credential.proof_type)
        run.set("validity", "passed", "within_validity_period", "within its validity period")
        self._holder_binding(run, credential, policy)
        self._status(run, credential, policy)
        return self._report(run, policy, kind, credential)

    @staticmethod
    def _holder_binding(run: _Run, credential: Credential, policy: Policy) -> None:
        if credential.holder_bound:
            run.set("holder_binding", "passed", "key_binding", "presenter proved the bound key")
        elif policy.require_holder_binding:
            run.set("holder_binding", "failed", "holder_binding_missing", "no proof of possession")
        else:
            run.set("holder_binding", "not_checked", "not_requested", "bearer credential")

    def _status(self, run: _Run, credential: Credential, policy: Policy) -> None:
        for purpose in ("revocation", "suspension"):
            if not credential.status_refs:
                run.set(purpose, "passed", "no_status_entry", "the credential has no status entry")
                continue
            try:
                value = self.status_lists.status(
                    credential.issuer, credential.status_refs, purpose, now=policy.now
                )
            except StatusUnavailable as error:
                run.set(purpose, "not_checked", error.code, error.message)
                continue
            except (StatusListError, FetchError, DIDError) as error:
                state = (
                    "not_checked"
                    if isinstance(error, FetchError | DIDResolutionError)
                    else "failed"
                )
                run.set(purpose, state, error.code, error.message)
                continue
            if value is None:
                run.set(purpose, "passed", "no_status_entry", f"no {purpose} entry")
            elif value:
                code = "revoked" if purpose == "revocation" else "suspended"
                run.set(purpose, "failed", code, f"the issuer has {code} this credential")
            else:
                run.set(purpose, "passed", "status_ok")

    def _report(
        self, run: _Run, policy: Policy, kind: str, credential: Credential | None
    ) -> Report:
        if credential is None:
            issuer = IssuerInfo(did=None)
        else:
            issuer = self._trust(run, credential, policy)
        checks = run.done()
        required = _REQUIRED[policy.require_trust, policy.require_holder_binding]
        verdict, reason = verdict_of(checks, required)
        certificate = annex = None
        claims: dict[str, Any] = {}
        disclosed: tuple[str, ...] = ()
        # G5: claims are shown only for a credential that may be accepted or re-checked later;
        # an INVALID one (forged, revoked, unbound) shows none of its data.
        if credential is not None and verdict != "INVALID":
            claims, disclosed = credential.claims, credential.disclosed
            certificate = credential.certificate
            annex = model.annex_i(certificate)
        return Report(verdict, reason, kind, checks, issuer, claims, disclosed, certificate, annex)

    def _trust(self, run: _Run, credential: Credential, policy: Policy) -> IssuerInfo:
        name = credential.certificate.issuer_name if credential.certificate else None
        if self.registry is None:
            run.set("issuer_trust", "not_checked", "no_registry", "no trust registry configured")
            return IssuerInfo(credential.issuer, name)
        at = None if policy.now is None else dt.datetime.fromtimestamp(policy.now, dt.UTC)
        found = self.registry.lookup(credential.issuer, at=at)
        if found.status == "trusted":
            run.set("issuer_trust", "passed", "trusted", found.entry.name if found.entry else "")
        else:
            run.set("issuer_trust", "failed", f"issuer_{found.status}", "issuer not trusted")
        return IssuerInfo(credential.issuer, name, found.status, found.entry)


def _load(payload: str | bytes | dict[str, Any]) -> Any:
    """Turn raw input into a compact string or a JSON object, within the size cap."""
    if isinstance(payload, dict):
        return payload
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise InputError(f"payload over {MAX_PAYLOAD_BYTES} bytes", code="too_large")
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("payload is not UTF-8 text", code="malformed_encoding") from None
    text = payload.strip()
    if text.startswith("{"):
        return strictjson.loads_object(text)
    return text


KeyLookup = Callable[[str, str], Any]
