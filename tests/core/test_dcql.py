"""DCQL queries (OpenID4VP 1.0 §6): building and strict validation."""

from __future__ import annotations

from typing import Any

import pytest

from microcred import dcql
from microcred.errors import InputError

VCT = "urn:microcred:micro-credential:1"


def query(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": "microcredential",
        "format": "dc+sd-jwt",
        "meta": {"vct_values": [VCT]},
        "claims": [{"path": ["achievement_title"]}, {"path": ["skills", None, "label"]}],
    }
    item.update(changes)
    return {"credentials": [item]}


def test_spec_example_parses() -> None:
    # OpenID4VP 1.0 §6.4 example shape: dc+sd-jwt with vct_values and three claim paths.
    parsed = dcql.parse_query(
        {
            "credentials": [
                {
                    "id": "my_credential",
                    "format": "dc+sd-jwt",
                    "meta": {"vct_values": ["https://credentials.example.com/identity_credential"]},
                    "claims": [
                        {"path": ["last_name"]},
                        {"path": ["first_name"]},
                        {"path": ["address", "street_address"]},
                    ],
                }
            ]
        }
    )
    cq = parsed.credential("my_credential")
    assert cq.require_cryptographic_holder_binding is True
    assert cq.multiple is False
    assert [c.path for c in cq.claims or ()][2] == ("address", "street_address")


def test_builder_round_trips_and_adds_issuer_value_match() -> None:
    built = dcql.sd_jwt_vc_query(
        "microcredential", VCT, [("achievement_title",)], issuer="did:web:u"
    )
    again = dcql.parse_query(built.to_json())
    cq = again.credential("microcredential")
    assert cq.vct_values == (VCT,)
    assert [(c.path, c.values) for c in cq.claims or ()] == [
        (("achievement_title",), None),
        (("iss",), ("did:web:u",)),
    ]
    assert dcql.requested_names(cq) == {"achievement_title", "iss"}


def test_unknown_members_are_ignored() -> None:
    # §6: "Implementations MUST ignore any unknown properties."
    data = query(future_member=True)
    data["also_new"] = 1
    assert dcql.parse_query(data).credentials[0].id == "microcredential"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param([], id="not-an-object"),
        pytest.param({"credentials": []}, id="no-credentials"),
        pytest.param({"credentials": [{}] * 17}, id="too-many-credentials"),
        pytest.param(query(id="has space"), id="bad-id"),
        pytest.param(query(id=""), id="empty-id"),
        pytest.param(query(format=1), id="format-not-string"),
        pytest.param(query(meta=None), id="meta-missing"),
        pytest.param(query(meta={}), id="sd-jwt-without-vct-values"),
        pytest.param(query(meta={"vct_values": [1]}), id="vct-not-string"),
        pytest.param(query(claims=[]), id="empty-claims"),
        pytest.param(query(claims=[{"path": []}]), id="empty-path"),
        pytest.param(query(claims=[{"path": ["a", -1]}]), id="negative-index"),
        pytest.param(query(claims=[{"path": ["a", True]}]), id="bool-step"),
        pytest.param(query(claims=[{"path": ["a", 1.5]}]), id="float-step"),
        pytest.param(query(claims=[{"path": ["a"] * 17}]), id="path-too-long"),
        pytest.param(query(claims=[{"path": ["a"], "values": []}]), id="empty-values"),
        pytest.param(query(claims=[{"path": ["a"], "values": [{}]}]), id="object-value"),
        pytest.param(
            query(claims=[{"path": ["a"], "id": "x"}, {"path": ["b"], "id": "x"}]),
            id="dup-claim-id",
        ),
        pytest.param(query(claims=None, claim_sets=[["x"]]), id="claim-sets-without-claims"),
        pytest.param(query(claim_sets=[["unknown"]]), id="claim-set-unknown-id"),
        pytest.param(query(multiple="yes"), id="multiple-not-bool"),
        pytest.param(query(require_cryptographic_holder_binding=0), id="binding-not-bool"),
        pytest.param({"credentials": [query()["credentials"][0]] * 2}, id="duplicate-query-id"),
        pytest.param(
            {**query(), "credential_sets": [{"options": [["nope"]]}]}, id="set-unknown-id"
        ),
        pytest.param({**query(), "credential_sets": [{"options": []}]}, id="set-no-options"),
        pytest.param(
            {**query(), "credential_sets": [{"options": [["microcredential"]], "required": "no"}]},
            id="set-required-not-bool",
        ),
    ],
)
def test_invalid_queries_are_refused(data: Any) -> None:
    with pytest.raises(InputError) as caught:
        dcql.parse_query(data)
    assert caught.value.code == "invalid_dcql"


def test_claims_may_be_absent() -> None:
    data = query()
    del data["credentials"][0]["claims"]
    cq = dcql.parse_query(data).credentials[0]
    assert cq.claims is None
    assert dcql.requested_names(cq) == frozenset()
