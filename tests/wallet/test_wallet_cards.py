"""Cards: the list, the certificate page, status re-checks, deletion, ownership of every id."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wallet_world import Auth, table_counts

from wallet.store import get_db


@pytest.fixture
def signed_in(auth: Auth) -> Auth:
    auth.signup()
    return auth


def test_home_lists_cards(
    client: FlaskClient, signed_in: Auth, card_for: Callable[..., str]
) -> None:
    card_id = card_for()
    page = client.get("/").data.decode()
    assert "Data Analysis with Python" in page
    assert "Demo University of Science" in page
    assert f'href="/cards/{card_id}"' in page
    assert "Verified" in page


def test_empty_home_says_how_to_receive(client: FlaskClient, signed_in: Auth) -> None:
    assert b"No credentials yet" in client.get("/").data


def test_card_page_reads_as_a_certificate(
    client: FlaskClient, signed_in: Auth, card_for: Callable[..., str]
) -> None:
    page = client.get(f"/cards/{card_for()}").data.decode()
    for text in (
        "Data Analysis with Python",
        "Nguyễn",
        "Clean and join tabular data",
        "5 ECTS",
        "125 hours",
        "EQF 6",
        "Supervised online exam",
        "8.5",
        "analyse data",
        "Known issuer",
        "Test Ministry",
        "EU Annex I elements",
        "All mandatory elements",
        "Check status now",
        "sd-jwt-vc",
        "ldp-vc",
        "vc-jwt",
        '<details class="raw">',
    ):
        assert text in page, text


def test_card_with_one_format_is_one_card(
    client: FlaskClient, signed_in: Auth, card_for: Callable[..., str]
) -> None:
    card_id = card_for(formats=("ldp-vc",))
    page = client.get(f"/cards/{card_id}").data.decode()
    assert "Data Analysis with Python" in page and "vc-jwt" not in page


def test_card_data_is_escaped(
    app: Flask, client: FlaskClient, signed_in: Auth, card_for: Callable[..., str]
) -> None:
    card_id = card_for()
    with app.app_context():
        db = get_db()
        db.execute(
            "UPDATE cards SET title = ? WHERE id = ?", ['<img src=x onerror="alert(1)">', card_id]
        )
        db.conn.commit()
    page = client.get("/").data.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_status_check_runs_the_pipeline_again(
    client: FlaskClient, signed_in: Auth, card_for: Callable[..., str]
) -> None:
    card_id = card_for()
    fragment = client.post(f"/cards/{card_id}/check", headers={"HX-Request": "true"})
    text = fragment.data.decode()
    assert fragment.status_code == 200
    assert text.startswith('<div id="status-result"') or 'id="status-result"' in text
    assert text.count("<details") == 3
    assert "Not revoked" in text and "Signature" in text
    full = client.post(f"/cards/{card_id}/check")
    assert full.status_code == 303


def test_delete_removes_card_shares_and_key(
    app: Flask, client: FlaskClient, signed_in: Auth, card_for: Callable[..., str]
) -> None:
    card_id = card_for()
    client.post(
        f"/cards/{card_id}/share", data={"mode": "sd-jwt", "claim": ["given_name"], "days": "7"}
    )
    assert table_counts(app)["shares"] == 1
    assert b"Delete" in client.get(f"/cards/{card_id}/delete").data
    response = client.post(f"/cards/{card_id}/delete")
    assert response.status_code == 303
    counts = table_counts(app)
    assert (
        counts["cards"] == counts["credentials"] == counts["shares"] == counts["holder_keys"] == 0
    )
    assert client.get(f"/cards/{card_id}").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/cards/{card}"),
        ("post", "/cards/{card}/check"),
        ("get", "/cards/{card}/delete"),
        ("post", "/cards/{card}/delete"),
        ("get", "/cards/{card}/share"),
        ("post", "/cards/{card}/share"),
    ],
    ids=["view", "check", "delete-page", "delete", "share-page", "share"],
)
def test_another_learners_card_is_not_found(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    card_for: Callable[..., str],
    method: str,
    path: str,
) -> None:
    auth.signup("owner")
    card_id = card_for("owner")
    auth.signout()
    auth.signup("intruder")
    before = table_counts(app)
    response = getattr(client, method)(path.format(card=card_id), data={"mode": "ob3", "days": "7"})
    assert response.status_code == 404
    assert table_counts(app) == before
