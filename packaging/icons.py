"""Render the app icon (resources/icons/coliv.svg) at every size the platforms want.

    .venv/bin/python packaging/icons.py

Writes resources/icons/app/: coliv-SIZE.png (16 to 1024, Qt's own SVG renderer, the one the
running app draws the window icon with), coliv.ico (Windows: 16-256) and coliv.icns (macOS:
16-1024, Retina pairs included), both written by Pillow from those PNGs. The outputs are
committed, so a build never depends on this step; run it again after editing the SVG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "coliv.svg"
OUT = ROOT / "resources" / "icons" / "app"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # 256 is the largest an .ico entry holds
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)  # icon_16x16 ... icon_512x512@2x


def render_pngs(svg: Path = SVG, out: Path = OUT) -> dict[int, Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - kept alive
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not an SVG Qt can draw")
    out.mkdir(parents=True, exist_ok=True)
    written: dict[int, Path] = {}
    for size in PNG_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        path = out / f"coliv-{size}.png"
        if not image.save(str(path)):  # PNG, from the suffix
            raise SystemExit(f"cannot write {path}")
        written[size] = path
    return written


def write_ico_icns(pngs: dict[int, Path], out: Path = OUT) -> tuple[Path, Path]:
    from PIL import Image

    images = {size: Image.open(path).convert("RGBA") for size, path in pngs.items()}
    ico = out / "coliv.ico"
    # Each size from its own rendering (not one picture scaled down), so 16 px stays crisp.
    biggest = images[max(ICO_SIZES)]
    biggest.save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)])
    icns = out / "coliv.icns"
    largest = images[max(ICNS_SIZES)]
    largest.save(icns, format="ICNS",
                 append_images=[images[s] for s in ICNS_SIZES if s != max(ICNS_SIZES)])
    return ico, icns


def main() -> int:
    pngs = render_pngs()
    ico, icns = write_ico_icns(pngs)
    for path in [*pngs.values(), ico, icns]:
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
