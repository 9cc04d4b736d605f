"""A real institution on loopback for pipeline tests: did.json and status lists over HTTP."""

from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from microcred import data_integrity, did, strictjson
from microcred.demo import DEMO_AWARD, DEMO_COURSE
from microcred.issuance import IssuerIdentity, bitstring_status_entries
from microcred.keys import PrivateKey
from microcred.status_list import Bitstring
from microcred.status_list_credential import status_list_credential
from microcred.token_status_list import TokenStatusList, sign_status_list_token

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
LIST_SIZE = 131_072

COURSE, AWARD = DEMO_COURSE, DEMO_AWARD


class Site:
    """Serves documents by path; tests change them to revoke, break or remove things."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[str, bytes]] = {}
        self.hits: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                found = site.documents.get(self.path)
                if found is None:
                    self.send_error(404)
                    return
                content_type, body = found
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "max-age=60")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://localhost:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def put_json(self, path: str, value: Any, content_type: str = "application/json") -> None:
        self.documents[path] = (content_type, strictjson.dumps(value).encode())

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Institution:
    """An issuer with a did:web on the site, bitstring lists per purpose and one token list."""

    def __init__(self, site: Site, key: PrivateKey | None = None) -> None:
        self.site = site
        self.did = did.did_web(site.base)
        self.key = key or PrivateKey.generate()
        self.identity = IssuerIdentity(self.did, f"{self.did}#key-1", self.key, "Hanoi Uni")
        site.put_json(
            "/.well-known/did.json",
            did.did_web_document(self.did, [("key-1", self.key.public_key)]),
        )
        self.lists = {p: Bitstring(LIST_SIZE) for p in ("revocation", "suspension")}
        self.list_urls = {p: f"{site.base}/status/{p}" for p in self.lists}
        self.token_list = TokenStatusList(bits=2, size=LIST_SIZE)
        self.token_url = f"{site.base}/status/token"
        self.publish()

    def status_entries(self, index: int) -> list[dict[str, Any]]:
        return bitstring_status_entries(self.list_urls, index)

    def publish(self) -> None:
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
            iat=int(NOW.timestamp()),
            ttl=60,
        )
        self.site.documents["/status/token"] = ("application/statuslist+jwt", token.encode())
