"""`microcred verify` as a real process: holder binding from --nonce/--audience, trust without a
registry, a closed output pipe, and didkit-made VCDM 1.1 credentials as input."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import held_samples
import pytest

from microcred import sdjwt, strictjson, vcjwt
from microcred.demo import DEMO_AWARD, DEMO_COURSE
from microcred.model import to_vcdm11

NONCE, AUDIENCE = "n-7a1d0c", "https://verifier.example"
CLI = [sys.executable, "-m", "microcred.cli", "verify"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Credentials of a did:key institution (resolvable offline) and a registry that lists it."""
    folder = tmp_path_factory.mktemp("cli")
    issued = held_samples.sd_jwt()
    presentation = sdjwt.present(
        issued,
        disclose=[("given_name",)],
        holder_key=held_samples.HOLDER.key,
        nonce=NONCE,
        audience=AUDIENCE,
        iat=int(time.time()),
    )
    twin = to_vcdm11(
        DEMO_COURSE,
        DEMO_AWARD,
        credential_id="urn:uuid:cli-2018",
        issuer_id=held_samples.ISSUER_DID,
        issuer_name="Demo Uni",
        subject_id=held_samples.HOLDER.did,
        issuance_date="2026-06-01T12:00:00Z",
    )
    ldp = vcjwt.issue_ldp(
        twin,
        held_samples.ISSUER_KEY,
        verification_method=held_samples.IDENTITY.verification_method,
        created="2026-06-01T12:00:00Z",
    )
    forged = copy.deepcopy(ldp)
    forged["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
    registry = {
        "name": "test",
        "issuers": [
            {
                "did": held_samples.ISSUER_DID,
                "name": "Demo Uni",
                "country": "VN",
                "accreditingBody": "MOET",
            }
        ],
    }
    contents: dict[str, Any] = {
        "sd-jwt.txt": issued,
        "presentation.txt": presentation,
        "vc-jwt.txt": held_samples.vc_jwt(),
        "didkit-2018.json": strictjson.dumps(ldp),
        "forged-2018.json": strictjson.dumps(forged),
        "registry.json": strictjson.dumps(registry),
    }
    paths = {}
    for name, text in contents.items():
        paths[name] = folder / name
        paths[name].write_text(text, encoding="utf-8")
    return paths


def verdict(result: subprocess.CompletedProcess[str]) -> tuple[int, str, str]:
    report = json.loads(result.stdout)
    return result.returncode, report["verdict"], report["reason"]


# --- B11: an expected nonce or audience requires holder binding --------------------------------


def test_nonce_and_audience_reject_a_bare_sd_jwt(files: dict[str, Path]) -> None:
    # No --require-holder-binding: giving a nonce and an audience is enough to require it.
    args = ("--registry", str(files["registry.json"]), "--nonce", NONCE, "--audience", AUDIENCE)
    result = run(str(files["sd-jwt.txt"]), "--json", *args)
    assert verdict(result) == (1, "INVALID", "key_binding_missing")
    bound = run(str(files["presentation.txt"]), "--json", *args)
    assert verdict(bound) == (0, "VALID", "")
    checks = {c["name"]: c for c in json.loads(bound.stdout)["checks"]}
    assert (checks["holder_binding"]["state"], checks["holder_binding"]["code"]) == (
        "passed",
        "key_binding",
    )


def test_without_a_nonce_the_bare_sd_jwt_is_a_bearer_credential(files: dict[str, Path]) -> None:
    result = run(str(files["sd-jwt.txt"]), "--json", "--registry", str(files["registry.json"]))
    assert verdict(result) == (0, "VALID", "")


@pytest.mark.parametrize(
    "args",
    [("--nonce", NONCE), ("--audience", AUDIENCE), ("--require-holder-binding",)],
    ids=["nonce-only", "audience-only", "flag-only"],
)
def test_binding_needs_both_nonce_and_audience(files: dict[str, Path], args: tuple[str]) -> None:
    result = run(str(files["presentation.txt"]), *args)
    assert result.returncode == 64
    assert "--nonce and --audience" in result.stderr


# --- A24: no registry, no trust ----------------------------------------------------------------


def test_without_a_registry_a_genuine_credential_is_unverified(files: dict[str, Path]) -> None:
    result = run(str(files["vc-jwt.txt"]), "--json")
    assert verdict(result) == (2, "UNVERIFIED", "no_registry")
    assert "no --registry given" in result.stderr


def test_no_trust_check_accepts_any_issuer_with_a_warning(files: dict[str, Path]) -> None:
    result = run(str(files["vc-jwt.txt"]), "--no-trust-check")
    assert result.returncode == 0 and result.stdout.startswith("VALID")
    assert "warning: issuer trust not checked" in result.stderr
    assert "[not checked]" in result.stdout


def test_registry_and_no_trust_check_exclude_each_other(files: dict[str, Path]) -> None:
    result = run(str(files["vc-jwt.txt"]), "--no-trust-check", "--registry", "x.json")
    assert result.returncode == 64


# --- a reader that goes away -------------------------------------------------------------------


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_closed_pipe_keeps_the_verdict_as_exit_status(
    files: dict[str, Path], as_json: bool
) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written: every write fails
    try:
        args = [str(files["vc-jwt.txt"]), "--registry", str(files["registry.json"])]
        result = subprocess.run(
            [*CLI, *args, *(["--json"] if as_json else [])],
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr and b"BrokenPipe" not in result.stderr


@pytest.mark.parametrize(
    "name, status", [("vc-jwt.txt", 0), ("forged-2018.json", 1)], ids=["valid", "invalid"]
)
def test_piped_into_head_the_exit_status_is_still_the_verdict(
    files: dict[str, Path], name: str, status: int
) -> None:
    command = " ".join(
        [*CLI, str(files[name]), "--json", "--registry", str(files["registry.json"])]
    )
    shell = f'{command} | head -1 >/dev/null; exit "${{PIPESTATUS[0]}}"'
    result = subprocess.run(
        ["bash", "-c", shell], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr


# --- didkit-made VCDM 1.1 credentials (Ed25519Signature2018) ------------------------------------


def test_a_didkit_made_2018_credential_is_valid(files: dict[str, Path]) -> None:
    result = run(str(files["didkit-2018.json"]), "--registry", str(files["registry.json"]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("VALID")
    assert "signature_valid: Ed25519Signature2018" in result.stdout
    assert DEMO_COURSE.title in result.stdout


def test_a_changed_2018_credential_is_invalid(files: dict[str, Path]) -> None:
    result = run(str(files["forged-2018.json"]), "--registry", str(files["registry.json"]))
    assert result.returncode == 1
    assert result.stdout.startswith("INVALID") and "(signature_invalid)" in result.stdout
    assert "Doctor of Everything" not in result.stdout
