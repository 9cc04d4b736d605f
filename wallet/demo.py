"""Demo data for the wallet: a learner account that the demo command fills by real OpenID4VCI."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from . import account
from .store import accounts as account_store, cards as card_store, get_db

DEMO_USERNAME = "learner"
# A demo password, printed by the demo command; never used outside the local demo.
DEMO_PASSWORD = "demo-learner-2026"


@dataclass(frozen=True)
class DemoLearner:
    """How to sign in to the demo wallet."""

    username: str
    password: str
    created: bool

    def sign_in_text(self) -> str:
        """A line the demo command prints."""
        return f"wallet sign-in: {self.username} / {self.password}"


def seed(app: Flask, username: str = DEMO_USERNAME, password: str = DEMO_PASSWORD) -> DemoLearner:
    """Create the demo learner's account unless it exists; return how to sign in."""
    with app.app_context():
        if account_store.user_by_name(get_db(), username) is not None:
            return DemoLearner(username, password, False)
        problems = account.signup_problems(username, password, password)
        if problems:
            raise ValueError(f"demo account refused: {problems}")
        created = account.register(username, password) is not None
    return DemoLearner(username, password, created)


def receive(
    app: Flask, offer_link: str, *, username: str = DEMO_USERNAME, tx_code: str | None = None
) -> str:
    """Put a credential into a learner's wallet by the real OpenID4VCI flow; return the card id.

    The demo command calls this with an offer link from the running issuer, exactly what the
    learner would paste; the credentials are verified and stored as for the web flow.
    """
    from . import offers

    with app.app_context():
        user = account_store.user_by_name(get_db(), username)
        if user is None:
            raise ValueError(f"no wallet account {username!r}")
        offer = offers.look_up(offer_link)
        return offers.accept(user, offer, offers.check_tx_code(offer, tx_code or ""))


def card_count(app: Flask, username: str = DEMO_USERNAME) -> int:
    """How many cards the demo learner holds (0 without an account)."""
    with app.app_context():
        user = account_store.user_by_name(get_db(), username)
        return card_store.count_cards(get_db(), user["id"]) if user else 0


@click.command("seed-demo")
@click.option("--password", default=DEMO_PASSWORD, show_default=True, help="Demo password")
@with_appcontext
def seed_demo_command(password: str) -> None:
    """Create the demo learner (unless present); print sign-in and card count as JSON."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    learner = seed(app, password=password)
    click.echo(json.dumps(asdict(learner) | {"cards": card_count(app)}))


@click.command("demo-receive")
@click.argument("links", nargs=-1)
@with_appcontext
def demo_receive_command(links: tuple[str, ...]) -> None:
    """Receive each offer link into the demo learner's wallet by real OpenID4VCI."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for link in links:
        click.echo(receive(app, link))


def init_app(app: Flask) -> None:
    """Register the demo commands."""
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(demo_receive_command)
