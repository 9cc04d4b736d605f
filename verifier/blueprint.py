"""The verifier's one blueprint; the view modules add their routes to it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("verifier", __name__)
