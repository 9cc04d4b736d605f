"""Reports as the pages show them: plain words for verdicts and reasons, certificate rows.

The stored and downloadable form of a report is `Report.to_json()`; pages read that dict, so a
result renders the same whether it was verified a second or an hour ago.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from babel import Locale, UnknownLocaleError
from flask_babel import format_decimal, get_locale, gettext as _, lazy_gettext as _l, ngettext

from microcred.model import ANNEX_I_MANDATORY, ANNEX_I_OPTIONAL
from microcred.presentation_check import REQUEST_CHECK, REQUEST_LABEL
from microcred.report import CHECK_LABELS, Report

from . import dates, wording

VERDICTS = {
    "VALID": ("valid", "✓", _l("Valid")),
    "INVALID": ("invalid", "✗", _l("Invalid")),
    "UNVERIFIED": ("unverified", "!", _l("Unverified")),
}
STATE_MARKS = {"passed": "✓", "failed": "✗", "not_checked": "–"}
STATE_WORDS = wording.STATE_WORDS
# Codes of checks that were rightly not made: their words say it all, no code is shown.
QUIET_CODES = frozenset({"", "not_requested", "not_reached"})
# The core's English labels, for a check or element the wording does not know yet.
CORE_CHECK_NAMES = {**CHECK_LABELS, REQUEST_CHECK: REQUEST_LABEL}
CORE_ANNEX_LABELS = dict(ANNEX_I_MANDATORY + ANNEX_I_OPTIONAL)
# Certificate fields in reading order, with their labels.
CERTIFICATE_FIELDS = (
    ("title", _l("Title")),
    ("description", _l("Description")),
    ("awarding_body", _l("Awarding body")),
    ("country", _l("Country")),
    ("given_name", _l("Given name")),
    ("family_name", _l("Family name")),
    ("learner_name", _l("Learner")),
    ("learner_id", _l("Learner identifier")),
    ("date_of_issuance", _l("Date of issuing")),
    ("valid_until", _l("Valid until")),
    ("learning_outcomes", _l("Learning outcomes")),
    ("workload", _l("Workload")),
    ("eqf_level", _l("EQF level")),
    ("nqf_level", _l("National level")),
    ("assessment_type", _l("Assessment")),
    ("participation_form", _l("Form of participation")),
    ("quality_assurance", _l("Quality assurance")),
    ("grade", _l("Grade")),
    ("language", _l("Language")),
    ("prerequisites", _l("Prerequisites")),
    ("supervision", _l("Supervision and identity checks")),
    ("stackability", _l("Stackability")),
    ("further_information", _l("Further information")),
)
# Which certificate field each selectively disclosable SD-JWT VC claim fills.
DISCLOSED_FIELDS = {
    "given_name": "given_name",
    "family_name": "family_name",
    "learner_identification": "learner_id",
    "assessment_grade": "grade",
    "prerequisites_to_enroll": "prerequisites",
    "supervision_and_identity_verification": "supervision",
    "integration_stackability_options": "stackability",
    "further_information": "further_information",
    "skills": "skills",
}


def disclosed_fields(report: dict[str, Any]) -> frozenset[str]:
    """Certificate fields the holder chose to disclose (for the "disclosed" mark)."""
    names = {path.split("/", 1)[0] for path in report.get("disclosed") or []}
    return frozenset(DISCLOSED_FIELDS[name] for name in names if name in DISCLOSED_FIELDS)


def shown(value: Any) -> Any:
    """A certificate value as text, or a list of texts (numbers without a useless ".0")."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return [shown(item) for item in value]
    return value


def check_name(name: str) -> str:
    """A check's label in the page's language."""
    return wording.check_name(name, CORE_CHECK_NAMES.get(name, name))


def annex_label(key: str) -> str:
    """An Annex I element's label in the page's language."""
    known = wording.ANNEX_LABELS.get(key)
    return str(known) if known is not None else CORE_ANNEX_LABELS.get(key, key)


check_detail = wording.check_detail


def stamp(report: dict[str, Any], verifier: str) -> dict[str, Any]:
    """The report with when and by whom it was verified (for print and download)."""
    moment = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return {
        **report,
        "verified_at": moment.isoformat().replace("+00:00", "Z"),
        "verifier": verifier,
    }


def explain(report: dict[str, Any]) -> str:
    """One sentence saying why the verdict is what it is."""
    reason = report.get("reason") or ""
    if report["verdict"] == "VALID":
        return _("Every check passed and the issuer is in your trust registry.")
    message = next(
        (c.get("message") or "" for c in report.get("checks", []) if c.get("code") == reason), ""
    )
    words = wording.code_words(reason, message)
    return words[:300] if words else _("The credential could not be verified.")


def workload(certificate: dict[str, Any]) -> str | None:
    """The notional workload on one line: ECTS and hours when given, else the issuer's text."""
    ects, hours = certificate.get("ects"), certificate.get("workload_hours")
    parts = []
    # gettext's plural rules take whole numbers: 2.5 hours reads like 2 hours.
    if isinstance(ects, int | float):
        count = 1 if ects == 1 else 2
        parts.append(
            ngettext(
                "%(ects)s ECTS credit", "%(ects)s ECTS credits", count, ects=format_decimal(ects)
            )
        )
    if isinstance(hours, int | float):
        count = 1 if hours == 1 else 2
        parts.append(
            ngettext("%(hours)s hour", "%(hours)s hours", count, hours=format_decimal(hours))
        )
    return " · ".join(parts) or certificate.get("study_time") or None


def language_name(code: str) -> str:
    """A language code as the language's name in the page's language ("en" -> "English")."""
    try:
        name = Locale.parse(code.strip().replace("-", "_")).get_display_name(str(get_locale()))
    except (ValueError, TypeError, UnknownLocaleError):
        return code  # not a code Babel knows: shown as the issuer wrote it
    return name or code


def accreditation_period(entry: dict[str, Any]) -> str | None:
    """A registry entry's accreditation period in words, or None when it has no dates."""
    start, end = entry.get("valid_from"), entry.get("valid_until")
    start = dates.day_text(start) if start else start
    end = dates.day_text(end) if end else end
    if start and end:
        return f"{start} – {end}"
    if start:
        return _("since %(start)s, no end date", start=start)
    if end:
        return _("until %(end)s", end=end)
    return None


def certificate_rows(certificate: dict[str, Any] | None) -> list[tuple[str, str, Any]]:
    """(field, label, value) for each field the certificate carries, in reading order."""
    if not certificate:
        return []
    shown_as = {
        "workload": workload(certificate),
        "date_of_issuance": dates.day(certificate.get("date_of_issuance")),
        "valid_until": dates.day(certificate.get("valid_until")),
        "participation_form": wording.participation(certificate.get("participation_form")),
    }
    if isinstance(certificate.get("language"), str):
        shown_as["language"] = language_name(certificate["language"])
    rows = []
    for name, label in CERTIFICATE_FIELDS:
        value = shown_as[name] if name in shown_as else certificate.get(name)
        if value in (None, "", [], ()) or value is False:
            continue
        rows.append((name, str(label), value))
    skills = [s.get("label") or s.get("uri") for s in certificate.get("skills") or []]
    if skills:
        rows.append(("skills", _("Skills"), skills))
    return rows


def summary(report: dict[str, Any], source: str) -> dict[str, Any]:
    """What history keeps of a verification: time is added by the store."""
    certificate = report.get("certificate") or {}
    issuer = report.get("issuer") or {}
    entry = issuer.get("registry_entry") or {}
    return {
        "title": (certificate.get("title") or "")[:200] or None,
        "issuer": (entry.get("name") or issuer.get("name") or "")[:200] or None,
        "issuer_did": (issuer.get("did") or "")[:500] or None,
        "verdict": report["verdict"],
        "reason": report.get("reason") or None,
        "source": source,
    }


def to_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data: `Report.to_json()`'s shape, with lists for tuples.

    Built field by field: `dataclasses.asdict` deep-copies every claim and took a third of a
    whole API request (benchmarks/bench_verifier.py); nothing here mutates the claims.
    """
    issuer = report.issuer
    return {
        "verdict": report.verdict,
        "reason": report.reason,
        "format": report.format,
        "checks": [
            {"name": c.name, "state": c.state, "code": c.code, "message": c.message}
            for c in report.checks
        ],
        "issuer": {
            "did": issuer.did,
            "name": issuer.name,
            "trust_status": issuer.trust_status,
            "registry_entry": _plain(issuer.registry_entry),
        },
        "claims": report.claims,
        "disclosed": list(report.disclosed),
        "certificate": _plain(report.certificate),
        "annex_i": _plain(report.annex_i),
    }


def _plain(value: Any) -> Any:
    """Dataclasses to dicts and tuples to lists, without copying anything else."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value
