"""The verification report: named checks with stable reason codes, and the verdict they give."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from .annex import AnnexReport
from .certificate import Certificate
from .trust import TrustedIssuer

State = Literal["passed", "failed", "not_checked"]
Verdict = Literal["VALID", "INVALID", "UNVERIFIED"]

# Every report lists these checks, in this order, so pages and clients can rely on them.
CHECKS: tuple[tuple[str, str], ...] = (
    ("format", "Readable credential"),
    ("issuer_key", "Issuer DID resolved, key authorised"),
    ("signature", "Signature"),
    ("validity", "Validity period"),
    ("revocation", "Not revoked"),
    ("suspension", "Not suspended"),
    ("issuer_trust", "Issuer in a trust registry"),
    ("holder_binding", "Bound to the presenter"),
)
CHECK_LABELS = dict(CHECKS)
# The code of a check the pipeline did not get to because an earlier check decided the verdict.
NOT_REACHED = "not_reached"
# A failure of these checks means "cannot be trusted yet", not "forged": UNVERIFIED, never INVALID.
_SOFT_FAILURES = frozenset({"issuer_trust"})


@dataclass(frozen=True)
class Check:
    """One check of the pipeline with its outcome and a stable reason code."""

    name: str
    state: State
    code: str = ""
    message: str = ""

    @property
    def label(self) -> str:
        """Plain-words name of the check."""
        return CHECK_LABELS.get(self.name, self.name)


@dataclass(frozen=True)
class IssuerInfo:
    """Who issued the credential and what the trust registry says about them."""

    did: str | None
    name: str | None = None
    trust_status: str = "not_checked"
    registry_entry: TrustedIssuer | None = None


@dataclass(frozen=True)
class Report:
    """The one result of verifying any supported payload."""

    verdict: Verdict
    reason: str  # the code that decided a non-VALID verdict; empty when VALID
    format: str
    checks: tuple[Check, ...]
    issuer: IssuerInfo
    claims: dict[str, Any] = field(default_factory=dict)
    disclosed: tuple[str, ...] = ()
    certificate: Certificate | None = None
    annex_i: AnnexReport | None = None

    def check(self, name: str) -> Check:
        """The check with this name."""
        for item in self.checks:
            if item.name == name:
                return item
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict with `verdict` at the top."""
        return {
            "verdict": self.verdict,
            "reason": self.reason,
            "format": self.format,
            "checks": [asdict(c) for c in self.checks],
            "issuer": asdict(self.issuer),
            "claims": self.claims,
            "disclosed": list(self.disclosed),
            # asdict only here: building dicts on every verification cost ~70 µs (benchmarked).
            "certificate": asdict(self.certificate) if self.certificate else None,
            "annex_i": asdict(self.annex_i) if self.annex_i else None,
        }


def verdict_of(checks: tuple[Check, ...], required: frozenset[str]) -> tuple[Verdict, str]:
    """INVALID on any hard failure; UNVERIFIED if a required check did not pass; else VALID."""
    for check in checks:
        if check.state == "failed" and check.name not in _SOFT_FAILURES:
            return "INVALID", check.code
    pending = [c for c in checks if c.name in required and c.state != "passed"]
    if not pending:
        return "VALID", ""
    # The check that could not be decided says why, not the ones it kept from running.
    decided = [c for c in pending if c.code != NOT_REACHED]
    return "UNVERIFIED", (decided or pending)[0].code
