"""Benchmark figures as data, so `run_all.py` can print every script's figures in one table.

Each script prints its own detailed table and, at the end, calls `emit(figures)`: when run by
`run_all.py` (which sets MICROCRED_BENCH_JSON), the figures also go to that JSON file.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    """One measured figure, with its target and its reference implementation's figure."""

    area: str  # core, issuer, wallet, verifier, qr
    name: str
    value: float
    unit: str  # "µs", "ms", "s", "/s", "MB"
    target: str = ""  # as the issue states it, e.g. "<= 250 µs"
    met: bool | None = None  # None: no target
    reference: str = ""  # what the ratio compares with, e.g. "sd-jwt 0.10.4 (477 µs)"
    ratio: float | None = None  # reference's time / ours (above 1: we are faster)


def emit(figures: list[Figure]) -> None:
    """Hand the figures to run_all.py when it asked for them; otherwise do nothing."""
    path = os.environ.get("MICROCRED_BENCH_JSON")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump([asdict(f) for f in figures], out, ensure_ascii=False, indent=1)
