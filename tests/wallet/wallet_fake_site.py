"""A hostile "issuer" or "verifier" on loopback: serves whatever documents a test puts in it."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

from microcred import dcql, did, oid4vp, strictjson
from microcred.keys import PrivateKey
from microcred.model import VCT


class FakeSite:
    """GET answers from `documents` by path; POSTs are recorded and answered from `posts`."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[int, str, bytes, dict[str, str]]] = {}
        self.posts: dict[str, tuple[int, bytes]] = {}
        self.received: list[tuple[str, bytes]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                found = site.documents.get(self.path.split("?")[0])
                if found is None:
                    self.send_error(404)
                    return
                status, content_type, body, headers = found
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                site.received.append((self.path, body))
                status, answer = site.posts.get(self.path, (404, b"{}"))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://localhost:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def put_json(self, path: str, value: Any, status: int = 200) -> None:
        self.documents[path] = (status, "application/json", strictjson.dumps(value).encode(), {})

    def put(self, path: str, body: bytes, content_type: str, **headers: str) -> None:
        self.documents[path] = (200, content_type, body, headers)

    def redirect(self, path: str, location: str) -> None:
        self.documents[path] = (302, "text/plain", b"", {"Location": location})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Hostile:
    """A fake verifier with its own did:web on a loopback site, signing what a test wants."""

    def __init__(self, site: FakeSite, name: str = "ACME Bank", *, bare_key: bool = False) -> None:
        self.site = site
        self.name = name
        self.key = PrivateKey.generate()
        if bare_key:
            # A did:key verifier: its identifier names no host (OpenID4VP §5.9.3 allows it).
            self.did = did.did_key(self.key.public_key)
            self.kid = f"{self.did}#{self.did.removeprefix('did:key:')}"
        else:
            self.did = did.did_web(site.base)
            self.kid = f"{self.did}#key-1"
            site.put_json(
                "/.well-known/did.json",
                did.did_web_document(self.did, [("key-1", self.key.public_key)]),
            )
        self.client_id = oid4vp.client_id_for(self.did)

    def link(self, *, path: str = "/r/1", **changes: Any) -> str:
        claims = oid4vp.request_object(
            client_id=self.client_id,
            response_uri=self.site.base + "/response/1",
            nonce="n" * 22,
            state="s" * 22,
            query=dcql.sd_jwt_vc_query("microcredential", VCT, [("given_name",)]),
            client_name=self.name,
            issued_at=int(time.time()),
            lifetime=300,
        )
        signer = changes.pop("signer", self.key)
        claims.update(changes)
        token = oid4vp.sign_request(claims, signer, self.kid)
        self.site.put(path, token.encode(), "application/oauth-authz-req+jwt")
        return "openid4vp://?" + urlencode(
            {"client_id": self.client_id, "request_uri": self.site.base + path}
        )
