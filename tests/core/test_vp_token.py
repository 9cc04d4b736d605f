"""The direct_post Authorization Response as a verifier reads it (OpenID4VP 1.0 §8)."""

from __future__ import annotations

from typing import Any

import pytest

from microcred import dcql, strictjson, vp_token
from microcred.errors import InputError

VCT = "urn:microcred:micro-credential:1"
QUERY = dcql.sd_jwt_vc_query("microcredential", VCT, [("achievement_title",)])


def test_a_vp_token_answer() -> None:
    form = {"vp_token": strictjson.dumps({"microcredential": ["a.b.c~"]}), "state": "s", "x": "y"}
    response = vp_token.parse_response(form)
    assert response.state == "s" and response.error is None
    assert vp_token.presentations(response, QUERY) == {"microcredential": ("a.b.c~",)}


def test_an_error_answer() -> None:
    response = vp_token.parse_response({"error": "access_denied", "state": "s"})
    assert (response.error, response.vp_token) == ("access_denied", None)


@pytest.mark.parametrize(
    "form",
    [
        pytest.param({"state": "s"}, id="neither-token-nor-error"),
        pytest.param({"vp_token": "not json"}, id="not-json"),
        pytest.param({"vp_token": '["a.b.c~"]'}, id="array-not-object"),
        pytest.param({"vp_token": '{"a":1,"a":2}'}, id="duplicate-keys"),
        pytest.param({"vp_token": '{"a": NaN}'}, id="nan"),
        pytest.param({"vp_token": "[" * 100_000}, id="deep-nesting"),
        pytest.param({"vp_token": '{"a":"' + "x" * 600_000 + '"}'}, id="too-large"),
    ],
)
def test_malformed_answers_are_refused(form: dict[str, str]) -> None:
    with pytest.raises(InputError):
        vp_token.parse_response(form)


@pytest.mark.parametrize(
    "token",
    [
        pytest.param({"other": ["a.b.c~"]}, id="unknown-query-id"),
        pytest.param({"microcredential": []}, id="empty-array"),
        pytest.param({"microcredential": "a.b.c~"}, id="not-an-array"),
        pytest.param({"microcredential": ["a.b.c~", "d.e.f~"]}, id="two-without-multiple"),
        pytest.param({}, id="missing-credential"),
    ],
)
def test_token_shape_is_checked_against_the_query(token: Any) -> None:
    response = vp_token.parse_response({"vp_token": strictjson.dumps(token)})
    with pytest.raises(InputError):
        vp_token.presentations(response, QUERY)
