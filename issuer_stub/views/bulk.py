"""Issuing in bulk from a CSV: check every row, issue in the background, download the offers."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from microcred.learner_csv import MAX_CSV_BYTES, read_learners, write_csv

from .. import auth, bulk, store, wording
from ..offers import offer_links, tx_code
from ..store import awards as award_store, bulk as bulk_store, courses as course_store
from . import bp
from .awards import today

# Cards per page of the printable sheet: 12 per printed A4 page, 10 printed pages per screen.
SHEET_PAGE = 120
TEMPLATE_ROWS = (
    ("given_name", "family_name", "learner_id", "email", "grade", "date"),
    ("Văn An", "Nguyễn", "SV20250001", "an.nguyen@example.edu.vn", "8.5", "2025-06-30"),
    ("Thị Ánh", "Trần", "SV20250002", "", "9", ""),
)


def _bulk_page(result: Any = None, course_id: int | None = None, status: int = 200) -> Any:
    db = store.get_db()
    page = render_template(
        "issuer/bulk.html",
        courses=course_store.list_courses(db, states=("published",)),
        course_id=course_id,
        result=result,
        jobs=bulk_store.list_jobs(db),
        max_mb=MAX_CSV_BYTES // 1_000_000,
        lifetime_days=round(current_app.config["BULK_OFFER_LIFETIME"] / 86_400),
        # A transaction code is the default for bulk offers: cards and e-mails get lost.
        tx_checked=request.form.get("tx_code") == "on" if request.method == "POST" else True,
        upload_error=None if result is None or not isinstance(result, str) else result,
    )
    return page, status


@bp.route("/bulk", methods=["GET", "POST"])
@auth.login_required
def bulk_issue() -> Any:
    """Upload a learner list for a course; nothing is created unless every row is right."""
    course_id = request.values.get("course", type=int)
    if request.method == "GET":
        return _bulk_page(course_id=course_id)
    db = store.get_db()
    course = course_store.get_course(db, course_id) if course_id else None
    upload = request.files.get("file")
    if course is None or course["state"] != "published":
        return _bulk_page(_("Choose a published micro-credential."), course_id, 400)
    if upload is None or not upload.filename:
        return _bulk_page(_("Choose a CSV file to upload."), course_id, 400)
    data = upload.read(MAX_CSV_BYTES + 1)
    result = read_learners(
        data,
        default_date=today(),
        existing_ids=award_store.learners_with_award(db, course["id"]),
    )
    if result.errors:
        return _bulk_page(result, course_id, 400)
    job_id = bulk.start(
        course,
        result.rows,
        tx_required=request.form.get("tx_code") == "on",
        filename=(upload.filename or "")[:100],
        actor=auth.actor(),
        now=auth.now(),
    )
    return redirect(url_for("issuer.bulk_job", job_id=job_id), 303)


@bp.get("/bulk/template.csv")
@auth.login_required
def bulk_template() -> Response:
    """An example file with the expected columns."""
    text = write_csv(TEMPLATE_ROWS[0], TEMPLATE_ROWS[1:])
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="learners-template.csv"'},
    )


def _job_state(job_id: str) -> dict[str, Any]:
    """Progress of a job: from this process's board while running, else from the database."""
    if len(job_id) != 32:
        abort(404)
    running = bulk.board().get(job_id)
    stored = bulk_store.get_job(store.get_db(), job_id)
    if running is None and stored is None:
        abort(404)
    if running is not None and running.state != "done":
        return {
            "job": stored,
            "state": running.state,
            "done": running.done,
            "total": running.total,
            "message": wording.message(running.message),
        }
    assert stored is not None
    collected = bulk_store.job_collected(store.get_db(), job_id)
    return {
        "job": stored,
        "state": "done",
        "done": stored["row_count"],
        "total": stored["row_count"],
        "message": "",
        "collected": collected,
    }


@bp.get("/bulk/<job_id>")
@auth.login_required
def bulk_job(job_id: str) -> str:
    """A bulk job: progress while running, then the downloads."""
    return render_template("issuer/bulk_job.html", job_id=job_id, **_job_state(job_id))


@bp.get("/bulk/<job_id>/progress")
@auth.login_required
def bulk_progress(job_id: str) -> str:
    """The polled progress fragment (htmx)."""
    return render_template("issuer/_bulk_progress.html", job_id=job_id, **_job_state(job_id))


def _csv_download(name: str, header: list[str], lines: Any) -> Response:
    """A CSV attachment that no cache keeps (it holds personal offers)."""
    return Response(
        write_csv(header, lines),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def _finished_results(job_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    state = _job_state(job_id)
    if state["state"] != "done":
        abort(409)
    return state, bulk_store.job_results(store.get_db(), job_id, limit=state["total"])


@bp.get("/bulk/<job_id>/offers.csv")
@auth.login_required
def bulk_csv(job_id: str) -> Response:
    """The offer links of a job as CSV; transaction codes are a separate download."""
    _, results = _finished_results(job_id)
    base = current_app.config["BASE_URL"]
    header = ["given_name", "family_name", "learner_id", "email", "offer_link", "offer_page"]
    header += ["needs_code", "expires_at"]

    def lines() -> Any:
        for item in results:
            links = offer_links(base, item["offer_id"])
            yield [
                item["given_name"],
                item["family_name"],
                item["learner_id"],
                item["email"] or "",
                links["link"],
                links["page"],
                "yes" if item["tx_required"] else "no",
                _iso(item["expires_at"]),
            ]

    return _csv_download(f"offers-{job_id[:8]}.csv", header, lines())


@bp.get("/bulk/<job_id>/codes.csv")
@auth.login_required
def bulk_codes(job_id: str) -> Response:
    """The transaction codes of a job, in a file of their own, without links (G03).

    A code is worth something only if it travels apart from its offer link: whoever holds
    both can collect the credential, so the two are never in one file.
    """
    state, results = _finished_results(job_id)
    if not state["job"]["tx_required"]:
        abort(404)
    header = ["given_name", "family_name", "learner_id", "email", "tx_code"]
    lines = (
        [
            r["given_name"],
            r["family_name"],
            r["learner_id"],
            r["email"] or "",
            tx_code(r["offer_id"]),
        ]
        for r in results
        if r["tx_required"]
    )
    return _csv_download(f"codes-{job_id[:8]}.csv", header, lines)


def _iso(timestamp: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@bp.get("/bulk/<job_id>/sheet")
@auth.login_required
def bulk_sheet(job_id: str) -> str:
    """A printable sheet of QR codes, one card per learner (no transaction codes on it)."""
    state = _job_state(job_id)
    if state["state"] != "done":
        abort(409)
    pages = max(1, -(-state["total"] // SHEET_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    results = bulk_store.job_results(
        store.get_db(), job_id, limit=SHEET_PAGE, offset=(page - 1) * SHEET_PAGE
    )
    return render_template(
        "issuer/bulk_sheet.html", job=state["job"], cards=results, page=page, pages=pages
    )
