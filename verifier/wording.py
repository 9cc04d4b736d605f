"""What the verifier's pages say for the core's codes, in the visitor's language.

The core (`microcred`) names checks, Annex I elements, trust states and reasons with stable
codes and English words. Pages translate them here, by code; a code not listed keeps the core's
English words on English pages and a general sentence elsewhere (the code is always shown too).
Reports, JSON answers and logs keep the codes and the core's English. Credential content
(titles, outcomes, names) never passes through these functions.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import get_locale, gettext as _, lazy_gettext as _l

from microcred.errors import MicrocredError

# Check names (`microcred.report.CHECKS` and the OpenID4VP `request` check) -> labels.
CHECK_NAMES = {
    "format": _l("Readable credential"),
    "issuer_key": _l("Issuer DID resolved, key authorised"),
    "signature": _l("Signature"),
    "validity": _l("Validity period"),
    "revocation": _l("Not revoked"),
    "suspension": _l("Not suspended"),
    "issuer_trust": _l("Issuer in a trust registry"),
    "holder_binding": _l("Bound to the presenter"),
    "request": _l("Matches what was asked"),
}
STATE_WORDS = {"passed": _l("passed"), "failed": _l("failed"), "not_checked": _l("not checked")}
# Annex I element keys (`microcred.annex`) -> labels.
ANNEX_LABELS = {
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
# What the trust registry says of an issuer (`microcred.trust.TrustStatus`).
TRUST_WORDS = {
    "trusted": _l("trusted"),
    "not_in_registry": _l("not in your registry"),
    "expired": _l("accreditation ended"),
    "not_yet_valid": _l("accreditation not started"),
    "not_checked": _l("not checked"),
}
# Annex I forms of participation, a fixed vocabulary (`microcred.model.PARTICIPATION_FORMS`).
PARTICIPATION = {
    "online": _l("online"),
    "onsite": _l("onsite"),
    "blended": _l("blended"),
    "volunteering": _l("volunteering"),
    "work experience": _l("work experience"),
}

# Reason codes of checks, verdicts and scan errors -> plain words. The verdict box, the check
# list and the scan page all read this one table.
CODES = {
    # Passed checks.
    "sd-jwt-vc": _l("SD-JWT VC"),
    "vc-jwt": _l("VC-JWT (W3C VC Data Model 1.1)"),
    "ldp-vc": _l("JSON-LD credential with a Data Integrity proof"),
    "ldp-vp": _l("JSON-LD presentation with a Data Integrity proof"),
    "resolved": _l("The issuer's DID document was fetched and lists the signing key."),
    "within_validity_period": _l("Within its validity period."),
    "no_status_entry": _l("The credential has no status list entry."),
    "status_ok": _l("Not on the issuer's status list."),
    "key_binding": _l("The presenter proved that they hold the credential."),
    "matches_request": _l("What was asked, nothing more."),
    # Checks not made.
    "not_reached": _l("Not reached: an earlier check decided."),
    "not_requested": _l("Not asked for: whoever shows this credential may present it."),
    "no_registry": _l("No trust registry is set up."),
    # Validity and status.
    "revoked": _l("The institution has revoked this credential."),
    "suspended": _l("The institution has suspended this credential."),
    "expired": _l("This credential has expired."),
    "not_yet_valid": _l("This credential is not valid yet."),
    "status_unavailable": _l("Revocation could not be checked: the status list is unreachable."),
    "list_issuer_mismatch": _l("The status list was issued by someone else than the issuer."),
    # Signature and issuer key.
    "signature_invalid": _l("The signature does not match: the credential was altered or forged."),
    "alg_not_allowed": _l("The credential uses a signature algorithm that is not allowed."),
    "unknown_context": _l("The credential uses an unknown JSON-LD context."),
    "data_loss": _l("The credential carries data its signature does not cover."),
    "unsupported_cryptosuite": _l("The credential's kind of proof cannot be checked here."),
    "sd_hash_mismatch": _l("The presentation does not match the credential it carries."),
    "invalid_digest": _l("A disclosed claim does not match the signed credential."),
    "proof_missing": _l("The credential has no proof."),
    "issuer_unresolvable": _l("The issuer's DID document could not be fetched."),
    "key_not_authorized": _l("The signing key is not one the issuer lists for signing."),
    "key_not_published": _l("The signing key is not in the issuer's DID document."),
    "invalid_did": _l("The issuer's identifier is not a valid DID."),
    "did_method_not_supported": _l("The issuer uses a kind of DID this verifier cannot read."),
    # Trust.
    "issuer_not_in_registry": _l("The issuer is not in your trust registry."),
    "issuer_expired": _l("The issuer's accreditation in your registry has ended."),
    "issuer_not_yet_valid": _l("The issuer's accreditation in your registry has not started."),
    # Holder binding and OpenID4VP answers.
    "holder_binding_missing": _l("The wallet did not prove that it holds the credential."),
    "key_binding_missing": _l("The wallet did not prove that it holds the credential."),
    "key_binding_invalid": _l("The wallet's proof of holding the credential is not valid."),
    "kb_nonce_mismatch": _l("This presentation was made for another request (replayed)."),
    "kb_aud_mismatch": _l("This presentation was made for another verifier."),
    "kb_iat_too_old": _l("This presentation was made too long ago."),
    "kb_iat_future": _l("This presentation is dated in the future."),
    "claims_missing": _l("The wallet did not send every claim you asked for."),
    "wrong_format": _l("The wallet sent another kind of credential than asked."),
    "wrong_type": _l("The credential is of another type than asked."),
    "issuer_mismatch": _l("The credential comes from another institution than asked."),
    "access_denied": _l("The learner declined to share."),
    # Reading the input (scan page).
    "not_a_credential": _l("This is not a credential or a wallet share link."),
    "unsupported_upload": _l("Upload a PNG or JPEG photo of the QR code, or a JSON file."),
    "malformed_json": _l("The text is not valid JSON."),
    "malformed_encoding": _l("The text cannot be read (it is not UTF-8)."),
    "too_large": _l("This is too large to be a credential."),
    "unsupported_format": _l("This credential format is not supported."),
    "sd_jwt_malformed": _l("The credential is damaged and cannot be read."),
    "credential_invalid": _l("The credential is not well formed."),
    "internal_error": _l("The credential could not be processed."),
    "no_qr": _l("No QR code was found in the photo. Take it again, closer and in focus."),
    "image_invalid": _l("The image is damaged and cannot be read."),
    "image_too_large": _l("The image is too large. Send a smaller photo or a screenshot."),
    "unsupported_image": _l("Only PNG and JPEG images are accepted."),
    "qr_text_invalid": _l("The QR code holds no readable text."),
    "share_gone": _l("This share has expired, was withdrawn or was already used."),
    "share_unknown": _l("The wallet does not know this share link."),
    "timeout": _l("The other site did not answer in time."),
    "connect_failed": _l("The other site cannot be reached."),
    "dns_failed": _l("The other site's address cannot be found."),
    "tls_failed": _l("The secure connection to the other site failed."),
    "url_blocked": _l("This address may not be fetched (private or not https)."),
    "address_blocked": _l("This address may not be fetched (private or not https)."),
    "fetch_failed": _l("The other site cannot be reached."),
    "response_too_large": _l("The other site answered with too much data."),
}
# The core's fixed English messages for input that is not a credential, word for word: they
# say more than their shared code.
NOT_A_CREDENTIAL = {
    "there is nothing to verify": _l("There is nothing to verify."),
    "this is plain text, not a credential or a share link": _l(
        "This is plain text, not a credential or a share link."
    ),
    "this is a credential offer: open it with a wallet, not a verifier": _l(
        "This is a credential offer: open it with a wallet, not a verifier."
    ),
    "this is a request for a wallet to present credentials, not a credential": _l(
        "This is a request for a wallet to present credentials, not a credential."
    ),
    "this QR code holds a script, not a credential": _l(
        "This QR code holds a script, not a credential."
    ),
    "this QR code holds embedded data, not a credential": _l(
        "This QR code holds embedded data, not a credential."
    ),
    "share links must use https": _l("Share links must use https."),
    "this is a web link, not a wallet share link or a credential": _l(
        "This is a web link, not a wallet share link or a credential."
    ),
}
# Registry entry members (`microcred.trust`) -> the form's labels.
REGISTRY_FIELDS = {
    "did": _l("DID"),
    "name": _l("Name"),
    "country": _l("Country"),
    "accreditingBody": _l("Accrediting body"),
    "validFrom": _l("Valid from"),
    "validUntil": _l("Valid until"),
}
# What the registry reader says of one member, word for word (after "member: ").
REGISTRY_PROBLEMS = {
    "must be non-empty text": _l("must be non-empty text"),
    "must be a date (2025-01-31) or a date-time with a zone": _l(
        "must be a date (2025-01-31) or a date-time with a zone"
    ),
    "is not a real date": _l("is not a real date"),
    "is not a DID (did:method:id, without path or fragment)": _l(
        "is not a DID (did:method:id, without path or fragment)"
    ),
    "must be a two-letter country code": _l("must be a two-letter country code"),
    "must be an object": _l("must be an object"),
    "validUntil is not after validFrom": _l("the end of the accreditation is not after its start"),
}
# "issuers[2].country: must be ...": where (entry and member), then the problem.
_REGISTRY_PROBLEM = re.compile(
    r"(?:(?:issuers\[(?P<entry>\d+)\]\.?)?(?P<field>[A-Za-z]+)?: )?(?P<problem>.+)"
)
# Titles and messages of HTTP errors on pages (JSON answers keep Werkzeug's English).
HTTP_ERRORS = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    401: (_l("Sign in needed"), _l("Sign in as staff to do this.")),
    403: (_l("Not allowed"), _l("You may not do this.")),
    404: (_l("Not found"), _l("This page does not exist, or it is no longer kept.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("The upload is too large.")),
    429: (
        _l("Too many requests"),
        _l("Too many requests from your address. Wait a minute and try again."),
    ),
}
_FIELD_CODES = {"claims_missing": re.compile(r"requested claims are missing: (?P<names>.+)")}


def _english() -> bool:
    return str(get_locale() or "en").startswith("en")


def check_name(name: str, fallback: str = "") -> str:
    """The label of a check (the core's English label for one it does not know)."""
    known = CHECK_NAMES.get(name)
    return str(known) if known is not None else fallback or name


def code_words(code: str, message: str = "") -> str:
    """Plain words for a reason code; else the core's message on English pages, else ""."""
    known = CODES.get(code)
    if known is not None:
        pattern = _FIELD_CODES.get(code)
        found = pattern.fullmatch(message) if pattern else None
        return f"{known} ({found['names']})" if found else str(known)
    return message if _english() else ""


def check_detail(check: dict[str, Any]) -> str:
    """The line under a check, in words: what passed, or why it failed or was not made."""
    code, message, state = check.get("code") or "", check.get("message") or "", check["state"]
    if state == "passed" and code == "signature_valid":
        return _("Signature verified (%(method)s).", method=message) if message else ""
    if state == "passed" and code == "trusted":
        return _("Listed in your trust registry as %(name)s.", name=message)
    words = code_words(code, message)
    if words or state == "passed":
        return words
    if state == "failed":
        return _("This check failed.")
    return _("This check could not be made.")


def error_message(error: MicrocredError) -> str:
    """What a page says about a core error: its fixed message, its code, else its message."""
    known = NOT_A_CREDENTIAL.get(error.message) if error.code == "not_a_credential" else None
    if known is not None:
        return str(known)
    return code_words(error.code, error.message) or _("This could not be read.")


def registry_problem(message: str, *, numbered: bool = True) -> str:
    """A registry entry's problem ("issuers[0].did: is not a DID ...") in the form's words."""
    found = _REGISTRY_PROBLEM.fullmatch(message)
    problem = REGISTRY_PROBLEMS.get(found["problem"]) if found else None
    if found is None or problem is None:
        return message if _english() else _("This entry is not valid: %(why)s", why=message)
    where = [str(REGISTRY_FIELDS.get(found["field"] or "", found["field"] or ""))]
    if numbered and found["entry"] is not None:
        where.insert(0, _("entry %(number)d", number=int(found["entry"]) + 1))
    label = ", ".join(part for part in where if part)
    return f"{label}: {problem}" if label else str(problem)


def http_error(status: int, title: str, description: str, default: bool) -> tuple[str, str]:
    """Title and message of an HTTP error page; a non-default description is kept."""
    words = HTTP_ERRORS.get(status)
    if words is None:
        return (title, description) if _english() else (_("Error"), _("Something went wrong."))
    return str(words[0]), (str(words[1]) if default else description)


def trust_words(status: str) -> str:
    """What the trust registry says of an issuer, in words."""
    known = TRUST_WORDS.get(status)
    return str(known) if known is not None else status.replace("_", " ")


def participation(value: Any) -> Any:
    """An Annex I form of participation in the page's language (other values as issued)."""
    known = PARTICIPATION.get(value) if isinstance(value, str) else None
    return str(known) if known is not None else value


def registry_source(source: str) -> str:
    """Where a registry entry came from, in words."""
    if source == "manual":
        return _("added by hand")
    if source == "demo":
        return _("from the demo data")
    if source.startswith("file:"):
        return _("from the file %(name)s", name=source.removeprefix("file:"))
    return _("from %(url)s", url=source)
