"""The wallet's one blueprint; each submodule adds the routes of one part of the app."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("wallet", __name__)

# Importing the submodules registers their routes on `bp` (Flask's "larger applications" layout).
from . import accounts, answering, cards, ownership, receiving, sharing  # noqa: E402,F401
