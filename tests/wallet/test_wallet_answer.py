"""Answering an employer (OpenID4VP): a live verifier app, and hostile verifiers on loopback.

The happy path runs against the real verifier over HTTP; the bad-input rows use a fake verifier
that signs its own request objects with its own did:web (F07, F08, F10, F11, F12, F15 and "a
verifier that then posts elsewhere"). Nothing is sent unless the learner consented, and then
exactly the claims the consent screen listed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from loopback import free_port
from verifier_world import ask, make_app as make_verifier, trust
from wallet_fake_site import FakeSite, Hostile
from wallet_samples import IDENTITY
from wallet_world import Auth, form_token, give_card, make_app, table_counts

from microcred import strictjson
from microcred.keys import PrivateKey


@pytest.fixture
def verifier(tmp_path: Path, live_server: Any) -> Flask:
    """The real verifier over HTTP, trusting the wallet samples' issuer."""
    port = free_port()
    app = make_verifier(
        tmp_path / "verifier",
        BASE_URL=f"http://localhost:{port}",
        WALLET_URL="http://localhost:5002",
        PREFETCH_ON_START=False,
        PREFETCH_IN_BACKGROUND=False,
    )
    trust(app, IDENTITY)
    live_server(app, port)
    return app


@pytest.fixture
def learner(
    app: Flask, client: FlaskClient, auth: Auth, card_for: Callable[..., str]
) -> FlaskClient:
    auth.signup()
    card_for()
    return client


def open_request(learner: FlaskClient, link: str) -> Any:
    """Paste the link, follow to the consent page; return the consent page's path."""
    pasted = learner.post("/receive", data={"link": link})
    assert pasted.status_code == 303, pasted.data[:500]
    fetched = learner.get(pasted.headers["Location"])
    return fetched


def test_consent_then_only_the_asked_claims_reach_the_verifier(
    verifier: Flask, learner: FlaskClient
) -> None:
    employer = verifier.test_client()
    request_id, link = ask(employer, "title", "learning_outcomes", "name")
    fetched = open_request(learner, link)
    assert fetched.status_code == 303
    consent_path = fetched.headers["Location"]
    page = learner.get(consent_path).get_data(as_text=True)
    port = verifier.config["BASE_URL"].rsplit(":", 1)[1]
    for text in (
        f"decentralized_identifier:did:web:localhost%3A{port}",
        "name not verified",
        "identifier checked",
        f"localhost:{port}",
        "Data Analysis with Python",
        "Exactly what would leave your wallet",
        "Given name",
        "Family name",
    ):
        assert text in page, text
    asked = page.split("Asked for:", 1)[1].split("</ul>", 1)[0]
    assert "Grade" not in asked and "Learner identifier" not in asked
    done = learner.post(consent_path, data={"action": "share", **_choices(page)})
    assert done.status_code == 200, done.get_data(as_text=True)[-1500:]
    text = done.get_data(as_text=True)
    assert "Shared" in text
    follow = re.search(r'href="([^"]+)" data-auto-follow', text)
    assert follow and follow.group(1).startswith(
        f"{verifier.config['BASE_URL']}/vp/done/{request_id}#response_code="
    )
    status = employer.get(f"/vp/{request_id}/status").get_data(as_text=True)
    assert "verdict-valid" in status and "Thị Ánh" in status
    assert "8.5" not in status and "student-2026-0042" not in status
    assert learner.post(consent_path, data={"action": "share", **_choices(page)}).status_code == 404


def _choices(page: str) -> dict[str, str]:
    found = re.findall(r'name="(choice-[^"]+)" value="([^"]+)"', page)
    return {name: value for name, value in found[:1]}


def test_same_device_link_opens_the_consent_page(verifier: Flask, learner: FlaskClient) -> None:
    employer = verifier.test_client()
    request_id, qr_link = ask(employer, "title")
    query = qr_link.split("?", 1)[1]
    response = learner.get("/vp?" + query)
    assert response.status_code == 303 and response.headers["Location"].startswith("/vp/")


def test_decline_sends_no_claims(verifier: Flask, learner: FlaskClient) -> None:
    employer = verifier.test_client()
    request_id, link = ask(employer, "title", "name")
    consent_path = open_request(learner, link).headers["Location"]
    done = learner.post(consent_path, data={"action": "decline"})
    assert done.status_code == 200 and "Declined" in done.get_data(as_text=True)
    status = employer.get(f"/vp/{request_id}/status").get_data(as_text=True)
    assert "Thị Ánh" not in status


# --- hostile verifiers ---------------------------------------------------------------------


@pytest.fixture
def hostile() -> Any:
    site = FakeSite()
    yield Hostile(site)
    site.close()


def attempt(learner: FlaskClient, link: str, **extra: str) -> Any:
    """Paste a link and follow the wallet's own redirects to the page the learner would see."""
    response = learner.post("/receive", data={"link": link, **extra})
    while response.status_code == 303 and response.headers["Location"].startswith("/vp"):
        response = learner.get(response.headers["Location"])
    return response


CASES: list[tuple[str, Callable[[Hostile], str], str]] = [
    (
        "posts-elsewhere",
        lambda h: h.link(response_uri="http://localhost:1/steal"),
        "which is not the verifier",
    ),
    ("wrong-key", lambda h: h.link(signer=PrivateKey.generate()), "signature"),
    (
        "client-id-differs",
        lambda h: h.link(client_id="decentralized_identifier:did:web:bank.example"),
        "client_id differs",
    ),
    (
        "redirect-uri-too",
        lambda h: h.link(redirect_uri=h.site.base + "/x"),
        "redirect_uri must not be present",
    ),
    ("expired", lambda h: h.link(exp=int(time.time()) - 3600), "expired"),
    ("short-nonce", lambda h: h.link(nonce="abc"), "nonce"),
    ("other-wallet", lambda h: h.link(aud="https://other-wallet.example"), "another wallet"),
    ("not-vp-token", lambda h: h.link(response_type="id_token"), "vp_token"),
]


@pytest.mark.parametrize(("make", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_requests_are_refused_before_anything_is_shown(
    app: Flask, learner: FlaskClient, hostile: Hostile, make: Callable[[Hostile], str], message: str
) -> None:
    before = table_counts(app)
    response = attempt(learner, make(hostile))
    assert 400 <= response.status_code < 500
    text = response.get_data(as_text=True)
    assert message in text, text[text.find('role="alert"') :][:600]
    assert "Nothing was shared" in text
    assert table_counts(app) == before
    assert hostile.site.received == []


def test_request_uri_redirects_are_not_followed(
    app: Flask, learner: FlaskClient, hostile: Hostile
) -> None:
    hostile.site.redirect("/r/2", "http://10.0.0.5/r")
    link = "openid4vp://?" + urlencode(
        {"client_id": hostile.client_id, "request_uri": hostile.site.base + "/r/2"}
    )
    response = attempt(learner, link)
    assert 400 <= response.status_code < 500 and "redirect" in response.get_data(as_text=True)
    assert table_counts(app)["pending"] == 0


def test_request_uri_on_a_private_address_is_refused(app: Flask, learner: FlaskClient) -> None:
    client_id = quote("decentralized_identifier:did:web:v.example", safe="")
    link = f"openid4vp://?client_id={client_id}&request_uri=" + quote(
        "http://10.0.0.5/r/1", safe=""
    )
    response = attempt(learner, link)
    assert 400 <= response.status_code < 500 and "10.0.0.5" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "javascript:alert(document.cookie)",
        "data:text/html,hi",
        "https://evil.example/phish",
        "http://10.0.0.5/",
    ],
    ids=["javascript", "data", "other-host", "http-private"],
)
def test_unsafe_redirects_after_answering_are_shown_as_text(
    learner: FlaskClient, hostile: Hostile, redirect_uri: str
) -> None:
    hostile.site.posts["/response/1"] = (
        200,
        strictjson.dumps({"redirect_uri": redirect_uri}).encode(),
    )
    consent = attempt(learner, hostile.link())
    assert consent.status_code == 200
    page = consent.get_data(as_text=True)
    assert "ACME Bank" in page and "name not verified" in page
    path = re.search(r'action="(/vp/[^"]+)"', page)
    assert path is not None
    done = learner.post(path.group(1), data={"action": "share", **_choices(page)})
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "data-auto-follow" not in text
    assert "does not open" in text
    ((posted_path, body),) = hostile.site.received
    form = parse_qs(body.decode())
    assert posted_path == "/response/1" and form["state"] == ["s" * 22]
    token = strictjson.loads_object(form["vp_token"][0])
    presentation = token["microcredential"][0]
    assert presentation.count("~") == 2  # one disclosure (given_name) and the KB-JWT


def test_no_matching_credential_offers_only_decline(learner: FlaskClient, hostile: Hostile) -> None:
    link = hostile.link(
        dcql_query={
            "credentials": [
                {"id": "q", "format": "dc+sd-jwt", "meta": {"vct_values": ["urn:other"]}}
            ]
        }
    )
    page = attempt(learner, link).get_data(as_text=True)
    assert "None of your credentials matches" in page
    assert 'value="share"' not in page


def test_consent_is_protected_against_framing_and_forgery(
    tmp_path: Path, hostile: Hostile, card_for: Any
) -> None:
    app = make_app(tmp_path / "csrf", WTF_CSRF_ENABLED=True)
    client = app.test_client()
    Auth(client).signup(csrf_token=form_token(client, "/signup"))
    give_card(app)
    # Signing in started a new session, so the form token is a new one too.
    consent = attempt(client, hostile.link(), csrf_token=form_token(client, "/receive"))
    assert consent.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in consent.headers["Content-Security-Policy"]
    path = re.search(r'action="(/vp/[^"]+)"', consent.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    forged = client.post(path, data={"action": "share"})
    assert forged.status_code == 400 and hostile.site.received == []


def test_another_learners_request_is_not_found(
    app: Flask, learner: FlaskClient, hostile: Hostile
) -> None:
    consent = attempt(learner, hostile.link())
    path = re.search(r'action="(/vp/[^"]+)"', consent.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    other = app.test_client()
    Auth(other).signup("intruder")
    assert other.get(path).status_code == 404
    assert other.post(path, data={"action": "share"}).status_code == 404
    assert hostile.site.received == []


# --- verifiers identified by a bare key, and client id prefixes the wallet refuses ----------


@pytest.fixture
def bare() -> Any:
    site = FakeSite()
    yield Hostile(site, "Quick Hire", bare_key=True)
    site.close()


def test_a_bare_key_verifier_needs_the_learners_confirmation(
    app: Flask, learner: FlaskClient, bare: Hostile
) -> None:
    bare.site.posts["/response/1"] = (200, b"{}")
    consent = attempt(learner, bare.link())
    assert consent.status_code == 200
    page = consent.get_data(as_text=True)
    host = bare.site.base.removeprefix("http://")
    assert "identified only by a key (did:key)" in page and "address not tied" in page
    assert f"I know this verifier and expect my answer to go to {host}" in page
    path = re.search(r'action="(/vp/[^"]+)"', page).group(1)  # type: ignore[union-attr]
    unconfirmed = learner.post(path, data={"action": "share", **_choices(page)})
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    assert bare.site.received == []
    confirmed = learner.post(
        path, data={"action": "share", "confirm_destination": "yes", **_choices(page)}
    )
    assert confirmed.status_code == 200 and "Shared" in confirmed.get_data(as_text=True)
    assert [posted for posted, _body in bare.site.received] == ["/response/1"]


def test_a_bare_key_verifier_can_be_declined_without_confirming(
    learner: FlaskClient, bare: Hostile
) -> None:
    bare.site.posts["/response/1"] = (200, b"{}")
    page = attempt(learner, bare.link()).get_data(as_text=True)
    path = re.search(r'action="(/vp/[^"]+)"', page).group(1)  # type: ignore[union-attr]
    done = learner.post(path, data={"action": "decline"})
    assert done.status_code == 200 and "Declined" in done.get_data(as_text=True)
    ((_path, body),) = bare.site.received
    assert parse_qs(body.decode())["error"] == ["access_denied"]


def test_a_did_web_verifier_needs_no_confirmation(learner: FlaskClient, hostile: Hostile) -> None:
    page = attempt(learner, hostile.link()).get_data(as_text=True)
    assert "the verifier's own address" in page and "confirm_destination" not in page


@pytest.mark.parametrize(
    ("client_id", "message"),
    [
        ("origin:https://v.example", "reserved for the Digital Credentials API"),
        ("redirect_uri:https://v.example/cb", "cannot be signed"),
        ("x509_san_dns:v.example", "X.509"),
        ("v.example", "identified by a DID"),
    ],
    ids=["origin", "redirect-uri", "x509", "pre-registered"],
)
def test_refused_client_id_prefixes_are_named(
    app: Flask, learner: FlaskClient, hostile: Hostile, client_id: str, message: str
) -> None:
    link = "openid4vp://?" + urlencode(
        {"client_id": client_id, "request_uri": hostile.site.base + "/r/1"}
    )
    hostile.link()
    response = attempt(learner, link)
    assert 400 <= response.status_code < 500
    assert message in response.get_data(as_text=True)
    assert table_counts(app)["pending"] == 0
