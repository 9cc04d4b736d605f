"""Scan, upload, paste or drop → one verdict page; history and settings."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal, gettext as _

from microcred import photo, qr, strictjson
from microcred.errors import MicrocredError, QRError
from microcred.http_policy import status_for
from microcred.image import JPEG_MAGIC, PNG_MAGIC
from microcred.oid4vp import new_secret

from . import auth, reports, store, throttling, wording
from .blueprint import bp
from .identity import identity
from .owner import session_owner
from .pipeline import pipeline

# A camera frame is small: refuse big bodies before decoding (and count frames per address).
MAX_FRAME_BYTES = 2_000_000
MAX_FRAME_PIXELS = 4_000_000
# Where a text came from, as the form says (a dropped file fills the text form).
SOURCES = frozenset({"camera", "paste", "file"})
# Retention the settings page accepts, in days.
MIN_RETENTION, MAX_RETENTION = 1, 3650


def _scan_page(error: MicrocredError | None = None, text: str = "") -> Any:
    status = status_for(error) if error else 200
    # Echo a pasted text back only when short: never a whole token into the page (I03).
    shown = text if len(text) <= 2000 else ""
    message = wording.error_message(error) if error else None
    page = render_template("verifier/scan.html", error=error, message=message, text=shown)
    return page, status


@bp.get("/")
def scan() -> Any:
    """The scan page: camera, photo upload, paste or drop."""
    return _scan_page()


def _unsupported() -> QRError:
    message = _("Upload a PNG or JPEG photo of the QR code, or a JSON file.")
    return QRError(message, code="unsupported_upload")


def _file_text(data: bytes) -> str:
    """A dropped or uploaded credential file as text; other images, SVG or HTML are refused."""
    if b"\0" in data[:4096] or data.lstrip()[:1] == b"<":
        raise _unsupported()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _unsupported() from None


def _read_input() -> tuple[str, str]:
    """The text to verify and where it came from: photo (QR decoded), file, camera or paste."""
    upload = request.files.get("upload")
    if upload is not None and upload.filename:
        data = upload.read()
        if data.startswith(PNG_MAGIC) or data.startswith(JPEG_MAGIC):
            return photo.decode_photo(data), "photo"
        return _file_text(data), "file"
    source = request.form.get("source", "paste")
    return request.form.get("text", ""), source if source in SOURCES else "paste"


@bp.post("/verify")
def verify() -> Any:
    """Verify an upload or a pasted text, keep the result for this session, show it (303)."""
    throttling.limit("verify")
    text = ""
    try:
        text, source = _read_input()
        report = pipeline().check_text(text, store.get_db())
    except MicrocredError as error:
        return _scan_page(error, text)
    data = reports.stamp(reports.to_json(report), identity().did)
    result_id = new_secret()
    store.save_result(
        store.get_db(),
        result_id=result_id,
        owner=session_owner(),
        report=data,
        summary=reports.summary(data, source),
        lifetime=int(current_app.config["RESULT_LIFETIME"]),
    )
    return redirect(url_for("verifier.result", result_id=result_id), 303)


@bp.post("/scan/frame")
def scan_frame() -> Any:
    """Decode one camera frame (JPEG/PNG body) when the browser cannot: {"text": ... or null}."""
    throttling.limit("frame")
    if (request.content_length or 0) > MAX_FRAME_BYTES:
        abort(413)  # refused before the body is read
    data = request.get_data(cache=False)
    if len(data) > MAX_FRAME_BYTES:
        abort(413)
    try:
        text = qr.decode_first(data, max_pixels=MAX_FRAME_PIXELS, thorough=False)
    except QRError as error:
        if error.code in ("no_qr", "qr_text_invalid"):
            return jsonify({"text": None})
        raise
    return jsonify({"text": text})


def _owned_report(result_id: str) -> dict[str, Any]:
    report = store.get_result(store.get_db(), result_id, session_owner())
    if report is None:
        # Unknown, expired or another session's: the same answer for all three (F06).
        abort(404)
    return report


@bp.get("/result/<result_id>")
def result(result_id: str) -> Any:
    """A verification result, readable only by the session that made it."""
    report = _owned_report(result_id)
    return render_template("verifier/result.html", report=report, result_id=result_id, r=reports)


@bp.get("/result/<result_id>.json")
def result_json(result_id: str) -> Any:
    """The same result as a JSON download."""
    report = _owned_report(result_id)
    body = strictjson.dumps(report)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="verification-{result_id[:8]}.json"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/history")
@auth.login_required
def history() -> Any:
    """Past verifications (time, title, issuer, verdict), searchable."""
    search = request.args.get("q", "")[:100]
    db = store.get_db()
    entries = store.history(db, search)
    return render_template(
        "verifier/history.html",
        entries=entries,
        search=search,
        retention=store.retention_days(db),
        r=reports,
    )


@bp.route("/settings", methods=["GET", "POST"])
@auth.login_required
def settings() -> Any:
    """The retention period of the history."""
    db = store.get_db()
    error = None
    if request.method == "POST":
        value = request.form.get("retention_days", "").strip()
        if value.isdigit() and MIN_RETENTION <= int(value) <= MAX_RETENTION:
            store.set_retention_days(db, int(value))
            return redirect(url_for("verifier.settings", saved=1), 303)
        error = _(
            "Enter a whole number of days from %(low)s to %(high)s.",
            low=format_decimal(MIN_RETENTION),
            high=format_decimal(MAX_RETENTION),
        )
    return render_template(
        "verifier/settings.html",
        retention=store.retention_days(db),
        error=error,
        saved=request.args.get("saved") == "1",
    ), (422 if error else 200)


@bp.get("/.well-known/did.json")
def did_document() -> Any:
    """The verifier's DID document (did:web), for wallets checking signed requests."""
    response = jsonify(identity().document)
    response.headers["Cache-Control"] = "max-age=300"
    return response


@bp.get("/favicon.ico")
def favicon() -> Any:
    """No icon file yet: an empty answer rather than a 404 in every browser console."""
    response = Response(status=204)
    response.headers["Cache-Control"] = "max-age=86400"
    return response
