"""A real institution on loopback for the tests: a did:web, its status lists and its credentials.

`Site` is a tiny WSGI app serving documents by path and counting the hits (serve it with the
`live_server` fixture or `loopback.LiveServer`); `Institution` publishes a did:web document, two
bitstring lists and a token list on one, and issues each format bound to HOLDER, at a fixed
clock (`now=`, for the core tests' policies) or at the real time (the apps check the real clock).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from microcred import data_integrity, did, issuance, strictjson
from microcred.demo import DEMO_AWARD, DEMO_COURSE
from microcred.keys import PrivateKey
from microcred.model import Award, Course
from microcred.status_list import Bitstring
from microcred.status_list_credential import status_list_credential
from microcred.token_status_list import TokenStatusList, sign_status_list_token

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
LIST_SIZE = 131_072
COURSE, AWARD = DEMO_COURSE, DEMO_AWARD
HOLDER = PrivateKey.from_ed25519_seed(bytes(range(32)))
HOLDER_DID = did.did_key(HOLDER.public_key)


class Site:
    """Serves (status, content type, body) by path; tests change them to revoke, break or remove."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[str, str, bytes]] = {}
        self.hits: Counter[str] = Counter()

    def put(self, path: str, body: str | bytes, content_type: str, status: str = "200 OK") -> None:
        """Serve `body` at `path` from now on."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.documents[path] = (status, content_type, data)

    def put_json(self, path: str, value: Any, content_type: str = "application/json") -> None:
        """Serve `value` as JSON at `path` from now on."""
        self.put(path, strictjson.dumps(value), content_type)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        self.hits[path] += 1
        found = self.documents.get(path)
        if found is None:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"error":"not_found"}']
        status, content_type, body = found
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        start_response(status, [*headers, ("Cache-Control", "max-age=60")])
        return [body]


class Institution:
    """An issuer with a did:web on a site, two bitstring lists and one token list."""

    def __init__(
        self,
        site: Site,
        base_url: str,
        name: str = "Demo University of Science",
        *,
        now: dt.datetime | None = None,
    ) -> None:
        self.site, self.base, self.name, self.now = site, base_url, name, now
        self.did = did.did_web(base_url)
        self.key = PrivateKey.generate()
        self.identity = issuance.IssuerIdentity(self.did, f"{self.did}#key-1", self.key, name)
        site.put_json(
            "/.well-known/did.json",
            did.did_web_document(self.did, [("key-1", self.key.public_key)]),
        )
        self.lists = {p: Bitstring(LIST_SIZE) for p in ("revocation", "suspension")}
        self.list_urls = {p: f"{base_url}/status/{p}" for p in self.lists}
        self.token_list = TokenStatusList(bits=2, size=LIST_SIZE)
        self.token_url = f"{base_url}/status/token"
        self.publish()

    def clock(self) -> dt.datetime:
        """The fixed time if one was given, else the real time."""
        return self.now or dt.datetime.now(dt.UTC)

    def status_entries(self, index: int) -> list[dict[str, Any]]:
        """Bitstring status entries (revocation and suspension) at `index`."""
        return issuance.bitstring_status_entries(self.list_urls, index)

    def publish(self) -> None:
        """Sign and serve every list as it is now."""
        for purpose, bits in self.lists.items():
            doc = status_list_credential(
                list_id=self.list_urls[purpose],
                issuer=self.did,
                purpose=purpose,
                encoded_list=bits.encode(),
                valid_from="2026-01-01T00:00:00Z",
            )
            signed = data_integrity.sign(
                doc,
                self.key,
                verification_method=self.identity.verification_method,
                created="2026-01-01T00:00:00Z",
            )
            self.site.put_json(f"/status/{purpose}", signed, "application/vc+ld+json")
        token = sign_status_list_token(
            self.token_list,
            self.key,
            sub=self.token_url,
            kid=self.identity.verification_method,
            iat=int(self.clock().timestamp()),
            ttl=60,
        )
        self.site.put("/status/token", token, "application/statuslist+jwt")

    def revoke(self, index: int) -> None:
        """Mark an award revoked in every list and republish."""
        self.lists["revocation"].set(index)
        self.token_list.set(index, 1)
        self.publish()

    def suspend(self, index: int) -> None:
        """Mark an award suspended in every list and republish."""
        self.lists["suspension"].set(index)
        self.token_list.set(index, 2)
        self.publish()

    def sd_jwt(
        self,
        index: int = 1,
        *,
        course: Course = COURSE,
        award: Award = AWARD,
        issued_at: dt.datetime | None = None,
        expires_at: dt.datetime | None = None,
    ) -> str:
        """An SD-JWT VC bound to HOLDER, with token-list status at `index`, issued a day ago."""
        return issuance.issue_sd_jwt_vc(
            self.identity,
            course,
            award,
            holder_jwk=HOLDER.public_key.jwk,
            status=(self.token_url, index),
            issued_at=issued_at or self.clock() - DAY,
            expires_at=expires_at,
        )

    def open_badge(
        self,
        index: int = 1,
        *,
        issued_at: dt.datetime | None = None,
        expires_at: dt.datetime | None = None,
    ) -> dict[str, Any]:
        """An Open Badges 3.0 credential with bitstring status at `index`, issued a day ago."""
        return issuance.issue_open_badge(
            self.identity,
            COURSE,
            AWARD,
            credential_id="urn:uuid:8a4f2c1e-0000-4000-8000-000000000001",
            subject_id=HOLDER_DID,
            status=self.status_entries(index),
            issued_at=issued_at or self.clock() - DAY,
            expires_at=expires_at,
        )

    def vc_jwt(
        self,
        index: int = 1,
        *,
        issued_at: dt.datetime | None = None,
        expires_at: dt.datetime | None = None,
    ) -> str:
        """A VC-JWT (VCDM 1.1) with bitstring status at `index`, issued a day ago."""
        return issuance.issue_vc_jwt(
            self.identity,
            COURSE,
            AWARD,
            credential_id="urn:uuid:8a4f2c1e-0000-4000-8000-000000000002",
            subject_id=HOLDER_DID,
            status=self.status_entries(index),
            issued_at=issued_at or self.clock() - DAY,
            expires_at=expires_at,
        )
