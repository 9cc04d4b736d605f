"""What the wallet's pages say for the core's codes, labels and messages, in the page's language.

The core (`microcred`) answers in English: claim labels, Annex I element names, check names,
verdicts, reason codes and error messages. Pages translate those here, at the edge, by their
stable names and codes, and fall back to the core's English for anything unknown, so a new core
message shows in English rather than breaking a page. Credential content (titles, outcomes,
names, what the issuer wrote) is never passed through these functions; dates and numbers in it
are only written the page's way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from babel import Locale, UnknownLocaleError
from flask_babel import (
    format_date,
    format_decimal,
    format_time,
    get_locale,
    gettext as _,
    lazy_gettext as _l,
    ngettext,
)
from markupsafe import Markup, escape

from microcred.card import FORMAT_LABELS
from microcred.errors import MicrocredError
from microcred.share import claim_label as core_claim_label

# Claim names of the micro-credential (microcred.share.CLAIM_LABELS) -> their label.
CLAIMS = {
    "achievement_title": _l("Title"),
    "achievement_description": _l("Description"),
    "issuing_authority": _l("Awarding body"),
    "issuing_country": _l("Country of the issuer"),
    "date_of_issuance": _l("Date of issue"),
    "date_of_expiry": _l("Valid until"),
    "language_of_classes": _l("Language"),
    "learning_outcomes": _l("Learning outcomes"),
    "expected_study_time": _l("Workload"),
    "ects_credits": _l("ECTS credits"),
    "workload_hours": _l("Hours of study"),
    "level_of_learning_experience": _l("Level (EQF)"),
    "nqf_level": _l("National level"),
    "assessment_type": _l("Type of assessment"),
    "form_of_participation": _l("Form of participation"),
    "types_of_quality_assurance": _l("Quality assurance"),
    "given_name": _l("Given name"),
    "family_name": _l("Family name"),
    "learner_identification": _l("Learner identifier"),
    "assessment_grade": _l("Grade"),
    "prerequisites_to_enroll": _l("Prerequisites"),
    "supervision_and_identity_verification": _l("Supervision and identity check"),
    "integration_stackability_options": _l("Stackability"),
    "further_information": _l("Further information"),
    "skills": _l("Skills"),
}

# Annex I elements (microcred.model.ANNEX_I_MANDATORY and _OPTIONAL) -> their name.
ANNEX = {
    "learner": _l("Identification of the learner"),
    "title": _l("Title of the micro-credential"),
    "country": _l("Country or region of the issuer"),
    "awarding_body": _l("Awarding body"),
    "date_of_issuing": _l("Date of issuing"),
    "learning_outcomes": _l("Learning outcomes"),
    "workload": _l("Notional workload (ECTS credits where possible)"),
    "level": _l("Level of the learning experience (EQF, QF-EHEA), if applicable"),
    "assessment_type": _l("Type of assessment"),
    "participation_form": _l("Form of participation"),
    "quality_assurance": _l("Type of quality assurance"),
    "prerequisites": _l("Prerequisites needed to enrol"),
    "supervision": _l("Supervision and identity verification during assessment"),
    "grade": _l("Grade achieved"),
    "stackability": _l("Integration or stackability options"),
    "further_information": _l("Further information"),
}

# The verification pipeline's checks (microcred.report.CHECKS) -> their name.
CHECKS = {
    "format": _l("Readable credential"),
    "issuer_key": _l("Issuer DID resolved, key authorised"),
    "signature": _l("Signature"),
    "validity": _l("Validity period"),
    "revocation": _l("Not revoked"),
    "suspension": _l("Not suspended"),
    "issuer_trust": _l("Issuer in a trust registry"),
    "holder_binding": _l("Bound to the presenter"),
}
CHECK_STATES = {
    "passed": _l("passed"),
    "failed": _l("failed"),
    "not_checked": _l("not checked"),
}
VERDICTS = {
    "VALID": _l("valid"),
    "INVALID": _l("invalid"),
    "UNVERIFIED": _l("unverified"),
}

# Reason codes of checks and verdicts (microcred.errors, microcred.verify) -> plain words.
REASONS = {
    "revoked": _l("revoked by the issuer"),
    "suspended": _l("suspended by the issuer"),
    "expired": _l("expired"),
    "not_yet_valid": _l("not valid yet"),
    "signature_invalid": _l("the signature does not match: the credential was changed"),
    "proof_invalid": _l("the signature does not match: the credential was changed"),
    "sd_jwt_invalid": _l("the credential's parts do not fit together"),
    "token_invalid": _l("the credential breaks the rules of its format"),
    "malformed": _l("the credential cannot be read"),
    "malformed_json": _l("the credential cannot be read"),
    "malformed_encoding": _l("the credential cannot be read"),
    "unsupported_format": _l("a format this wallet does not read"),
    "unsupported_cryptosuite": _l("a kind of signature this wallet cannot check"),
    "alg_not_allowed": _l("a signature algorithm that is not allowed"),
    "invalid_key": _l("the issuer's key is not usable"),
    "invalid_did": _l("the issuer's identifier is not valid"),
    "did_method_not_supported": _l("a kind of issuer identifier this wallet does not resolve"),
    "issuer_unresolvable": _l("the issuer's keys could not be fetched"),
    "invalid_did_document": _l("the issuer's key document is not valid"),
    "key_not_authorized": _l("signed with a key the issuer does not list"),
    "status_unavailable": _l("the issuer's status list could not be fetched"),
    "status_invalid": _l("the issuer's status list is not valid"),
    "no_status_entry": _l("the credential has no status entry"),
    "status_ok": _l("the issuer's status list says it is in force"),
    "issuer_not_in_registry": _l("the issuer is not in the trust registry"),
    "issuer_expired": _l("the issuer's accreditation has ended"),
    "issuer_not_yet_valid": _l("the issuer's accreditation has not started yet"),
    "no_registry": _l("no trust registry configured"),
    "trusted": _l("listed in the trust registry"),
    "holder_binding_invalid": _l("not presented by its holder"),
    "holder_binding_missing": _l("no proof of possession"),
    "key_binding_invalid": _l("not presented by its holder"),
    "not_requested": _l("not asked for"),
    "not_reached": _l("not reached: an earlier check decided"),
    "internal_error": _l("the credential could not be processed"),
    "within_validity_period": _l("within its validity period"),
    "signature_valid": _l("the signature matches"),
    "resolved": _l("the issuer's key was found"),
    "key_binding": _l("the presenter proved the bound key"),
}
# Reason codes whose check message the pages keep (it names what the check found).
_KEEP_MESSAGE = frozenset({"resolved", "trusted"})

# Trust registry answers (microcred.trust.TrustStatus) -> plain words.
TRUST = {
    "trusted": _l("accredited"),
    "not_in_registry": _l("not in the registry"),
    "expired": _l("accreditation ended"),
    "not_yet_valid": _l("accreditation not started yet"),
}

# Credential formats (microcred.card.FORMAT_LABELS) -> their long name on pages.
FORMATS = {
    "sd-jwt-vc": _l("SD-JWT VC (selective disclosure)"),
    "ldp-vc": _l("Open Badges 3.0 (Data Integrity)"),
    "vc-jwt": _l("VC-JWT (VC Data Model 1.1)"),
}

# Annex I forms of participation (microcred.course.PARTICIPATION_FORMS), as issued in English.
PARTICIPATION = {
    "online": _l("online"),
    "onsite": _l("onsite"),
    "blended": _l("blended"),
    "volunteering": _l("volunteering"),
    "work experience": _l("work experience"),
}

# Core error messages a learner may see, word for word (wallet_link, oid4vp, backup, share...).
_MESSAGES = {
    "this is not a link": _l("this is not a link"),
    "paste or scan a link first": _l("paste or scan a link first"),
    "the text is far too long for a link": _l("the text is far too long for a link"),
    "a link has no spaces or control characters": _l("a link has no spaces or control characters"),
    "this is neither a credential offer nor a presentation request": _l(
        "this is neither a credential offer nor a presentation request"
    ),
    "the request names no verifier (client_id)": _l("the request names no verifier (client_id)"),
    "only verifiers identified by a DID (decentralized_identifier:) are answered here": _l(
        "only verifiers identified by a DID (decentralized_identifier:) are answered here"
    ),
    "not a link": _l("this is not a link"),
    "not an OpenID4VP request link": _l("not an OpenID4VP request link"),
    "the link needs one client_id and one request_uri": _l(
        "the link needs one client_id and one request_uri"
    ),
    "request_uri must be an http(s) URL": _l("request_uri must be an http(s) URL"),
    "the issuer asks for a transaction code": _l("the issuer asks for a transaction code"),
    "the passphrase must be text": _l("the passphrase must be text"),
    "this file is not a wallet backup": _l("this file is not a wallet backup"),
    "a backup is binary data": _l("this file is not a wallet backup"),
    "the backup file is incomplete (truncated)": _l("the backup file is incomplete (truncated)"),
    "the backup uses an unknown key derivation": _l("the backup uses an unknown key derivation"),
    "the backup's key-derivation settings are out of range": _l(
        "the backup's key-derivation settings are out of range"
    ),
    "the passphrase is wrong, or the file was changed or cut short": _l(
        "the passphrase is wrong, or the file was changed or cut short"
    ),
    "the backup's content is damaged": _l("the backup's content is damaged"),
    "the backup's content is too large": _l("the backup's content is too large"),
    "this backup does not hold a wallet export": _l("this backup does not hold a wallet export"),
    "this export version is not supported": _l("this export version is not supported"),
    "the expiry must be a whole number of days": _l("the expiry must be a whole number of days"),
    "no QR code found in the image": _l("no QR code found in the image"),
    "the QR code holds no acceptable text": _l("the QR code holds no acceptable text"),
    "only PNG and JPEG images are accepted": _l("only PNG and JPEG images are accepted"),
    "the image cannot be decoded": _l("the image cannot be decoded"),
}
# Messages with a value in them: the pattern, and the words around that value.
_PATTERNS = (
    (re.compile(r"cannot connect to (?P<host>\S+)"), _l("cannot connect to %(host)s")),
    (re.compile(r"cannot resolve (?P<host>\S+)"), _l("cannot find the address %(host)s")),
    (re.compile(r"(?P<host>\S+) has no address"), _l("cannot find the address %(host)s")),
    (re.compile(r"(?P<host>\S+) did not answer in time"), _l("%(host)s did not answer in time")),
    (re.compile(r"TLS with (?P<host>\S+) failed: .*"), _l("no secure connection to %(host)s")),
    (
        re.compile(r"(?P<host>\S+) answered HTTP (?P<status>\d{3})"),
        _l("%(host)s answered with an error (HTTP %(status)s)"),
    ),
    (
        re.compile(r"choose a passphrase of at least (?P<n>\d+) characters"),
        _l("choose a passphrase of at least %(n)s characters"),
    ),
    (
        re.compile(r"backup format version (?P<version>\S+) is not supported"),
        _l("backup format version %(version)s is not supported"),
    ),
    (
        re.compile(r"the backup asks for .* so the file was changed or made elsewhere"),
        _l(
            "the backup asks for more work to open than this wallet allows, so the file was "
            "changed or made elsewhere"
        ),
    ),
    (
        re.compile(r"the expiry must be 1 to (?P<n>\d+) days"),
        _l("the expiry must be 1 to %(n)s days"),
    ),
    (re.compile(r"image file over (?P<n>\d+) bytes"), _l("the image file is too large")),
    (re.compile(r"image of \d+x\d+ pixels is too large"), _l("the image is too large")),
)
# The issuer's OAuth error answer (microcred.oid4vci.read_error): its code, then its own words.
_REFUSED = re.compile(r"the issuer refused the [a-z ]+? \((?P<code>[\w.-]+)\).*")
# OAuth and OpenID4VCI error codes (RFC 6749 §5.2, OpenID4VCI §6.3, §8.3.1) -> plain words.
_ISSUER_CODES = {
    "invalid_grant": _l(
        "the transaction code is wrong, or the offer was already used or has expired"
    ),
    "invalid_tx_code": _l("the transaction code is wrong"),
    "invalid_proof": _l("the institution did not accept this wallet's key proof"),
    "invalid_nonce": _l("the institution did not accept this wallet's key proof"),
    "invalid_token": _l("the institution no longer accepts this offer"),
    "unsupported_credential_format": _l("the institution does not issue this format"),
    "unknown_credential_configuration": _l("the institution does not issue this format"),
}
# Codes that only the core raises, for messages not matched above -> what to say instead.
# (Codes the wallet raises itself carry a translated message already and are not listed.)
_CODES = {
    "invalid_offer": _l("the offer is not valid"),
    "tx_code_required": _l("the issuer asks for a transaction code"),
    "bad_response": _l("the server sent an answer this wallet cannot use"),
    "invalid_issuer_metadata": _l("the institution's description of itself is not valid"),
    "invalid_request_link": _l("this is not a valid request link"),
    "invalid_request_object": _l("the verifier's request is not valid"),
    "invalid_dcql": _l("the verifier's request is not valid"),
    "invalid_client_id": _l("the request names no verifier (client_id)"),
    "url_invalid": _l("the address is not valid"),
    "url_blocked": _l("this wallet does not connect to that address"),
    "scheme_not_allowed": _l("this wallet does not connect to that address"),
    "userinfo_not_allowed": _l("this wallet does not connect to that address"),
    "ip_notation": _l("this wallet does not connect to that address"),
    "redirect_refused": _l("the server sent the wallet elsewhere, which it does not follow"),
    "redirect_downgrade": _l("the server sent the wallet elsewhere, which it does not follow"),
    "too_many_redirects": _l("the server sent the wallet elsewhere, which it does not follow"),
    "response_too_large": _l("the server's answer is too large"),
    "encoding_refused": _l("the server sent an answer this wallet cannot use"),
    "fetch_failed": _l("the server could not be reached"),
    "backup_params": _l("the backup's key-derivation settings are out of range"),
    "backup_version": _l("this backup format is not supported"),
    "backup_auth_failed": _l("the passphrase is wrong, or the file was changed or cut short"),
    "export_version": _l("this export version is not supported"),
    "unknown_claim": _l("a detail that cannot be shared was chosen"),
    "bad_expiry": _l("choose how many days the link works"),
    "kb_in_issued": _l("the credential is not in the form an issuer sends"),
    "image_invalid": _l("the image cannot be decoded"),
    "unsupported_image": _l("only PNG and JPEG images are accepted"),
    "no_qr": _l("no QR code found in the image"),
    "qr_text_invalid": _l("the QR code holds no acceptable text"),
    "decoder_unavailable": _l("this wallet cannot read QR codes from photos right now"),
    "malformed_json": _l("the answer cannot be read"),
    "malformed_encoding": _l("the answer cannot be read"),
    "too_large": _l("the text is far too long for a link"),
    "token_invalid": _l("the verifier's request is not valid"),
    "expired": _l("expired"),
    "not_yet_valid": _l("not valid yet"),
    "signature_invalid": _l("the signature does not match"),
    "alg_not_allowed": REASONS["alg_not_allowed"],
    "invalid_key": REASONS["invalid_key"],
    "invalid_did": _l("the identifier is not valid"),
    "did_method_not_supported": _l("a kind of identifier this wallet does not resolve"),
    "issuer_unresolvable": _l("the keys of the identifier could not be fetched"),
    "invalid_did_document": _l("the key document of the identifier is not valid"),
    "key_not_authorized": _l("signed with a key the identifier does not list"),
}


def is_english() -> bool:
    """True when the page is in English (the core's own language)."""
    locale = get_locale()
    return locale is None or locale.language == "en"


def _known(table: dict[str, Any], key: str | None, fallback: str) -> str:
    found = table.get(key or "")
    return str(found) if found is not None else fallback


def claim_label(name: str) -> str:
    """The label of a claim name (the core's English for a name it does not know either)."""
    return _known(CLAIMS, name, core_claim_label(name))


def annex_label(key: str, english: str = "") -> str:
    """The name of an Annex I element by its key."""
    return _known(ANNEX, key, english or key.replace("_", " "))


def check_label(name: str) -> str:
    """The name of a verification check."""
    return _known(CHECKS, name, name.replace("_", " "))


def check_state(state: str) -> str:
    """passed / failed / not checked, in words."""
    return _known(CHECK_STATES, state, state.replace("_", " "))


def verdict_word(verdict: str) -> str:
    """VALID / INVALID / UNVERIFIED in words."""
    return _known(VERDICTS, verdict, verdict)


def reason(code: str | None) -> str:
    """A verdict's reason code in words (the code itself when unknown)."""
    return _known(REASONS, code, (code or "").replace("_", " "))


def check_message(check: Any) -> str:
    """What a check found: the core's detail in English, by its code in other languages."""
    if is_english() or check.code in _KEEP_MESSAGE or check.code not in REASONS:
        return str(check.message)
    return reason(check.code)


def trust_status(status: str) -> str:
    """A trust registry answer in words."""
    return _known(TRUST, status, status.replace("_", " "))


def format_name(kind: str | None) -> str:
    """The long name of a credential format (`sd-jwt-vc`...)."""
    return _known(FORMATS, kind, FORMAT_LABELS.get(kind or "", kind or ""))


def participation(value: str | None) -> str:
    """An Annex I form of participation in the page's language (other text as issued)."""
    return _known(PARTICIPATION, (value or "").strip().lower(), value or "")


def language_name(code: str | None) -> str:
    """A language code (`vi`, `en-GB`) as its name in the page's language; else as issued."""
    return _locale_name(code, lambda locale: locale.get_display_name(get_locale()))


def country_name(code: str | None) -> str:
    """A two-letter country code (`VN`) as its name in the page's language; else as issued."""
    if not code or not re.fullmatch(r"[A-Za-z]{2}", code):
        return code or ""
    names = get_locale().territories if get_locale() is not None else {}
    return str(names.get(code.upper(), code))


def _locale_name(code: str | None, name: Callable[[Locale], str | None]) -> str:
    if not code:
        return ""
    try:
        found = name(Locale.parse(code.replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    return found or code


def number(value: float | None) -> str:
    """A number written the page's way (2.5 in English, 2,5 in Vietnamese)."""
    return "" if value is None else str(format_decimal(value))


def hours(value: float) -> str:
    """A number of study hours, e.g. `125 hours`."""
    # gettext's plural rules take whole numbers; 2.5 hours reads like 2 hours.
    count = 1 if value == 1 else 2
    return ngettext("%(hours)s hour", "%(hours)s hours", count, hours=number(value))


def when(timestamp: float | None) -> Markup:
    """A UNIX time as the page's date and time (UTC), machine-readable in `<time>`."""
    if timestamp is None:
        return Markup("")
    moment = dt.datetime.fromtimestamp(float(timestamp), dt.UTC)
    locale = get_locale() or Locale("en")
    # The locale's own way to join a date and a time ("{1}, {0}" in English, "{0} {1}" in vi).
    joined = locale.datetime_formats["medium"].format(
        _("%(time)s UTC", time=format_time(moment, "short")), format_date(moment, "medium")
    )
    iso = moment.strftime("%Y-%m-%dT%H:%MZ")
    return Markup('<time datetime="{}">{}</time>').format(iso, joined)


def day(value: Any) -> Markup:
    """An ISO date from a credential (`2026-06-01`) as the page's date; other text as issued."""
    text = str(value or "")
    found = re.match(r"(\d{4}-\d{2}-\d{2})(?:$|T)", text)
    try:
        date = dt.date.fromisoformat(found.group(1)) if found else None
    except ValueError:
        date = None
    if date is None:
        return Markup(escape(text))
    return Markup('<time datetime="{}">{}</time>').format(text, format_date(date, "long"))


def _refused(found: re.Match[str]) -> str:
    known = _ISSUER_CODES.get(found["code"])
    if known is not None:
        return str(known)
    return _("the institution refused the request (%(code)s)", code=found["code"])


def error(failure: MicrocredError) -> str:
    """What a page says about a core error: its message in the page's language.

    English pages keep the core's message (it names the detail); other languages get the
    message word for word when it is known, else plain words for its code, else the English.
    """
    text = failure.message
    if is_english():
        return text
    if text in _MESSAGES:
        return str(_MESSAGES[text])
    for pattern, words in _PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return str(words) % found.groupdict()
    refused = _REFUSED.fullmatch(text)
    if refused:
        return _refused(refused)
    return _known(_CODES, failure.code, text)
