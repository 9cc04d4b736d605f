"""Browser checks shared by the screenshot and journey tests: axe-core, keyboard reach, QR video."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
# axe-core impacts that fail a page (issue 6: "no serious or critical violations").
AXE_FAILING = ("serious", "critical")


def axe_violations(page: Any) -> list[str]:
    """Serious or critical accessibility violations axe-core finds on the page, one line each."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # Evaluated through DevTools: the page's CSP (script-src 'self') does not apply to it.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in AXE_FAILING
    ]


def qr_video(path: Path, text: str, *, frames: int = 10) -> Path:
    """A Y4M clip showing the QR code of `text`, for Chromium's fake camera."""
    import io

    import numpy as np
    from PIL import Image

    from microcred import qr

    code = Image.open(io.BytesIO(qr.encode_png(text, box_size=4, border=4))).convert("L")
    frame = Image.new("L", (640, 480), 200)
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    luma = np.asarray(frame, dtype=np.uint8).tobytes()
    chroma = np.full((240, 320), 128, dtype=np.uint8).tobytes()  # grey: no colour
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return path


# Every visible control a keyboard user must reach; a radio group counts once (arrows move in it).
_CONTROLS_JS = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
            + '[tabindex]:not([tabindex="-1"])';
  const keys = [];
  for (const el of document.querySelectorAll(sel)) {
    const style = getComputedStyle(el);
    if (el.disabled || style.visibility === 'hidden' || el.getClientRects().length === 0) continue;
    el.dataset.kbd = el.type === 'radio' ? 'radio:' + el.name : 'c' + keys.length;
    keys.push(el.dataset.kbd);
  }
  return [...new Set(keys)];
}"""


def keyboard_unreachable(page: Any) -> list[str]:
    """The visible controls of the page that pressing Tab never focuses."""
    wanted = page.evaluate(_CONTROLS_JS)
    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); }")
    reached: set[str] = set()
    for _ in range(len(wanted) + 10):
        page.keyboard.press("Tab")
        key = page.evaluate("() => document.activeElement && document.activeElement.dataset.kbd")
        if key:
            reached.add(key)
    missing = [key for key in wanted if key not in reached]
    return [
        page.evaluate('k => (document.querySelector(`[data-kbd="${k}"]`) || {}).outerHTML', key)[
            :120
        ]
        for key in missing
    ]
