"""Demo data for the wallet: a learner account that the demo command fills by real OpenID4VCI."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from . import account
from .store import accounts as account_store, get_db

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
