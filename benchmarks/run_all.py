"""Run every benchmark of the project and print one table; `--save` also writes LATEST.md.

Each script runs in its own process (so one's caches and threads do not colour another's
figures), prints its detailed output to benchmarks/out/<script>.txt and hands its figures
back through results.emit. Usage: `.venv/bin/python benchmarks/run_all.py [--save]`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCRIPTS = ("bench_core.py", "bench_qr.py", "bench_issuer.py", "bench_wallet.py",
           "bench_verifier.py")  # fmt: skip
# A script that runs longer than this is stopped and reported as such.
SCRIPT_TIMEOUT = 30 * 60


def run_script(name: str, out_dir: Path) -> tuple[list[dict[str, Any]], str]:
    """Run one benchmark script; return its figures and a one-word outcome."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        figures_path = Path(handle.name)
    env = dict(os.environ, MICROCRED_BENCH_JSON=str(figures_path))
    started = time.monotonic()
    with (out_dir / f"{Path(name).stem}.txt").open("w", encoding="utf-8") as log:
        try:
            done = subprocess.run(
                [sys.executable, str(HERE / name)], env=env, stdout=log, stderr=subprocess.STDOUT,
                timeout=SCRIPT_TIMEOUT, cwd=HERE.parent,
            )  # fmt: skip
            outcome = "ok" if done.returncode == 0 else f"exit {done.returncode}"
        except subprocess.TimeoutExpired:
            outcome = "timeout"
    text = figures_path.read_text(encoding="utf-8")
    figures = json.loads(text) if text else []  # a script that died before emit leaves nothing
    figures_path.unlink()
    print(f"{name}: {outcome} in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    return figures, outcome


def number(value: float) -> str:
    """A figure with as many digits as it deserves."""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def table(figures: list[dict[str, Any]]) -> str:
    """The figures as one Markdown table."""
    lines = ["| area | what | figure | target | met | reference | ratio |",
             "|---|---|---:|---|:---:|---|---:|"]  # fmt: skip
    for f in figures:
        met = {True: "yes", False: "**no**", None: ""}[f["met"]]
        ratio = f"{f['ratio']:.2f}x" if f["ratio"] is not None else ""
        lines.append(
            f"| {f['area']} | {f['name']} | {number(f['value'])} {f['unit']} "
            f"| {f['target']} | {met} | {f['reference']} | {ratio} |"
        )
    return "\n".join(lines)


def main() -> int:
    """Run them all, print the table, and with --save write it to benchmarks/LATEST.md."""
    out_dir = HERE / "out"
    out_dir.mkdir(exist_ok=True)
    figures: list[dict[str, Any]] = []
    outcomes = {}
    for name in SCRIPTS:
        got, outcomes[name] = run_script(name, out_dir)
        figures.extend(got)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    head = (
        f"Benchmarks of {dt.date.today().isoformat()} on Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs ({platform.machine()}), load average at the end {load}. "
        "Scripts: " + ", ".join(f"{k} {v}" for k, v in outcomes.items()) + ".\n\n"
        "ratio = the reference's time / ours (above 1: faster than the reference). "
        "Each script's full output is in benchmarks/out/.\n"
    )
    text = head + "\n" + table(figures) + "\n"
    print(text)
    if "--save" in sys.argv[1:]:
        (HERE / "LATEST.md").write_text("# Latest benchmark run\n\n" + text, encoding="utf-8")
    return 0 if all(v == "ok" for v in outcomes.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
