"""The staff home page: figures, recent activity and the next things to do."""

from __future__ import annotations

from flask import render_template

from .. import auth, store
from ..store import awards as award_store, bulk as bulk_store, staff as staff_store
from . import bp


@bp.get("/")
@auth.login_required
def dashboard() -> str:
    """Counts of awards by state, recent audit entries and recent bulk imports."""
    db = store.get_db()
    return render_template(
        "issuer/dashboard.html",
        counts=award_store.counts(db),
        profile=staff_store.get_profile(db),
        activity=staff_store.list_audit(db, limit=8),
        jobs=bulk_store.list_jobs(db, limit=5),
    )
