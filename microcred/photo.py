"""The QR code in a phone photo or screenshot: decoded within a time budget, under the same limits.

A 12-megapixel JPEG takes ~110 ms to decode at full size and ~300 ms more to scan; its QR code
is hundreds of pixels wide, so half the resolution reads it as well. A large JPEG is therefore
first decoded at half size by libjpeg's DCT scaling (a quarter of the work) and scanned with
the fast decoder; only if that finds nothing does the full-size, every-decoder scan of
`qr.decode` run. Format and dimensions are checked from the header before any pixel is
decoded, exactly as `qr.decode` does (SECURITY-CASES H06).
"""

from __future__ import annotations

import cv2
import numpy as np

from . import qr
from .errors import QRError
from .image import JPEG_MAGIC, image_size

# JPEGs above this many pixels are tried at half size first (phone photos are 12-50 MP).
REDUCE_ABOVE_PIXELS = 4_000_000


def decode_photo(
    data: bytes,
    *,
    max_pixels: int = qr.DEFAULT_MAX_PIXELS,
    max_bytes: int = qr.DEFAULT_MAX_BYTES,
) -> str:
    """The text of the first QR code in a PNG or JPEG photo; raises QRError like `qr.decode`."""
    if not isinstance(data, bytes):
        raise QRError("image must be bytes", code="unsupported_image")
    if len(data) > max_bytes:
        raise QRError(f"image file over {max_bytes} bytes", code="image_too_large")
    width, height, _alpha = image_size(data)
    if width * height > max_pixels:
        raise QRError(f"image of {width}x{height} pixels is too large", code="image_too_large")
    if data.startswith(JPEG_MAGIC) and width * height > REDUCE_ABOVE_PIXELS:
        found = _reduced(data)
        if found is not None:
            return found
    return qr.decode_first(data, max_pixels=max_pixels, max_bytes=max_bytes)


def _reduced(data: bytes) -> str | None:
    """Scan the half-size decode of a JPEG; None when it holds no readable QR code."""
    try:
        pixels = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_REDUCED_GRAYSCALE_2)
    except cv2.error:
        return None
    if pixels is None or pixels.ndim != 2:
        return None
    height, width = pixels.shape
    try:
        return qr.decode_gray(np.asarray(pixels, dtype=np.uint8), width, height)[0]
    except QRError:
        return None  # the full-size, thorough scan decides (and names the failure)
