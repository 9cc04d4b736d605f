"""From a stored award to a signed credential in one of the three formats, bound to a holder."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from microcred import issuance
from microcred.errors import StatusListError
from microcred.key_proof import HolderKey
from microcred.model import Award, Course
from microcred.oid4vci import JWT_VC_CONFIG, OB3_CONFIG, SD_JWT_CONFIG
from microcred.status_documents import status_urls, token_url

from .identity import Institution


def award_model(award: dict[str, Any]) -> tuple[Course, Award]:
    """The course (as it was when the award was made) and the award of a stored award row."""
    course = Course.from_dict(json.loads(award["course_snapshot"]))
    return course, Award(
        given_name=award["given_name"],
        family_name=award["family_name"],
        learner_id=award["learner_id"],
        date_of_issuance=award["date_of_issuance"],
        grade=award["grade"],
        valid_until=award["valid_until"],
    )


def award_row(
    award_id: str, course: dict[str, Any], award: Award, email: str | None
) -> dict[str, Any]:
    """The awards row for a new award of a stored course (the inverse of `award_model`)."""
    return {
        "id": award_id,
        "course_id": course["id"],
        "course_snapshot": json.dumps(course["data"], ensure_ascii=False),
        "given_name": award.given_name,
        "family_name": award.family_name,
        "learner_id": award.learner_id,
        "email": email,
        "grade": award.grade,
        "date_of_issuance": award.date_of_issuance,
        "valid_until": award.valid_until,
    }


def award_urn(award_id: str) -> str:
    """The award's identifier in APIs (the VC-API `credentialId`)."""
    return f"urn:uuid:{uuid.UUID(award_id)}"


def credential_id(award_id: str, configuration_id: str) -> str:
    """A stable id per format of one award (each format is its own credential document)."""
    return f"urn:uuid:{uuid.uuid5(uuid.UUID(award_id), configuration_id)}"


def _end_of_day(date: str | None) -> dt.datetime | None:
    if date is None:
        return None
    return dt.datetime.fromisoformat(date).replace(hour=23, minute=59, second=59, tzinfo=dt.UTC)


def issue(
    institution: Institution,
    name: str,
    award: dict[str, Any],
    configuration_id: str,
    holder: HolderKey,
    now: float,
) -> str | dict[str, Any]:
    """Sign the award in a configuration's format, bound to the holder's key or DID."""
    course, model = award_model(award)
    identity = institution.identity(name)
    issued_at = dt.datetime.fromtimestamp(int(now), dt.UTC)
    if award.get("status_list") is None:
        raise StatusListError("the award has no status list", code="status_invalid")
    status_list, index = int(award["status_list"]), int(award["list_index"])
    base = institution.base_url
    if configuration_id == SD_JWT_CONFIG:
        return issuance.issue_sd_jwt_vc(
            identity,
            course,
            model,
            holder_jwk=holder.public_key.jwk,
            issued_at=issued_at,
            expires_at=_end_of_day(model.valid_until),
            status=(token_url(base, status_list), index),
        )
    entries = issuance.bitstring_status_entries(status_urls(base, status_list), index)
    common: dict[str, Any] = {
        "credential_id": credential_id(award["id"], configuration_id),
        "subject_id": holder.did,
        "issued_at": issued_at,
        "status": entries,
    }
    if configuration_id == OB3_CONFIG:
        return issuance.issue_open_badge(identity, course, model, **common)
    if configuration_id == JWT_VC_CONFIG:
        return issuance.issue_vc_jwt(identity, course, model, **common)
    raise ValueError(f"unknown configuration {configuration_id}")
