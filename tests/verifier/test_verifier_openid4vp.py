"""OpenID4VP round trips over real HTTP between the verifier and a test wallet (F01-F18, B15).

The verifier runs on a live server; the employer's browser is the Flask client on the same app
(same database, its own session cookie); the wallet is `TestWallet`, which fetches and verifies
the signed request object and posts its answer over HTTP.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from issuer_site import Institution
from loopback import free_port
from verifier_wallet import TestWallet
from verifier_world import ask, make_app, table_counts, trust

from microcred import jose, strictjson
from verifier import store


@pytest.fixture
def verifier(tmp_path: Path, live_server: Any, institution: Institution) -> Iterator[Flask]:
    port = free_port()
    app = make_app(tmp_path, BASE_URL=f"http://localhost:{port}")
    trust(app, institution)
    live_server(app, port)
    yield app


@pytest.fixture
def employer(verifier: Flask) -> FlaskClient:
    return verifier.test_client()


@pytest.fixture
def wallet(institution: Institution) -> TestWallet:
    return TestWallet(institution.sd_jwt())


def status(employer: FlaskClient, request_id: str) -> str:
    return employer.get(f"/vp/{request_id}/status").get_data(as_text=True)


def test_round_trip_three_claims_only_those_come_back(
    verifier: Flask, employer: FlaskClient, wallet: TestWallet
) -> None:
    request_id, link = ask(employer, "title", "learning_outcomes", "name")
    assert "hx-get" in status(employer, request_id) and "Waiting" in status(employer, request_id)
    sent = wallet.answer(link)
    # The wallet checked the signed request against the verifier's did:web.
    port = verifier.config["BASE_URL"].rsplit(":", 1)[1]
    assert sent.request.client_id == f"decentralized_identifier:did:web:localhost%3A{port}"
    assert sent.answer["status"] == 200
    assert sent.answer["redirect_uri"].startswith(
        f"{verifier.config['BASE_URL']}/vp/done/{request_id}#response_code="
    )
    html = status(employer, request_id)
    assert "verdict-valid" in html and "hx-get" not in html
    assert "Thị Ánh" in html and "Nguyễn" in html  # asked for and disclosed
    assert "student-2026-0042" not in html and "8.5" not in html  # never asked: never sent
    asked = jose.parse(_request_jwt(verifier, request_id)).payload["dcql_query"]
    paths = [c["path"] for c in asked["credentials"][0]["claims"]]
    assert paths == [["achievement_title"], ["learning_outcomes"], ["given_name"], ["family_name"]]
    disclosed = sorted(d.split("~")[0] for d in sent.form["vp_token"].split("~")[1:-1])
    assert len(disclosed) == 2  # exactly the two selectively disclosable claims asked for
    entries = store.history(store.connect(verifier.config["DATABASE"]))
    assert [(e["verdict"], e["source"]) for e in entries] == [("VALID", "openid4vp")]


def _request_jwt(app: Flask, request_id: str) -> str:
    row = store.get_vp_request(store.connect(app.config["DATABASE"]), request_id)
    assert row is not None
    return str(row["request_jwt"])


def test_request_object_is_signed_by_the_verifiers_did_and_stable(
    verifier: Flask, employer: FlaskClient, wallet: TestWallet
) -> None:
    request_id, link = ask(employer, "title", "grade")
    first, second = wallet.read(link), wallet.read(link)  # F17: fetched twice, same request
    assert first.claims == second.claims
    claims = first.claims
    assert claims["response_type"] == "vp_token" and claims["response_mode"] == "direct_post"
    assert claims["aud"] == "https://self-issued.me/v2"
    assert claims["response_uri"] == f"{verifier.config['BASE_URL']}/vp/response/{request_id}"
    assert len(claims["nonce"]) >= 22 and len(claims["state"]) >= 22  # 128-bit values
    assert claims["client_metadata"]["vp_formats_supported"]["dc+sd-jwt"]["kb-jwt_alg_values"]
    paths = [c["path"] for c in claims["dcql_query"]["credentials"][0]["claims"]]
    assert paths == [["achievement_title"], ["assessment_grade"]]


def test_the_grade_is_not_asked_by_default(employer: FlaskClient) -> None:
    page = employer.get("/ask").get_data(as_text=True)
    assert re.search(r'value="grade"\s*>', page) and not re.search(r'value="grade" checked', page)
    assert re.search(r'value="title" checked', page)


def test_extra_claims_are_neither_shown_nor_stored(
    verifier: Flask, employer: FlaskClient, wallet: TestWallet
) -> None:
    request_id, link = ask(employer, "title")
    wallet.answer(link, extra=(("assessment_grade",), ("learner_identification",)))
    html = status(employer, request_id)
    assert "verdict-valid" in html
    assert "8.5" not in html and "student-2026-0042" not in html
    dump = "\n".join(store.connect(verifier.config["DATABASE"]).conn.iterdump())
    assert "student-2026-0042" not in dump and '"8.5"' not in dump


def test_missing_claims_are_rejected(employer: FlaskClient, wallet: TestWallet) -> None:
    request_id, link = ask(employer, "title", "name")
    wallet.answer(link, drop=(("family_name",),))
    html = status(employer, request_id)
    assert "verdict-invalid" in html and "claims_missing" in html
    assert "Thị Ánh" not in html  # G5: nothing of a rejected answer is shown


def test_replayed_presentation_is_rejected(employer: FlaskClient, wallet: TestWallet) -> None:
    first_id, first_link = ask(employer, "title", "name")
    captured = wallet.answer(first_link)
    second_id, second_link = ask(employer, "title", "name")
    second = wallet.read(second_link)
    form = {"vp_token": captured.form["vp_token"], "state": second.state or ""}
    assert wallet.post(second, form)["status"] == 200
    html = status(employer, second_id)
    assert "verdict-invalid" in html and "kb_nonce_mismatch" in html
    assert "verdict-valid" in status(employer, first_id)


def test_presentation_for_another_verifier_is_rejected(
    employer: FlaskClient, wallet: TestWallet
) -> None:
    request_id, link = ask(employer, "title")
    wallet.answer(link, audience="decentralized_identifier:did:web:other.example")
    assert "kb_aud_mismatch" in status(employer, request_id)


def test_presentation_with_a_wrong_nonce_is_rejected(
    employer: FlaskClient, wallet: TestWallet
) -> None:
    request_id, link = ask(employer, "title")
    wallet.answer(link, nonce="n-made-up-by-the-wallet-0000")
    assert "kb_nonce_mismatch" in status(employer, request_id)


def test_a_given_institution_is_enforced(
    employer: FlaskClient, wallet: TestWallet, institution: Institution, verifier: Flask
) -> None:
    other = "did:web:other-university.example"
    db = store.connect(verifier.config["DATABASE"])
    from microcred.trust import TrustedIssuer

    store.add_issuer(db, TrustedIssuer(other, "Other", "FR", "HCERES", None, None))
    request_id, link = ask(employer, "title", issuer=other)
    request = wallet.read(link)
    with pytest.raises(KeyError):
        wallet.paths_for(request)  # an honest wallet has nothing that matches
    presentation = wallet.present(request, (("achievement_title",),))
    from microcred import oid4vp

    wallet.post(request, oid4vp.build_response(request, {"microcredential": [presentation]}))
    assert "issuer_mismatch" in status(employer, request_id)


def test_an_institution_outside_the_registry_cannot_be_chosen(employer: FlaskClient) -> None:
    response = employer.post("/ask", data={"claims": ["title"], "issuer": "did:web:x.example"})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "form",
    [
        pytest.param(
            lambda state, token: {"vp_token": token, "state": "wrong" + state}, id="wrong-state"
        ),
        pytest.param(lambda state, token: {"vp_token": token}, id="no-state"),
        pytest.param(
            lambda state, token: {"vp_token": "not json", "state": state}, id="malformed-token"
        ),
        pytest.param(
            lambda state, token: {"vp_token": '{"other":["x"]}', "state": state}, id="unknown-query"
        ),
        pytest.param(lambda state, token: {"state": state}, id="nothing"),
    ],
)
def test_bad_answers_get_400_and_store_nothing(
    verifier: Flask, employer: FlaskClient, wallet: TestWallet, form: Any
) -> None:
    request_id, link = ask(employer, "title")
    request = wallet.read(link)
    token = strictjson.dumps(
        {"microcredential": [wallet.present(request, (("achievement_title",),))]}
    )
    before = table_counts(verifier)
    answer = wallet.post(request, form(request.state, token))
    assert (answer["status"], answer["error"]) == (400, "invalid_request")
    assert table_counts(verifier) == before
    assert "Waiting" in status(employer, request_id)  # still open for the real answer
    assert wallet.answer(link).answer["status"] == 200


def test_unknown_request_id(wallet: TestWallet, verifier: Flask) -> None:
    from microcred import oid4vp

    fake = oid4vp.AuthorizationRequest(
        "x",
        f"{verifier.config['BASE_URL']}/vp/response/unknown",
        "n" * 22,
        "s" * 22,
        None,
        None,
        {},  # type: ignore[arg-type]
    )
    assert wallet.post(fake, {"vp_token": "{}", "state": "s" * 22})["status"] == 400


def test_double_submit_is_answered_once(
    verifier: Flask, employer: FlaskClient, wallet: TestWallet
) -> None:
    request_id, link = ask(employer, "title")
    sent = wallet.answer(link)
    counts = table_counts(verifier)
    again = wallet.post(sent.request, sent.form)  # F18: a retry after a timeout
    assert again["status"] == 400 and "answered" in again["error_description"]
    assert table_counts(verifier) == counts
    assert "verdict-valid" in status(employer, request_id)


def test_declined(employer: FlaskClient, wallet: TestWallet) -> None:
    request_id, link = ask(employer, "title")
    assert wallet.decline(link) == {"status": 200}
    assert "The learner declined" in status(employer, request_id)


def test_expired_requests(tmp_path: Path, live_server: Any, institution: Institution) -> None:
    port = free_port()
    app = make_app(tmp_path, BASE_URL=f"http://localhost:{port}", VP_REQUEST_LIFETIME=1)
    live_server(app, port)
    employer = app.test_client()
    request_id, link = ask(employer, "title")
    wallet = TestWallet(institution.sd_jwt())
    request = wallet.read(link)
    time.sleep(1.1)
    token = strictjson.dumps(
        {"microcredential": [wallet.present(request, (("achievement_title",),))]}
    )
    assert wallet.post(request, {"vp_token": token, "state": request.state or ""})["status"] == 400
    assert "expired" in status(employer, request_id)
    from microcred.errors import FetchError

    with pytest.raises(FetchError):
        wallet.read(link)  # the request object is gone too


def test_only_the_creating_session_reads_the_result(
    verifier: Flask, employer: FlaskClient, wallet: TestWallet
) -> None:
    request_id, link = ask(employer, "title", "name")
    wallet.answer(link)
    stranger = verifier.test_client()
    for path in (f"/vp/{request_id}", f"/vp/{request_id}/status", f"/vp/{request_id}/qr.svg",
                 f"/result/{request_id}"):  # fmt: skip
        assert stranger.get(path).status_code == 404
    assert employer.get(f"/result/{request_id}").status_code == 200
    assert employer.get(f"/vp/{request_id}/qr.svg").mimetype == "image/svg+xml"


def test_same_device_done_page_needs_session_and_response_code(
    verifier: Flask, employer: FlaskClient, wallet: TestWallet
) -> None:
    request_id, link = ask(employer, "title", "name")
    redirect_uri = wallet.answer(link).answer["redirect_uri"]
    path, code = redirect_uri.split(verifier.config["BASE_URL"], 1)[1].split("#response_code=")
    page = employer.get(path)
    assert page.status_code == 200 and b"verifier-done.js" in page.data
    result = employer.post(path, data={"response_code": code})
    assert result.status_code == 200 and b"verdict-valid" in result.data
    assert employer.post(path, data={"response_code": code[:-1] + "x"}).status_code == 404
    assert verifier.test_client().post(path, data={"response_code": code}).status_code == 404


def test_api_round_trip(verifier: Flask, wallet: TestWallet) -> None:
    client = verifier.test_client()
    created = client.post("/api/vp/requests", json={"claims": ["title", "name"]}).json
    wallet.answer(created["link"])
    token = {"Authorization": f"Bearer {created['result_token']}"}
    read = client.get(f"/api/vp/requests/{created['id']}", headers=token).json
    assert read["status"] == "answered" and read["report"]["verdict"] == "VALID"
    assert read["report"]["claims"]["given_name"] == "Thị Ánh"
    assert "assessment_grade" not in read["report"]["claims"]
