"""Real HTTP for the wallet's end-to-end tests: a running issuer_stub, a cookie-keeping client."""

from __future__ import annotations

import http.cookiejar
import json
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from microcred import did as dids

ISSUER_PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Answer:
    """An HTTP answer as the client saw it (redirects are not followed)."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browserless:
    """A cookie-keeping HTTP client that fills in each form's CSRF token like a browser would."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.token = ""

    def request(
        self,
        method: str,
        path: str,
        *,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        url = path if path.startswith("http") else self.base + path
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as response:
                answer = Answer(response.status, _lower(response.headers), response.read())
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, _lower(error.headers), error.read())
        found = _CSRF.search(answer.text) if answer.status < 400 else None
        if found:
            self.token = found.group(1)
        return answer

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, fields: dict[str, Any]) -> Answer:
        pairs = [("csrf_token", self.token)]
        for name, value in fields.items():
            values = value if isinstance(value, list) else [value]
            pairs.extend((name, str(item)) for item in values)
        body = urllib.parse.urlencode(pairs).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, data=body, headers=headers)

    def upload(self, path: str, fields: dict[str, str], name: str, content: bytes) -> Answer:
        boundary = secrets.token_hex(12)
        parts = []
        for key, value in {"csrf_token": self.token, **fields}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="b.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request("POST", path, data=body, headers=headers)


def _lower(headers: Any) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


def make_issuer(folder: Path, port: int) -> Flask:
    """A seeded issuer_stub (demo institution, three published courses) for BASE_URL :port."""
    from issuer_stub import create_app
    from issuer_stub.demo import seed

    folder.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(folder / "issuer.sqlite"),
            "BASE_URL": f"http://localhost:{port}",
            "ALLOW_INSECURE_LOCALHOST": True,
            "SECRET_KEY": b"i" * 32,
            "INSTANCE_PATH": str(folder / "instance"),
            "PASSWORD_TIME_COST": 1,
            "PASSWORD_MEMORY_KIB": 1024,
            "PASSWORD_PARALLELISM": 1,
        }
    )
    seed(app, password=ISSUER_PASSWORD)
    return app


def make_offer(
    issuer: Flask, *, grade: str = "8.5", learner_id: str | None = None, tx: bool = True
) -> dict[str, str]:
    """Award the first demo course to a learner through the issuer's store; the offer's link."""
    from issuer_stub import store
    from issuer_stub.offers import make_offer as new_offer, offer_links, tx_code
    from issuer_stub.store import awards, courses

    with issuer.app_context():
        db = store.get_db()
        course = courses.course_by_slug(db, "da-101")
        assert course is not None
        award_id = uuid.uuid4().hex
        now = time.time()
        record = {
            "id": award_id,
            "course_id": course["id"],
            "course_snapshot": json.dumps(course["data"], ensure_ascii=False),
            "given_name": "Văn An",
            "family_name": "Nguyễn",
            "learner_id": learner_id or f"SV{secrets.randbelow(10**8):08d}",
            "email": None,
            "grade": grade,
            "date_of_issuance": "2026-06-30",
            "valid_until": None,
        }
        offer = new_offer(now, 900, tx)
        awards.create_award(db, record, offer=offer, actor="test", now=now)
        links = offer_links(issuer.config["BASE_URL"], offer.id)
        code = tx_code(offer.id) if tx else ""
        store.close_db()
    return {"award": award_id, "link": links["link"], "page": links["page"], "tx": code}


def registry_file(folder: Path, issuer_base: str, *also: str) -> Path:
    """A trust registry listing the issuer's did:web (and any other DIDs given)."""
    path = folder / "registry.json"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "name": "Wallet test registry",
                "issuers": [
                    {
                        "did": dids.did_web(issuer_base),
                        "name": "Trường Đại học Công nghệ Sông Hồng",
                        "country": "VN",
                        "accreditingBody": "Bộ Giáo dục và Đào tạo",
                    },
                    *(
                        {
                            "did": other,
                            "name": "Demo University of Science",
                            "country": "VN",
                            "accreditingBody": "Bộ Giáo dục và Đào tạo",
                        }
                        for other in also
                    ),
                ],
            }
        )
    )
    return path


def look(client: Any, link: str) -> Any:
    """Paste an offer or request link into the wallet's receive form (test client)."""
    return client.post("/receive", data={"link": link})


def accept(client: Any, link: str, tx: str) -> Any:
    """Look at an offer, then accept it with the transaction code."""
    looked = look(client, link)
    assert looked.status_code == 303, looked.data[:600]
    return client.post(looked.headers["Location"], data={"action": "accept", "tx_code": tx})
