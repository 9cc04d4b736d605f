"""The API for HR systems: VC-API verify endpoints and OpenID4VP requests.

- `POST /credentials/verify` `{"verifiableCredential": <JSON-LD object or compact string>}` and
  `POST /presentations/verify` `{"verifiablePresentation": ..., "options": {"challenge",
  "domain"}}` answer the report (`Report.to_json()`, `verdict` on top, plus VC-API's
  `verified`). Status: 200 VALID, 422 UNVERIFIED (e.g. issuer not in the registry, status list
  unreachable), 400 INVALID or a malformed body; never 500.
- `POST /api/vp/requests` `{"claims": [...], "issuer": "did:..."}` creates an OpenID4VP request
  and answers 201 with its `link`, `qr_text` and a `result_token`; `GET /api/vp/requests/<id>`
  with `Authorization: Bearer <result_token>` reads its status and report. The token is the
  request's owner secret (only its hash is stored): whoever created the request, and only they,
  can read the answer (SECURITY-CASES F06).

No staff account is needed for these endpoints. A verifier reachable by more than its HR systems
can set `API_TOKEN` (env `VERIFIER_API_TOKEN`, 32+ random characters): the first three
endpoints then answer 401 unless the request carries `Authorization: Bearer <API_TOKEN>`.
Reading a request's result keeps using its own result_token. Every endpoint is rate-limited
per client address (429 with Retry-After, SECURITY-CASES I11).
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import abort, current_app, jsonify, request

from microcred import strictjson
from microcred.errors import InputError
from microcred.oid4vp import new_secret
from microcred.verify import Policy

from . import reports, store, throttling, vp_requests
from .blueprint import bp
from .identity import identity
from .owner import digest
from .pipeline import pipeline

# A JSON body holds one credential or presentation (a few KB); refuse far bigger ones (A13).
MAX_BODY_BYTES = 1_000_000
STATUS_OF_VERDICT = {"VALID": 200, "UNVERIFIED": 422, "INVALID": 400}


def _bearer() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _check_api_token() -> None:
    """Refuse (401) a request without the configured API token; limit those without one (429)."""
    expected = current_app.config.get("API_TOKEN")
    if expected and not hmac.compare_digest(_bearer().encode(), str(expected).encode()):
        abort(401)
    throttling.limit("verify", exempt=bool(expected))


def _body() -> dict[str, Any]:
    data = request.get_data(cache=False)
    return strictjson.loads_object(data, max_bytes=MAX_BODY_BYTES)


def _value(body: dict[str, Any], name: str) -> str | dict[str, Any]:
    value = body.get(name)
    if not isinstance(value, str | dict):
        raise InputError(f"{name} must be a JSON object or a compact string", code="bad_request")
    return value


def _answer(report_json: dict[str, Any]) -> Any:
    report_json = reports.stamp(report_json, identity().did)
    store.record(store.get_db(), reports.summary(report_json, "api"))
    body = {"verified": report_json["verdict"] == "VALID", **report_json}
    return jsonify(body), STATUS_OF_VERDICT[report_json["verdict"]]


@bp.post("/credentials/verify")
def verify_credential() -> Any:
    """VC-API: verify a credential (no holder binding asked)."""
    _check_api_token()
    value = _value(_body(), "verifiableCredential")
    report = pipeline().verify(value, Policy(), store.get_db())
    return _answer(reports.to_json(report))


def _presentation_policy(options: Any) -> Policy:
    if options is None:
        return Policy()
    if not isinstance(options, dict):
        raise InputError("options must be an object", code="bad_request")
    challenge, domain = options.get("challenge"), options.get("domain")
    if challenge is None and domain is None:
        return Policy()
    if not (isinstance(challenge, str) and challenge and isinstance(domain, str) and domain):
        raise InputError("options needs both challenge and domain as strings", code="bad_request")
    # VC-API: challenge is the nonce and domain the audience the holder bound the proof to.
    return Policy(require_holder_binding=True, nonce=challenge, audience=domain)


@bp.post("/presentations/verify")
def verify_presentation() -> Any:
    """VC-API: verify a presentation; with options.challenge/domain, holder binding is required."""
    _check_api_token()
    body = _body()
    value = _value(body, "verifiablePresentation")
    policy = _presentation_policy(body.get("options"))
    report = pipeline().verify(value, policy, store.get_db())
    return _answer(reports.to_json(report))


@bp.post("/api/vp/requests")
def create_vp_request() -> Any:
    """Create an OpenID4VP request; the result_token in the answer is the only key to its result."""
    _check_api_token()
    body = _body()
    keys, issuer = body.get("claims", list(vp_requests.DEFAULT_KEYS)), body.get("issuer")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise InputError("claims must be a list of names", code="bad_request")
    if issuer is not None and not isinstance(issuer, str):
        raise InputError("issuer must be a DID", code="bad_request")
    token = new_secret()
    created = vp_requests.create(store.get_db(), keys, issuer, digest(token))
    answer = {
        "id": created.id,
        "link": created.link,
        "qr_text": created.qr_text,
        "expires_at": int(created.expires_at),
        "result_token": token,
        "claims_available": list(vp_requests.ASKABLE_KEYS),
    }
    return jsonify(answer), 201


@bp.get("/api/vp/requests/<request_id>")
def read_vp_request(request_id: str) -> Any:
    """The status of a request and, once answered, its report (Bearer result_token)."""
    token = _bearer()
    if not token:
        abort(401)
    try:
        row, report = vp_requests.read(store.get_db(), request_id, digest(token))
    except KeyError:
        abort(404)
    return jsonify({"id": request_id, "status": vp_requests.status_of(row), "report": report})


EXEMPT = (verify_credential, verify_presentation, create_vp_request, read_vp_request)
