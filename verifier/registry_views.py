"""The trust registry pages: list, add by DID, import a registry file or URL, remove."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext as _, ngettext

from microcred.errors import FetchError, MicrocredError, TrustRegistryError
from microcred.trust import MAX_REGISTRY_BYTES, TrustRegistry

from . import auth, store, wording
from .blueprint import bp
from .pipeline import pipeline

FIELDS = ("did", "name", "country", "accreditingBody", "validFrom", "validUntil")


def _page(error: str | None = None, form: dict[str, str] | None = None, status: int = 200) -> Any:
    issuers = store.list_issuers(store.get_db())
    return render_template(
        "verifier/registry.html", issuers=issuers, error=error, form=form or {}
    ), status


@bp.get("/registry")
@auth.login_required
def registry() -> Any:
    """The trusted issuers: an issuer not listed here is never shown as valid."""
    return _page()


@bp.post("/registry/add")
@auth.login_required
def registry_add() -> Any:
    """Add one issuer by DID, validated like a registry file entry."""
    form = {name: request.form.get(name, "").strip() for name in FIELDS}
    entry: dict[str, Any] = {k: v for k, v in form.items() if v or k in FIELDS[:4]}
    entry["country"] = form["country"].upper()
    try:
        parsed = TrustRegistry.from_json({"name": "manual", "issuers": [entry]}, source="manual")
    except TrustRegistryError as error:
        return _page(wording.registry_problem(error.message, numbered=False), form, 422)
    store.add_issuer(store.get_db(), parsed.entries()[0])
    current_app.extensions["verifier.warmer"].wake()  # fetch the new issuers' documents now
    flash(_("%(name)s added to the trust registry.", name=parsed.entries()[0].name))
    return redirect(url_for("verifier.registry"), 303)


def _load_registry() -> tuple[TrustRegistry, str]:
    """The uploaded or fetched registry, and the source its entries are filed under."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.read(MAX_REGISTRY_BYTES + 1)
        source = "file:" + upload.filename[:100]
        return TrustRegistry.fetch(source, lambda _source: data), source
    url = request.form.get("url", "").strip()
    if not url:
        raise TrustRegistryError(
            _("Choose a registry file or give its URL."), code="nothing_to_import"
        )
    fetcher = pipeline().fetcher
    registry = TrustRegistry.fetch(
        url, lambda u: fetcher.get_json(u, max_bytes=MAX_REGISTRY_BYTES, use_cache=False)
    )
    return registry, url[:300]


@bp.post("/registry/import")
@auth.login_required
def registry_import() -> Any:
    """Import a registry JSON file or URL (fetched through the guarded client)."""
    try:
        loaded, source = _load_registry()
    except FetchError as error:
        why = wording.error_message(error)
        return _page(_("The registry could not be fetched. %(why)s", why=why), status=502)
    except MicrocredError as error:
        why = wording.registry_problem(error.message)
        return _page(_("The registry was not imported: %(why)s", why=why), status=422)
    # Re-importing the same file or URL replaces its entries rather than adding duplicates.
    store.import_registry(store.get_db(), loaded.entries(), source)
    current_app.extensions["verifier.warmer"].wake()  # fetch the new issuers' documents now
    count = len(loaded.entries())
    flash(
        ngettext(
            "Imported %(count)s issuer from %(name)s.",
            "Imported %(count)s issuers from %(name)s.",
            count,
            count=format_decimal(count),
            name=loaded.name,
        )
    )
    return redirect(url_for("verifier.registry"), 303)


@bp.post("/registry/<int:issuer_id>/remove")
@auth.login_required
def registry_remove(issuer_id: int) -> Any:
    """Remove one entry."""
    if not store.remove_issuer(store.get_db(), issuer_id):
        abort(404)
    flash(_("The issuer was removed from the trust registry."))
    return redirect(url_for("verifier.registry"), 303)
