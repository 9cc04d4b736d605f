"""Untrusted image files: magic allowlist, header dimensions, pixel floods, truncation (H06)."""

from __future__ import annotations

import io
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from microcred import image as image_file, qr
from microcred.errors import QRError

TEXT = "https://wallet.example.edu/s/4f9Kq2"


def _qr_png() -> bytes:
    return qr.encode_png(TEXT, box_size=4)


def _qr_pixels() -> np.ndarray:
    return cv2.imdecode(np.frombuffer(_qr_png(), np.uint8), cv2.IMREAD_GRAYSCALE)


def _qr_jpeg(**params: int) -> bytes:
    flags = [item for pair in params.items() for item in (getattr(cv2, pair[0]), pair[1])]
    return bytes(cv2.imencode(".jpg", _qr_pixels(), flags)[1])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims width x height over one tiny IDAT: no pixels to back the claim."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        image_file.PNG_MAGIC
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def _jpeg_claiming(width: int, height: int) -> bytes:
    """A JPEG of SOI, an SOF0 segment with the claimed size, and EOI."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + sof + b"\xff\xd9"


def _gif_of_qr() -> bytes:
    out = io.BytesIO()
    Image.fromarray(_qr_pixels()).save(out, format="GIF")
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            id="svg-script",
        ),
        pytest.param(
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', id="svg-xml"
        ),
        pytest.param(_gif_of_qr(), id="gif-with-a-qr"),  # OpenCV would decode this one
        pytest.param(b"https://wallet.example.edu/s/4f9Kq2", id="text"),
        pytest.param(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n" + _qr_png(), id="pdf-polyglot-png"),
        pytest.param(b"GIF89a\x01\x00\x01\x00" + b"PK\x03\x04" + b"\x00" * 40, id="gifar-polyglot"),
        pytest.param(b"<html><body>" + _qr_jpeg(), id="html-polyglot-jpeg"),
        pytest.param(b"RIFF\x24\x00\x00\x00WEBPVP8 ", id="webp"),
        pytest.param(b"BM" + b"\x00" * 60, id="bmp"),
        pytest.param(b"\x89PNG", id="png-magic-cut"),
        pytest.param(b"\xff\xd8", id="jpeg-magic-cut"),
        pytest.param(b"", id="empty"),
    ],
)
def test_only_png_and_jpeg_by_magic(data: bytes) -> None:
    with pytest.raises(QRError) as caught:
        qr.decode(data)
    assert caught.value.code == "unsupported_image"


def test_non_bytes_refused() -> None:
    with pytest.raises(QRError) as caught:
        qr.decode(bytearray(_qr_png()))  # type: ignore[arg-type]
    assert caught.value.code == "unsupported_image"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_png_claiming(50_000, 50_000), id="png-50000x50000"),
        pytest.param(_png_claiming(2**31 - 1, 1), id="png-widest"),
        pytest.param(_jpeg_claiming(60_000, 60_000), id="jpeg-60000x60000"),
    ],
)
def test_pixel_flood_refused_from_the_header(data: bytes) -> None:
    # Without the header check these would reach the decoder and fail as "image_invalid".
    assert len(data) < 200
    with pytest.raises(QRError) as caught:
        qr.decode(data)
    assert caught.value.code == "image_too_large"


def test_pixel_cap_is_configurable() -> None:
    with pytest.raises(QRError) as caught:
        qr.decode(_qr_png(), max_pixels=10_000)
    assert caught.value.code == "image_too_large"
    assert qr.decode(_qr_png(), max_pixels=200_000) == [TEXT]


def test_byte_cap_applies_before_anything_else() -> None:
    data = _qr_png()
    with pytest.raises(QRError) as caught:
        qr.decode(data, max_bytes=len(data) - 1)
    assert caught.value.code == "image_too_large"
    assert qr.decode(data, max_bytes=len(data)) == [TEXT]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_qr_png()[:20], id="png-inside-ihdr"),
        pytest.param(_qr_png()[:60], id="png-inside-idat"),
        pytest.param(_qr_png()[: len(_qr_png()) // 2], id="png-half"),
        pytest.param(_png_claiming(100, 100), id="png-without-enough-pixels"),
        pytest.param(_png_claiming(0, 10), id="png-zero-width"),
        pytest.param(_qr_jpeg()[:100], id="jpeg-in-headers"),
        pytest.param(_jpeg_claiming(100, 0), id="jpeg-height-from-dnl"),
        pytest.param(b"\xff\xd8\xff\xda\x00\x02", id="jpeg-scan-before-frame"),
        pytest.param(b"\xff\xd8\xff\xe0\x00\x01", id="jpeg-bad-segment-length"),
        pytest.param(_qr_jpeg()[: len(_qr_jpeg()) // 3], id="jpeg-third"),
    ],
)
def test_truncated_or_corrupt_image_is_an_error(data: bytes) -> None:
    with pytest.raises(QRError) as caught:
        qr.decode(data)
    assert caught.value.code in {"image_invalid", "no_qr"}


@pytest.mark.parametrize(
    ("params", "size"),
    [
        pytest.param({}, (37 * 4, 37 * 4), id="baseline"),
        pytest.param({"IMWRITE_JPEG_PROGRESSIVE": 1}, (37 * 4, 37 * 4), id="progressive"),
        pytest.param({"IMWRITE_JPEG_RST_INTERVAL": 2}, (37 * 4, 37 * 4), id="restart-markers"),
    ],
)
def test_jpeg_header_size(params: dict[str, int], size: tuple[int, int]) -> None:
    data = _qr_jpeg(**params)
    assert image_file.image_size(data) == (*size, False)
    assert qr.decode(data) == [TEXT]


def test_jpeg_with_exif_and_fill_bytes() -> None:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    Image.fromarray(_qr_pixels()).save(out, format="JPEG", exif=exif.tobytes())
    data = out.getvalue()
    assert b"Exif\x00\x00" in data[: data.index(b"\xff\xc0")]  # APP1 precedes the frame header
    padded = data[:2] + b"\xff\xff\xff" + data[2:]  # fill bytes before a marker (T.81 B.1.1.2)
    assert image_file.image_size(padded) == (148, 148, False)
    assert qr.decode(padded) == [TEXT]


@pytest.mark.parametrize("mode", ["LA", "RGBA", "RGBA16"])
def test_transparent_png_is_read_on_white(mode: str) -> None:
    # Dark modules on a fully transparent background: plain gray conversion would see all black.
    dark = _qr_pixels() == 0
    alpha = np.where(dark, 255, 0).astype(np.uint8)
    zeros = np.zeros_like(alpha)
    if mode == "LA":
        data = _pil_png(Image.fromarray(np.dstack([zeros, alpha]), "LA"))
    elif mode == "RGBA":
        data = _pil_png(Image.fromarray(np.dstack([zeros, zeros, zeros, alpha]), "RGBA"))
    else:
        deep = np.dstack([zeros, zeros, zeros, alpha]).astype(np.uint16) * 257
        data = bytes(cv2.imencode(".png", deep)[1])
    assert image_file.image_size(data)[2] is True
    assert qr.decode(data) == [TEXT]


def _pil_png(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()
