"""`microcred` command line: verify any supported payload, make keys, run the core demo."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from . import did
from .errors import MicrocredError
from .fetch import Fetcher, FetchPolicy
from .keys import PrivateKey
from .report import Report
from .status_cache import StatusListCache
from .trust import TrustRegistry
from .verify import Policy, Verifier

EXIT_CODES = {"VALID": 0, "INVALID": 1, "UNVERIFIED": 2}
# Exit status for a usage error (argparse uses 2 too, but 2 means UNVERIFIED here).
EXIT_USAGE = 64
_MARKS = {"passed": "ok", "failed": "FAIL", "not_checked": "--"}
# Printed to stderr when no trust registry was given (SECURITY-CASES A24, global rule G1).
NO_REGISTRY = (
    "note: no --registry given, so no registry vouches for the issuer: the verdict is"
    " UNVERIFIED at best (give --registry FILE, or --no-trust-check when testing)"
)
NO_TRUST_CHECK = (
    "warning: issuer trust not checked (--no-trust-check): anyone can sign a credential,"
    " so VALID here says nothing about who the issuer is"
)
_VERDICT_LINES = {
    "VALID": "VALID: every required check passed",
    "INVALID": "INVALID: this credential must not be accepted",
    "UNVERIFIED": "UNVERIFIED: the credential could not be fully checked",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # a usage error must not look like UNVERIFIED (2)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_verifier(args: argparse.Namespace) -> Verifier:
    """Wire the pipeline to the guarded HTTP client and the optional trust registry."""
    fetcher = Fetcher(FetchPolicy(allow_http=args.allow_http, allow_loopback=args.allow_loopback))
    resolver = did.DIDResolver(fetcher.get_json, web_scheme="http" if args.allow_http else "https")
    registry = TrustRegistry.load(args.registry) if args.registry else None
    return Verifier(
        resolver=resolver, status_lists=StatusListCache(fetcher, resolver), registry=registry
    )


def render(report: Report, out: TextIO) -> None:
    """Print a report for people: verdict, checks, issuer, certificate, Annex I elements."""
    reason = f" ({report.reason})" if report.reason else ""
    out.write(f"{_VERDICT_LINES[report.verdict]}{reason}\n")
    out.write(f"format: {report.format}\n")
    if report.issuer.did:
        trust = report.issuer.trust_status.replace("_", " ")
        entry = report.issuer.registry_entry
        name = (entry.name if entry else None) or report.issuer.name or ""
        out.write(f"issuer: {report.issuer.did} {name} [{trust}]\n")
    out.write("checks:\n")
    for check in report.checks:
        detail = f"{check.code}: {check.message}" if check.message else check.code
        out.write(f"  {_MARKS[check.state]:4} {check.label} ({detail})\n")
    if report.certificate:
        out.write("credential:\n")
        for name, value in asdict(report.certificate).items():
            if value not in (None, (), [], "", False):
                out.write(f"  {name}: {_text(value)}\n")
    if report.disclosed:
        out.write(f"disclosed claims: {', '.join(report.disclosed)}\n")
    if report.annex_i:
        missing = ", ".join(report.annex_i.missing) or "none"
        out.write(f"EU Annex I mandatory elements missing: {missing}\n")


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_text(v)}" for k, v in value.items() if v)
    return str(value)


def _read(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read(4_000_000)
    return Path(source).read_bytes()


def cmd_verify(args: argparse.Namespace) -> int:
    """Verify one payload and print its report; the exit status is the verdict."""
    # B11: an expected nonce or audience means a fresh, holder-bound presentation is required
    # (Policy enforces it too); a bare SD-JWT must then fail, so both values are needed.
    wants_binding = args.require_holder_binding or args.nonce or args.audience
    if wants_binding and not (args.nonce and args.audience):
        print("holder binding needs both --nonce and --audience", file=sys.stderr)
        return EXIT_USAGE
    try:
        payload = _read(args.file)
        verifier = build_verifier(args)
    except (OSError, MicrocredError) as error:
        print(f"microcred: {error}", file=sys.stderr)
        return EXIT_USAGE
    policy = Policy(
        require_holder_binding=bool(wants_binding),
        nonce=args.nonce,
        audience=args.audience,
        # A24, G1: without a registry nobody vouches for the issuer, so a self-signed credential
        # is UNVERIFIED unless the user explicitly accepts that with --no-trust-check.
        require_trust=not args.no_trust_check,
    )
    report = verifier.verify(payload, policy)
    if args.registry is None and report.verdict != "INVALID":
        print(NO_TRUST_CHECK if args.no_trust_check else NO_REGISTRY, file=sys.stderr)
    return _print(report, args.json)


def _print(report: Report, as_json: bool) -> int:
    """Print the report; the verdict's exit status stands even if the reader went away."""
    try:
        if as_json:
            json.dump(report.to_json(), sys.stdout, ensure_ascii=False, indent=2, default=list)
            sys.stdout.write("\n")
        else:
            render(report, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        # `microcred verify … | head -1`: the reader closed the pipe. Point stdout at /dev/null
        # so the flush at interpreter exit cannot fail again (Python docs, "Note on SIGPIPE").
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return EXIT_CODES[report.verdict]


def cmd_keygen(args: argparse.Namespace) -> int:
    """Print (or write, mode 600) a new private JWK with its did:key or did:jwk."""
    key = PrivateKey.generate(args.kind)
    identifier = did.did_key(key.public_key) if args.did == "key" else did.did_jwk(key.public_key)
    text = json.dumps({"did": identifier, "jwk": key.to_jwk()}, indent=2) + "\n"
    if args.out:
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        print(identifier)
    else:
        sys.stdout.write(text)
    return 0


def cmd_samples(args: argparse.Namespace) -> int:
    """Issue a sample micro-credential in three formats, tamper with one, verify them all."""
    from .demo import run_core_demo

    return run_core_demo(Path(args.data), sys.stdout)


def cmd_demo(args: argparse.Namespace) -> int:
    """Start the institution, wallet and verifier apps with demo data until Ctrl-C."""
    from .demo_site import run

    if args.host and not args.https:
        print(
            "--host needs --https (phones can open a camera only on https pages)", file=sys.stderr
        )
        return EXIT_USAGE
    return run(
        Path(args.data), sys.stdout, https=args.https, host=args.host, first_port=args.first_port
    )


def parser() -> argparse.ArgumentParser:
    """The argument parser of the `microcred` command."""
    top = _Parser(prog="microcred", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    verify = commands.add_parser("verify", help="verify a credential or presentation")
    verify.add_argument("file", help="a file holding the payload, or - for standard input")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    trust = verify.add_mutually_exclusive_group()
    trust.add_argument("--registry", help="trust registry JSON file")
    trust.add_argument(
        "--no-trust-check",
        action="store_true",
        help="accept an issuer that no registry lists (testing only: anyone can sign)",
    )
    verify.add_argument("--nonce", help="expected nonce of the presentation")
    verify.add_argument("--audience", help="expected audience (this verifier's identifier)")
    verify.add_argument(
        "--require-holder-binding",
        action="store_true",
        help="implied by --nonce and --audience: a presentation without key binding fails",
    )
    verify.add_argument("--allow-http", action="store_true", help="local demo only")
    verify.add_argument("--allow-loopback", action="store_true", help="local demo only")
    verify.set_defaults(run=cmd_verify)
    keygen = commands.add_parser("keygen", help="generate a key and its DID")
    keygen.add_argument("--kind", choices=["Ed25519", "P-256"], default="Ed25519")
    keygen.add_argument("--did", choices=["key", "jwk"], default="key")
    keygen.add_argument("--out", help="write the private JWK to this new file (mode 600)")
    keygen.set_defaults(run=cmd_keygen)
    samples = commands.add_parser("samples", help="write and verify sample credentials")
    samples.add_argument("--data", default="demo-data/samples", help="folder for the files")
    samples.set_defaults(run=cmd_samples)
    demo = commands.add_parser("demo", help="run the three apps with demo data")
    demo.add_argument("--data", default="demo-data", help="folder for databases and keys")
    demo.add_argument("--https", action="store_true", help="serve https for phones on the LAN")
    demo.add_argument("--host", help="with --https: the name phones reach this machine by")
    demo.add_argument("--first-port", type=int, default=5001, help="issuer's port (then +1, +2)")
    demo.set_defaults(run=cmd_demo)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = parser().parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
