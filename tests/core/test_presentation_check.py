"""A verifier's checks of a presented credential against its own DCQL query (B21, F14)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable

import pytest

from microcred import dcql, issuance, sdjwt, sdjwt_vc
from microcred.demo import DEMO_AWARD, DEMO_COURSE
from microcred.did import DIDResolver, did_key
from microcred.keys import PrivateKey
from microcred.model import VCT
from microcred.presentation_check import REQUEST_CHECK, check_presentation
from microcred.report import Report
from microcred.status_cache import StatusListCache
from microcred.trust import TrustRegistry
from microcred.verify import Policy, Verifier

HOLDER = PrivateKey.from_ed25519_seed(bytes(range(32)))
ISSUER = PrivateKey.from_ed25519_seed(bytes(range(3, 35)))
ISSUER_DID = did_key(ISSUER.public_key)
VM = f"{ISSUER_DID}#{ISSUER_DID.removeprefix('did:key:')}"
NONCE, AUDIENCE = "n-0123456789abcdef", "decentralized_identifier:did:web:v.example"
IDENTITY = issuance.IssuerIdentity(ISSUER_DID, VM, ISSUER, "Uni")


def issued() -> str:
    return issuance.issue_sd_jwt_vc(
        IDENTITY, DEMO_COURSE, DEMO_AWARD, holder_jwk=HOLDER.public_key.jwk,
        issued_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
    )  # fmt: skip


def verified(presentation: str) -> Report:
    resolver = DIDResolver()
    registry = TrustRegistry.from_json(
        {"name": "t", "issuers": [{"did": ISSUER_DID, "name": "Uni", "country": "VN",
                                   "accreditingBody": "MOET"}]}, source="t",
    )  # fmt: skip
    verifier = Verifier(
        resolver=resolver, status_lists=StatusListCache(None, resolver), registry=registry
    )
    policy = Policy(require_holder_binding=True, nonce=NONCE, audience=AUDIENCE)
    return verifier.verify(presentation, policy)


def present(sd: str, names: Iterable[str]) -> str:
    return sdjwt.present(
        sd, disclose=[(n,) for n in names], holder_key=HOLDER, nonce=NONCE, audience=AUDIENCE
    )


def query(*names: str, issuer: str | None = None) -> dcql.CredentialQuery:
    built = dcql.sd_jwt_vc_query("mc", VCT, [(n,) for n in names], issuer=issuer)
    return built.credentials[0]


def test_what_was_asked_passes_and_extra_claims_are_dropped() -> None:
    presentation = present(issued(), ["given_name", "family_name", "assessment_grade"])
    report = verified(presentation)
    assert report.verdict == "VALID"
    checked = check_presentation(
        report, presentation, query("achievement_title", "given_name", "family_name")
    )
    assert checked.verdict == "VALID"
    assert checked.check(REQUEST_CHECK).state == "passed"
    assert "assessment_grade" not in checked.claims and checked.certificate is not None
    assert checked.certificate.grade is None and checked.certificate.given_name == "Thị Ánh"
    assert "assessment_grade" not in checked.disclosed
    # Claims that are never selectively disclosable stay: they are part of every presentation.
    assert checked.claims["achievement_title"] == DEMO_COURSE.title


@pytest.mark.parametrize(
    ("names", "cq", "code"),
    [
        pytest.param(
            ["given_name"], query("given_name", "family_name"), "claims_missing", id="missing"
        ),
        pytest.param(
            [],
            query("achievement_title", issuer="did:web:other.example"),
            "issuer_mismatch",
            id="issuer",
        ),
    ],
)
def test_unmet_queries_are_invalid_and_show_nothing(
    names: list[str], cq: dcql.CredentialQuery, code: str
) -> None:
    presentation = present(issued(), names)
    checked = check_presentation(verified(presentation), presentation, cq)
    assert (checked.verdict, checked.reason) == ("INVALID", code)
    assert checked.claims == {} and checked.certificate is None and checked.annex_i is None


def test_issuer_filter_passes_for_the_named_issuer() -> None:
    presentation = present(issued(), [])
    checked = check_presentation(
        verified(presentation),
        presentation,
        query("achievement_title", issuer=ISSUER_DID),
        issuer=ISSUER_DID,
    )
    assert checked.verdict == "VALID"


def test_issuer_named_by_the_verifier_is_enforced() -> None:
    presentation = present(issued(), [])
    checked = check_presentation(
        verified(presentation), presentation, query("achievement_title"), issuer="did:web:other"
    )
    assert checked.reason == "issuer_mismatch"


def test_another_credential_type_is_refused() -> None:
    other = sdjwt_vc.issue_vc(
        {"achievement_title": "X"}, ISSUER, issuer=ISSUER_DID, vct="urn:other:type",
        holder_jwk=HOLDER.public_key.jwk, kid=VM, iat=int(time.time()) - 60, exp=None,
    )  # fmt: skip
    presentation = present(other, [])
    checked = check_presentation(verified(presentation), presentation, query("achievement_title"))
    assert checked.reason == "wrong_type"


def test_a_json_credential_is_the_wrong_format() -> None:
    report = verified(present(issued(), []))
    checked = check_presentation(
        report, {"type": ["VerifiableCredential"]}, query("achievement_title")
    )
    assert checked.reason == "wrong_format"


def test_an_invalid_presentation_stays_invalid_and_is_not_checked_further() -> None:
    presentation = present(issued(), []).replace("~ey", "~ex", 1)
    report = verified(presentation)
    assert report.verdict == "INVALID"
    checked = check_presentation(report, presentation, query("achievement_title"))
    assert checked.verdict == "INVALID" and checked.reason == report.reason
    assert checked.check(REQUEST_CHECK).state == "not_checked"
