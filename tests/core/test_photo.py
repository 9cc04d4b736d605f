"""QR codes in phone photos: the fast half-size path, the full-size fallback, the same limits."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from microcred import photo, qr
from microcred.errors import QRError

LINK = "https://wallet.example/s/3q2-7wAAAAAAAAAAAAAAAA"


def jpeg(width: int, height: int, box_size: int, text: str = LINK) -> bytes:
    code = Image.open(io.BytesIO(qr.encode_png(text, box_size=box_size))).convert("L")
    scene = Image.fromarray(np.full((height, width), 170, dtype=np.uint8))
    scene.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    out = io.BytesIO()
    scene.save(out, format="JPEG", quality=90)
    return out.getvalue()


def test_large_photo_is_read_at_half_size(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = qr.decode_gray
    monkeypatch.setattr(
        qr, "decode_gray", lambda a, w, h, **k: calls.append(w * h) or real(a, w, h, **k)
    )
    monkeypatch.setattr(qr, "decode_first", lambda *a, **k: pytest.fail("no full-size scan needed"))
    assert photo.decode_photo(jpeg(2800, 2100, box_size=8)) == LINK
    assert calls == [1400 * 1050]


def test_falls_back_to_the_full_size_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    # Modules of 2 px vanish at half size: the thorough full-size scan still reads them.
    data = jpeg(2800, 2100, box_size=2)
    full: list[bool] = []
    real = qr.decode_first
    monkeypatch.setattr(qr, "decode_first", lambda *a, **k: full.append(True) or real(*a, **k))
    assert photo.decode_photo(data) == LINK
    assert full == [True]


def test_small_images_go_straight_to_the_thorough_scan() -> None:
    assert photo.decode_photo(qr.encode_png(LINK)) == LINK


def png_header(width: int, height: int) -> bytes:
    chunk = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        pytest.param(png_header(50_000, 50_000), "image_too_large", id="pixel-flood"),
        pytest.param(b"GIF89a....", "unsupported_image", id="gif"),
        pytest.param(b"\xff\xd8\xff" + b"\x00" * 10, "image_invalid", id="broken-jpeg"),
        pytest.param(jpeg(2400, 1800, 8, text="x")[:2000], "image_invalid", id="truncated-jpeg"),
        pytest.param(b"\xff\xd8\xff" + b"x" * 30_000_000, "image_too_large", id="too-many-bytes"),
    ],
)
def test_refused_images(data: bytes, code: str) -> None:
    with pytest.raises(QRError) as caught:
        photo.decode_photo(data)
    assert caught.value.code == code


def test_no_qr_in_a_large_photo() -> None:
    blank = io.BytesIO()
    Image.fromarray(np.full((2100, 2800), 128, dtype=np.uint8)).save(blank, format="JPEG")
    with pytest.raises(QRError) as caught:
        photo.decode_photo(blank.getvalue())
    assert caught.value.code == "no_qr"
