"""A verifier's own checks of a presented credential against the DCQL query it sent.

OpenID4VP §8.6 ("VP Token Validation") and §14.11 leave it to the verifier to check that what
came back is what it asked for: the format and type, the issuer it named, holder binding,
every requested claim present (B21, F14). Claims the holder disclosed beyond the request are
dropped from the report, so they are neither displayed nor stored (§15 "Strictly Necessary
Claims"). The result is the pipeline's report with one more check, `request`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from . import claim_selection, dcql, sdjwt
from .credential import SD_JWT_VC
from .errors import MicrocredError
from .model import annex_i, certificate_from_sdjwt
from .report import Check, Report

REQUEST_CHECK = "request"
REQUEST_LABEL = "Matches what was asked"


def _problem(
    report: Report, presentation: Any, cq: dcql.CredentialQuery, issuer: str | None
) -> tuple[str, str] | None:
    """The first way the presentation fails the query, as (code, message), or None."""
    if (
        cq.format != dcql.SD_JWT_VC
        or report.format != SD_JWT_VC
        or not isinstance(presentation, str)
    ):
        return "wrong_format", "the wallet sent another kind of credential than asked"
    try:
        vct = sdjwt.parse(presentation).jws.payload.get("vct")
    except MicrocredError:
        return "wrong_format", "the presentation cannot be read"
    if vct not in cq.vct_values:
        return "wrong_type", "the credential is of another type than asked"
    named = [c.values for c in cq.claims or () if c.path == ("iss",) and c.values]
    wrong_issuer = issuer is not None and report.issuer.did != issuer
    if wrong_issuer or any(report.issuer.did not in values for values in named):
        return "issuer_mismatch", "the credential comes from another institution than asked"
    bound = report.check("holder_binding").state == "passed"
    if cq.require_cryptographic_holder_binding and not bound:
        return "holder_binding_missing", "the wallet did not prove it holds the credential"
    visible = dict(report.claims, iss=report.issuer.did)
    missing = claim_selection.missing_claims(cq, visible)
    if missing:
        names = ", ".join("/".join(str(step) for step in path) for path in missing)
        return "claims_missing", f"requested claims are missing: {names}"[:300]
    return None


def _without_extra(report: Report, cq: dcql.CredentialQuery) -> Report:
    """The report without selectively disclosed claims that were not requested."""
    wanted = dcql.requested_names(cq)
    extra = {path.split("/", 1)[0] for path in report.disclosed} - wanted
    if not extra:
        return report
    claims = {name: value for name, value in report.claims.items() if name not in extra}
    disclosed = tuple(p for p in report.disclosed if p.split("/", 1)[0] not in extra)
    certificate = certificate_from_sdjwt(claims)
    return dataclasses.replace(
        report,
        claims=claims,
        disclosed=disclosed,
        certificate=certificate,
        annex_i=annex_i(certificate),
    )


def check_presentation(
    report: Report, presentation: Any, cq: dcql.CredentialQuery, *, issuer: str | None = None
) -> Report:
    """Add the `request` check to a pipeline report: INVALID if the query is not met."""
    if report.verdict == "INVALID":
        check = Check(REQUEST_CHECK, "not_checked", "not_reached", "the credential failed first")
        return dataclasses.replace(report, checks=(*report.checks, check))
    problem = _problem(report, presentation, cq, issuer)
    if problem is None:
        check = Check(REQUEST_CHECK, "passed", "matches_request", "what was asked, nothing more")
        filtered = _without_extra(report, cq)
        return dataclasses.replace(filtered, checks=(*filtered.checks, check))
    code, message = problem
    # G5: a presentation that fails the query shows none of its claims.
    return dataclasses.replace(
        report,
        verdict="INVALID",
        reason=code,
        checks=(*report.checks, Check(REQUEST_CHECK, "failed", code, message)),
        claims={},
        disclosed=(),
        certificate=None,
        annex_i=None,
    )
