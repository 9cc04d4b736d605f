"""Which held credentials and claims answer a DCQL query (OpenID4VP 1.0 §6.4, §7)."""

from __future__ import annotations

from typing import Any

import pytest

from microcred import claim_selection as cs, dcql

VCT = "urn:microcred:micro-credential:1"
# OpenID4VP 1.0 §7.3 example credential.
ARTHUR = {
    "name": "Arthur Dent",
    "address": {"street_address": "42 Market Street", "locality": "Milliways"},
    "degrees": [
        {"type": "Bachelor of Science", "university": "University of Betelgeuse"},
        {"type": "Master of Science", "university": "University of Betelgeuse"},
    ],
    "nationalities": ["British", "Betelgeusian"],
}


@pytest.mark.parametrize(
    ("path", "selected"),
    [
        pytest.param(("name",), ["Arthur Dent"], id="name"),
        pytest.param(("address", "street_address"), ["42 Market Street"], id="nested"),
        pytest.param(
            ("degrees", None, "type"), ["Bachelor of Science", "Master of Science"], id="all"
        ),
        pytest.param(("nationalities", 1), ["Betelgeusian"], id="index"),
        pytest.param(("nationalities", 5), [], id="index-out-of-range"),
        pytest.param(("missing",), [], id="missing-key"),
        pytest.param(("name", "first"), [], id="key-into-string"),
        pytest.param(("address", None), [], id="wildcard-on-object"),
        pytest.param(("name", 0), [], id="index-into-string"),
    ],
)
def test_claims_path_pointer_spec_examples(path: dcql.ClaimPath, selected: list[Any]) -> None:
    assert cs.select(ARTHUR, path) == selected


def held(
    claims: dict[str, Any], vct: str = VCT, fmt: str = "dc+sd-jwt", cid: str = "c1"
) -> cs.Held:
    return cs.Held(cid, fmt, claims, vct)


def test_match_picks_credentials_that_carry_every_claim() -> None:
    query = dcql.sd_jwt_vc_query("mc", VCT, [("given_name",), ("achievement_title",)])
    full = held({"given_name": "An", "achievement_title": "Data"}, cid="full")
    partial = held({"achievement_title": "Data"}, cid="partial")
    other_type = held({"given_name": "An", "achievement_title": "Data"}, vct="urn:x", cid="x")
    other_format = held({"given_name": "An", "achievement_title": "Data"}, fmt="ldp_vc", cid="y")
    found = cs.match(query, [full, partial, other_type, other_format])
    assert found == {"mc": [cs.Match("mc", "full", (("given_name",), ("achievement_title",)))]}
    assert cs.answerable(query, found)
    assert not cs.answerable(query, {})


def test_value_match_on_the_issuer() -> None:
    query = dcql.sd_jwt_vc_query("mc", VCT, [("achievement_title",)], issuer="did:web:a")
    ours = held({"iss": "did:web:a", "achievement_title": "T"}, cid="a")
    theirs = held({"iss": "did:web:b", "achievement_title": "T"}, cid="b")
    assert [m.credential_id for m in cs.match(query, [ours, theirs])["mc"]] == ["a"]


def test_values_match_type_and_value_exactly() -> None:
    data = {"credentials": [{"id": "q", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]},
            "claims": [{"path": ["level"], "values": [1]}]}]}  # fmt: skip
    query = dcql.parse_query(data)
    assert cs.match(query, [held({"level": 1})])
    assert not cs.match(query, [held({"level": True})])
    assert not cs.match(query, [held({"level": "1"})])


def test_claim_sets_follow_the_verifiers_preference() -> None:
    data = {"credentials": [{"id": "q", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]},
            "claims": [{"id": "a", "path": ["a"]}, {"id": "b", "path": ["b"]}],
            "claim_sets": [["a"], ["b"]]}]}  # fmt: skip
    query = dcql.parse_query(data)
    assert cs.match(query, [held({"a": 1, "b": 2})])["q"][0].paths == (("a",),)
    assert cs.match(query, [held({"b": 2})])["q"][0].paths == (("b",),)
    assert cs.missing_claims(query.credentials[0], {"b": 2}) == []
    assert cs.missing_claims(query.credentials[0], {}) == [("a",), ("b",)]


def test_no_claims_asked_means_nothing_to_disclose() -> None:
    query = dcql.sd_jwt_vc_query("mc", VCT, [])
    assert cs.match(query, [held({"given_name": "An"})])["mc"][0].paths == ()


def test_credential_sets_decide_what_is_answerable() -> None:
    item = {"format": "dc+sd-jwt", "meta": {"vct_values": [VCT]}}
    query = dcql.parse_query(
        {
            "credentials": [{"id": "a", **item}, {"id": "b", **item}, {"id": "c", **item}],
            "credential_sets": [
                {"options": [["a"], ["b"]]},
                {"options": [["c"]], "required": False},
            ],
        }
    )
    assert cs.answerable(query, {"b": [1]})
    assert not cs.answerable(query, {"c": [1]})


def test_missing_claims_for_the_verifier() -> None:
    query = dcql.sd_jwt_vc_query("mc", VCT, [("given_name",), ("family_name",)])
    cq = query.credentials[0]
    assert cs.missing_claims(cq, {"given_name": "An", "family_name": "Ng"}) == []
    assert cs.missing_claims(cq, {"given_name": "An"}) == [("family_name",)]
