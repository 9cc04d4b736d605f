"""Core benchmark: median verification times against the project's targets and reference libraries.

Run from the repository root: .venv/bin/python benchmarks/bench_core.py [--quick] [--core N |
--no-pin]. Not a test. Every cell is the median of 7 batches, each batch timing many calls after a
warm-up. The process runs on one core (the idlest at start unless --core; OpenCV single-threaded),
as bench_qr.py and /work/shared/MEASURED.md do. Issuer DID documents and status lists are served
by a loopback HTTP server and cached before timing; the script stops if the server is hit during
a timed loop.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from itertools import repeat
from pathlib import Path
from typing import Any

import didkit
from jwcrypto.jwk import JWK  # type: ignore[import-untyped]
from results import Figure, emit  # benchmarks/results.py, beside this script
from sd_jwt import verifier as sd_jwt_verifier  # type: ignore[import-untyped]

from microcred import data_integrity, did, didkit_loop, sdjwt, sdjwt_vc, strictjson, vcjwt
from microcred.demo import DEMO_AWARD as AWARD, DEMO_COURSE as COURSE
from microcred.fetch import Fetcher, FetchPolicy
from microcred.issuance import (
    IssuerIdentity,
    bitstring_status_entries,
    issue_open_badge,
    issue_sd_jwt_vc,
    issue_vc_jwt,
)
from microcred.keys import PrivateKey
from microcred.model import to_vcdm11
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
DISCLOSED = [("given_name",), ("family_name",), ("learner_identification",), ("assessment_grade",)]
INDEX = 4242

# The camera-frame QR case of bench_qr.py: 1,200 B at EC level L, 40% of a 720p frame's height.
QR_PAYLOAD_BYTES, QR_FRAME = 1200, (1280, 720)


@dataclass(frozen=True)
class Row:
    """One table row: our median, its targets, and the reference it is compared with."""

    name: str
    us: float
    target: str = ""
    max_us: float | None = None  # absolute target
    ref_us: float | None = None
    min_speedup: float | None = None  # reference time / our time must reach this

    @property
    def speedup(self) -> float | None:
        """How many times faster than the reference (below 1: slower)."""
        return None if self.ref_us is None else self.ref_us / self.us

    @property
    def met(self) -> str:
        """yes/NO against every target of the row, '-' when it has none."""
        checks = []
        if self.max_us is not None:
            checks.append(self.us <= self.max_us)
        if self.min_speedup is not None and self.speedup is not None:
            checks.append(self.speedup >= self.min_speedup)
        return "-" if not checks else "yes" if all(checks) else "NO"


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
        """Serve body at path."""
        self.documents[path] = (content_type, body.encode())

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Env:
    """The issuers, their published lists and one warm verification pipeline."""

    site: Site
    web: IssuerIdentity  # did:web on the loopback site
    key: IssuerIdentity  # did:key, which didkit resolves offline
    lists: dict[str, dict[str, str]]  # issuer DID -> purpose -> bitstring list URL
    token_url: str
    resolver: did.DIDResolver
    status: StatusListCache
    verifier: Verifier


def publish_lists(site: Site, identity: IssuerIdentity, prefix: str) -> dict[str, str]:
    """Serve an issuer's signed revocation and suspension bitstrings (1% set) and token list."""
    rng = random.Random(prefix)
    urls = {p: f"{site.base}{prefix}/{p}" for p in ("revocation", "suspension")}
    for purpose, url in urls.items():
        bits = Bitstring(LIST_SIZE)
        for index in rng.sample(range(LIST_SIZE), LIST_SIZE // 100):
            bits.set(index)
        bits.clear(INDEX)
        doc = status_list_credential(
            list_id=url,
            issuer=identity.did,
            purpose=purpose,
            encoded_list=bits.encode(),
            valid_from="2026-01-01T00:00:00Z",
        )
        signed = data_integrity.sign(
            doc,
            identity.key,
            verification_method=identity.verification_method,
            created="2026-01-01T00:00:00Z",
        )
        site.put(url.removeprefix(site.base), "application/vc+ld+json", strictjson.dumps(signed))
    token = sign_status_list_token(
        TokenStatusList(bits=2, size=LIST_SIZE),
        identity.key,
        sub=f"{site.base}{prefix}/token",
        kid=identity.verification_method,
        iat=int(time.time()) - 60,
        ttl=MAX_AGE,
    )
    site.put(f"{prefix}/token", "application/statuslist+jwt", token)
    return urls


def environment() -> Env:
    """Start the site, publish both issuers, and build the pipeline with a trust registry."""
    site = Site()
    web_key, key_key = PrivateKey.generate(), PrivateKey.generate()
    web_did, key_did = did.did_web(site.base), did.did_key(key_key.public_key)
    web = IssuerIdentity(web_did, f"{web_did}#key-1", web_key, "Hanoi University of Science")
    key = IssuerIdentity(key_did, f"{key_did}#{key_did.split(':')[2]}", key_key, "Hanoi Uni (key)")
    document = did.did_web_document(web_did, [("key-1", web_key.public_key)])
    site.put("/.well-known/did.json", "application/json", strictjson.dumps(document))
    lists = {web_did: publish_lists(site, web, "/web"), key_did: publish_lists(site, key, "/key")}
    fetcher = Fetcher(FetchPolicy(allow_http=True, allow_loopback=True))
    resolver = did.DIDResolver(fetcher.get_json, web_scheme="http")
    status = StatusListCache(fetcher, resolver)
    entries = [
        {"did": d, "name": "Hanoi Uni", "country": "VN", "accreditingBody": "MOET"}
        for d in (web_did, key_did)
    ]
    registry = TrustRegistry.from_json({"name": "bench", "issuers": entries}, source="bench")
    verifier = Verifier(resolver=resolver, status_lists=status, registry=registry)
    return Env(site, web, key, lists, f"{site.base}/web/token", resolver, status, verifier)


def timed(run: Callable[[int], object], batch_seconds: float) -> float:
    """Median µs per call over BATCHES batches after a warm-up; run(n) makes n calls."""
    start = time.perf_counter_ns()
    run(1)
    single = max(time.perf_counter_ns() - start, 1)
    per_batch = max(1, int(batch_seconds * 1e9 / single))
    start = time.perf_counter_ns()
    run(per_batch)  # the warm-up also sizes the batches better than one cold call
    elapsed = max(time.perf_counter_ns() - start, 1)
    per_batch = max(1, int(batch_seconds * 1e9 * per_batch / elapsed))
    samples = []
    for _ in range(BATCHES):
        start = time.perf_counter_ns()
        run(per_batch)
        samples.append((time.perf_counter_ns() - start) / per_batch / 1000)
    return statistics.median(samples)


def calls(function: Callable[..., object], *args: Any) -> Callable[[int], object]:
    """A batch runner calling function(*args) n times."""

    def run(n: int) -> None:
        for _ in repeat(None, n):
            function(*args)

    return run


@contextlib.contextmanager
def offline(site: Site) -> Iterator[None]:
    """Stop the benchmark if the loopback site is fetched from inside the block (a cold cache)."""
    before = site.hits
    yield
    if site.hits != before:
        raise SystemExit(f"{site.hits - before} HTTP requests during a timed loop: caches not warm")


def check_valid(report: Any, what: str) -> None:
    """Stop unless the pipeline verified the payload completely."""
    if report.verdict != "VALID":
        failed = [c for c in report.checks if c.state != "passed"]
        raise SystemExit(f"{what}: pipeline verdict {report.verdict}: {failed}")


def sd_jwt_reference(presentation: str, issuer_jwk: JWK, kb_alg: str) -> Callable[[], object]:
    """The sd-jwt 0.10.4 verifier (issuer JWT, KB-JWT, disclosures), KB-JWT alg set to kb_alg."""

    def run() -> object:
        # 0.10.4 hard-codes ES256 for the KB-JWT (its module's DEFAULT_SIGNING_ALG): see footnote 1.
        saved, sd_jwt_verifier.DEFAULT_SIGNING_ALG = sd_jwt_verifier.DEFAULT_SIGNING_ALG, kb_alg
        try:
            checked = sd_jwt_verifier.SDJWTVerifier(
                presentation, lambda _iss, _header: issuer_jwk, AUDIENCE, NONCE
            )
            return checked.get_verified_payload()
        finally:
            sd_jwt_verifier.DEFAULT_SIGNING_ALG = saved

    return run


def sd_jwt_rows(env: Env, holder_alg: str, batch: float) -> list[Row]:
    """Pipeline, bare verify_vc and the sd-jwt reference on one presentation."""
    holder = PrivateKey.generate("Ed25519" if holder_alg == "EdDSA" else "P-256")
    issued = issue_sd_jwt_vc(
        env.web,
        COURSE,
        AWARD,
        holder_jwk=holder.public_key.jwk,
        issued_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
        status=(env.token_url, INDEX),
    )
    assert len(sdjwt.available_paths(issued)) == 8
    presentation = sdjwt.present(
        issued,
        disclose=DISCLOSED,
        holder_key=holder,
        nonce=NONCE,
        audience=AUDIENCE,
        iat=int(time.time()),
    )
    policy = Policy(require_holder_binding=True, nonce=NONCE, audience=AUDIENCE)
    report = env.verifier.verify(presentation, policy)
    check_valid(report, "SD-JWT VC")
    assert len(report.disclosed) == 4
    key = env.web.key.public_key
    reference = sd_jwt_reference(presentation, JWK.from_json(json.dumps(key.jwk)), holder_alg)
    assert reference()["given_name"] == AWARD.given_name  # type: ignore[index]
    with offline(env.site):
        ref_us = timed(calls(reference), batch)
        pipeline_us = timed(calls(env.verifier.verify, presentation, policy), batch)
        bare_us = timed(
            calls(
                lambda: sdjwt_vc.verify_vc(
                    presentation, key, require_key_binding=True, nonce=NONCE, audience=AUDIENCE
                )
            ),
            batch,
        )
    label = f"SD-JWT VC, {holder_alg} holder"
    ours = "<=250 µs, >=1.5x ref" if holder_alg == "EdDSA" else "(information)"
    limit, speed = (250.0, 1.5) if holder_alg == "EdDSA" else (None, None)
    return [
        Row(f"{label}: Verifier.verify", pipeline_us, ours, limit, ref_us, speed),
        Row(f"{label}: sdjwt_vc.verify_vc", bare_us, "", None, ref_us),
        Row(f"{label}: sd-jwt 0.10.4 ref.¹", ref_us),
    ]


def didkit_verify(document: str, proof_format: str) -> Callable[[], object]:
    """didkit's verify_credential on microcred's one event loop; stops unless the proof held."""
    options = strictjson.dumps({"proofFormat": proof_format, "proofPurpose": "assertionMethod"})
    expected = "JWS" if proof_format == "jwt" else "proof"

    def run() -> object:
        result = json.loads(didkit_loop.call(didkit.verify_credential, document, options))
        if result["errors"] or expected not in result["checks"]:
            raise SystemExit(f"didkit: {result}")
        return result

    return run


def vc_jwt_rows(env: Env, batch: float) -> list[Row]:
    """Pipeline and bare verify_jwt against didkit, on one did:key VC-JWT."""
    token = issue_vc_jwt(
        env.key,
        COURSE,
        AWARD,
        credential_id="urn:uuid:0f6f-jwt",
        subject_id="did:example:learner",
        issued_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
        # didkit 0.3.3 reads credentialStatus as one object only: a revocation entry, no list.
        status=bitstring_status_entries(
            {"revocation": env.lists[env.key.did]["revocation"]}, INDEX
        ),
    )
    check_valid(env.verifier.verify(token), "VC-JWT")
    reference = didkit_verify(token, "jwt")
    reference()
    with offline(env.site):
        ref_us = timed(calls(reference), batch)
        pipeline_us = timed(calls(env.verifier.verify, token), batch)
        bare_us = timed(calls(vcjwt.verify_jwt, token, env.resolver.key), batch)
    target = "within 1.2x of didkit (>=0.83x)"
    return [
        Row(
            f"VC-JWT ({len(token):,} B): Verifier.verify",
            pipeline_us,
            target,
            None,
            ref_us,
            1 / 1.2,
        ),
        Row("VC-JWT: vcjwt.verify_jwt", bare_us, target, None, ref_us, 1 / 1.2),
        Row("VC-JWT: didkit verify_credential ref.³", ref_us),
    ]


def ldp_rows(env: Env, batch: float) -> list[Row]:
    """Our eddsa-rdfc-2022 verify of an OB3 credential against didkit's LDP verify."""
    issued_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    badge = issue_open_badge(
        env.web,
        COURSE,
        AWARD,
        credential_id="urn:uuid:0f6f-ob3",
        subject_id="did:example:learner",
        issued_at=issued_at,
        status=bitstring_status_entries(env.lists[env.web.did], INDEX),
    )
    text = strictjson.dumps(badge)
    check_valid(env.verifier.verify(text), "OB3")
    web, resolver = env.web, env.resolver

    def bare() -> object:
        return data_integrity.verify(badge, lambda vm, rel: resolver.key(vm, rel, did=web.did))

    vc11 = to_vcdm11(
        COURSE,
        AWARD,
        credential_id="urn:uuid:0f6f-ldp",
        issuer_id=env.key.did,
        issuer_name=env.key.name,
        subject_id="did:example:learner",
        issuance_date=issued_at,
    )
    signed = vcjwt.issue_ldp(vc11, env.key.key, verification_method=env.key.verification_method)
    reference = didkit_verify(strictjson.dumps(signed), "ldp")
    reference()
    with offline(env.site):
        ref_us = timed(calls(reference), batch)
        pipeline_us = timed(calls(env.verifier.verify, text), batch)
        bare_us = timed(calls(bare), batch)
    target = "faster than didkit"
    return [
        Row("OB3 eddsa-rdfc-2022: Verifier.verify", pipeline_us, target, None, ref_us, 1.0),
        Row("OB3 eddsa-rdfc-2022: data_integrity.verify", bare_us, target, None, ref_us, 1.0),
        Row("VCDM 1.1 Ed25519Signature2018: didkit ref.²", ref_us),
    ]


def status_rows(env: Env, batch: float) -> list[Row]:
    """A status check on warm cached lists, a bare bit lookup, and decoding a 1%-set list."""
    lists = env.lists[env.key.did]
    refs = (StatusRef("BitstringStatusListEntry", "revocation", lists["revocation"], INDEX),)
    token_refs = (StatusRef("token", None, env.token_url, INDEX),)
    status = env.status.status
    # Warm (the pipeline rows fetched these already; the hit check below proves it).
    assert status(env.key.did, refs, "revocation") == 0
    assert status(env.web.did, token_refs, "revocation") == 0
    bits = Bitstring(LIST_SIZE)
    for index in random.Random(1).sample(range(LIST_SIZE), LIST_SIZE // 100):
        bits.set(index)
    encoded = bits.encode()
    with offline(env.site):
        cached = timed(calls(status, env.key.did, refs, "revocation"), batch)
        token = timed(calls(status, env.web.did, token_refs, "revocation"), batch)
    return [
        Row("status: StatusListCache.status (bitstring, warm)", cached, "<=1 µs", 1.0),
        Row("status: StatusListCache.status (token list, warm)", token, "<=1 µs", 1.0),
        Row("status: Bitstring.get", timed(calls(bits.get, INDEX), batch), "<=1 µs", 1.0),
        Row(
            "status: Bitstring.decode (131,072, 1% set)",
            timed(calls(Bitstring.decode, encoded), batch),
            "<=0.5 ms",
            500.0,
        ),
    ]


def qr_rows(batch: float) -> tuple[list[Row], str]:
    """Decode a 1,200 B QR in a 720p camera-like JPEG frame, and from the gray frame in memory."""
    try:
        import cv2
        import numpy as np

        from microcred import qr

        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import bench_qr

        decode, decode_gray = qr.decode, qr.decode_gray
        text = bench_qr.payload(QR_PAYLOAD_BYTES)
        jpeg = bench_qr.scene(text, QR_FRAME, 0.4, 0.7, 3.0, seed=len("720p 1200 B"))
    except (ImportError, AttributeError) as error:
        return [], f"QR rows skipped: {error}"
    gray = np.asarray(cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_GRAYSCALE), np.uint8)
    width, height = QR_FRAME
    if decode(jpeg) != [text] or decode_gray(gray, width, height) != [text]:
        return [], "QR rows skipped: the frame did not decode to its payload"
    decoder = qr_decoder(gray, text)
    rows = [
        Row(
            f"QR: qr.decode (720p JPEG, {QR_PAYLOAD_BYTES:,} B)",
            timed(calls(decode, jpeg), batch),
            "<=10 ms",
            10_000.0,
        ),
        Row(
            "QR: qr.decode_gray (720p frame in memory)",
            timed(calls(decode_gray, gray, width, height), batch),
            "<=10 ms",
            10_000.0,
        ),
    ]
    return rows, f"QR rows: decoded by {decoder} (qr.decode tries zxing-cpp, zbar, OpenCV)."


def qr_decoder(gray: Any, text: str) -> str:
    """Name and version of the first decoder stage of microcred.qr that reads this frame."""
    from microcred import qr

    if qr.zxingcpp is not None and text.encode() in qr._zxing_scan(gray):
        return f"zxing-cpp {version('zxing-cpp')}"
    if text.encode() in qr._zbar_scan(gray):
        return f"zbar (pyzbar {version('pyzbar')})"
    return "OpenCV"


def idlest_core(seconds: float = 1.0) -> int:
    """The allowed core with the most idle time over a short look (the machine is shared)."""
    allowed = sorted(os.sched_getaffinity(0))

    def idle() -> dict[int, int]:
        found = {}
        with open("/proc/stat", encoding="ascii") as stat:
            for line in stat:
                name, *fields = line.split()
                if name.startswith("cpu") and name[3:].isdigit():
                    found[int(name[3:])] = int(fields[3]) + int(fields[4])  # idle + iowait
        return found

    try:
        before = idle()
        time.sleep(seconds)
        after = idle()
    except OSError:
        return allowed[0]
    return max(allowed, key=lambda core: after.get(core, 0) - before.get(core, 0))


def pin(core: int | None) -> str:
    """Run this process (and OpenCV) on one core, the idlest unless given; say which."""
    if not hasattr(os, "sched_setaffinity"):
        return "unpinned (no sched_setaffinity)"
    core = idlest_core() if core is None else core
    os.sched_setaffinity(0, {core})
    with contextlib.suppress(ImportError):
        import cv2

        cv2.setNumThreads(1)
    return f"pinned to core {core}"


def duration(us: float | None) -> str:
    """µs below a millisecond, ms above."""
    if us is None:
        return ""
    return f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.2f} µs" if us < 10 else f"{us:.1f} µs"


def print_table(rows: list[Row], notes: list[str]) -> None:
    """Print the one table, then the footnotes."""
    header = ("operation", "median", "target", "reference median", "speed-up", "met?")
    cells = [
        (
            r.name,
            duration(r.us),
            r.target,
            duration(r.ref_us),
            "" if r.speedup is None else f"{r.speedup:.2f}x",
            r.met,
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    print()
    for line in [header, tuple("-" * w for w in widths), *cells]:
        print(
            " | ".join(
                c.ljust(w) if i < 3 else c.rjust(w)
                for i, (c, w) in enumerate(zip(line, widths, strict=True))
            )
        )
    print("\nspeed-up = reference median / our median (below 1: slower than the reference).")
    for note in notes:
        print(note)


NOTES = [
    "¹ sd-jwt 0.10.4 hard-codes ES256 for the KB-JWT: for the EdDSA rows its module constant"
    " DEFAULT_SIGNING_ALG is set to EdDSA around each call (the ES256 rows run it unpatched). It"
    " resolves no DID, checks no status, typ, exp/nbf/iat or KB-JWT age; the issuer key is a"
    " ready jwcrypto JWK. Issuer key: Ed25519 in every SD-JWT row.",
    "² didkit 0.3.3 cannot verify eddsa-rdfc-2022 on OB 3.0.3 (VCDM 2.0): the reference is its LDP"
    " verify (Ed25519Signature2018, did:key) of the VCDM 1.1 twin from model.to_vcdm11, signed by"
    " vcjwt.issue_ldp, without credentialStatus (no status check either).",
    "³ didkit called through microcred.didkit_loop (one reused event loop, as vcjwt does), did:key"
    " issuer, the same token, which has one revocation entry (didkit 0.3.3 cannot parse a list of"
    " credentialStatus entries); didkit checks no credentialStatus.",
    "Pipeline rows take the payload as text (JSON-LD as a JSON string) and check signature, dates,"
    " revocation + suspension on cached lists (did:web via a loopback server, cached) and trust.",
]


def main() -> None:
    """Build the issuers and credentials, time every row, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter batches (about 15 s)")
    parser.add_argument("--no-pin", action="store_true", help="use every core")
    parser.add_argument("--core", type=int, help="the core to pin to (default: the idlest)")
    args = parser.parse_args()
    batch = QUICK_BATCH_SECONDS if args.quick else BATCH_SECONDS
    pinning = "unpinned" if args.no_pin else pin(args.core)
    started = time.perf_counter()
    env = environment()
    notes = list(NOTES)
    rows: list[Row] = []
    try:
        rows += progress(sd_jwt_rows(env, "EdDSA", batch))
        rows += progress(sd_jwt_rows(env, "ES256", batch))
        rows += progress(vc_jwt_rows(env, batch))
        rows += progress(ldp_rows(env, batch))
        rows += progress(status_rows(env, batch))
        served = env.site.hits
        qr, note = qr_rows(batch)
        rows += progress(qr)
        notes += [note] if note else []
    finally:
        env.site.close()
        vcjwt.shutdown()
    print_table(rows, notes)
    emit([figure(row) for row in rows if "ref." not in row.name])
    elapsed = time.perf_counter() - started
    print(f"Loopback server: {served} requests, none in a timed loop. Total {elapsed:.1f} s.")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {pinning}, load {load}.")


# What the reference of each kind of row is (the table's footnotes say more).
REFERENCE_NAMES = {
    "SD-JWT": "sd-jwt 0.10.4",
    "VC-JWT": "didkit",
    "OB3": "didkit LDP, VCDM 1.1 twin",
}


def figure(row: Row) -> Figure:
    """A table row as run_all.py's figure (µs below a millisecond, ms above)."""
    value, unit = (row.us, "µs") if row.us < 1000 else (row.us / 1000, "ms")
    reference = ""
    if row.ref_us is not None:
        names = [name for prefix, name in REFERENCE_NAMES.items() if row.name.startswith(prefix)]
        reference = f"{names[0] if names else 'reference'}: {duration(row.ref_us)}"
    met = None if row.met == "-" else row.met == "yes"
    return Figure("core", row.name, value, unit, row.target, met, reference, row.speedup)


def progress(rows: list[Row]) -> list[Row]:
    """Say which section is done (to stderr, so stdout holds only the table)."""
    if rows:
        print(f"timed: {rows[0].name.split(':')[0]}", file=sys.stderr, flush=True)
    return rows


if __name__ == "__main__":
    main()
