"""Preview the welcome letter PDF, save it or print it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class PdfPreviewDialog(QDialog):
    """A rendered PDF, with Save… and Print…; `pdf` is kept so it is saved byte for byte."""

    def __init__(self, title: str, pdf: bytes, file_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(720, 860)
        self.pdf = pdf
        self.file_name = file_name
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = QPushButton("Save PDF…")
        self.print_button = QPushButton("Print…")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(lambda *_: self.save_as())
        self.print_button.clicked.connect(lambda *_: self.print_pdf())
        layout.addWidget(buttons)

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def choose_file(self) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, "Save PDF", self.file_name, "PDF (*.pdf)")
        return path or None

    def save_as(self, path: str | None = None) -> Path | None:
        target = path or self.choose_file()
        if not target:
            return None
        out = Path(target)
        out.write_bytes(self.pdf)
        return out

    def print_pdf(self, printer: QPrinter | None = None) -> bool:
        """Print every page (rendered at the printer's resolution)."""
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
                return False
        painter = QPainter()
        if not painter.begin(printer):
            return False
        try:
            for page in range(self.page_count):
                if page:
                    printer.newPage()
                area = painter.viewport()
                points = self.document.pagePointSize(page)
                scale = min(area.width() / points.width(), area.height() / points.height())
                size = QSize(int(points.width() * scale), int(points.height() * scale))
                painter.drawImage(0, 0, self.document.render(page, size))
        finally:
            painter.end()
        return True
