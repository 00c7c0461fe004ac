"""First run: no database yet. Start empty, or explore the demo portfolio (its own file)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from coliv_desktop import config
from coliv_desktop.ui.common.widgets import icon


class WelcomePage(QWidget):
    empty_requested = Signal()
    demo_requested = Signal()
    open_requested = Signal()
    connect_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        logo = QLabel()
        logo.setPixmap(icon("coliv").pixmap(72, 72))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(logo)
        title = QLabel("Welcome to CoLiv Desktop")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setStyleSheet("font-size: 22pt; font-weight: 600;")
        outer.addWidget(title)
        text = QLabel(
            "Your properties, units, rooms, tenants and leases, kept on this computer.\n"
            "How would you like to begin?")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setStyleSheet("color: #57606a; font-size: 12pt;")
        outer.addWidget(text)
        row = QHBoxLayout()
        row.addStretch(1)
        where = config.default_db_path()
        self.empty_button = self._choice("Start with an empty portfolio",
                                         f"A new database in\n{where}")
        self.empty_button.setObjectName("start_empty")
        self.empty_button.clicked.connect(self.empty_requested.emit)
        self.demo_button = self._choice(
            "Explore the demo portfolio",
            "Three properties with tenants and leases,\nin a separate file: your data stays apart")
        self.demo_button.setObjectName("start_demo")
        self.demo_button.clicked.connect(self.demo_requested.emit)
        row.addWidget(self.empty_button)
        row.addSpacing(24)
        row.addWidget(self.demo_button)
        row.addStretch(1)
        outer.addSpacing(24)
        outer.addLayout(row)
        open_link = QPushButton("Open an existing database…")
        open_link.setObjectName("open_existing")
        open_link.setFlat(True)
        open_link.setStyleSheet("color: #2563eb;")
        open_link.clicked.connect(self.open_requested.emit)
        connect_link = QPushButton("Connect to the office's PostgreSQL server…")
        connect_link.setObjectName("connect_server")
        connect_link.setFlat(True)
        connect_link.setStyleSheet("color: #2563eb;")
        connect_link.setToolTip("When the office shares one database on a server")
        connect_link.clicked.connect(self.connect_requested.emit)
        links = QHBoxLayout()
        links.addStretch(1)
        links.addWidget(open_link)
        links.addWidget(connect_link)
        links.addStretch(1)
        outer.addSpacing(12)
        outer.addLayout(links)
        outer.addStretch(2)

    def _choice(self, title: str, detail: str) -> QPushButton:
        button = QPushButton(f"{title}\n\n{detail}")
        button.setMinimumSize(300, 130)
        button.setStyleSheet(
            "QPushButton { font-size: 11pt; padding: 16px; border: 1px solid #d0d7de;"
            " border-radius: 10px; background: palette(base); text-align: center; }"
            "QPushButton:hover { border-color: #2563eb; }")
        return button
