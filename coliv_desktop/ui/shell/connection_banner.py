"""The strip across the top of the window while the database server does not answer.

It says why (one sentence from `services.connection`) and that the window keeps trying; it
goes away by itself when the server answers again (`ui.shell.watch`). Nothing typed is lost
meanwhile: a save refused for it leaves its dialog open with the input."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from coliv_desktop.ui.common.context import AppContext


class ConnectionBanner(QLabel):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connection_banner")
        self.setWordWrap(True)
        self.setStyleSheet("background: #fdecea; color: #b3261e; padding: 8px; "
                           "border-bottom: 1px solid #f1aeb5;")
        self.hide()
        ctx.bus.connection_lost.connect(self.lost)
        ctx.bus.connection_back.connect(self.hide)

    def lost(self, why: str) -> None:
        self.setText(f"Connection to the database server lost: {why}. Retrying every few "
                     "seconds; what you type is kept, but nothing can be saved until it answers.")
        self.show()
