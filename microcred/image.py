"""Untrusted image files: allowlist PNG and JPEG by magic, check dimensions, decode to gray pixels.

SECURITY-CASES H06: the format comes from the first bytes (never a name or a declared type), and
the pixel count from the PNG IHDR or JPEG SOFn header, so a pixel flood is refused before decoding.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import cv2
import numpy as np
import numpy.typing as npt

from .errors import QRError

__all__ = ["Gray", "image_size", "load_gray"]

Gray: TypeAlias = npt.NDArray[np.uint8]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# SOI followed by the first marker's 0xFF: every JPEG (JFIF, Exif, raw) starts this way.
JPEG_MAGIC = b"\xff\xd8\xff"
# PNG colour types 4 and 6 carry alpha (PNG §11.2.2 IHDR).
PNG_ALPHA_TYPES = frozenset({4, 6})
# JPEG start-of-frame markers (ITU T.81 Table B.1); C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
JPEG_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
# Markers without a length field: TEM and RST0-7 (T.81 §B.1.1.3).
JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


def image_size(image: bytes) -> tuple[int, int, bool]:
    """Return (width, height, has_alpha) from a PNG or JPEG header without decoding pixels."""
    if image.startswith(PNG_MAGIC):
        return _png_size(image)
    if image.startswith(JPEG_MAGIC):
        return (*_jpeg_size(image), False)
    raise QRError("only PNG and JPEG images are accepted", code="unsupported_image")


def load_gray(image: bytes, *, max_pixels: int, max_bytes: int) -> Gray:
    """Decode a PNG or JPEG file to 8-bit gray after checking its format, size and dimensions."""
    if not isinstance(image, bytes):
        raise QRError("image must be bytes", code="unsupported_image")
    if len(image) > max_bytes:
        raise QRError(f"image file over {max_bytes} bytes", code="image_too_large")
    width, height, has_alpha = image_size(image)
    if width * height > max_pixels:
        raise QRError(f"image of {width}x{height} pixels is too large", code="image_too_large")
    flags = cv2.IMREAD_UNCHANGED if has_alpha else cv2.IMREAD_GRAYSCALE
    try:
        pixels = cv2.imdecode(np.frombuffer(image, dtype=np.uint8), flags)
    except cv2.error:
        pixels = None
    if pixels is None:
        raise QRError("the image cannot be decoded", code="image_invalid")
    return _flatten_alpha(np.asarray(pixels)) if has_alpha else np.asarray(pixels, dtype=np.uint8)


def _png_size(image: bytes) -> tuple[int, int, bool]:
    """Read width, height and alpha from the IHDR chunk, which PNG §5.6 requires to come first."""
    if len(image) < 33 or image[8:16] != b"\x00\x00\x00\x0dIHDR":
        raise QRError("PNG without a valid IHDR chunk", code="image_invalid")
    width = int.from_bytes(image[16:20], "big")
    height = int.from_bytes(image[20:24], "big")
    _check_dimensions(width, height)
    return width, height, image[25] in PNG_ALPHA_TYPES


def _jpeg_size(image: bytes) -> tuple[int, int]:
    """Walk the JPEG marker segments up to the first SOFn and read its width and height."""
    i = 2
    while True:
        if i >= len(image) or image[i] != 0xFF:
            raise QRError("JPEG marker expected", code="image_invalid")
        while i < len(image) and image[i] == 0xFF:  # fill bytes may pad a marker (T.81 §B.1.1.2)
            i += 1
        if i >= len(image):
            break
        marker = image[i]
        i += 1
        if marker in JPEG_STANDALONE:
            continue
        if marker in (0xD8, 0xD9, 0xDA):  # SOI, EOI or a scan before any frame header
            break
        length = int.from_bytes(image[i : i + 2], "big")
        if marker in JPEG_SOF and length >= 8 and i + 7 <= len(image):
            # SOFn: length(2) precision(1) height(2) width(2); T.81 §B.2.2
            width = int.from_bytes(image[i + 5 : i + 7], "big")
            height = int.from_bytes(image[i + 3 : i + 5], "big")
            _check_dimensions(width, height)  # height 0 (set later by DNL) is refused too
            return width, height
        if length < 2:
            break
        i += length
    raise QRError("JPEG without a frame header", code="image_invalid")


def _check_dimensions(width: int, height: int) -> None:
    """Refuse zero dimensions and PNG's out-of-range ones (at most 2**31 - 1, PNG §11.2.2)."""
    if not 0 < width < 2**31 or not 0 < height < 2**31:
        raise QRError("image dimensions out of range", code="image_invalid")


def _flatten_alpha(pixels: npt.NDArray[Any]) -> Gray:
    """Composite a BGRA image onto white paper and return it in gray."""
    if pixels.ndim != 3 or pixels.shape[2] != 4:
        raise QRError("unexpected PNG channel layout", code="image_invalid")
    if pixels.dtype == np.uint16:
        pixels = (pixels >> 8).astype(np.uint8)
    color = cv2.cvtColor(pixels, cv2.COLOR_BGRA2GRAY).astype(np.uint16)
    alpha = pixels[:, :, 3].astype(np.uint16)
    # Generators often export dark modules on transparency; gray conversion alone would make the
    # transparent (0, 0, 0, 0) background black. The sum stays within 255 * 255: no uint16 overflow.
    return ((color * alpha + 255 * (255 - alpha)) // 255).astype(np.uint8)
