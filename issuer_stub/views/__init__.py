"""The issuer's one blueprint; its views are split by what they serve (staff pages, protocols)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, request

bp = Blueprint("issuer", __name__)


def is_htmx() -> bool:
    """True for an htmx request that wants a fragment (not a boosted page load)."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")


@bp.app_template_filter("when")
def when(timestamp: Any) -> str:
    """A Unix time as `2025-06-30 14:05 UTC` (empty for none)."""
    if timestamp is None:
        return ""
    moment = dt.datetime.fromtimestamp(float(timestamp), dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


@bp.app_template_filter("day")
def day(timestamp: Any) -> str:
    """A Unix time as an ISO date."""
    if timestamp is None:
        return ""
    return dt.datetime.fromtimestamp(float(timestamp), dt.UTC).strftime("%Y-%m-%d")


from . import (  # noqa: E402  (views register themselves on bp)
    account,
    awards,
    bulk,
    catalogue,
    dashboard,
    protocol,
    register,
    settings,
    vcapi,
)

__all__ = [
    "account",
    "awards",
    "bp",
    "bulk",
    "catalogue",
    "dashboard",
    "protocol",
    "register",
    "settings",
    "vcapi",
]
