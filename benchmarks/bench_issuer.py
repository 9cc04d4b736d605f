"""Issuer benchmark: signing per format, offers from a 10,000-row CSV, OpenID4VCI round trips.

Run from the repository root: .venv/bin/python benchmarks/bench_issuer.py [--quick]. Not a test.
1. credentials signed per second in-process, per format (the credential endpoint's own work);
2. offers created per second from a 10,000-row CSV: check every row, then insert awards and
   offers in one transaction (the background job), through the app's upload route;
3. full OpenID4VCI round trips per second over loopback HTTP: a wallet (WalletClient with the
   core Fetcher) resolves the offer and metadata, redeems the code, fetches a nonce and one
   credential, against a threaded werkzeug server running issuer_stub.
Medians of 5 batches; the machine is whatever runs it (see /work/shared/MEASURED.md for ours).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import logging
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from werkzeug.datastructures import FileStorage
from werkzeug.serving import make_server
from werkzeug.test import encode_multipart

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from results import Figure, emit  # noqa: E402  (benchmarks/results.py, beside this script)

from issuer_stub import create_app  # noqa: E402
from issuer_stub.demo import seed  # noqa: E402
from microcred import did  # noqa: E402
from microcred.demo import (
    DEMO_AWARD as AWARD,  # noqa: E402
    DEMO_COURSE as COURSE,  # noqa: E402
)
from microcred.fetch import Fetcher, FetchPolicy  # noqa: E402
from microcred.issuance import (  # noqa: E402
    IssuerIdentity,
    bitstring_status_entries,
    issue_open_badge,
    issue_sd_jwt_vc,
    issue_vc_jwt,
)
from microcred.keys import PrivateKey  # noqa: E402
from microcred.oid4vci import CONFIGURATION_IDS  # noqa: E402
from microcred.oid4vci_client import WalletClient  # noqa: E402

BATCHES = 5
PASSWORD = "bench password 1"
FAST_HASH = {"PASSWORD_TIME_COST": 1, "PASSWORD_MEMORY_KIB": 1024, "PASSWORD_PARALLELISM": 1}
NAMES = {
    "MicroCredential_sd_jwt": "SD-JWT VC",
    "MicroCredential_ob3": "OB3 + eddsa-rdfc-2022",
    "MicroCredential_jwt_vc": "VC-JWT (VCDM 1.1)",
}


def rate(function: Any, seconds: float) -> float:
    """Calls per second: median of BATCHES batches of about `seconds` each, after a warm-up."""
    function()
    rates = []
    for _ in range(BATCHES):
        calls, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds:
            function()
            calls += 1
        rates.append(calls / elapsed)
    return statistics.median(rates)


def signing(seconds: float) -> dict[str, float]:
    """Credentials signed per second in-process, per format."""
    key = PrivateKey.generate("Ed25519")
    issuer = did.did_web("https://uni.example")
    identity = IssuerIdentity(issuer, issuer + "#key-1", key, "Uni")
    holder = PrivateKey.generate("Ed25519").public_key
    holder_did = did.did_key(holder)
    moment = dt.datetime.fromtimestamp(time.time(), dt.UTC)
    entries = bitstring_status_entries({"revocation": "https://uni.example/status/revocation"}, 7)
    jobs = {
        "MicroCredential_sd_jwt": lambda: issue_sd_jwt_vc(
            identity, COURSE, AWARD, holder_jwk=holder.jwk, issued_at=moment,
            status=("https://uni.example/status/token", 7),
        ),
        "MicroCredential_ob3": lambda: issue_open_badge(
            identity, COURSE, AWARD, credential_id="urn:uuid:1", subject_id=holder_did,
            issued_at=moment, status=entries,
        ),
        "MicroCredential_jwt_vc": lambda: issue_vc_jwt(
            identity, COURSE, AWARD, credential_id="urn:uuid:1", subject_id=holder_did,
            issued_at=moment, status=entries,
        ),
    }  # fmt: skip
    return {config: rate(job, seconds) for config, job in jobs.items()}


def _app(folder: Path, base_url: str) -> Any:
    app = create_app(
        {
            "DATABASE": str(folder / "issuer.sqlite"),
            "INSTANCE_PATH": str(folder / "instance"),
            "BASE_URL": base_url,
            "SECRET_KEY": os.urandom(32),
            # One wallet on one address makes every request, under the default token limit:
            # only refused requests count, so a lecture hall behind one NAT is not slowed.
            **FAST_HASH,
        }
    )
    seed(app, password=PASSWORD)
    return app


def _signed_in(app: Any) -> tuple[Any, str]:
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/sign-in", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    page = client.get("/bulk").get_data(as_text=True)
    return client, page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def bulk_upload(client: Any, token: str, rows: int, learner_prefix: str) -> tuple[float, str]:
    """Upload a CSV and wait for its job; seconds from the upload to the last offer committed."""
    lines = "".join(f"Thị {i},Nguyễn,{learner_prefix}{i:06d},,8,\n" for i in range(rows))
    data = ("given_name,family_name,learner_id,email,grade,date\n" + lines).encode()
    values: dict[str, Any] = {"course": "1", "csrf_token": token}
    values["file"] = FileStorage(io.BytesIO(data), filename="learners.csv", content_type="text/csv")
    boundary, body = encode_multipart(values)
    start = time.perf_counter()
    answer = client.post(
        "/bulk", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    job_id = answer.headers["Location"].rsplit("/", 1)[-1]
    while "Issuing" in client.get(f"/bulk/{job_id}/progress").get_data(as_text=True):
        time.sleep(0.005)
    return time.perf_counter() - start, job_id


def bulk(folder: Path, rows: int) -> float:
    """Offers created per second from a `rows`-row CSV (median of 3 fresh uploads)."""
    app = _app(folder, "http://localhost:5001")
    client, token = _signed_in(app)
    timings = [bulk_upload(client, token, rows, f"R{run}-")[0] for run in range(3)]
    return rows / statistics.median(timings)


def round_trips(folder: Path, count: int) -> dict[str, float]:
    """Full OpenID4VCI round trips per second over loopback HTTP, per configuration."""
    server = make_server("127.0.0.1", 0, None, threaded=True)  # type: ignore[arg-type]
    port = server.server_port
    server.server_close()
    base = f"http://localhost:{port}"
    app = _app(folder, base)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client, token = _signed_in(app)
    _seconds, job_id = bulk_upload(client, token, count * len(CONFIGURATION_IDS) + 3, "T")
    text = client.get(f"/bulk/{job_id}/offers.csv").get_data(as_text=True).lstrip("\ufeff")
    links = [row["offer_link"] for row in csv.DictReader(io.StringIO(text))]
    fetcher = Fetcher(FetchPolicy(allow_http=True, allow_loopback=True))
    wallet = WalletClient(fetcher, PrivateKey.generate("Ed25519"), allow_http=True)
    results = {}
    try:
        for config in CONFIGURATION_IDS:
            wallet.receive(links.pop(), configuration_ids=[config])  # warm-up
            mine = [links.pop() for _ in range(count)]
            start = time.perf_counter()
            for link in mine:
                wallet.receive(link, configuration_ids=[config])
            results[config] = count / (time.perf_counter() - start)
    finally:
        server.shutdown()
    return results


def main() -> int:
    """Print the three tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter batches, fewer rows")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log in the tables
    seconds = 0.05 if args.quick else 0.4
    rows = 1_000 if args.quick else 10_000
    trips = 10 if args.quick else 40
    print(
        f"microcred issuer benchmark · Python {platform.python_version()} · {os.cpu_count()} CPUs"
    )
    figures = []
    print("\n| format | credentials signed / s (in-process) |\n|---|---:|")
    for config, value in signing(seconds).items():
        print(f"| {NAMES[config]} | {value:,.0f} |")
        figures.append(Figure("issuer", f"sign one credential, {NAMES[config]}", value, "/s"))
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "bulk").mkdir()
        offers = bulk(Path(folder) / "bulk", rows)
        print(f"\n| bulk import | offers / s |\n|---|---:|\n| {rows:,}-row CSV | {offers:,.0f} |")
        figures.append(Figure("issuer", f"offers from a {rows:,}-row CSV", offers, "/s"))
        (Path(folder) / "trips").mkdir()
        print("\n| OpenID4VCI round trip over loopback HTTP | per second |\n|---|---:|")
        for config, value in round_trips(Path(folder) / "trips", trips).items():
            print(f"| {NAMES[config]} | {value:,.1f} |")
            name = f"OpenID4VCI round trip over loopback HTTP, {NAMES[config]}"
            figures.append(Figure("issuer", name, value, "/s"))
    emit(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
