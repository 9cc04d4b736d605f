"""QR decode benchmark: median milliseconds per decoder on camera-like frames and a 12 MP photo.

Run from the repository root: python -m benchmarks.bench_qr [--runs 50] [--no-pin]. Not a test.
Decoder columns time the gray array only; imdecode and decode() columns start from the file bytes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

import cv2
import numpy as np
import qrcode
import qrcode.constants
from pyzbar import pyzbar
from results import Figure, emit  # benchmarks/results.py, beside this script

from microcred import qr
from microcred.errors import QRError

try:
    import zxingcpp
except ImportError:
    zxingcpp = None

FRAME_TARGET_MS = 10.0
PHOTO_TARGET_MS = 300.0
# Stop timing a cell after this many seconds (OpenCV on 12 MP takes seconds per run).
CELL_BUDGET_S = 15.0


def payload(size: int) -> str:
    """Return a URL-like text of exactly size characters."""
    rng = np.random.default_rng(size)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
    head = "https://wallet.example.edu/s/"
    return head + "".join(alphabet[i] for i in rng.integers(0, 64, size - len(head)))


def scene(
    text: str | None, size: tuple[int, int], share: float, blur: float, angle: float, seed: int
) -> bytes:
    """Return a JPEG of a QR code (EC level L) on a blotchy, blurred, noisy background."""
    width, height = size
    rng = np.random.default_rng(seed)
    blotches = rng.normal(120, 25, (height // 16 + 1, width // 16 + 1)).clip(0, 255)
    canvas = cv2.resize(blotches.astype(np.float32), size, interpolation=cv2.INTER_CUBIC)
    if text is not None:
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L, border=4)
        code.add_data(text)
        code.make(fit=True)
        side = int(height * share)
        matrix = np.where(np.array(code.get_matrix()), 30, 234).astype(np.float32)
        paper = cv2.resize(matrix, (side, side), interpolation=cv2.INTER_NEAREST)
        turn = cv2.getRotationMatrix2D((side / 2, side / 2), angle, 1.0)
        turn[:, 2] += ((width - side) / 2, (height - side) / 2)
        mask = cv2.warpAffine(np.ones_like(paper), turn, size)
        canvas = canvas * (1 - mask) + cv2.warpAffine(paper, turn, size) * mask
    canvas = cv2.GaussianBlur(canvas, (0, 0), blur) + rng.normal(0, 5.0, canvas.shape)
    color = cv2.cvtColor(canvas.clip(0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    return bytes(cv2.imencode(".jpg", color, [cv2.IMWRITE_JPEG_QUALITY, 88])[1])


@contextlib.contextmanager
def without_zxing() -> Iterator[None]:
    """Make microcred.qr behave as if zxing-cpp were not installed."""
    saved = qr.zxingcpp
    qr.zxingcpp = None
    try:
        yield
    finally:
        qr.zxingcpp = saved


def timed(call: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Return the median ms of call over runs (fewer if over budget) and its last result."""
    times: list[float] = []
    result: Any = None
    deadline = time.perf_counter() + CELL_BUDGET_S
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - start) * 1000)
        if time.perf_counter() > deadline and len(times) >= 3:
            break
    return statistics.median(times), result


def decoders(jpeg: bytes, gray: np.ndarray) -> dict[str, Callable[[], list[str]]]:
    """Return the callables to time, each giving the texts it found."""

    def via_decode(**options: Any) -> list[str]:
        try:
            return qr.decode(jpeg, **options)
        except QRError:
            return []

    def zbar_only() -> list[str]:
        with without_zxing():
            return via_decode()

    table: dict[str, Callable[[], list[str]]] = {
        "imdecode": lambda: [] if cv2.imdecode(np.frombuffer(jpeg, np.uint8), 0) is None else [],
        "pyzbar": lambda: [
            d.data.decode() for d in pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE])
        ],
        "zbar stage": lambda: [b.decode() for b in qr._zbar_scan(gray) if isinstance(b, bytes)],
        "opencv": lambda: [t for t in cv2.QRCodeDetector().detectAndDecodeMulti(gray)[1] if t],
    }
    if hasattr(cv2, "QRCodeDetectorAruco"):
        table["opencv aruco"] = lambda: [
            t for t in cv2.QRCodeDetectorAruco().detectAndDecodeMulti(gray)[1] if t
        ]
    if zxingcpp is not None:
        formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        table["zxing"] = lambda: [r.text for r in zxingcpp.read_barcodes(gray, formats=formats)]
        table["zxing stage"] = lambda: [b.decode() for b in qr._zxing_scan(gray)]
    table["decode() fast"] = lambda: via_decode(thorough=False)
    table["decode()"] = via_decode
    table["decode() no zxing"] = zbar_only
    return table


def main() -> None:
    """Build the images, time every decoder on each, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--no-pin", action="store_true", help="use every core (default: core 0)")
    args = parser.parse_args()
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # as in /work/shared/MEASURED.md: one core
        cv2.setNumThreads(1)
    frame, photo = (1280, 720), (4000, 3000)
    cases = [
        (f"720p {label}", None if size is None else payload(size), frame, 0.4, 0.7, 3.0)
        for label, size in (("no QR", None), ("200 B", 200), ("600 B", 600), ("1200 B", 1200))
    ]
    cases += [
        ("12 MP 300 B", payload(300), photo, 0.25, 2.0, 5.0),
        ("12 MP no QR", None, photo, 0.25, 2.0, 5.0),
    ]
    columns: dict[str, dict[str, str]] = {}
    targets: dict[str, str] = {}
    figures: list[Figure] = []
    for label, text, size, share, blur, angle in cases:
        jpeg = scene(text, size, share, blur, angle, seed=len(label))
        gray = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
        target = FRAME_TARGET_MS if size == frame else PHOTO_TARGET_MS
        cells = columns.setdefault(label, {})
        for name, call in decoders(jpeg, gray).items():
            ms, found = timed(call, args.runs)
            good = found == ([text] if text else [])
            cells[name] = f"{ms:.1f}" + ("" if name == "imdecode" else " ok" if good else " --")
            if name == "decode()" and text is not None:
                met = ms <= target and good
                targets[label] = f"<={target:g} " + ("met" if met else "MISSED")
                what = "camera frame" if size == frame else "photo"
                figures.append(
                    Figure("qr", f"decode a {what}, {label}", ms, "ms", f"<= {target:g} ms", met)
                )
        print(f"done: {label}", flush=True)
    print_table(columns, targets, args.runs)
    emit(figures)


def print_table(columns: dict[str, dict[str, str]], targets: dict[str, str], runs: int) -> None:
    """Print one row per decoder and one column per image."""
    labels = list(columns)
    names = list(columns[labels[0]])
    width = max(len(label) for label in labels) + 2
    print("\nmedian ms; ok = exactly the payload (or, without a QR, nothing) found; -- = not")
    print("".ljust(18) + "".join(label.rjust(width) for label in labels))
    for name in names:
        print(name.ljust(18) + "".join(columns[label][name].rjust(width) for label in labels))
    print("decode() target".ljust(18) + "".join(targets.get(lb, "").rjust(width) for lb in labels))
    installed = "installed" if zxingcpp else "NOT installed"
    print(f"\nzxing-cpp {installed}; up to {runs} runs per cell ({CELL_BUDGET_S:g} s at most);")
    print("decoder rows time the gray array; imdecode and decode() rows start from JPEG bytes.")


if __name__ == "__main__":
    main()
