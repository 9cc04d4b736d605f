"""Secret files: made once with mode 600, agreed on by racing workers, tightened when loose."""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from microcred import secret_file
from microcred.keys import PrivateKey


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_made_once_with_mode_600_then_read(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    assert secret_file.read_or_create(path, lambda: b"first") == b"first"
    assert mode(path) == 0o600
    assert secret_file.read_or_create(path, lambda: pytest.fail("made twice")) == b"first"
    assert os.listdir(tmp_path) == ["secret"]  # no temporary file left behind


def test_a_worker_that_lost_the_race_uses_the_winners_secret(tmp_path: Path) -> None:
    path = tmp_path / "secret"

    def make() -> bytes:
        secret_file.create(path, b"theirs")  # another worker finishes first
        return b"mine"

    assert secret_file.read_or_create(path, make) == b"theirs"
    assert path.read_bytes() == b"theirs"
    assert os.listdir(tmp_path) == ["secret"]


def test_workers_starting_together_agree_on_one_secret(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    workers = 8
    # Every worker has found no file before any of them writes one.
    everyone_looked = threading.Barrier(workers)

    def make() -> bytes:
        everyone_looked.wait()
        return os.urandom(32)

    with ThreadPoolExecutor(workers) as pool:
        seen = list(pool.map(lambda _: secret_file.read_or_create(path, make), range(workers)))
    assert len(set(seen)) == 1 and len(seen[0]) == 32
    assert path.read_bytes() == seen[0]


def test_a_loose_file_is_tightened_when_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "secret"
    path.write_bytes(b"kept")
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        assert secret_file.read_or_create(path, lambda: b"new") == b"kept"
    assert mode(path) == 0o600
    assert "restricting it to 600" in caplog.text


def test_create_never_replaces(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    secret_file.create(path, b"one")
    with pytest.raises(FileExistsError):
        secret_file.create(path, b"two")
    assert path.read_bytes() == b"one"
    assert os.listdir(tmp_path) == ["secret"]


def test_replace_writes_whole_with_mode_600(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    path.write_bytes(b"old key")
    path.chmod(0o644)
    secret_file.replace(path, b"new key")
    assert path.read_bytes() == b"new key"
    assert mode(path) == 0o600
    assert os.listdir(tmp_path) == ["key.pem"]


def test_a_missing_folder_is_an_error_not_a_secret(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        secret_file.read_or_create(tmp_path / "absent" / "secret", lambda: b"x")


@pytest.mark.parametrize("kind", ["Ed25519", "P-256"])
def test_a_private_key_file_is_made_once_and_kept(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "key.jwk"
    key = PrivateKey.from_file(path, kind)
    assert mode(path) == 0o600
    assert json.loads(path.read_text())["d"]
    again = PrivateKey.from_file(path, kind)
    assert again.public_key.jwk == key.public_key.jwk
    key.public_key.verify(again.sign(b"data"), b"data")  # raises when the keys differ
