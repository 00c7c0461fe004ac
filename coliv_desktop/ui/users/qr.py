"""A QR code as a Qt image (segno makes the matrix; Qt paints it, so no image writer of
segno's is needed, in the frozen app either)."""

from __future__ import annotations

import segno
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def qr_image(text: str, scale: int = 6) -> QImage:
    """`text` (an otpauth:// URI) as a black-on-white QR code, `scale` pixels a module."""
    code = segno.make(text, error="m", micro=False)
    rows = [list(row) for row in code.matrix]
    side = (len(rows) + 2 * QUIET_ZONE) * scale
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        for y, row in enumerate(rows):
            for x, dark in enumerate(row):
                if dark:
                    painter.fillRect((x + QUIET_ZONE) * scale, (y + QUIET_ZONE) * scale,
                                     scale, scale, Qt.GlobalColor.black)
    finally:
        painter.end()
    return image
