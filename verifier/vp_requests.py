"""OpenID4VP requests of this verifier: what can be asked, creating a request, taking the answer.

A request record holds the signed request object, its nonce and state, and the digest of its
owner's secret; the answer is verified with the core pipeline (holder binding required, nonce
and audience this request's), checked against the DCQL query, and stored once (J04, F18).
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlite_utils import Database

from microcred import dcql, oid4vp, strictjson, vp_token
from microcred.errors import InputError, MicrocredError
from microcred.model import VCT
from microcred.presentation_check import check_presentation
from microcred.verify import Policy

from . import reports, store
from .identity import identity
from .pipeline import pipeline

QUERY_ID = "microcredential"
# What an employer can ask for: key, label, SD-JWT VC claim paths, asked by default.
# The grade is never asked by default (issue 5): most jobs need to know what was learnt.
ASKABLE: tuple[tuple[str, Any, tuple[dcql.ClaimPath, ...], bool], ...] = (
    ("title", _l("Title"), (("achievement_title",),), True),
    ("learning_outcomes", _l("Learning outcomes"), (("learning_outcomes",),), True),
    ("level", _l("Level (EQF)"), (("level_of_learning_experience",),), True),
    ("workload", _l("Workload (ECTS, hours)"), (("expected_study_time",),), True),
    ("awarding_body", _l("Awarding body"), (("issuing_authority",),), False),
    ("date", _l("Date of issuing"), (("date_of_issuance",),), False),
    ("name", _l("Learner's name"), (("given_name",), ("family_name",)), False),
    ("learner_id", _l("Learner identifier"), (("learner_identification",),), False),
    ("assessment", _l("Type of assessment"), (("assessment_type",),), False),
    ("participation", _l("Form of participation"), (("form_of_participation",),), False),
    ("quality", _l("Quality assurance"), (("types_of_quality_assurance",),), False),
    ("skills", _l("Skills"), (("skills",),), False),
    ("grade", _l("Grade"), (("assessment_grade",),), False),
)
ASKABLE_KEYS = tuple(key for key, *_ in ASKABLE)
DEFAULT_KEYS = tuple(key for key, _label, _paths, default in ASKABLE if default)


@dataclass(frozen=True)
class Created:
    """A new request: its id, the link and QR text for the wallet, and when it expires."""

    id: str
    link: str
    qr_text: str
    expires_at: float


def create(db: Database, keys: list[str], issuer: str | None, owner: str) -> Created:
    """Create, sign and store a request for these claims (unknown keys raise InputError)."""
    if not keys or any(key not in ASKABLE_KEYS for key in keys):
        raise InputError("choose at least one claim to ask for", code="invalid_claims")
    paths = [path for key, _label, found, _default in ASKABLE if key in keys for path in found]
    query = dcql.sd_jwt_vc_query(QUERY_ID, VCT, paths, issuer=issuer)
    config = current_app.config
    base, lifetime, now = config["BASE_URL"], int(config["VP_REQUEST_LIFETIME"]), int(time.time())
    ident = identity()
    request_id, state, nonce = oid4vp.new_secret(), oid4vp.new_secret(), oid4vp.new_secret()
    claims = oid4vp.request_object(
        client_id=ident.client_id,
        response_uri=f"{base}/vp/response/{request_id}",
        nonce=nonce,
        state=state,
        query=query,
        client_name=config["VERIFIER_NAME"],
        issued_at=now,
        lifetime=lifetime,
    )
    row = {
        "id": request_id,
        "owner": owner,
        "state": state,
        "nonce": nonce,
        "request_jwt": oid4vp.sign_request(claims, ident.key, ident.kid),
        "query": strictjson.dumps(query.to_json()),
        "issuer": issuer,
        "created_at": now,
        "expires_at": now + lifetime,
    }
    store.create_vp_request(db, row)
    qr_text, link = links(request_id)
    return Created(request_id, link, qr_text, now + lifetime)


def links(request_id: str) -> tuple[str, str]:
    """The QR text (`openid4vp://`, cross-device) and the same-device link of a request."""
    config, client_id = current_app.config, identity().client_id
    request_uri = f"{config['BASE_URL']}/vp/request/{request_id}"
    same_device = oid4vp.request_link(client_id, request_uri, wallet_url=config["WALLET_URL"])
    return oid4vp.request_link(client_id, request_uri), same_device


def status_of(row: dict[str, Any]) -> str:
    """pending, answered, declined or expired."""
    if row["status"] == "pending" and row["expires_at"] <= time.time():
        return "expired"
    return str(row["status"])


class Rejected(Exception):
    """An answer refused before anything is stored: the wallet gets 400 invalid_request."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def _verify(row: dict[str, Any], response: vp_token.Response, db: Database) -> dict[str, Any]:
    """The report JSON for a vp_token: pipeline, then the query's own checks (§8.6)."""
    query = dcql.parse_query(strictjson.loads_object(row["query"]))
    try:
        presented = vp_token.presentations(response, query)[QUERY_ID][0]
    except InputError as error:
        # §8.6: a VP Token that fails as a whole is rejected; the request stays open.
        raise Rejected(error.message) from None
    policy = Policy(require_holder_binding=True, nonce=row["nonce"], audience=identity().client_id)
    report = pipeline().verify(presented, policy, db)
    cq = query.credential(QUERY_ID)
    checked = check_presentation(report, presented, cq, issuer=row["issuer"])
    return reports.stamp(reports.to_json(checked), identity().did)


def answer(db: Database, request_id: str, form: dict[str, str]) -> str | None:
    """Take a wallet's direct_post answer; return the redirect_uri, or None for an error answer.

    Raises Rejected, storing nothing, for an unknown request, a wrong state, an expired or
    already answered request, or a malformed vp_token (F04, F18).
    """
    row = store.get_vp_request(db, request_id)
    state = form.get("state", "")
    # F04: the state proves the answer belongs to this request; compared in constant time.
    if row is None or not hmac.compare_digest(state.encode(), row["state"].encode()):
        raise Rejected("unknown request or wrong state")
    if status_of(row) != "pending":
        raise Rejected(f"this request is {status_of(row)}")
    lifetime = int(current_app.config["RESULT_LIFETIME"])
    try:
        response = vp_token.parse_response(form)
    except MicrocredError as error:
        raise Rejected(error.message) from None
    if response.error:
        declined = store.answer_vp_request(
            db, request_id, status="declined", response_code=None, result=None, lifetime=lifetime
        )
        if not declined:
            raise Rejected("this request was already answered")
        return None
    report = _verify(row, response, db)
    code = oid4vp.new_secret()
    result = {"report": report, "summary": reports.summary(report, "openid4vp")}
    if not store.answer_vp_request(
        db, request_id, status="answered", response_code=code, result=result, lifetime=lifetime
    ):
        raise Rejected("this request was already answered")
    return f"{current_app.config['BASE_URL']}/vp/done/{request_id}#response_code={code}"


def read(db: Database, request_id: str, owner: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The owner's request row and, once answered, its report; KeyError for anyone else."""
    row = store.get_vp_request(db, request_id)
    if row is None or not hmac.compare_digest(row["owner"], owner):
        raise KeyError(request_id)
    report = store.get_result(db, request_id, owner) if row["result_id"] else None
    return row, report
