"""What the pages say for codes and core messages, in the visitor's language.

The core (`microcred`) answers in English, with field keys, audit action codes, enumerated
values and plain-words messages. Pages translate those here, at the edge, and fall back to the
English text for anything unknown, so a new core message shows in English rather than breaking a
page. Credential content (titles, outcomes, names) is never passed through these functions.
"""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError
from flask_babel import format_decimal, get_locale, gettext as _, lazy_gettext as _l, ngettext

from microcred.errors import MicrocredError

# Audit log action codes (store modules) -> what the log shows.
ACTIONS = {
    "award_created": _l("credential created"),
    "offer_created": _l("new offer"),
    "suspended": _l("credential suspended"),
    "unsuspended": _l("suspension lifted"),
    "revoked": _l("credential revoked"),
    "bulk_issued": _l("bulk issued"),
    "course_draft": _l("course saved as a draft"),
    "course_saved": _l("course saved"),
    "course_published": _l("course published"),
    "course_archived": _l("course archived"),
    "course_deleted": _l("draft deleted"),
    "profile_saved": _l("profile saved"),
    "staff_added": _l("staff added"),
    "staff_enabled": _l("account enabled"),
    "staff_disabled": _l("account disabled"),
    "password_changed": _l("password changed"),
    "signed_in": _l("signed in"),
    "signed_out": _l("signed out"),
    "api_token_created": _l("API token created"),
    "api_token_revoked": _l("API token revoked"),
}

# The store's summary of a bulk import (`store.bulk`), kept in English in the audit log.
_BULK_DETAIL = re.compile(r"(?P<count>\d+) awards from (?P<source>.+)")

# Course and award fields the forms' checklists name -> the label of the form field.
FIELDS = {
    "id": _l("Course code"),
    "code": _l("Course code"),
    "title": _l("Title"),
    "description": _l("Short description"),
    "awarding_body": _l("Awarding body"),
    "country": _l("Country of the awarding body"),
    "learning_outcomes": _l("Learning outcomes"),
    "workload": _l("Notional workload"),
    "level": _l("Level"),
    "assessment_type": _l("Type of assessment"),
    "participation_form": _l("Form of participation"),
    "quality_assurance": _l("Type of quality assurance"),
    "language": _l("Language of instruction"),
    "prerequisites": _l("Prerequisites to enrol"),
    "supervision": _l("Supervision and identity verification"),
    "grade_scheme": _l("Grading scheme"),
    "stackability": _l("Integration and stackability"),
    "further_information": _l("Further information"),
    "skills": _l("Skills (ESCO)"),
}

# Annex I forms of participation (`microcred.model.PARTICIPATION_FORMS`): stored in English,
# shown in the page's language.
PARTICIPATION = {
    "online": _l("online"),
    "onsite": _l("onsite"),
    "blended": _l("blended"),
    "volunteering": _l("volunteering"),
    "work experience": _l("work experience"),
}

# The core's plain-words messages (annex, course, learner_csv), word for word.
_MESSAGES = {
    "give the course a title": _l("give the course a title"),
    "describe the course in a sentence or two": _l("describe the course in a sentence or two"),
    "name the awarding body": _l("name the awarding body"),
    "say how learners are assessed": _l("say how learners are assessed"),
    "say how quality is assured": _l("say how quality is assured"),
    "remove line breaks and control characters": _l("remove line breaks and control characters"),
    "give ECTS credits or hours": _l("give ECTS credits or hours"),
    "give a level or tick 'not applicable', not both": _l(
        "give a level or tick 'No level applies', not both"
    ),
    "give the EQF or national level, or tick 'not applicable'": _l(
        "give the EQF or national level, or tick 'No level applies'"
    ),
    "EQF level must be 1-8": _l("EQF level must be 1-8"),
    "list at least one learning outcome": _l("list at least one learning outcome"),
    "remove the empty outcome": _l("remove the empty outcome"),
    "the course needs a web address (http or https, no #)": _l(
        "the course needs a web address (http or https, no #)"
    ),
    "give the issuer's country": _l("give the issuer's country"),
    "use a two-letter country code like VN": _l("use a two-letter country code like VN"),
    "use a language code like vi or en-GB": _l("use a language code like vi or en-GB"),
    "give the learner's given or family name": _l("give the learner's given or family name"),
    "give the learner's identifier (e.g. student number)": _l(
        "give the learner's identifier (e.g. student number)"
    ),
    "the end of validity is before the date of issuing": _l(
        "the end of validity is before the date of issuing"
    ),
    "leave the grade out or fill it in": _l("leave the grade out or fill it in"),
    "a skill URI must be an http(s) URL": _l("a skill URI must be an http(s) URL"),
    "a skill needs a label": _l("a skill needs a label"),
    "a skill label must be short, plain text": _l("a skill label must be short, plain text"),
    "the file is not UTF-8 text (save it as CSV UTF-8)": _l(
        "the file is not UTF-8 text (save it as CSV UTF-8)"
    ),
    "the file is not text": _l("the file is not text"),
    "this column appears twice": _l("this column appears twice"),
    "not an e-mail address": _l("not an e-mail address"),
    "the file is empty": _l("the file is empty"),
    "this learner already has this award": _l("this learner already has this award"),
    "the file has no learners": _l("the file has no learners"),
    "no such credential": _l("no such credential"),
}
# Messages with a value in them: the pattern and the words around that value.
_PATTERNS = (
    (re.compile(r"keep it under (?P<n>\d+) characters"), _l("keep it under %(n)s characters")),
    (
        re.compile(r"ECTS credits must be above 0 and at most (?P<n>[\d.]+)"),
        _l("ECTS credits must be above 0 and at most %(n)s"),
    ),
    (
        re.compile(r"hours must be above 0 and at most (?P<n>[\d.]+)"),
        _l("hours must be above 0 and at most %(n)s"),
    ),
    (re.compile(r"list at most (?P<n>\d+) outcomes"), _l("list at most %(n)s outcomes")),
    (re.compile(r"list at most (?P<n>\d+) skills"), _l("list at most %(n)s skills")),
    (re.compile(r"use a date like (?P<date>[\d-]+)"), _l("use a date like %(date)s")),
    (
        re.compile(r"the header has no (?P<name>\w+) column"),
        _l("the header has no %(name)s column"),
    ),
    (re.compile(r"the file is over (?P<n>\d+) MB"), _l("the file is over %(n)s MB")),
    (
        re.compile(r"the file has more than (?P<n>\d+) learners"),
        _l("the file has more than %(n)s learners"),
    ),
    (
        re.compile(r"(?P<n>\d+) fields where the header has (?P<m>\d+)"),
        _l("%(n)s fields where the header has %(m)s"),
    ),
    (re.compile(r"same learner id as line (?P<n>\d+)"), _l("same learner id as line %(n)s")),
    (re.compile(r"malformed CSV \((?P<why>.*?)\)?"), _l("malformed CSV (%(why)s)")),
)
# Core error codes a page may show -> what to say (the English message is the fallback).
_ERRORS = {
    "status_unchanged": _l("The credential already has this status."),
    "status_transition_refused": _l("This change of status is not possible."),
}


def _number(text: str) -> str:
    """A number from a core message, written the page's way (10.000 in Vietnamese)."""
    return str(format_decimal(float(text))) if re.fullmatch(r"\d+(?:\.\d+)?", text) else text


def message(text: str) -> str:
    """A core plain-words message in the page's language (English if it is not known)."""
    if text in _MESSAGES:
        return str(_MESSAGES[text])
    if text.startswith("choose one of: "):
        forms = ", ".join(str(label) for label in PARTICIPATION.values())
        return _("choose one of: %(forms)s", forms=forms)
    for pattern, words in _PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            values = {key: _number(value) for key, value in found.groupdict().items()}
            return str(words) % values
    return text


def error(failure: MicrocredError) -> str:
    """What a page says about a core error: by its code, else its message."""
    known = _ERRORS.get(failure.code)
    return str(known) if known is not None else message(failure.message)


def action(code: str) -> str:
    """An audit action code in words."""
    known = ACTIONS.get(code)
    return str(known) if known is not None else code.replace("_", " ")


def detail(text: str | None, code: str) -> str:
    """An audit entry's detail: as written (names, titles, reasons), except the bulk summary."""
    found = _BULK_DETAIL.fullmatch(text or "") if code == "bulk_issued" else None
    if found is None:
        return text or ""
    number, source = int(found["count"]), found["source"]
    count = format_decimal(number)
    if source == "a CSV file":
        return ngettext(
            "%(count)s award from a CSV file",
            "%(count)s awards from a CSV file",
            number,
            count=count,
        )
    return ngettext(
        "%(count)s award from %(file)s",
        "%(count)s awards from %(file)s",
        number,
        count=count,
        file=source,
    )


def field(key: str) -> str:
    """The form label of a course or award field key."""
    known = FIELDS.get(key)
    return str(known) if known is not None else key.replace("_", " ").capitalize()


def participation(value: str | None) -> str:
    """An Annex I form of participation in the page's language."""
    known = PARTICIPATION.get(value or "")
    return str(known) if known is not None else value or ""


def language_name(code: str | None) -> str:
    """A language code (`vi`, `en-GB`) as its name in the page's language; else the code."""
    if not code:
        return ""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(get_locale())
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    return name or code


def workload(ects: float | None, hours: float | None) -> str:
    """The notional workload in words, e.g. `5 ECTS, 125 hours` (numbers in the page's style)."""
    parts = []
    if ects is not None:
        parts.append(_("%(n)s ECTS", n=format_decimal(ects)))
    if hours is not None:
        # gettext's plural rules take whole numbers; 2.5 hours reads like 2 hours.
        count = 1 if hours == 1 else 2
        parts.append(
            ngettext("%(hours)s hour", "%(hours)s hours", count, hours=format_decimal(hours))
        )
    return ", ".join(parts)
