"""Core benchmark: median verification times against the project's targets and reference libraries.

Run from the repository root: .venv/bin/python benchmarks/bench_core.py [--quick]. Not a test.
Every cell is the median of 7 batches, each batch timing many calls after a warm-up; nothing is
pinned. Issuer DID documents and status lists are served by a loopback HTTP server and cached before
timing; the script stops if the server is hit during a timed loop.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import didkit
from jwcrypto.jwk import JWK
from sd_jwt import verifier as sd_jwt_verifier

from microcred import data_integrity, did, didkit_loop, sdjwt, sdjwt_vc, strictjson, vcjwt
from microcred.fetch import Fetcher, FetchPolicy
from microcred.issuance import (
    IssuerIdentity,
    bitstring_status_entries,
    issue_open_badge,
    issue_sd_jwt_vc,
    issue_vc_jwt,
)
from microcred.keys import PrivateKey
from microcred.model import Award, Course, Skill, to_vcdm11
from microcred.status_cache import StatusListCache, StatusRef
from microcred.status_list import Bitstring
from microcred.status_list_credential import status_list_credential
from microcred.token_status_list import TokenStatusList, sign_status_list_token
from microcred.trust import TrustRegistry
from microcred.verify import Policy, Verifier

BATCHES = 7
# Seconds of calls per batch (the warm-up runs for one batch's worth too).
BATCH_SECONDS, QUICK_BATCH_SECONDS = 0.25, 0.05
LIST_SIZE = 131_072
# Served lists and DID documents may be cached for the whole run (the clamp allows an hour).
MAX_AGE = 3600
NONCE, AUDIENCE = "n-0S6_WzA2Mj", "https://verifier.example.edu"
COURSE = Course(
    id="https://uni.example/courses/data-101",
    title="Data Analysis with Python",
    description="A short, assessed course in practical data analysis.",
    awarding_body="Hanoi University of Science",
    country="VN",
    learning_outcomes=("Clean a tabular data set", "Explain a regression model"),
    assessment_type="Supervised written exam and project",
    participation_form="online",
    quality_assurance="Internal quality assurance, accredited by MOET",
    ects=5.0,
    workload_hours=125.0,
    eqf_level=6,
    language="en",
    grade_scheme="0-10",
    prerequisites="Secondary-school mathematics",
    supervision="Supervised online, identity checked",
    stackability="Counts towards the Data Science certificate",
    skills=(Skill("http://data.europa.eu/esco/skill/S1.2.3", "analyse data"),),
)
AWARD = Award("Thị Ánh", "Nguyễn", "student-2026-0042", "2026-06-01", grade="8.5")
DISCLOSED = [("given_name",), ("family_name",), ("learner_identification",), ("assessment_grade",)]
INDEX = 4242

Row = tuple[str, float, str, float | None, float | None]  # name, µs, target, ref µs, max ratio


class Site:
    """A loopback institution web site: documents by path, with a hit counter."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[str, bytes]] = {}
        self.hits = 0
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                site.hits += 1
                content_type, body = site.documents[self.path]
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", f"max-age={MAX_AGE}")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://localhost:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def put(self, path: str, content_type: str, body: str) -> None:
        self.documents[path] = (content_type, body.encode())

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def publish_lists(site: Site, identity: IssuerIdentity, prefix: str) -> dict[str, str]:
    """Serve signed revocation/suspension bitstring lists (1% set) and a token list for an issuer."""
    rng = random.Random(prefix)
    urls = {p: f"{site.base}{prefix}/{p}" for p in ("revocation", "suspension")}
    for purpose, url in urls.items():
        bits = Bitstring(LIST_SIZE)
        for index in rng.sample(range(LIST_SIZE), LIST_SIZE // 100):
            bits.set(index)
        bits.clear(INDEX)
        doc = status_list_credential(
            list_id=url, issuer=identity.did, purpose=purpose, encoded_list=bits.encode(),
            valid_from="2026-01-01T00:00:00Z",
        )  # fmt: skip
        signed = data_integrity.sign(
            doc, identity.key, verification_method=identity.verification_method
        )
        site.put(url.removeprefix(site.base), "application/vc+ld+json", strictjson.dumps(signed))
    token = sign_status_list_token(
        TokenStatusList(bits=2, size=LIST_SIZE), identity.key, sub=f"{site.base}{prefix}/token",
        kid=identity.verification_method, iat=int(time.time()) - 60, ttl=MAX_AGE,
    )  # fmt: skip
    site.put(f"{prefix}/token", "application/statuslist+jwt", token)
    return urls


def timed(run: Callable[[int], object], batch_seconds: float) -> float:
    """Median µs per call over BATCHES batches; run(n) makes n calls."""
    start = time.perf_counter_ns()
    run(1)
    single = max(time.perf_counter_ns() - start, 1)
    per_batch = max(1, int(batch_seconds * 1e9 / single))
    run(per_batch)  # warm-up, and a better estimate of the batch size
    start = time.perf_counter_ns()
    run(per_batch)
    per_batch = max(1, int(batch_seconds * 1e9 * per_batch / max(time.perf_counter_ns() - start, 1)))
    samples = []
    for _ in range(BATCHES):
        start = time.perf_counter_ns()
        run(per_batch)
        samples.append((time.perf_counter_ns() - start) / per_batch / 1000)
    return statistics.median(samples)


def calls(function: Callable[[], object]) -> Callable[[int], object]:
    """A batch runner calling function n times."""

    def run(n: int) -> None:
        for _ in range(n):
            function()

    return run


def sd_jwt_reference(presentation: str, issuer_jwk: JWK) -> Callable[[], object]:
    """The sd-jwt 0.10.4 verifier (issuer JWT, disclosures, KB-JWT) on one presentation."""

    def run() -> object:
        checked = sd_jwt_verifier.SDJWTVerifier(
            presentation, lambda _iss, _header: issuer_jwk, AUDIENCE, NONCE
        )
        return checked.get_verified_payload()

    return run


def with_kb_alg(alg: str, function: Callable[[], object]) -> Callable[[], object]:
    """Run the sd-jwt reference with its hard-coded key-binding alg (ES256) replaced by alg."""

    def run() -> object:
        saved = sd_jwt_verifier.DEFAULT_SIGNING_ALG
        sd_jwt_verifier.DEFAULT_SIGNING_ALG = alg
        try:
            return function()
        finally:
            sd_jwt_verifier.DEFAULT_SIGNING_ALG = saved

    return run


def sd_jwt_rows(env: dict[str, Any], holder_alg: str, batch: float) -> list[Row]:
    """Pipeline, bare verify_vc and the sd-jwt reference on one presentation."""
    web: IssuerIdentity = env["web"]
    holder = PrivateKey.generate("Ed25519" if holder_alg == "EdDSA" else "P-256")
    now = dt.datetime.now(dt.UTC)
    issued = issue_sd_jwt_vc(
        web, COURSE, AWARD, holder_jwk=holder.public_key.jwk, issued_at=now - dt.timedelta(days=1),
        status=(env["token_url"], INDEX),
    )  # fmt: skip
    assert len(sdjwt.available_paths(issued)) == 8
    presentation = sdjwt.present(
        issued, disclose=DISCLOSED, holder_key=holder, nonce=NONCE, audience=AUDIENCE,
        iat=int(time.time()),
    )  # fmt: skip
    verifier: Verifier = env["verifier"]
    policy = Policy(require_holder_binding=True, nonce=NONCE, audience=AUDIENCE)
    check_valid(verifier.verify(presentation, policy), "SD-JWT VC")
    key = web.key.public_key

    def bare() -> object:
        return sdjwt_vc.verify_vc(
            presentation, key, require_key_binding=True, nonce=NONCE, audience=AUDIENCE
        )

    issuer_jwk = JWK.from_json(json.dumps(key.jwk))
    reference = sd_jwt_reference(presentation, issuer_jwk)
    note = "" if holder_alg == "ES256" else ", ref. patched¹"
    if holder_alg == "EdDSA":
        reference = with_kb_alg("EdDSA", reference)
    ref_us = timed(calls(reference), batch)
    label = f"SD-JWT VC, {holder_alg} holder"
    pipeline_us = timed(calls(lambda: verifier.verify(presentation, policy)), batch)
    rows: list[Row] = [
        (f"{label}: Verifier.verify{note}", pipeline_us, "<=250 µs, 1.5x", ref_us, 1 / 1.5),
        (f"{label}: sdjwt_vc.verify_vc", timed(calls(bare), batch), "", ref_us, 1 / 1.5),
        (f"{label}: sd-jwt 0.10.4 (reference)", ref_us, "", None, None),
    ]
    return rows


def check_valid(report: Any, what: str) -> None:
    """Stop unless the pipeline verified the payload completely."""
    if report.verdict != "VALID":
        failed = [c for c in report.checks if c.state != "passed"]
        raise SystemExit(f"{what}: pipeline verdict {report.verdict}: {failed}")


def didkit_verify(document: str, proof_format: str) -> Callable[[], object]:
    """didkit's verify_credential on the shared event loop, raising unless it checked the proof."""
    options = strictjson.dumps({"proofFormat": proof_format, "proofPurpose": "assertionMethod"})

    def run() -> object:
        result = json.loads(didkit_loop.call(didkit.verify_credential, document, options))
        if result["errors"]:
            raise SystemExit(f"didkit: {result['errors']}")
        return result

    return run


def vc_jwt_rows(env: dict[str, Any], batch: float) -> list[Row]:
    """Pipeline and bare verify_jwt against didkit, on one did:key VC-JWT."""
    key: IssuerIdentity = env["key"]
    token = issue_vc_jwt(
        key, COURSE, AWARD, credential_id="urn:uuid:0f6f-jwt", subject_id="did:example:learner",
        issued_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
        status=bitstring_status_entries(env["key_lists"], INDEX),
    )  # fmt: skip
    verifier: Verifier = env["verifier"]
    check_valid(verifier.verify(token), "VC-JWT")
    resolver: did.DIDResolver = env["resolver"]
    reference = didkit_verify(token, "jwt")
    reference()
    ref_us = timed(calls(reference), batch)
    pipeline_us = timed(calls(lambda: verifier.verify(token)), batch)
    bare_us = timed(calls(lambda: vcjwt.verify_jwt(token, resolver.key)), batch)
    return [
        (f"VC-JWT ({len(token):,} B): Verifier.verify", pipeline_us, "<=1.2x didkit", ref_us, 1.2),
        ("VC-JWT: vcjwt.verify_jwt", bare_us, "<=1.2x didkit", ref_us, 1.2),
        ("VC-JWT: didkit verify_credential (reference)", ref_us, "", None, None),
    ]


def ldp_rows(env: dict[str, Any], batch: float) -> list[Row]:
    """Our eddsa-rdfc-2022 verify of an OB3 credential against didkit's LDP verify."""
    web, key = env["web"], env["key"]
    issued_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    badge = issue_open_badge(
        web, COURSE, AWARD, credential_id="urn:uuid:0f6f-ob3", subject_id="did:example:learner",
        issued_at=issued_at, status=bitstring_status_entries(env["web_lists"], INDEX),
    )  # fmt: skip
    text = strictjson.dumps(badge)
    verifier: Verifier = env["verifier"]
    check_valid(verifier.verify(text), "OB3")
    resolver: did.DIDResolver = env["resolver"]
    vm = web.verification_method

    def bare() -> object:
        return data_integrity.verify(badge, lambda _vm, rel: resolver.key(vm, rel, did=web.did))

    vc11 = to_vcdm11(
        COURSE, AWARD, credential_id="urn:uuid:0f6f-ldp", issuer_id=key.did,
        issuer_name=key.name, subject_id="did:example:learner", issuance_date=issued_at,
    )  # fmt: skip
    signed = vcjwt.issue_ldp(vc11, key.key, verification_method=key.verification_method)
    reference = didkit_verify(strictjson.dumps(signed), "ldp")
    reference()
    ref_us = timed(calls(reference), batch)
    return [
        ("OB3 eddsa-rdfc-2022: Verifier.verify", timed(calls(lambda: verifier.verify(text)), batch),
         "faster than didkit", ref_us, 1.0),
        ("OB3 eddsa-rdfc-2022: data_integrity.verify", timed(calls(bare), batch),
         "faster than didkit", ref_us, 1.0),
        ("VCDM 1.1 Ed25519Signature2018: didkit (ref.)²", ref_us, "", None, None),
    ]  # fmt: skip
