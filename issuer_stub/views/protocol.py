"""Public protocol endpoints: metadata, did.json, status lists, offers, token, nonce, credential.

OpenID4VCI 1.0 pre-authorized code flow (interop contract): the wallet GETs the offer, the
metadata, redeems the code at /token, fetches a c_nonce at /nonce and POSTs a key proof to
/credential once per configuration. These endpoints are cross-site by design and exempt from
CSRF tokens; they are protected by their own codes, tokens and nonces instead (SECURITY-CASES I04).
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Response, abort, current_app, g, jsonify, render_template, request

from microcred import issuer_metadata as metadata, strictjson
from microcred.errors import CredentialError, InputError, MicrocredError, TokenError
from microcred.key_proof import (
    NONCE_LIFETIME,
    check_c_nonce,
    issue_c_nonce,
    nonce_digest,
    verify_proof,
)
from microcred.oid4vci import (
    CONFIGURATION_IDS,
    bearer_token,
    credential_response,
    read_credential_request,
    read_token_request,
    token_response,
)
from microcred.rate_limit import RateLimit
from microcred.status_documents import KINDS, list_path

from .. import auth, issuing, store
from ..identity import derived_secret, institution
from ..offers import offer_document, offer_links, tx_matches
from ..publishing import institution_name
from ..responses import csrf
from ..store import issuing as issuing_store, status as status_store
from ..store.staff import digest, get_profile
from . import bp
from .awards import _qr_png

# Token endpoint refusals: (OAuth error, message) per store outcome (§6.3).
REFUSALS = {
    "unknown": ("invalid_grant", "the pre-authorized code is not known"),
    "used": ("invalid_grant", "the pre-authorized code was already used"),
    "dead": ("invalid_grant", "this offer can no longer be used; ask for a new one"),
    "expired": ("invalid_grant", "the pre-authorized code has expired"),
    "tx_missing": ("invalid_request", "the transaction code is missing"),
    "tx_wrong": ("invalid_grant", "the transaction code is wrong"),
    "tx_locked": ("invalid_grant", "too many wrong transaction codes; the offer is now dead"),
}


def _public_json(document: Any, max_age: int = 300) -> Response:
    response = jsonify(document)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/.well-known/openid-credential-issuer")
def issuer_metadata() -> Response:
    """Credential Issuer metadata (OpenID4VCI §12.2)."""
    db = store.get_db()
    base = current_app.config["BASE_URL"]
    profile = get_profile(db)
    logo = f"{base}/logo.png" if profile and profile["has_logo"] else None
    return _public_json(metadata.issuer_metadata(base, name=institution_name(db), logo_uri=logo))


@bp.get("/.well-known/oauth-authorization-server")
def as_metadata() -> Response:
    """Authorization server metadata (RFC 8414): the issuer is its own AS."""
    return _public_json(metadata.authorization_server_metadata(current_app.config["BASE_URL"]))


@bp.get("/.well-known/did.json")
def did_document() -> Response:
    """The institution's did:web document with its one Ed25519 key."""
    return _public_json(institution().did_document())


@bp.get("/status/<kind>", defaults={"list_id": 1})
@bp.get("/status/<int:list_id>/<kind>")
def status_document(kind: str, list_id: int) -> Any:
    """A stored status document, as last rebuilt by a status change (never rebuilt per GET)."""
    if kind not in KINDS or list_id < 1 or (list_id == 1 and "/1/" in request.path):
        abort(404)  # the first list has one address only: /status/<kind>
    found = status_store.get_document(store.get_db(), list_path(list_id, kind))
    if found is None:
        abort(404)
    max_age = current_app.config["STATUS_MAX_AGE"]
    headers = {
        "Content-Type": found["media_type"],
        "Cache-Control": f"public, max-age={max_age}",
        "ETag": f'"{found["etag"]}"',
        "Access-Control-Allow-Origin": "*",
    }
    if request.if_none_match.contains(found["etag"]):
        return "", 304, headers
    return bytes(found["body"]), 200, headers


def _offer_or_abort(offer_id: str) -> dict[str, Any]:
    found = (
        issuing_store.offer_for_wallet(store.get_db(), offer_id) if len(offer_id) == 22 else None
    )
    if found is None:
        abort(404)
    return found


@bp.get("/offers/<offer_id>")
def offer(offer_id: str) -> Any:
    """The Credential Offer by reference (JSON for wallets) or the learner's page (HTML)."""
    wants = request.accept_mimetypes.best_match(["application/json", "text/html"])
    g.json_answer = wants != "text/html"
    found = _offer_or_abort(offer_id)
    usable = found["state"] == "live" and found["expires_at"] > auth.now()
    base = current_app.config["BASE_URL"]
    if g.json_answer:
        if not usable:
            error = {
                "error": "offer_unavailable",
                "error_description": "used, expired or withdrawn",
            }
            return jsonify(error), 410, {"Cache-Control": "no-store"}
        document = offer_document(base, offer_id, bool(found["tx_required"])).to_json()
        return jsonify(document), 200, {"Cache-Control": "no-store"}
    page = render_template(
        "issuer/offer_public.html",
        offer=found,
        usable=usable,
        institution=institution_name(store.get_db()),
        **offer_links(base, offer_id),
    )
    return page, 200 if usable else 410, {"Cache-Control": "no-store"}


@bp.get("/offers/<offer_id>/qr.png")
def offer_qr(offer_id: str) -> Any:
    """The QR code of an offer link, for the learner's own page."""
    _offer_or_abort(offer_id)
    link = offer_links(current_app.config["BASE_URL"], offer_id)["link"]
    return _qr_png(link), 200, {"Content-Type": "image/png", "Cache-Control": "no-store"}


def _token_limit() -> RateLimit:
    limit = current_app.extensions.get("issuer_token_limit")
    if limit is None:
        per_minute = int(current_app.config["TOKEN_FAILURES_PER_MINUTE"])
        limit = current_app.extensions["issuer_token_limit"] = RateLimit(per_minute, 60.0)
    return limit


def _redeem() -> dict[str, Any]:
    """Redeem the request's pre-authorized code; the token response, or a core error."""
    ask = read_token_request(request.form)
    access_token = secrets.token_urlsafe(32)
    now = auth.now()
    lifetime = int(current_app.config["ACCESS_TOKEN_LIFETIME"])
    outcome = issuing_store.redeem(
        store.get_db(),
        digest(ask.pre_authorized_code),
        tx_code=ask.tx_code,
        tx_matches=tx_matches,
        token_hash=digest(access_token),
        token_expires=now + lifetime,
        max_failures=int(current_app.config["TX_CODE_ATTEMPTS"]),
        now=now,
    )
    if outcome != "ok":
        code, message = REFUSALS[outcome]
        raise (InputError if code == "invalid_request" else TokenError)(message, code=code)
    return token_response(access_token, lifetime)


@bp.post("/token")
@csrf.exempt
def token() -> Any:
    """Token endpoint: a pre-authorized code (and transaction code) for an access token (§6)."""
    limit, address = _token_limit(), request.remote_addr or "-"
    if limit.retry_after(address) > 0:
        abort(429)
    try:
        body = _redeem()
    except MicrocredError:
        # Only refusals count (SECURITY-CASES G02, I11). A success spends a single-use code, so
        # it cannot serve guessing, and a lecture hall behind one campus NAT may redeem dozens of
        # printed cards a minute; guesses at a transaction code also die after TX_CODE_ATTEMPTS.
        limit.hit(address)
        raise
    return jsonify(body), 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}


@bp.post("/nonce")
@csrf.exempt
def nonce() -> Any:
    """Nonce endpoint: a fresh c_nonce, never cached (§7)."""
    fresh = issue_c_nonce(derived_secret("c_nonce"), now=auth.now())
    return jsonify({"c_nonce": fresh}), 200, {"Cache-Control": "no-store"}


def _request_body() -> Any:
    if request.mimetype != "application/json":
        raise InputError("the request must be application/json", code="invalid_credential_request")
    try:
        return strictjson.loads(request.get_data(), max_bytes=65_536)
    except InputError as error:
        raise InputError(
            f"the body is not acceptable JSON: {error.message}", code="invalid_credential_request"
        ) from None


@bp.post("/credential")
@csrf.exempt
def credential() -> Any:
    """Credential endpoint: check token, request and key proof; issue bound to that key (§8)."""
    db = store.get_db()
    now = auth.now()
    grant = issuing_store.token_grant(
        db, digest(bearer_token(request.headers.get("Authorization"))), now
    )
    if grant is None:
        raise TokenError("the access token is unknown or expired", code="invalid_token")
    ask = read_credential_request(_request_body(), offered=CONFIGURATION_IDS)
    if grant["status"] == "revoked":
        raise CredentialError("this credential was revoked", code="credential_request_denied")
    if issuing_store.delivered(db, grant["offer_id"], ask.configuration_id):
        raise CredentialError(
            "this credential was already issued with this access token",
            code="credential_request_denied",
        )
    base = current_app.config["BASE_URL"]
    proof = verify_proof(ask.proof_jwt, audience=base, now=now)
    check_c_nonce(derived_secret("c_nonce"), proof.nonce, now=now)
    issued = issuing.issue(
        institution(), institution_name(db), grant, ask.configuration_id, proof.holder, now
    )
    outcome = issuing_store.record_delivery(
        db,
        offer_id=grant["offer_id"],
        award_id=grant["id"],
        configuration_id=ask.configuration_id,
        nonce_hash=nonce_digest(proof.nonce),
        nonce_expires=now + NONCE_LIFETIME + 60,
        now=now,
    )
    if outcome == "nonce_used":
        # A protocol error for the wallet: English, like every OAuth error_description.
        raise TokenError("the nonce was already used; fetch a new one", code="invalid_nonce")
    if outcome == "delivered":
        raise CredentialError(
            "already issued with this access token", code="credential_request_denied"
        )
    return jsonify(credential_response(issued)), 200, {"Cache-Control": "no-store"}
