"""The catalogue: create, edit, publish and archive micro-credential definitions."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from microcred.model import PARTICIPATION_FORMS

from .. import auth, store
from ..forms import CourseForm, course_problems_of, read_course_form, slugify
from ..publishing import institution_name
from ..store import courses as course_store
from ..store.staff import get_profile
from . import bp

STATES = ("published", "draft", "archived")
LANGUAGES = (("vi", "Tiếng Việt"), ("en", "English"), ("fr", "Français"), ("ja", "日本語"))


def _course_url(slug: str) -> str:
    return f"{current_app.config['BASE_URL']}/register/courses/{slug}"


def _unique_slug(base: str) -> str:
    db = store.get_db()
    slug, number = base, 2
    while course_store.slug_taken(db, slug):
        slug, number = f"{base}-{number}", number + 1
    return slug


def _render(form: CourseForm, course: dict[str, Any] | None, status: int = 200) -> Any:
    page = render_template(
        "issuer/course_form.html",
        form=form,
        course=course,
        participation_forms=PARTICIPATION_FORMS,
        course_languages=LANGUAGES,
    )
    return page, status


def _blank_form() -> CourseForm:
    db = store.get_db()
    profile = get_profile(db)
    data: dict[str, Any] = {
        "awarding_body": institution_name(db) if profile else "",
        "country": profile["country"] if profile else "",
        "language": "vi",
        "participation_form": "",
        "learning_outcomes": [],
        "skills": [],
    }
    # A blank form lists everything still to fill in, like a saved draft does.
    problems = course_problems_of({**data, "id": _course_url("new")})
    return CourseForm(data, None, problems=problems)


@bp.get("/courses")
@auth.login_required
def courses() -> str:
    """The catalogue by state, each course with its Annex I completeness."""
    state = request.args.get("state", "published")
    state = state if state in STATES else "published"
    found = course_store.list_courses(store.get_db(), states=(state,))
    for course in found:
        course["problems"] = course_problems_of(course["data"])
    return render_template("issuer/courses.html", courses=found, state=state, states=STATES)


@bp.route("/courses/new", methods=["GET", "POST"])
@auth.login_required
def new_course() -> Any:
    """A new definition: saved as a draft, or published when every Annex I element is there."""
    if request.method == "GET":
        return _render(_blank_form(), None)
    code = request.form.get("code", "").strip()
    slug = _unique_slug(slugify(code or request.form.get("title", "")))
    form = read_course_form(request.form, _course_url(slug))
    publish = request.form.get("action") == "publish"
    if form.errors or (publish and form.problems):
        flash(_("The course was not saved: see the marked fields."), "error")
        return _render(form, None, 400)
    state = "published" if publish else "draft"
    course_id = course_store.create_course(
        store.get_db(),
        slug=slug,
        code=form.code,
        data=form.data,
        state=state,
        actor=auth.actor(),
        now=auth.now(),
    )
    flash(_("Published.") if publish else _("Saved as a draft."))
    return redirect(url_for("issuer.edit_course", course_id=course_id), 303)


@bp.route("/courses/<int:course_id>", methods=["GET", "POST"])
@auth.login_required
def edit_course(course_id: int) -> Any:
    """Edit a definition; a published one must stay complete (awards keep their own copy)."""
    db = store.get_db()
    course = course_store.get_course(db, course_id)
    if course is None:
        abort(404)
    if request.method == "GET":
        form = CourseForm(
            course["data"], course["code"], problems=course_problems_of(course["data"])
        )
        return _render(form, course)
    form = read_course_form(request.form, course["data"]["id"])
    action = request.form.get("action", "draft")
    state = "published" if action == "publish" or course["state"] == "published" else "draft"
    if course["state"] == "archived":
        state = "archived"
    if form.errors or (state == "published" and form.problems):
        flash(_("The changes were not saved: see the marked fields."), "error")
        return _render(form, course, 400)
    course_store.update_course(
        db,
        course_id,
        code=form.code,
        data=form.data,
        state=state,
        actor=auth.actor(),
        now=auth.now(),
    )
    published_now = state == "published" and course["state"] == "draft"
    flash(_("Published.") if published_now else _("Saved."))
    return redirect(url_for("issuer.edit_course", course_id=course_id), 303)


@bp.post("/courses/<int:course_id>/state")
@auth.login_required
def course_state(course_id: int) -> Any:
    """Archive a published course (no new awards), restore it, or delete an unused draft."""
    db = store.get_db()
    course = course_store.get_course(db, course_id)
    if course is None:
        abort(404)
    action = request.form.get("action")
    if action == "archive" and course["state"] == "published":
        course_store.set_course_state(db, course_id, "archived", actor=auth.actor(), now=auth.now())
        flash(_("Archived: it stays in the public register but is no longer awarded."))
    elif action == "restore" and course["state"] == "archived":
        course_store.set_course_state(
            db, course_id, "published", actor=auth.actor(), now=auth.now()
        )
        flash(_("Published again."))
    elif action == "delete" and course["state"] == "draft":
        if course_store.delete_draft(db, course_id, actor=auth.actor(), now=auth.now()):
            flash(_("Draft deleted."))
            return redirect(url_for("issuer.courses", state="draft"), 303)
    else:
        abort(400)
    return redirect(url_for("issuer.edit_course", course_id=course_id), 303)


@bp.get("/courses/skill-row")
@auth.login_required
def skill_row() -> str:
    """One more empty skill row for the course form (htmx)."""
    return render_template("issuer/_skill_row.html", uri="", label="")
