"""The strip across the top of the window while the database server does not answer.

It says why (one sentence from `services.connection`) and that the window keeps trying; it
goes away by itself when the server answers again (`ui.shell.watch`). Nothing typed is lost
meanwhile: a save refused for it leaves its dialog open with the input."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QToolBar, QWidget

from coliv_desktop.ui.common.context import AppContext


class ConnectionBanner(QToolBar):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Connection", parent)
        self.setObjectName("connection_banner")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)  # not offered in the toolbars' menu
        self.setStyleSheet("QToolBar { background: #fdecea; border: 0; }")
        self.label = QLabel()
        self.label.setObjectName("connection_banner_text")
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #b3261e; padding: 4px 8px;")
        self.addWidget(self.label)
        self.hide()
        ctx.bus.connection_lost.connect(self.lost)
        ctx.bus.connection_back.connect(self.hide)

    def lost(self, why: str) -> None:
        self.label.setText(f"Connection to the database server lost: {why}. Retrying every few "
                           "seconds; what you type is kept, but nothing can be saved until it "
                           "answers.")
        self.show()
