"""The public register: what each of the institution's micro-credentials stands for."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, jsonify, render_template, request

from microcred.model import Course

from .. import store, wording
from ..identity import institution
from ..store import courses as course_store
from ..store.staff import get_profile
from . import bp

PUBLIC_STATES = ("published", "archived")


def _issuer() -> dict[str, Any]:
    db = store.get_db()
    profile = get_profile(db) or {}
    base = current_app.config["BASE_URL"]
    return {
        "name": profile.get("name") or "",
        "country": profile.get("country") or "",
        "website": profile.get("website"),
        "did": institution().did,
        "url": base,
        "credential_issuer": base,
    }


def _entry(course: dict[str, Any]) -> dict[str, Any]:
    data = dict(course["data"])
    data["state"] = "offered" if course["state"] == "published" else "no longer awarded"
    data["code"] = course["code"]
    return data


@bp.get("/register")
def register() -> str:
    """The register as a page."""
    found = course_store.list_courses(store.get_db(), states=PUBLIC_STATES)
    for course in found:
        course["study_time"] = wording.workload(
            course["data"].get("ects"), course["data"].get("workload_hours")
        )
    return render_template("issuer/register.html", courses=found, issuer=_issuer())


@bp.get("/register.json")
def register_json() -> Any:
    """The register as JSON: the issuer and every public course with its Annex I elements."""
    found = course_store.list_courses(store.get_db(), states=PUBLIC_STATES)
    document = {"issuer": _issuer(), "microcredentials": [_entry(c) for c in found]}
    response = jsonify(document)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/register/courses/<slug>")
def register_course(slug: str) -> Any:
    """One course's descriptor; its address is the achievement id inside issued credentials."""
    course = course_store.course_by_slug(store.get_db(), slug)
    if course is None or course["state"] not in PUBLIC_STATES:
        abort(404)
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        response = jsonify(_entry(course))
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response
    model = Course.from_dict(course["data"])
    return render_template(
        "issuer/register_course.html",
        course=course,
        model=model,
        study_time=wording.workload(model.ects, model.workload_hours),
        issuer=_issuer(),
    )


@bp.get("/favicon.ico")
def favicon() -> Any:
    """No icon file (yet): an empty answer browsers cache, instead of a logged 404."""
    return "", 204, {"Cache-Control": "public, max-age=86400"}
