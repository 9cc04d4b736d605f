"""The demo site: issuer_stub, wallet and verifier as three processes on 5001-5003, with demo data.

Each app runs in a process of its own, with its own instance folder and database under the data
folder, and talks to the others only over HTTP, as three organisations would. The site starts
them with Flask's own command line, seeds them through their demo commands (the learner's two
credentials arrive by real OpenID4VCI from the running issuer) and stops them on Ctrl-C. The
core imports no app: it only names their packages on a command line.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from . import did, tls

ISSUER_STAFF = ("admin", "demo-admin-2026")
VERIFIER_STAFF = ("hr", "demo-hr-2026")
INSTITUTION_NAME = "Trường Đại học Công nghệ Sông Hồng"
ACCREDITING_BODY = "Bộ Giáo dục và Đào tạo (Ministry of Education and Training)"
# Seconds an app may take to open its port; a first start imports OpenCV and didkit.
START_TIMEOUT = 60.0
# Seconds between Ctrl-C (or a dead app) and killing an app that has not stopped yet.
STOP_GRACE = 5.0


class DemoError(Exception):
    """The demo could not start: a port is taken, an app died or a seed command failed."""


@dataclass(frozen=True)
class App:
    """One of the three apps: its role, package, port and configuration prefix."""

    role: str
    package: str
    port: int
    prefix: str


def three_apps(first_port: int) -> tuple[App, App, App]:
    """The institution, learner and employer apps on three consecutive ports."""
    return (
        App("institution", "issuer_stub", first_port, "ISSUER"),
        App("learner", "wallet", first_port + 1, "WALLET"),
        App("employer", "verifier", first_port + 2, "VERIFIER"),
    )


@dataclass
class Site:
    """Where the demo keeps its files, how its apps are reached, and their processes."""

    data: Path
    apps: tuple[App, App, App]
    host: str = "localhost"
    bind: str = "127.0.0.1"
    certificate: tls.CertificateFiles | None = None
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def issuer(self) -> App:
        """The institution's app."""
        return self.apps[0]

    @property
    def wallet(self) -> App:
        """The learner's app."""
        return self.apps[1]

    @property
    def verifier(self) -> App:
        """The employer's app."""
        return self.apps[2]

    def url(self, app: App) -> str:
        """The public base URL of an app."""
        scheme = "https" if self.certificate else "http"
        return f"{scheme}://{self.host}:{app.port}"

    def env(self, app: App) -> dict[str, str]:
        """The environment an app's processes run with: its URL, folder and demo permissions."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
        p = app.prefix
        env[f"{p}_BASE_URL"] = self.url(app)
        env[f"{p}_INSTANCE_PATH"] = str((self.data / app.package).resolve())
        # The apps fetch from each other on this machine (from_prefixed_env reads JSON values):
        # over plain http and loopback, or over https with the demo's own certificate and
        # address, which only these settings make acceptable.
        if self.certificate is None:
            env[f"{p}_ALLOW_INSECURE_LOCALHOST"] = "true"
        else:
            env[f"{p}_DEMO_CA_FILE"] = str(self.certificate.cert.resolve())
            env[f"{p}_DEMO_HOSTS"] = json.dumps([self.host])
        if app is self.wallet:
            env["WALLET_TRUST_REGISTRY"] = str(self.registry_file.resolve())
        if app is self.verifier:
            env["VERIFIER_WALLET_URL"] = self.url(self.wallet)
        # Status lists kept 20 s, not a minute, so a revocation in the demo shows quickly.
        env.setdefault("ISSUER_STATUS_MAX_AGE", "20")
        env.setdefault("VERIFIER_STATUS_MIN_TTL", "20")
        return env

    @property
    def registry_file(self) -> Path:
        """The trust registry the wallet reads: the demo institution."""
        return self.data / "registry.json"

    def log_path(self, app: App) -> Path:
        """The file an app's server writes its requests and errors to."""
        return self.data / "logs" / f"{app.package}.log"

    def flask(self, app: App, *args: str) -> list[str]:
        """A `flask --app <package> ...` command line for this interpreter."""
        return [sys.executable, "-m", "flask", "--app", app.package, *args]

    def run_command(self, app: App, *args: str) -> str:
        """Run one of an app's commands to the end; return what it printed."""
        done = subprocess.run(
            self.flask(app, *args), env=self.env(app), capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            raise DemoError(f"{app.package} {args[0]} failed:\n  " + "\n  ".join(detail))
        return done.stdout

    def start(self, app: App) -> None:
        """Start an app's web server in a process of its own, logging to its file."""
        serve = ["run", "--host", self.bind, "--port", str(app.port), "--no-reload"]
        serve += ["--no-debugger", "--with-threads"]
        if self.certificate is not None:
            serve += ["--cert", str(self.certificate.cert), "--key", str(self.certificate.key)]
        with self.log_path(app).open("ab") as log:
            self.processes[app.package] = subprocess.Popen(
                self.flask(app, *serve), env=self.env(app), stdout=log, stderr=subprocess.STDOUT
            )

    def wait_until_up(self, app: App) -> None:
        """Wait until the app accepts connections; fail at once if its process died."""
        deadline = time.monotonic() + START_TIMEOUT
        process = self.processes[app.package]
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise DemoError(f"{app.package} stopped (see {self.log_path(app)})")
            try:
                with socket.create_connection(("127.0.0.1", app.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise DemoError(f"{app.package} did not open port {app.port} in {START_TIMEOUT:.0f} s")

    def stop(self) -> None:
        """Stop every app: a polite signal first, a kill after the grace period."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + STOP_GRACE
        for process in self.processes.values():
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def check_ports_free(site: Site) -> None:
    """Refuse to start when a port is taken (most often: a demo is already running)."""
    for app in site.apps:
        with socket.socket() as probe:
            # As the servers do: connections of a demo stopped a moment ago may linger in
            # TIME_WAIT, which must not count as "in use" (a listening socket still does).
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((site.bind, app.port))
            except OSError:
                raise DemoError(
                    f"port {app.port} is in use: is a demo already running? Stop it first."
                ) from None


def write_registry(site: Site) -> str:
    """Write the demo's trust registry (the demo institution); return the institution's DID."""
    issuer = did.did_web(site.url(site.issuer))
    entry = {"did": issuer, "name": INSTITUTION_NAME, "country": "VN",
             "accreditingBody": ACCREDITING_BODY}  # fmt: skip
    registry = {"name": "microcred demo", "issuers": [entry]}
    site.registry_file.write_text(json.dumps(registry, ensure_ascii=False, indent=2), "utf-8")
    return issuer


def bring_up(site: Site, out: TextIO) -> dict[str, str]:
    """Start and seed the three apps; return how the learner signs in and what they hold."""
    (site.data / "logs").mkdir(parents=True, exist_ok=True)
    write_registry(site)
    out.write("Preparing the institution, its catalogue and the employer's registry...\n")
    site.run_command(site.issuer, "seed-demo", "--password", ISSUER_STAFF[1])
    site.run_command(
        site.verifier,
        "seed-demo",
        "--registry",
        str(site.registry_file),
        "--staff",
        VERIFIER_STAFF[0],
        "--password",
        VERIFIER_STAFF[1],
    )
    for app in site.apps:
        site.start(app)
    for app in site.apps:
        site.wait_until_up(app)
    learner = json.loads(site.run_command(site.wallet, "seed-demo"))
    if learner["cards"] < 2:
        out.write("Issuing the demo learner's credentials into the wallet (OpenID4VCI)...\n")
        links = json.loads(site.run_command(site.issuer, "demo-offers"))
        if links:
            site.run_command(site.wallet, "demo-receive", *links)
        learner = json.loads(site.run_command(site.wallet, "seed-demo"))
    return {"sign_in": f"{learner['username']} / {learner['password']}",
            "cards": str(learner["cards"])}  # fmt: skip


def banner(site: Site, learner: dict[str, str]) -> str:
    """What the demo prints once everything runs."""
    notes = (
        f"staff sign-in {ISSUER_STAFF[0]} / {ISSUER_STAFF[1]}",
        f"sign-in {learner['sign_in']} ({learner['cards']} credentials)",
        f"staff sign-in {VERIFIER_STAFF[0]} / {VERIFIER_STAFF[1]}",
    )
    lines = [f"microcred demo is running (data in {site.data}, logs in {site.data / 'logs'}):"]
    for app, note in zip(site.apps, notes, strict=True):
        lines.append(f"  {app.role:12} {site.url(app):30} {note}")
    if site.certificate is not None:
        address = tls.network_address() or "this machine's address"
        lines += [
            f"Phones on the same network: open the URLs above. They must resolve {site.host} to "
            f"{address}: .local names work where this machine announces itself by mDNS "
            "(macOS, or Linux with avahi); otherwise use --host with a name your network's DNS "
            "gives this machine.",
            "Accept the self-signed certificate once per app; its SHA-256 fingerprint is",
            f"  {site.certificate.fingerprint}",
        ]
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines) + "\n"


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # a service manager's stop is a Ctrl-C: stop the apps, then exit


def run(
    data: Path,
    out: TextIO,
    *,
    https: bool = False,
    host: str | None = None,
    first_port: int = 5001,
) -> int:
    """Run the demo until Ctrl-C; exit status 0 after a clean stop, 1 if it could not run."""
    site = Site(data=data, apps=three_apps(first_port))
    data.mkdir(parents=True, exist_ok=True)
    if https:
        # Phones reach the apps by this machine's name (did:web needs a name, not an address),
        # so the apps listen on every interface and the certificate names it.
        site.host = (host or tls.demo_host_name()).lower()
        site.bind = "0.0.0.0"
        site.certificate = tls.demo_certificate(data / "tls", [site.host, "localhost", "127.0.0.1"])
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        check_ports_free(site)
        learner = bring_up(site, out)
        out.write(banner(site, learner))
        out.flush()
        while all(p.poll() is None for p in site.processes.values()):
            time.sleep(0.5)
        dead = [name for name, p in site.processes.items() if p.poll() is not None]
        raise DemoError(f"{', '.join(dead)} stopped unexpectedly (see {data / 'logs'})")
    except KeyboardInterrupt:
        out.write("\nStopping the demo...\n")
        return 0
    except DemoError as error:
        out.write(f"demo: {error}\n")
        return 1
    finally:
        site.stop()
