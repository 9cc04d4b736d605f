"""The `microcred` command as a real process: exit status is the verdict."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from microcred import strictjson


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "microcred.cli", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    result = run("samples", "--data", str(folder))
    assert result.returncode == 0, result.stderr
    verdicts = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert verdicts == ["VALID", "VALID", "VALID", "INVALID"]
    return folder


@pytest.mark.parametrize("name", ["open-badge.json", "vc-jwt.txt", "sd-jwt-vc.txt"])
def test_good_credentials_are_valid_with_the_registry(demo: Path, name: str) -> None:
    result = run("verify", str(demo / name), "--registry", str(demo / "registry.json"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("VALID")
    assert "Data Analysis with Python" in result.stdout


@pytest.mark.parametrize("fmt", ["open-badge.json", "vc-jwt.txt", "sd-jwt-vc.txt"])
def test_one_altered_claim_is_invalid_with_its_reason(demo: Path, tmp_path: Path, fmt: str) -> None:
    text = (demo / fmt).read_text()
    if fmt.endswith(".json"):
        doc = json.loads(text)
        doc["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
        altered = json.dumps(doc)
    elif fmt == "vc-jwt.txt":
        header, payload, signature = text.strip().split(".")
        claims = strictjson.loads(_b64d(payload))
        claims["vc"]["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
        altered = ".".join([header, _b64e(json.dumps(claims).encode()), signature])
    else:
        jwt, *rest = text.strip().split("~")
        header, payload, signature = jwt.split(".")
        claims = strictjson.loads(_b64d(payload))
        claims["achievement_title"] = "Doctor of Everything"
        altered = "~".join(
            [".".join([header, _b64e(json.dumps(claims).encode()), signature]), *rest]
        )
    path = tmp_path / fmt
    path.write_text(altered)
    result = run("verify", str(path), "--registry", str(demo / "registry.json"))
    assert result.returncode == 1
    assert result.stdout.startswith("INVALID") and "(signature_invalid)" in result.stdout
    assert "Doctor of Everything" not in result.stdout  # G5: unverified claims are never shown


def test_json_output_from_stdin_has_top_level_verdict(demo: Path) -> None:
    result = run("verify", "-", "--json", stdin=(demo / "vc-jwt.txt").read_bytes())
    report = json.loads(result.stdout)
    # No registry given: nobody vouches for the issuer, so UNVERIFIED at best (A24).
    assert (report["verdict"], report["reason"], result.returncode) == (
        "UNVERIFIED",
        "no_registry",
        2,
    )
    assert report["checks"][0]["name"] == "format"


def test_issuer_missing_from_registry_is_unverified(demo: Path, tmp_path: Path) -> None:
    other = tmp_path / "registry.json"
    other.write_text(json.dumps({"name": "other", "issuers": []}))
    result = run("verify", str(demo / "open-badge.json"), "--registry", str(other), "--json")
    assert result.returncode == 2
    assert json.loads(result.stdout)["reason"] == "issuer_not_in_registry"


@pytest.mark.parametrize(
    "payload", [b"", b"not a credential", b"[1,2]", b'{"a":1,"a":2}', b"\xff\xfe", b"a.b.c"]
)
def test_garbage_is_invalid_not_a_crash(payload: bytes) -> None:
    result = run("verify", "-", "--json", stdin=payload.decode("latin-1").encode())
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["verdict"] == "INVALID"
    assert "Traceback" not in result.stderr


def test_usage_errors_do_not_look_like_a_verdict(tmp_path: Path) -> None:
    assert run("verify").returncode == 64
    assert run("verify", str(tmp_path / "missing.txt")).returncode == 64
    assert run("verify", "-", "--require-holder-binding").returncode == 64


def test_keygen_prints_a_did_and_writes_a_private_file(tmp_path: Path) -> None:
    shown = json.loads(run("keygen", "--did", "jwk").stdout)
    assert shown["did"].startswith("did:jwk:") and "d" in shown["jwk"]
    out = tmp_path / "key.json"
    result = run("keygen", "--kind", "P-256", "--out", str(out))
    assert result.stdout.startswith("did:key:zDn")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text())["jwk"]["crv"] == "P-256"


def _b64d(text: str) -> bytes:
    from microcred import base64url

    return base64url.decode(text)


def _b64e(data: bytes) -> str:
    from microcred import base64url

    return base64url.encode(data)
