"""The issuer's one blueprint; its views are split by what they serve (staff pages, protocols)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel import Locale
from flask import Blueprint, request
from flask_babel import format_date, format_datetime, get_locale
from markupsafe import Markup

from .. import wording

bp = Blueprint("issuer", __name__)


def is_htmx() -> bool:
    """True for an htmx request that wants a fragment (not a boosted page load)."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")


def _time(moment: dt.datetime | dt.date, text: str) -> Markup:
    """Words for people, ISO 8601 for machines (`<time datetime=...>`)."""
    return Markup('<time datetime="{}">{}</time>').format(moment.isoformat(), text)


@bp.app_template_filter("when")
def when(timestamp: Any) -> Markup | str:
    """A Unix time as the page's language writes it: `Jun 30, 2025, 2:05 PM UTC`."""
    if timestamp is None:
        return ""
    moment = dt.datetime.fromtimestamp(float(timestamp), dt.UTC).replace(microsecond=0)
    locale = get_locale() or Locale.parse("en")
    # The locale's medium date with its short time (no seconds), and the time zone shown.
    pattern = (
        str(locale.datetime_formats["medium"])
        .replace("{1}", locale.date_formats["medium"].pattern)
        .replace("{0}", locale.time_formats["short"].pattern + " z")
    )
    return _time(moment, format_datetime(moment, pattern))


@bp.app_template_filter("day")
def day(timestamp: Any) -> Markup | str:
    """A Unix time as a date in the page's language (`June 30, 2025`, `30 tháng 6, 2025`)."""
    if timestamp is None:
        return ""
    moment = dt.datetime.fromtimestamp(float(timestamp), dt.UTC)
    return _time(moment.date(), format_date(moment, "long"))


@bp.app_template_filter("isodate")
def isodate(value: str | None) -> Markup | str:
    """A stored ISO date (`2025-06-30`) in the page's language; anything else as it is."""
    try:
        date = dt.date.fromisoformat(value or "")
    except ValueError:
        return value or ""
    return _time(date, format_date(date, "medium"))


bp.add_app_template_filter(wording.action, "action")
bp.add_app_template_filter(wording.detail, "audit_detail")
bp.add_app_template_filter(wording.message, "core_message")
bp.add_app_template_filter(wording.field, "field_name")
bp.add_app_template_filter(wording.participation, "participation")
bp.add_app_template_filter(wording.language_name, "language_name")


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
