"""DCQL, the Digital Credentials Query Language of OpenID4VP 1.0 §6: build and validate queries.

A verifier builds a query (`sd_jwt_vc_query`), a wallet validates the one it receives
(`parse_query`); which held credentials answer it, with which claims, is `claim_selection`.
Unknown members are ignored as §6 requires; `credential_sets` is validated and honoured.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import InputError

# §6.1 / §6.3: identifiers are non-empty strings of alphanumerics, "_" and "-".
_IDENTIFIER = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Bounds on what a wallet accepts (G2): real requests ask for one credential and some claims.
MAX_CREDENTIALS = 16
MAX_CLAIMS = 64
MAX_PATH = 16
MAX_VALUES = 32
SD_JWT_VC = "dc+sd-jwt"

ClaimPath = tuple[str | int | None, ...]


@dataclass(frozen=True)
class ClaimsQuery:
    """One claim a credential query asks for (§6.3): a claims path pointer and optional values."""

    path: ClaimPath
    id: str | None = None
    values: tuple[str | int | bool, ...] | None = None


@dataclass(frozen=True)
class CredentialQuery:
    """One requested credential (§6.1); `claims` None means "no selectively disclosable claims"."""

    id: str
    format: str
    meta: Mapping[str, Any]
    claims: tuple[ClaimsQuery, ...] | None = None
    claim_sets: tuple[tuple[str, ...], ...] | None = None
    multiple: bool = False
    require_cryptographic_holder_binding: bool = True

    @property
    def vct_values(self) -> tuple[str, ...]:
        """The SD-JWT VC types this query accepts (§B.3.5 `vct_values`)."""
        values = self.meta.get("vct_values", ())
        return tuple(v for v in values if isinstance(v, str))


@dataclass(frozen=True)
class Query:
    """A validated DCQL query, with the JSON it came from."""

    credentials: tuple[CredentialQuery, ...]
    credential_sets: tuple[tuple[tuple[str, ...], ...], ...] = ()
    required_sets: tuple[bool, ...] = ()
    raw: Mapping[str, Any] | None = None

    def credential(self, query_id: str) -> CredentialQuery:
        """The credential query with this id."""
        for item in self.credentials:
            if item.id == query_id:
                return item
        raise KeyError(query_id)

    def to_json(self) -> dict[str, Any]:
        """The query as DCQL JSON."""
        return dict(self.raw) if self.raw is not None else _to_json(self)


def _fail(message: str) -> InputError:
    return InputError(f"DCQL: {message}", code="invalid_dcql")


def _identifier(value: Any, where: str) -> str:
    if not isinstance(value, str) or _IDENTIFIER.fullmatch(value) is None:
        raise _fail(f"{where} must be an identifier of letters, digits, '_' or '-'")
    return value


def _path(value: Any, where: str) -> ClaimPath:
    # §7: a non-empty array of strings, nulls and non-negative integers.
    if not isinstance(value, list) or not 0 < len(value) <= MAX_PATH:
        raise _fail(f"{where}.path must be a non-empty array of at most {MAX_PATH} steps")
    for step in value:
        ok = step is None or isinstance(step, str)
        ok = ok or (isinstance(step, int) and not isinstance(step, bool) and step >= 0)
        if not ok:
            raise _fail(f"{where}.path steps are strings, null or non-negative integers")
    return tuple(value)


def _claims_query(item: Any, where: str) -> ClaimsQuery:
    if not isinstance(item, dict):
        raise _fail(f"{where} must be an object")
    claim_id = _identifier(item["id"], f"{where}.id") if "id" in item else None
    values = item.get("values")
    if values is not None:
        scalar = (
            all(isinstance(v, str | int | bool) for v in values)
            if isinstance(values, list)
            else False
        )
        if not scalar or not 0 < len(values) <= MAX_VALUES:
            raise _fail(
                f"{where}.values must be a non-empty array of strings, integers or booleans"
            )
        values = tuple(values)
    return ClaimsQuery(_path(item.get("path"), where), claim_id, values)


def _claims(item: dict[str, Any], where: str) -> tuple[ClaimsQuery, ...] | None:
    claims = item.get("claims")
    if claims is None:
        if "claim_sets" in item:
            raise _fail(f"{where}.claim_sets needs claims")  # §6.1
        return None
    if not isinstance(claims, list) or not 0 < len(claims) <= MAX_CLAIMS:
        raise _fail(f"{where}.claims must be a non-empty array of at most {MAX_CLAIMS}")
    parsed = tuple(_claims_query(c, f"{where}.claims[{i}]") for i, c in enumerate(claims))
    ids = [c.id for c in parsed if c.id is not None]
    if len(ids) != len(set(ids)):
        raise _fail(f"{where}.claims ids must be unique")
    return parsed


def _claim_sets(item: dict[str, Any], claims: tuple[ClaimsQuery, ...] | None, where: str) -> Any:
    sets = item.get("claim_sets")
    if sets is None:
        return None
    known = {c.id for c in claims or () if c.id is not None}
    if not isinstance(sets, list) or not sets:
        raise _fail(f"{where}.claim_sets must be a non-empty array")
    for option in sets:
        if not isinstance(option, list) or not option or not all(i in known for i in option):
            raise _fail(f"{where}.claim_sets options must list ids of its claims")
    return tuple(tuple(option) for option in sets)


def _credential_query(item: Any, where: str) -> CredentialQuery:
    if not isinstance(item, dict):
        raise _fail(f"{where} must be an object")
    meta = item.get("meta")
    if not isinstance(item.get("format"), str) or not isinstance(meta, dict):
        raise _fail(f"{where} needs a format string and a meta object")
    flags = {
        k: item.get(k, d)
        for k, d in (("multiple", False), ("require_cryptographic_holder_binding", True))
    }
    if not all(isinstance(v, bool) for v in flags.values()):
        raise _fail(f"{where}: multiple and require_cryptographic_holder_binding are booleans")
    if item["format"] == SD_JWT_VC:
        vct = meta.get("vct_values")
        if not isinstance(vct, list) or not vct or not all(isinstance(v, str) for v in vct):
            raise _fail(f"{where}.meta.vct_values must be a non-empty array of strings")
    claims = _claims(item, where)
    return CredentialQuery(
        id=_identifier(item.get("id"), f"{where}.id"),
        format=item["format"],
        meta=meta,
        claims=claims,
        claim_sets=_claim_sets(item, claims, where),
        multiple=flags["multiple"],
        require_cryptographic_holder_binding=flags["require_cryptographic_holder_binding"],
    )


def parse_query(data: Any) -> Query:
    """Validate a DCQL query object (§6), raising InputError (code "invalid_dcql")."""
    if not isinstance(data, dict):
        raise _fail("the query must be an object")
    items = data.get("credentials")
    if not isinstance(items, list) or not 0 < len(items) <= MAX_CREDENTIALS:
        raise _fail(f"credentials must be a non-empty array of at most {MAX_CREDENTIALS}")
    credentials = tuple(_credential_query(c, f"credentials[{i}]") for i, c in enumerate(items))
    ids = [c.id for c in credentials]
    if len(ids) != len(set(ids)):
        raise _fail("credential query ids must be unique")
    sets, required = _credential_sets(data.get("credential_sets"), set(ids))
    return Query(credentials, sets, required, data)


def _credential_sets(value: Any, ids: set[str]) -> tuple[Any, tuple[bool, ...]]:
    if value is None:
        return (), ()
    if not isinstance(value, list) or not value:
        raise _fail("credential_sets must be a non-empty array")
    sets, required = [], []
    for item in value:
        options = item.get("options") if isinstance(item, dict) else None
        flag = item.get("required", True) if isinstance(item, dict) else None
        if not isinstance(options, list) or not options or not isinstance(flag, bool):
            raise _fail("a credential set needs options and a boolean required")
        for option in options:
            if not isinstance(option, list) or not option or not all(i in ids for i in option):
                raise _fail("credential set options must list credential query ids")
        sets.append(tuple(tuple(option) for option in options))
        required.append(flag)
    return tuple(sets), tuple(required)


def _to_json(query: Query) -> dict[str, Any]:
    credentials = []
    for cq in query.credentials:
        item: dict[str, Any] = {"id": cq.id, "format": cq.format, "meta": dict(cq.meta)}
        if cq.claims is not None:
            item["claims"] = [
                {"path": list(c.path)}
                | ({"id": c.id} if c.id else {})
                | ({"values": list(c.values)} if c.values else {})
                for c in cq.claims
            ]
        credentials.append(item)
    return {"credentials": credentials}


def sd_jwt_vc_query(
    query_id: str, vct: str, paths: Iterable[ClaimPath], *, issuer: str | None = None
) -> Query:
    """A one-credential query for an SD-JWT VC of type `vct` with these claims (holder-bound).

    `issuer` adds a value match on the plaintext `iss` claim, the §6.1.1 note's way to ask for
    one issuer; the verifier must still check the issuer itself (values are best effort, §6.4.1).
    """
    claims: list[dict[str, Any]] = [{"path": list(path)} for path in paths]
    if issuer is not None:
        claims.append({"path": ["iss"], "values": [issuer]})
    item: dict[str, Any] = {"id": query_id, "format": SD_JWT_VC, "meta": {"vct_values": [vct]}}
    if claims:
        item["claims"] = claims
    return parse_query({"credentials": [item]})


def requested_names(cq: CredentialQuery) -> frozenset[str]:
    """Top-level claim names a credential query asks for (what a verifier may display)."""
    return frozenset(c.path[0] for c in cq.claims or () if isinstance(c.path[0], str))
