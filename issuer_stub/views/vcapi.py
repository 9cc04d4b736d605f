"""VC-API for learning-management systems: POST /credentials/issue and /credentials/status.

Both need `Authorization: Bearer <API token>` (made and revoked under Settings, stored only as
a digest). Request shapes are documented in `microcred.issuer_api`. Answers are JSON; errors
are `{"error", "error_description"}` with 400, 401, 404 or 409, and leave nothing behind.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from microcred import strictjson
from microcred.annex import award_problems
from microcred.errors import CredentialError, InputError, TokenError
from microcred.issuer_api import read_issue_request, read_status_request
from microcred.key_proof import holder_from_did
from microcred.oid4vci import bearer_token

from .. import auth, issuing, store
from ..api_issuing import issue_award
from ..publishing import change_status
from ..responses import csrf
from ..store import awards as award_store, courses as course_store, tokens as token_store
from . import bp
from .awards import today


def _caller() -> dict[str, Any]:
    """The API token of this request, or 401."""
    try:
        secret = bearer_token(request.headers.get("Authorization"))
    except TokenError:
        raise TokenError("an API token is required", code="invalid_token") from None
    found = token_store.token_by_secret(store.get_db(), secret)
    if found is None:
        raise TokenError("the API token is unknown or revoked", code="invalid_token")
    return found


def _body() -> Any:
    if request.mimetype != "application/json":
        raise InputError("send application/json", code="invalid_request")
    return strictjson.loads(request.get_data(), max_bytes=65_536)


def _course_for(course_url: str) -> dict[str, Any]:
    slug = course_url.rstrip("/").rsplit("/", 1)[-1]
    course = course_store.course_by_slug(store.get_db(), slug)
    if course is None or course["data"]["id"] != course_url:
        raise CredentialError("no micro-credential has this achievement id", code="not_found")
    if course["state"] != "published":
        raise CredentialError("this micro-credential is not awarded any more", code="not_found")
    return course


@bp.post("/credentials/issue")
@csrf.exempt
def credentials_issue() -> Any:
    """Issue an award: an OpenID4VCI offer, or a credential signed for the holder's DID."""
    caller = _caller()
    ask = read_issue_request(_body(), today=today())
    course = _course_for(ask.course_id)
    problems = award_problems(ask.award)
    if problems:
        detail = "; ".join(f"{p.field}: {p.message}" for p in problems)
        raise InputError(f"the award is incomplete ({detail})", code="invalid_request")
    holder = holder_from_did(ask.holder_did) if ask.holder_did else None
    answer = issue_award(ask, course, holder, caller=caller, now=auth.now())
    return jsonify(answer), 201, {"Cache-Control": "no-store"}


@bp.post("/credentials/status")
@csrf.exempt
def credentials_status() -> Any:
    """Suspend, unsuspend or revoke an award by its credentialId (or the caller's own id)."""
    caller = _caller()
    ask = read_status_request(_body())
    db = store.get_db()
    award = award_store.award_by_reference(db, ask.credential_id)
    if award is None:
        raise CredentialError("no credential has this id", code="not_found")
    changed = award["status"] != ask.status
    if changed:
        change_status(
            award["id"], ask.status, actor=f"api:{caller['name']}", reason=None, now=auth.now()
        )
    token_store.touch_token(db, caller["id"], auth.now())
    answer = {
        "credentialId": issuing.award_urn(award["id"]),
        "status": ask.status,
        "changed": changed,
    }
    return jsonify(answer), 200, {"Cache-Control": "no-store"}
