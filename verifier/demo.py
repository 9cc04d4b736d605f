"""Demo data for the verifier: trusted issuers and a staff account, by function or command.

`flask --app verifier seed-demo --registry FILE [--staff NAME --password PASSWORD]` is what the
demo site runs before starting the app; `seed()` does the same from Python (tests, benchmarks).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from microcred.errors import MicrocredError
from microcred.trust import MAX_REGISTRY_BYTES, TrustRegistry

from . import auth, store

DEMO_SOURCE = "demo"
DEMO_STAFF = "staff"
REGISTRY_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def seed(
    app: Flask,
    *,
    issuer_did: str,
    issuer_name: str,
    country: str = "VN",
    accrediting_body: str = "Demo Ministry of Education",
    staff_password: str | None = None,
    staff_username: str = DEMO_STAFF,
) -> None:
    """Trust one institution and, given a password, let `staff_username` sign in with it.

    Idempotent: run again, the registry entry is updated and the staff password reset.
    A password the rules refuse (under 10 characters...) raises auth.StaffError.
    """
    entry = {"did": issuer_did, "name": issuer_name, "country": country,
             "accreditingBody": accrediting_body}  # fmt: skip
    # Validated like any registry file entry (DID syntax, country code, lengths).
    registry = TrustRegistry.from_json({"name": "demo", "issuers": [entry]}, source=DEMO_SOURCE)
    seed_registry(app, registry, staff=(staff_username, staff_password) if staff_password else None)


def seed_registry(app: Flask, registry: TrustRegistry, *, staff: tuple[str, str] | None) -> None:
    """Replace the demo's registry entries with these, and create or reset a staff account."""
    db = store.connect(app.config["DATABASE"])
    try:
        store.import_registry(db, registry.entries(), DEMO_SOURCE)
        if staff is not None:
            with app.app_context():
                auth.save_staff(db, staff[0], "Demo HR officer", staff[1])
    finally:
        db.conn.close()


@click.command("seed-demo")
@click.option("--registry", "registry_file", required=True, type=REGISTRY_FILE,
              help="A trust registry JSON file to trust")  # fmt: skip
@click.option("--staff", "username", default=DEMO_STAFF, show_default=True, help="Staff user name")
@click.option("--password", default=None, help="Staff password (no account when not given)")
@with_appcontext
def seed_demo_command(registry_file: Path, username: str, password: str | None) -> None:
    """Trust the issuers of a registry file and create (or reset) a staff account."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    data = registry_file.read_bytes()[: MAX_REGISTRY_BYTES + 1]
    try:
        registry = TrustRegistry.fetch(str(registry_file), lambda _source: data)
        seed_registry(app, registry, staff=(username, password) if password else None)
    except (MicrocredError, auth.StaffError) as error:
        raise click.ClickException(str(getattr(error, "message", error))) from None
    staff = f", staff account {username}" if password else ""
    click.echo(f"Trusted {len(registry.entries())} issuer(s) from {registry.name}{staff}.")


def init_app(app: Flask) -> None:
    """Register `seed-demo`."""
    app.cli.add_command(seed_demo_command)
