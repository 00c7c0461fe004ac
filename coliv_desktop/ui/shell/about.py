"""Help ▸ About: which CoLiv this is, where its data is, and the licences of what it is made of."""

from __future__ import annotations

import sys
from html import escape

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from coliv_desktop import appinfo, config
from coliv_desktop.ui.common.widgets import icon

APP_TITLE = "CoLiv Desktop"


def licences_html() -> str:
    """CoLiv's own licence, the notices Qt's LGPL and the bundled font ask for, then every
    component with its version and licence (from package metadata, or baked into a bundle)."""
    rows = "".join(
        f"<tr><td>{_link(c.name, c.url)}</td><td>{escape(c.version)}</td>"
        f"<td>{escape(c.licence)}</td></tr>" for c in appinfo.components())
    return (
        f"<p><b>{APP_TITLE}</b> is free software under the MIT licence.</p>"
        f"<p><b>Qt</b> {escape(qVersion())}: {escape(appinfo.QT_NOTICE)} The licence texts are "
        "in the app folder (licences/LGPL-3.0.txt, licences/GPL-3.0.txt) and at "
        "<a href='https://www.gnu.org/licenses/lgpl-3.0.html'>gnu.org/licenses/lgpl-3.0</a>.</p>"
        f"<p><b>Fonts</b>: {escape(appinfo.FONT_NOTICE)}</p>"
        "<p><b>Components</b></p>"
        "<table cellspacing='0' cellpadding='2'>"
        "<tr><th align='left'>Name</th><th align='left'>Version</th>"
        f"<th align='left'>Licence</th></tr>{rows}</table>"
    )


def _link(text: str, url: str) -> str:
    return f"<a href='{escape(url, quote=True)}'>{escape(text)}</a>" if url else escape(text)


class AboutDialog(QDialog):
    def __init__(self, db_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about")
        self.setWindowTitle(f"About {APP_TITLE}")
        self.setWindowIcon(icon("coliv"))
        self.resize(620, 560)
        layout = QVBoxLayout(self)

        self.picture = QLabel()
        self.picture.setPixmap(icon("coliv").pixmap(64, 64))
        layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        self.version = QLabel(f"<b>{APP_TITLE}</b> {escape(appinfo.version())}")
        self.version.setObjectName("version")
        self.version.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.version, 0, Qt.AlignmentFlag.AlignHCenter)
        self.details = QLabel(
            "Property management for small co-living operators: rooms, tenants, leases and "
            f"rent books.<br><br>Database: {escape(db_label)}"
            f"<br>Data folder: {escape(str(config.data_dir()))}"
            f"<br>Log: {escape(str(config.log_file()))}"
            f"<br><br>Python {sys.version.split()[0]}, PySide6 {pyside_version}, "
            f"Qt {qVersion()}")
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details)

        self.licences = QTextBrowser()
        self.licences.setObjectName("licences")
        self.licences.setOpenExternalLinks(True)
        self.licences.setHtml(licences_html())
        layout.addWidget(self.licences, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
