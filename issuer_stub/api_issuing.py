"""Issuing for the VC-API: duplicate check, award, offer or signed credential, all in one go.

Everything happens inside one write transaction (SECURITY-CASES G3, J01): the learner is checked
against the course's unrevoked awards under the write lock (so two identical requests cannot
both pass), the award and its offer are inserted, a credential for a holder DID is signed, and
the token's last use is noted. If anything fails, signing included, nothing is left behind.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from typing import Any

from flask import current_app

from microcred.errors import CredentialError
from microcred.issuer_api import IssueRequest
from microcred.key_proof import HolderKey
from microcred.oid4vci import JWT_VC_CONFIG, OB3_CONFIG, SD_JWT_CONFIG

from . import issuing, store
from .identity import institution
from .issuing import award_row
from .offers import make_offer, offer_links, offer_uri, tx_code
from .publishing import institution_name, publisher
from .store import awards as award_store, tokens as token_store

CONFIG_BY_FORMAT = {"ldp_vc": OB3_CONFIG, "jwt_vc_json": JWT_VC_CONFIG, "dc+sd-jwt": SD_JWT_CONFIG}


def _record(
    award_id: str, ask: IssueRequest, course: dict[str, Any], now: float, *, signed: bool
) -> dict[str, Any]:
    # A credential signed for a DID is handed over in this very answer.
    return award_row(award_id, course, ask.award, None) | {
        "external_id": ask.external_id,
        "collected_at": now if signed else None,
    }


def _offer_answer(offer_id: str, expires_at: float, with_code: bool) -> dict[str, Any]:
    base = current_app.config["BASE_URL"]
    links = offer_links(base, offer_id)
    answer = {
        "credential_offer_uri": offer_uri(base, offer_id),
        "link": links["link"],
        "page": links["page"],
        "expires_at": dt.datetime.fromtimestamp(expires_at, dt.UTC).isoformat(),
    }
    if with_code:
        answer["tx_code"] = tx_code(offer_id)
    return answer


def issue_award(
    ask: IssueRequest,
    course: dict[str, Any],
    holder: HolderKey | None,
    *,
    caller: dict[str, Any],
    now: float,
) -> dict[str, Any]:
    """Make the award and its offer (or signed credential) atomically; the API answer."""
    db = store.get_db()
    award_id = uuid.uuid4().hex
    lifetime = current_app.config["BULK_OFFER_LIFETIME"]
    offer = None if holder else make_offer(now, lifetime, ask.tx_code)
    answer: dict[str, Any] = {"credentialId": issuing.award_urn(award_id)}
    with store.write(db):
        # The same rule as the staff form: one unrevoked award per learner and course.
        existing = award_store.learner_has_award(db, course["id"], ask.award.learner_id)
        if existing is not None:
            raise CredentialError(
                f"learner {ask.award.learner_id[:40]} already has this micro-credential"
                f" ({issuing.award_urn(existing)}); revoke it first to issue it again",
                code="duplicate",
            )
        record = _record(award_id, ask, course, now, signed=holder is not None)
        actor = f"api:{caller['name']}"
        try:
            award_store.create_award(
                db, record, offer=offer, actor=actor, now=now, publisher=publisher(db, now)
            )
        except sqlite3.IntegrityError:
            raise CredentialError("this credentialId was already used", code="duplicate") from None
        if offer is not None:
            answer["offer"] = _offer_answer(offer.id, offer.expires_at, ask.tx_code)
        else:
            assert holder is not None
            award = award_store.get_award(db, award_id)
            assert award is not None
            config = CONFIG_BY_FORMAT[ask.format]
            answer["verifiableCredential"] = issuing.issue(
                institution(), institution_name(db), award, config, holder, now
            )
        token_store.touch_token(db, caller["id"], now)
    return answer
