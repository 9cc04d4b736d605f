"""The learner owns the data: export everything, import it elsewhere, delete the account."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from microcred.errors import MicrocredError

from .. import account, portability, wording
from ..store import accounts as account_store, cards as card_store, get_db
from ..web import login_required, page_status
from . import accounts as accounts_views, bp


@bp.get("/account")
@login_required
def account_page() -> Any:
    """Export, import and account deletion."""
    count = card_store.count_cards(get_db(), g.user["id"])
    return render_template("wallet/account.html", count=count, errors={})


def _account_error(field: str, message: str, status: int = 400) -> Any:
    count = card_store.count_cards(get_db(), g.user["id"])
    return render_template("wallet/account.html", count=count, errors={field: message}), status


@bp.post("/account/export")
@login_required
def export_backup() -> Any:
    """Download every credential, holder key and share as one passphrase-encrypted file."""
    passphrase = request.form.get("passphrase", "")
    if passphrase != request.form.get("confirm", ""):
        return _account_error("export", _("The two passphrases differ."))
    try:
        data = portability.export_file(g.user, passphrase)
    except MicrocredError as error:
        return _account_error("export", wording.error(error), page_status(error))
    day = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    name = f"wallet-{g.user['username']}-{day}.mcwallet"
    return Response(
        data,
        mimetype="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/account/import")
@login_required
def import_backup() -> Any:
    """Bring in a backup: checked, re-verified, stored all at once or not at all."""
    upload = request.files.get("backup")
    if upload is None or not upload.filename:
        return _account_error("import", _("Choose the backup file to import."))
    try:
        counts = portability.import_file(g.user, upload.read(), request.form.get("passphrase", ""))
    except MicrocredError as error:
        return _account_error("import", wording.error(error), page_status(error))
    flash(
        _(
            "Imported %(added)d card(s); %(present)d were already here. %(shares)d share(s) added.",
            added=counts.cards_added,
            present=counts.cards_present,
            shares=counts.shares_added,
        )
    )
    return redirect(url_for("wallet.home"), 303)


@bp.post("/account/delete")
@login_required
def delete_account() -> Any:
    """Delete the account and everything in it, after the password is typed again."""
    result = account.authenticate(
        g.user["username"], request.form.get("password", ""), request.remote_addr or "-"
    )
    if result.user is None and result.error != "wrong":
        return _account_error("delete", accounts_views.refusal(result), 429)
    if result.user is None or result.user["id"] != g.user["id"]:
        return _account_error("delete", _("The password is not right."), 401)
    account.end_session()
    account_store.delete_user(get_db(), result.user["id"])
    flash(_("Your account and everything in it were deleted."))
    response = redirect(url_for("wallet.signin"), 303)
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response
