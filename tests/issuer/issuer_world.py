"""Issuer test helpers: offers made through the staff form, a wallet over the test client."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import encode_multipart

from microcred import strictjson
from microcred.did import DIDResolver
from microcred.exchange import Response
from microcred.status_cache import StatusListCache
from microcred.verify import Verifier

_LINK = re.compile(r'id="offer-link" type="text" readonly value="([^"]+)"')
_TX = re.compile(r'class="code-big"[^>]*>(\d{6})<')
LEARNER = {
    "course": "1",
    "given_name": "Văn An",
    "family_name": "Nguyễn",
    "learner_id": "SV20250001",
    "grade": "8,5",
    "date_of_issuance": "2025-06-30",
}


def make_offer(staff: Any, tx: bool = True, **changes: str) -> dict[str, str]:
    """Issue to one learner with the staff form; the award id, offer id, link and tx code."""
    form = {**LEARNER, **changes}
    if tx:
        form["tx_code"] = "on"
    response = staff.post("/issue", form)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    award_id = response.headers["Location"].rsplit("/", 1)[-1]
    page = staff.client.get(f"/awards/{award_id}").get_data(as_text=True)
    link_match = _LINK.search(page)
    assert link_match
    link = link_match.group(1).replace("&amp;", "&")
    tx_match = _TX.search(page)
    offer_id = link.rsplit("%2F", 1)[-1]
    return {
        "award": award_id,
        "offer": offer_id,
        "link": link,
        "tx": tx_match.group(1) if tx_match else "",
    }


def upload(staff: Any, path: str, fields: dict[str, str], filename: str, data: bytes) -> Any:
    """POST a multipart form with one file, encoded in memory.

    (werkzeug's test client spools big bodies to a temporary file it never closes.)
    """
    from werkzeug.datastructures import FileStorage

    values: dict[str, Any] = {**fields, "csrf_token": staff.token}
    values["file"] = FileStorage(io.BytesIO(data), filename=filename, content_type="text/csv")
    boundary, body = encode_multipart(values)
    return staff.client.post(
        path, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


class FlaskHTTP:
    """The wallet client's HTTP interface over a Flask test client (no socket)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    @staticmethod
    def _path(url: str) -> str:
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @staticmethod
    def _response(url: str, answer: Any) -> Response:
        cache = answer.headers.get("Cache-Control", "")
        return Response(
            url,
            answer.status_code,
            {k.lower(): v for k, v in answer.headers.items()},
            answer.mimetype or "",
            answer.get_data(),
            None if "max-age" not in cache else 60,
        )

    def get(self, url: str, **options: Any) -> Response:
        accept = options.get("accept", "application/json")
        return self._response(url, self.client.get(self._path(url), headers={"Accept": accept}))

    def post_form(
        self, url: str, data: Mapping[str, str], *, headers: Mapping[str, str] | None = None
    ) -> Response:
        answer = self.client.post(
            self._path(url),
            data=urlencode(data),
            content_type="application/x-www-form-urlencoded",
            headers=dict(headers or {}),
        )
        return self._response(url, answer)

    def post_json(
        self, url: str, obj: Any, *, headers: Mapping[str, str] | None = None
    ) -> Response:
        answer = self.client.post(
            self._path(url),
            data=strictjson.dumps(obj),
            content_type="application/json",
            headers=dict(headers or {}),
        )
        return self._response(url, answer)


def in_process_verifier(app: Flask) -> Verifier:
    """The core pipeline with the issuer's documents fetched through the test client."""
    http = FlaskHTTP(app.test_client())
    resolver = DIDResolver(lambda url: http.get(url).json(), web_scheme="http")

    class Getter:
        def get(self, url: str, **options: Any) -> Any:
            return http.get(url, **options)

    return Verifier(resolver=resolver, status_lists=StatusListCache(Getter(), resolver))
