"""QR encode and decode on real generated images: camera-like frames, uploads, refusals (H01)."""

from __future__ import annotations

import hashlib
import io
import re

import cv2
import numpy as np
import numpy.typing as npt
import pytest
import qrcode
import qrcode.constants
from PIL import Image

from microcred import base64url, qr
from microcred.errors import QRError

HAVE_ZXING = qr.zxingcpp is not None
FRAME_SIZE = (1280, 720)

Gray = npt.NDArray[np.uint8]


def _payload(size: int, kind: str) -> str:
    """Return a deterministic URL-like or base64url-like text of exactly size characters."""
    seed = hashlib.sha256(f"{kind}{size}".encode()).digest()
    noise = base64url.encode(hashlib.shake_256(seed).digest(size))
    if kind == "url":
        return ("https://wallet.example.edu/s/" + noise.replace("_", "-"))[:size]
    return noise[:size]


def _matrix(data: str | bytes, level: int = qrcode.constants.ERROR_CORRECT_L) -> Gray:
    """Return a QR symbol as gray pixels, one per module, quiet zone included."""
    code = qrcode.QRCode(error_correction=level, box_size=1, border=4)
    code.add_data(data)
    code.make(fit=True)
    return np.where(np.array(code.get_matrix()), 0, 255).astype(np.uint8)


def _scene(
    codes: list[tuple[str | bytes, tuple[int, int]]],
    *,
    size: tuple[int, int] = FRAME_SIZE,
    height_share: float = 0.4,
    angle: float = 3.0,
    blur: float = 0.7,
    noise: float = 5.0,
    seed: int = 0,
) -> Gray:
    """Paint QR codes (centred at the given points) on a blotchy background, as a camera sees it."""
    width, height = size
    rng = np.random.default_rng(seed)
    blotches = rng.normal(120, 25, (height // 16 + 1, width // 16 + 1)).clip(0, 255)
    canvas = cv2.resize(blotches.astype(np.float32), size, interpolation=cv2.INTER_CUBIC)
    side = int(height * height_share)
    for data, (cx, cy) in codes:
        symbol = cv2.resize(_matrix(data), (side, side), interpolation=cv2.INTER_NEAREST)
        paper = symbol.astype(np.float32) * 0.8 + 30  # grey paper, grey ink
        turn = cv2.getRotationMatrix2D((side / 2, side / 2), angle, 1.0)
        turn[:, 2] += (cx - side / 2, cy - side / 2)
        mask = cv2.warpAffine(np.ones_like(paper), turn, size, flags=cv2.INTER_LINEAR)
        canvas = (
            canvas * (1 - mask) + cv2.warpAffine(paper, turn, size, flags=cv2.INTER_LINEAR) * mask
        )
    canvas = cv2.GaussianBlur(canvas, (0, 0), blur) + rng.normal(0, noise, canvas.shape)
    return canvas.clip(0, 255).astype(np.uint8)


def _jpeg(gray: Gray, quality: int = 85) -> bytes:
    """Encode gray pixels as a colour JPEG, the way a browser canvas exports a frame."""
    color = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    return bytes(cv2.imencode(".jpg", color, [cv2.IMWRITE_JPEG_QUALITY, quality])[1])


def _png(gray: Gray) -> bytes:
    """Encode gray pixels as PNG."""
    return bytes(cv2.imencode(".png", gray)[1])


def _centre() -> tuple[int, int]:
    return FRAME_SIZE[0] // 2, FRAME_SIZE[1] // 2


PAYLOADS = [
    pytest.param(
        size,
        kind,
        id=f"{kind}-{size}",
        marks=[]
        if size < 1200 or HAVE_ZXING
        else [pytest.mark.skip(reason="zbar alone reads ~1,200-byte frames 3 times in 41")],
    )
    for size in (100, 600, 1200)
    for kind in ("url", "base64url")
]


@pytest.mark.parametrize(("size", "kind"), PAYLOADS)
def test_camera_frame_jpeg_decodes(size: int, kind: str) -> None:
    text = _payload(size, kind)
    frame = _jpeg(_scene([(text, _centre())], seed=size))
    assert len(text) == size
    assert qr.decode(frame) == [text]
    assert qr.decode(frame, thorough=False) == [text]


@pytest.mark.parametrize(("size", "kind"), PAYLOADS)
def test_camera_frame_in_memory_decodes(size: int, kind: str) -> None:
    text = _payload(size, kind)
    gray = cv2.imdecode(np.frombuffer(_jpeg(_scene([(text, _centre())], seed=size)), np.uint8), 0)
    width, height = FRAME_SIZE
    assert qr.decode_gray(gray, width, height) == [text]
    assert qr.decode_gray(gray.tobytes(), width, height, thorough=True) == [text]


def test_png_frame_decodes() -> None:
    text = _payload(600, "url")
    assert qr.decode_first(_png(_scene([(text, _centre())], angle=-2.0, seed=7))) == text


def test_two_codes_give_both_texts() -> None:
    first, second = _payload(100, "url"), _payload(150, "base64url")
    scene = _scene([(first, (330, 360)), (second, (950, 360))], height_share=0.35)
    assert sorted(qr.decode(_jpeg(scene))) == sorted([first, second])


def test_same_code_twice_gives_one_text() -> None:
    text = _payload(100, "url")
    scene = _scene([(text, (330, 360)), (text, (950, 360))], height_share=0.35)
    assert qr.decode(_jpeg(scene)) == [text]


def test_frame_without_code_is_no_qr() -> None:
    for thorough in (True, False):
        with pytest.raises(QRError) as caught:
            qr.decode(_jpeg(_scene([])), thorough=thorough)
        assert caught.value.code == "no_qr"


def test_non_utf8_code_is_refused() -> None:
    # Latin-1 bytes: strict UTF-8 refuses them instead of guessing a character set (A10).
    scene = _scene([(b"https://example.edu/caf\xe9", _centre())], angle=0.0)
    with pytest.raises(QRError) as caught:
        qr.decode(_png(scene))
    assert caught.value.code == "qr_text_invalid"


def test_utf8_code_keeps_its_text() -> None:
    text = "https://example.edu/credential/Nguyễn-Thị-Ánh"
    assert qr.decode(_png(_scene([(text, _centre())], angle=0.0))) == [text]


def test_overlong_code_text_is_refused() -> None:
    # H01: 7,000 digits fit one version-40 symbol but exceed any text the apps expect.
    digits = "7" * 7000
    big = cv2.resize(_matrix(digits), None, fx=5, fy=5, interpolation=cv2.INTER_NEAREST)
    with pytest.raises(QRError) as caught:
        qr.decode(_png(big))
    assert caught.value.code == "qr_text_invalid"


def test_zbar_stage_returns_raw_bytes() -> None:
    # Without zbar's binary mode this UTF-8 comes back as Shift-JIS mojibake.
    data = "café ünï €".encode()
    big = cv2.resize(_matrix(data), None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
    assert qr._zbar_scan(big) == [data]


STAGES = [
    pytest.param(qr._zbar_scan, id="zbar"),
    pytest.param(qr._opencv_scan, id="opencv"),
    pytest.param(
        qr._zxing_scan,
        id="zxing",
        marks=[] if HAVE_ZXING else [pytest.mark.skip(reason="zxing-cpp not installed")],
    ),
]


@pytest.mark.parametrize("stage", STAGES)
def test_each_decoder_reads_a_frame(stage: object) -> None:
    text = _payload(100, "url")
    found = stage(_scene([(text, _centre())], seed=3))  # type: ignore[operator]
    assert [item.encode() if isinstance(item, str) else item for item in found] == [text.encode()]


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
def test_png_round_trip(level: str) -> None:
    text = "openid4vp://?client_id=x509_san_dns%3Averifier.example&request_uri=https%3A%2F%2Fv.ex"
    image = qr.encode_png(text, error_correction=level, box_size=4, border=2)
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    assert qr.decode(image) == [text]
    with Image.open(io.BytesIO(image)) as decoded:
        modules = decoded.width // 4 - 2 * 2
        assert decoded.mode == "1"
        assert decoded.width == decoded.height and (modules - 17) % 4 == 0  # 17 + 4 * version


def test_png_round_trip_of_largest_text() -> None:
    text = _payload(2953, "base64url")
    assert qr.decode(qr.encode_png(text, error_correction="L", box_size=3)) == [text]


def _svg_to_gray(svg: str) -> Gray:
    """Rasterise the encoder's own path syntax (one rectangle per run) back into pixels."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))  # type: ignore[union-attr]
    dark = np.zeros((size, size), dtype=bool)
    for x, y, run in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", svg):
        dark[int(y), int(x) : int(x) + int(run)] = True
    return np.where(dark, 0, 255).astype(np.uint8).repeat(6, 0).repeat(6, 1)


def test_svg_is_standalone_inert_and_scannable() -> None:
    text = "https://verifier.example/s/" + "Ab0-_" * 40
    svg = qr.encode_svg(text, error_correction="Q")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" ') and svg.endswith("</svg>")
    assert not re.search(r"<script|<\?xml|<!|javascript:|\son\w+=|href", svg, re.IGNORECASE)
    assert set(re.findall(r"<(\w+)", svg)) == {"svg", "rect", "path"}
    assert qr.decode(_png(_svg_to_gray(svg))) == [text]


@pytest.mark.parametrize(
    ("call", "code"),
    [
        pytest.param(
            lambda: qr.encode_png("x" * 2954, error_correction="L"),
            "qr_too_long",
            id="over-2953-bytes",
        ),
        pytest.param(lambda: qr.encode_svg("é" * 1477), "qr_too_long", id="over-2953-utf8-bytes"),
        # 4,000 alphanumeric characters would fit version 40-L; the cap is on bytes all the same.
        pytest.param(
            lambda: qr.encode_png("HC1:" * 1000, error_correction="L"),
            "qr_too_long",
            id="alnum-over-2953",
        ),
        pytest.param(
            lambda: qr.encode_png("x" * 2400, error_correction="M"),
            "qr_too_long",
            id="over-level-M",
        ),
        pytest.param(lambda: qr.encode_png("a\ud800b"), "qr_text_invalid", id="lone-surrogate"),
        pytest.param(
            lambda: qr.encode_png("x", error_correction="X"), "qr_bad_option", id="bad-level"
        ),
        pytest.param(lambda: qr.encode_png("x", box_size=0), "qr_bad_option", id="box-size-0"),
        pytest.param(lambda: qr.encode_png("x", box_size=41), "qr_bad_option", id="box-size-41"),
        pytest.param(lambda: qr.encode_png("x", border=-1), "qr_bad_option", id="negative-border"),
    ],
)
def test_encode_refuses(call: object, code: str) -> None:
    with pytest.raises(QRError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("frame", "width", "height", "code"),
    [
        pytest.param(b"\x00" * 99, 10, 10, "image_invalid", id="short-bytes"),
        pytest.param(np.zeros((10, 11), np.uint8), 10, 10, "image_invalid", id="wrong-shape"),
        pytest.param(np.zeros((10, 10), np.uint16), 10, 10, "image_invalid", id="wrong-dtype"),
        pytest.param(b"", 0, 0, "image_invalid", id="empty"),
        pytest.param(b"\x00" * 100, 10, 10, "no_qr", id="blank"),
    ],
)
def test_decode_gray_checks_the_frame(frame: bytes, width: int, height: int, code: str) -> None:
    with pytest.raises(QRError) as caught:
        qr.decode_gray(frame, width, height)
    assert caught.value.code == code


def test_decode_gray_refuses_a_huge_frame_before_reading_it() -> None:
    with pytest.raises(QRError) as caught:
        qr.decode_gray(b"", 50_000, 50_000)
    assert caught.value.code == "image_too_large"
