"""Browser checks for the screenshot and journey tests: watched pages, axe, keyboard, QR video."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
# axe-core impacts that fail a page (issue 6: "no serious or critical violations").
AXE_FAILING = ("serious", "critical")
# The two sizes every page is looked at: a common phone, and a laptop.
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


class Watched:
    """A page whose console errors (CSP violations among them), page errors and dialogs are kept."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def forgive(self, *fragments: str) -> None:
        """Forget the errors so far that contain a fragment (any case): the test caused them."""
        wanted = [fragment.lower() for fragment in fragments]
        self.errors[:] = [e for e in self.errors if not any(f in e.lower() for f in wanted)]

    def check(self, *texts: str) -> None:
        """Each text is visible, nothing scrolls sideways, and no error or dialog came up."""
        for text in texts:
            assert self.page.get_by_text(text, exact=False).first.is_visible(), text
        sideways = "document.documentElement.scrollWidth > window.innerWidth"
        assert not self.page.evaluate(sideways), f"sideways scroll on {self.page.url}"
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs

    def check_access(self, *texts: str) -> None:
        """`check`, after axe-core found nothing serious and Tab reached every control."""
        assert axe_violations(self.page) == [], self.page.url
        assert keyboard_unreachable(self.page) == [], self.page.url
        self.check(*texts)


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
