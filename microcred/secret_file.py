"""Secret files (session keys, signing keys, the wallet's KEK): readable by their owner only.

A secret file is made once, complete and with mode 600 before its name appears: it is written
under a temporary name and then linked into place, which fails when the name exists. So two
workers starting together agree on one secret, and none ever reads a half-written file (the
usual `O_EXCL` create-then-write leaves a moment where the other worker reads an empty file).
A secret file that others may read is tightened to 600 when it is read (SECURITY-CASES I07, J10).
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["MODE", "create", "read_or_create", "replace"]

log = logging.getLogger(__name__)

# Owner read and write, nothing for group or others.
MODE = 0o600


def read_or_create(path: str | os.PathLike[str], make: Callable[[], bytes]) -> bytes:
    """The file's bytes; when there is no file yet, `make()`'s, written into a new one first."""
    location = Path(path)
    try:
        return _read(location)
    except FileNotFoundError:
        pass
    data = make()
    try:
        create(location, data)
    except FileExistsError:  # another worker made it first: everyone uses that one
        return _read(location)
    return data


def create(path: str | os.PathLike[str], data: bytes) -> None:
    """Write a new secret file at once and whole; FileExistsError when the name is taken."""
    location = Path(path)
    temporary = _write_temporary(location, data)
    try:
        # link, unlike rename, never replaces: exactly one of two racing workers succeeds.
        os.link(temporary, location)
    finally:
        os.unlink(temporary)
    _sync_folder(location.parent)


def replace(path: str | os.PathLike[str], data: bytes) -> None:
    """Write a secret file at once and whole, replacing any earlier one (and its mode)."""
    location = Path(path)
    temporary = _write_temporary(location, data)
    try:
        os.replace(temporary, location)
    except BaseException:
        os.unlink(temporary)
        raise
    _sync_folder(location.parent)


def _read(location: Path) -> bytes:
    mode = stat.S_IMODE(location.stat().st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("%s was readable by others; restricting it to 600", location)
        location.chmod(MODE)
    return location.read_bytes()


def _write_temporary(location: Path, data: bytes) -> str:
    # mkstemp creates the file with mode 600 in the same folder (so link and rename stay atomic).
    fd, temporary = tempfile.mkstemp(dir=location.parent, prefix=f".{location.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())  # the bytes reach the disk before the name does
    except BaseException:
        os.unlink(temporary)
        raise
    return temporary


def _sync_folder(folder: Path) -> None:
    """Make the new name durable, so a key in use is not lost on power failure (J01)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
