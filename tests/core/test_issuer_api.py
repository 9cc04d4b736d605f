"""The issuer's VC-API request bodies: /credentials/issue and /credentials/status."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.errors import InputError
from microcred.issuer_api import read_issue_request, read_status_request

COURSE = "https://uni.example/register/courses/da-101"
HOLDER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def issue_body(subject: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "credential": {
            "credentialSubject": {
                "givenName": "Văn An",
                "familyName": "Nguyễn",
                "learnerId": "SV1",
                "achievement": {"id": COURSE},
                **(subject or {}),
            }
        }
    }
    if options:
        body["options"] = options
    return body


def test_an_offer_is_the_default_without_a_holder() -> None:
    ask = read_issue_request(issue_body(), today="2025-06-30")
    assert (ask.format, ask.holder_did, ask.tx_code, ask.course_id) == (
        "offer",
        None,
        False,
        COURSE,
    )
    assert (ask.award.given_name, ask.award.date_of_issuance) == ("Văn An", "2025-06-30")


def test_a_holder_did_gets_a_signed_credential() -> None:
    ask = read_issue_request(
        issue_body({"id": HOLDER, "grade": "9"}, format="dc+sd-jwt", credentialId="lms-7"),
        today="2025-06-30",
    )
    assert (ask.format, ask.holder_did, ask.award.grade, ask.external_id) == (
        "dc+sd-jwt",
        HOLDER,
        "9",
        "lms-7",
    )
    assert read_issue_request(issue_body({"id": HOLDER}), today="x").format == "ldp_vc"


def test_one_name_is_enough() -> None:
    for missing, kept in (("familyName", "given_name"), ("givenName", "family_name")):
        body = issue_body()
        del body["credential"]["credentialSubject"][missing]
        award = read_issue_request(body, today="2025-06-30").award
        assert getattr(award, kept) and (award.given_name == "" or award.family_name == "")


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"credential": {}},
        {**issue_body(), "extra": 1},
        issue_body({"nickname": "An"}),
        issue_body({"learnerId": ""}),
        issue_body({"achievement": {}}),
        issue_body({"id": "did:web:evil.example"}),
        issue_body(format="ldp_vc"),
        issue_body({"id": HOLDER}, format="offer"),
        issue_body(format="mso_mdoc"),
        issue_body(txCode="yes"),
        issue_body({"givenName": 5}),
    ],
    ids=[
        "not-object",
        "no-subject",
        "unknown-top",
        "unknown-subject",
        "empty-learner-id",
        "no-course",
        "did-web-holder",
        "format-without-holder",
        "offer-with-holder",
        "unknown-format",
        "tx-not-bool",
        "name-not-text",
    ],
)
def test_bad_issue_requests(body: Any) -> None:
    with pytest.raises(InputError) as caught:
        read_issue_request(body, today="2025-06-30")
    assert caught.value.code == "invalid_request"


@pytest.mark.parametrize(
    ("entry", "flag", "status"),
    [
        ([{"type": "BitstringStatusListEntry", "status": "revoked"}], None, "revoked"),
        ([{"type": "StatusList2021Credential", "status": "suspended"}], None, "suspended"),
        ([{"type": "BitstringStatusListEntry", "status": "active"}], None, "active"),
        ({"type": "BitstringStatusList", "statusPurpose": "revocation"}, True, "revoked"),
        ({"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}, True, "suspended"),
        ({"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}, False, "active"),
    ],
    ids=["dcc-revoke", "dcc-suspend", "dcc-active", "vcapi-revoke", "vcapi-suspend", "vcapi-lift"],
)
def test_both_status_request_shapes(entry: Any, flag: bool | None, status: str) -> None:
    body: dict[str, Any] = {"credentialId": "urn:uuid:x", "credentialStatus": entry}
    if flag is not None:
        body["status"] = flag
    assert read_status_request(body).status == status


@pytest.mark.parametrize(
    "body",
    [
        {"credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}]},
        {"credentialId": "x", "credentialStatus": []},
        {"credentialId": "x", "credentialStatus": [{"type": "Other", "status": "revoked"}]},
        {
            "credentialId": "x",
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "deleted"}],
        },
        {
            "credentialId": "x",
            "credentialStatus": {"type": "BitstringStatusList", "statusPurpose": "revocation"},
            "status": False,
        },
        {
            "credentialId": "x",
            "credentialStatus": {"type": "BitstringStatusList", "statusPurpose": "refresh"},
            "status": True,
        },
        {
            "credentialId": "x",
            "credentialStatus": {"type": "BitstringStatusList", "statusPurpose": "revocation"},
            "status": "true",
        },
    ],
    ids=[
        "no-id",
        "empty",
        "unknown-type",
        "unknown-status",
        "unrevoke",
        "other-purpose",
        "text-flag",
    ],
)
def test_bad_status_requests(body: Any) -> None:
    with pytest.raises(InputError):
        read_status_request(body)
