"""Times and dates as the page's language writes them, with ISO 8601 kept for machines.

Pages show `Mar 14, 2026, 9:05 AM UTC` or `09:05 UTC 14 thg 3, 2026` inside
`<time datetime="2026-03-14T09:05:00Z">`; reports, JSON and history rows keep ISO 8601 or Unix
times. Times are shown in UTC, which the page says.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from babel import Locale
from flask_babel import format_date, format_datetime, get_locale
from markupsafe import Markup

_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")


def _time(iso: str, text: str) -> Markup:
    """Words for people, ISO 8601 for machines."""
    return Markup('<time datetime="{}">{}</time>').format(iso, text)


def moment_text(moment: dt.datetime) -> str:
    """A UTC time as the page's language writes it: `Mar 14, 2026, 9:05 AM UTC`."""
    locale = get_locale() or Locale.parse("en")
    # The locale's medium date with its short time (no seconds), and the time zone shown.
    pattern = (
        str(locale.datetime_formats["medium"])
        .replace("{1}", locale.date_formats["medium"].pattern)
        .replace("{0}", locale.time_formats["short"].pattern + " z")
    )
    return str(format_datetime(moment, pattern))


def when(value: float | str | None) -> Markup | str:
    """A Unix time or an ISO date-time as `<time>` in the page's language."""
    if value is None or value == "":
        return ""
    try:
        if isinstance(value, str):
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            moment = dt.datetime.fromtimestamp(float(value), dt.UTC)
    except (ValueError, OverflowError, OSError):
        return str(value)
    if moment.tzinfo is None:
        return str(value)
    moment = moment.astimezone(dt.UTC).replace(microsecond=0)
    return _time(moment.isoformat().replace("+00:00", "Z"), moment_text(moment))


def day(value: Any) -> Markup | Any:
    """An ISO date or date-time as its date in the page's language; anything else as it is."""
    if not isinstance(value, str):
        return value
    if not _ISO_DAY.match(value):
        return value
    try:
        # A date, or a whole date-time (`<time datetime>` gets only valid ISO 8601).
        date = dt.date.fromisoformat(value[:10])
        if len(value) > 10:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return _time(value, str(format_date(date, "medium")))


def day_text(value: str) -> str:
    """An ISO date or date-time as plain words (`Jan 1, 2025`); anything else as it is."""
    try:
        return str(format_date(dt.date.fromisoformat(value), "medium"))
    except ValueError:
        pass
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        return value
    return moment_text(moment.astimezone(dt.UTC))
