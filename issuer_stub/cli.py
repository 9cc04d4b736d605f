"""Command-line tasks: `flask --app issuer_stub create-staff`, `seed-demo` and `demo-offers`."""

from __future__ import annotations

import json
import sqlite3
import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from . import store
from .auth import hash_password, password_problem
from .store import staff as staff_store


@click.command("create-staff")
@click.option("--username", prompt=True, help="Sign-in name, e.g. lan.nguyen")
@click.option("--name", "display_name", prompt="Full name", help="Name shown in the audit log")
@click.option("--admin/--no-admin", default=True, show_default=True, help="May manage staff")
@click.password_option(help="At least 10 characters (asked for when not given)")
@with_appcontext
def create_staff_command(username: str, display_name: str, admin: bool, password: str) -> None:
    """Create a staff account (the first one should be an administrator)."""
    problem = password_problem(password, username)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    db = store.get_db()
    try:
        staff_store.add_staff(
            db,
            username=username.strip(),
            display_name=display_name.strip(),
            password_hash=hash_password(password),
            is_admin=admin,
            actor="command line",
            now=time.time(),
        )
    except sqlite3.IntegrityError:
        raise click.ClickException(f"the user name {username!r} is already taken") from None
    click.echo(f"Staff account {username} created{' (administrator)' if admin else ''}.")


@click.command("seed-demo")
@click.option("--password", default=None, help="Password of the demo account (default: random)")
@with_appcontext
def seed_demo_command(password: str | None) -> None:
    """Create the demo institution, an administrator and three published micro-credentials."""
    from .demo import seed

    result = seed(current_app._get_current_object(), password=password)  # type: ignore[attr-defined]
    if result["password"]:
        click.echo(f"Staff account: {result['username']} / {result['password']}")
    else:
        click.echo(f"Staff account {result['username']} already existed.")


@click.command("demo-offers")
@with_appcontext
def demo_offers_command() -> None:
    """Print, as a JSON list, offer links for the demo learner's awards not yet made."""
    from .demo import demo_offers

    click.echo(json.dumps(demo_offers(current_app._get_current_object())))  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(create_staff_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(demo_offers_command)
