"""QR codes: encode text as PNG or SVG; decode every QR text in a PNG/JPEG image or a camera frame.

Decoders, fastest first: zxing-cpp when installed, then zbar (pyzbar), then OpenCV. Image bytes are
allowlisted by magic and their header dimensions checked before any pixel is decoded (see image.py).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from ctypes import c_void_p, string_at

import cv2
import numpy as np
import numpy.typing as npt
import qrcode
import qrcode.constants
import qrcode.exceptions
from PIL import Image
from pyzbar import wrapper as zbar

from .errors import QRError
from .image import Gray, load_gray

try:  # optional: about 5x faster than zbar on a 720p frame, and reads smaller modules
    import zxingcpp
except ImportError:  # pragma: no cover - depends on the installation
    zxingcpp = None  # type: ignore[assignment]

__all__ = ["decode", "decode_first", "decode_gray", "encode_png", "encode_svg"]

# The byte-mode capacity of a version-40 symbol at level L: nothing longer fits any QR code.
MAX_ENCODE_BYTES = 2953
# H01: the largest text a QR code can carry in practice (version 40-L, alphanumeric); refuse longer.
MAX_TEXT_CHARS = 4296
# Keep generated images reasonable: 177 modules x 40 px is already a 7,000 px square.
MAX_BOX_SIZE = 40
MAX_BORDER = 16
# Pixel side of one module in the SVG's default width/height (CSS may override them).
SVG_MODULE_PX = 8
# Defaults shared by decode() and decode_gray(): ~40 MB of gray pixels; phone photos are 12-50 MP.
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_BYTES = 20_000_000
# zbar scans every pixel row: ~80 ms at 3 MP, ~350 ms at 12 MP (benchmarks/bench_qr.py): downscale.
ZBAR_MAX_PIXELS = 3_000_000
# OpenCV's detector is the slowest and weakest; it only runs on a small copy as the last resort.
OPENCV_MAX_PIXELS = 1_000_000
# zxing located a QR but its checksum failed: retry at most this many regions, enlarged, sharpened.
RESCUE_LIMIT = 3
# Regions larger than this are only sharpened, not enlarged (their modules are not the problem).
RESCUE_MAX_PIXELS = 1_000_000
# zbar_config_t ZBAR_CFG_BINARY (zbar >= 0.22): return the symbol's raw bytes, not zbar's guess at a
# character set, which turns genuine UTF-8 into Shift-JIS mojibake.
ZBAR_CFG_BINARY = 4
# zbar's fourcc for 8-bit grayscale ("Y800").
ZBAR_Y800 = 0x30303859

_EC_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}

Found = list[bytes | str]


def encode_png(
    text: str, *, error_correction: str = "M", box_size: int = 8, border: int = 4
) -> bytes:
    """Render text as a 1-bit PNG QR code: box_size pixels per module, border modules of margin."""
    if not 1 <= box_size <= MAX_BOX_SIZE or not 0 <= border <= MAX_BORDER:
        raise QRError("box_size or border out of range", code="qr_bad_option")
    dark = _matrix(text, error_correction, border)
    light = ~dark.repeat(box_size, axis=0).repeat(box_size, axis=1)
    out = io.BytesIO()
    # A boolean array becomes a mode "1" image: ~2 KB PNGs, rendered in ~2 ms.
    Image.fromarray(light).save(out, format="PNG")
    return out.getvalue()


def encode_svg(text: str, *, error_correction: str = "M") -> str:
    """Render text as a standalone, script-free <svg> QR code (inline or via <img>)."""
    dark = _matrix(text, error_correction, 4)
    size = dark.shape[0]
    path = []
    for y, row in enumerate(dark):
        # One rectangle per horizontal run of dark modules keeps the path short.
        edges = np.flatnonzero(np.diff(np.concatenate(([False], row, [False])).astype(np.int8)))
        for start, end in zip(edges[::2], edges[1::2], strict=True):
            path.append(f"M{start} {y}h{end - start}v1h{start - end}z")
    px = size * SVG_MODULE_PX
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{px}" '
        f'height="{px}" shape-rendering="crispEdges" role="img" aria-label="QR code">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(path)}"/></svg>'
    )


def _matrix(text: str, error_correction: str, border: int) -> npt.NDArray[np.bool_]:
    """Return the QR module matrix for text (True = dark), border included."""
    level = _EC_LEVELS.get(error_correction)
    if level is None:
        raise QRError("error_correction must be L, M, Q or H", code="qr_bad_option")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise QRError("text is not valid Unicode", code="qr_text_invalid") from None
    # Refuse early: the pure-Python encoder would spend ~0.2 s before overflowing.
    if size > MAX_ENCODE_BYTES:
        raise QRError(f"text of {size} bytes exceeds the QR maximum", code="qr_too_long")
    qr = qrcode.QRCode(error_correction=level, box_size=1, border=border)
    qr.add_data(text)  # qrcode picks numeric/alphanumeric/byte (UTF-8) segments
    try:
        qr.make(fit=True)
    except (qrcode.exceptions.DataOverflowError, ValueError):  # qrcode 8.2: "Invalid version (41)"
        raise QRError(
            f"text too long for a QR code at level {error_correction}", code="qr_too_long"
        ) from None
    return np.array(qr.get_matrix(), dtype=np.bool_)


def decode(
    image: bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    thorough: bool = True,
) -> list[str]:
    """Return the text of every QR code in a PNG or JPEG image; refuse other formats and floods.

    With thorough (the default, for an uploaded photo) every decoder is tried in turn; without it
    only the fastest one runs, which suits a stream of camera frames: the next frame is another try.
    """
    return _scan(load_gray(image, max_pixels=max_pixels, max_bytes=max_bytes), thorough=thorough)


def decode_first(
    image: bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    thorough: bool = True,
) -> str:
    """Return the text of the first QR code found in a PNG or JPEG image."""
    return decode(image, max_pixels=max_pixels, max_bytes=max_bytes, thorough=thorough)[0]


def decode_gray(
    array: bytes | Gray,
    width: int,
    height: int,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    thorough: bool = False,
) -> list[str]:
    """Return the QR texts in an 8-bit grayscale frame already in memory (row-major, no padding)."""
    if width <= 0 or height <= 0:
        raise QRError("frame dimensions must be positive", code="image_invalid")
    if width * height > max_pixels:
        raise QRError(f"frame of {width}x{height} pixels is too large", code="image_too_large")
    if isinstance(array, np.ndarray):
        if array.dtype != np.uint8 or array.shape != (height, width):
            raise QRError("frame is not a uint8 array of height x width", code="image_invalid")
        gray = np.ascontiguousarray(array)
    else:
        if len(array) != width * height:
            raise QRError("frame length is not width x height", code="image_invalid")
        gray = np.frombuffer(array, dtype=np.uint8).reshape(height, width)
    return _scan(gray, thorough=thorough)


def _scan(gray: Gray, *, thorough: bool) -> list[str]:
    """Run the decoders in order and return the texts of the first one that finds a QR code."""
    stages: list[Callable[[Gray], Found]] = []
    if zxingcpp is not None:
        stages.append(_zxing_scan)
    if thorough or zxingcpp is None:
        stages.append(_zbar_scan)
    if thorough:
        stages.append(_opencv_scan)
    for stage in stages:
        found = stage(gray)
        if found:
            # Every decoder reads the same bytes: unusable text is not worth asking the next one.
            return _texts(found)
    raise QRError("no QR code found in the image", code="no_qr")


def _texts(found: Found) -> list[str]:
    """Return the acceptable decoded texts, without duplicates, or raise if none is acceptable."""
    texts: list[str] = []
    for item in found:
        if isinstance(item, bytes):
            try:
                # A10: strict UTF-8, no latin-1 guess and no U+FFFD repair; ASCII URLs/tokens pass.
                text = item.decode("utf-8")
            except UnicodeDecodeError:
                continue
        elif item.isascii():
            text = item  # OpenCV transcodes bytes itself: only ASCII is unambiguous.
        else:
            continue
        if 0 < len(text) <= MAX_TEXT_CHARS and text not in texts:  # H01
            texts.append(text)
    if not texts:
        raise QRError("the QR code holds no acceptable text", code="qr_text_invalid")
    return texts


def _zxing_scan(gray: Gray) -> Found:
    """Decode with zxing-cpp, retrying a located but unreadable QR code enlarged and sharpened."""
    assert zxingcpp is not None
    qr_format = zxingcpp.BarcodeFormat.QRCode
    formats = zxingcpp.BarcodeFormats(qr_format)
    results = zxingcpp.read_barcodes(gray, formats=formats, return_errors=True)
    found: Found = [result.bytes for result in results if result.valid]
    if found:
        return found
    # A checksum failure at a known position usually means modules of ~2 px blurred by the camera:
    # cubic enlargement plus an unsharp mask rescues them (measured: 16 of 16 such 1,200 B frames).
    failed = [result for result in results if result.format == qr_format][:RESCUE_LIMIT]
    for result in failed:
        region = _enhance(gray, result.position)
        retry = zxingcpp.read_barcodes(region, formats=formats, try_downscale=False)
        found.extend(item.bytes for item in retry if item.valid)
    return found


def _enhance(gray: Gray, position: zxingcpp.Position) -> Gray:
    """Crop the region around a located symbol (with its quiet zone), enlarge it and sharpen it."""
    corners = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    xs, ys = [p.x for p in corners], [p.y for p in corners]
    margin = max(max(xs) - min(xs), max(ys) - min(ys)) // 6 + 8
    height, width = gray.shape
    top, left = max(0, min(ys) - margin), max(0, min(xs) - margin)
    region = gray[top : min(height, max(ys) + margin), left : min(width, max(xs) + margin)]
    if region.size <= RESCUE_MAX_PIXELS:
        region = np.asarray(cv2.resize(region, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC))
    blurred = cv2.GaussianBlur(region, (0, 0), 2.0)
    return np.asarray(cv2.addWeighted(region, 1.8, blurred, -0.8, 0.0), dtype=np.uint8)


def _zbar_scan(gray: Gray) -> Found:
    """Decode QR codes only with zbar, asking for raw bytes; pyzbar's decode() allows neither."""
    small = np.ascontiguousarray(_shrink(gray, ZBAR_MAX_PIXELS))
    height, width = small.shape
    scanner = zbar.zbar_image_scanner_create()
    try:
        _zbar_configure(scanner)
        image = zbar.zbar_image_create()
        try:
            zbar.zbar_image_set_format(image, ZBAR_Y800)
            zbar.zbar_image_set_size(image, width, height)
            zbar.zbar_image_set_data(image, small.ctypes.data_as(c_void_p), small.size, None)
            if zbar.zbar_scan_image(scanner, image) <= 0:
                return []
            found: Found = []
            symbol = zbar.zbar_image_first_symbol(image)
            while symbol:
                data = zbar.zbar_symbol_get_data(symbol)
                found.append(string_at(data, zbar.zbar_symbol_get_data_length(symbol)))
                symbol = zbar.zbar_symbol_next(symbol)
            return found
        finally:
            zbar.zbar_image_destroy(image)
    finally:
        zbar.zbar_image_scanner_destroy(scanner)


def _zbar_configure(scanner: object) -> None:
    """Enable only QR codes on a zbar scanner and ask for their raw bytes."""
    settings = (
        (zbar.ZBarSymbol.NONE, zbar.ZBarConfig.CFG_ENABLE, 0),  # symbol 0 applies to all
        (zbar.ZBarSymbol.QRCODE, zbar.ZBarConfig.CFG_ENABLE, 1),
        (zbar.ZBarSymbol.QRCODE, ZBAR_CFG_BINARY, 1),
    )
    for symbol, config, value in settings:
        if zbar.zbar_image_scanner_set_config(scanner, symbol, config, value) != 0:
            raise QRError("the installed zbar is too old (needs 0.22+)", code="decoder_unavailable")


def _opencv_scan(gray: Gray) -> Found:
    """Decode with OpenCV's detector on a small copy: slow and weak, but a different algorithm."""
    detector_class = getattr(cv2, "QRCodeDetectorAruco", cv2.QRCodeDetector)
    try:
        ok, texts, _, _ = detector_class().detectAndDecodeMulti(_shrink(gray, OPENCV_MAX_PIXELS))
    except cv2.error:
        return []
    return [text for text in texts if text] if ok else []


def _shrink(gray: Gray, max_pixels: int) -> Gray:
    """Return gray scaled down (area-averaged) to at most max_pixels, or unchanged if smaller."""
    height, width = gray.shape
    if height * width <= max_pixels:
        return gray
    factor = math.sqrt(max_pixels / (height * width))
    size = (max(1, int(width * factor)), max(1, int(height * factor)))
    return np.asarray(cv2.resize(gray, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
