"""Preview a PDF inside the app (QtPdf), with Print and Save as."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QSize, Signal
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

from coliv_desktop.domain.errors import FileProblem
from coliv_desktop.files import write_atomically
from coliv_desktop.ui.common.widgets import Messages, not_saved


class PdfPreview(QDialog):
    """`delivered` is emitted once the document was printed or saved (letters that went out)."""

    delivered = Signal(str)  # "printed" | "saved"

    def __init__(self, path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 900)
        self.path = path
        self.document = QPdfDocument(self)
        self.document.load(str(path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = QPushButton("Print...")
        self.save_button = QPushButton("Save as...")
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)

    @property
    def page_count(self) -> int:
        return int(self.document.pageCount())

    def save_as(self, target: str | None = None) -> Path | None:
        """Save a copy where the operator chooses: whole or not at all; a folder that cannot
        be written is said in one sentence (path and reason) and the preview stays open."""
        if target is None:
            target, _ = QFileDialog.getSaveFileName(self, "Save as", self.path.name,
                                                    "PDF files (*.pdf)")
        if not target:
            return None
        try:
            destination = write_atomically(target, self.path.read_bytes())
        except (FileProblem, OSError) as exc:
            Messages.warn(self, "Not saved", not_saved(exc, target) or str(exc))
            return None
        self.delivered.emit("saved")
        return destination

    def print_to(self, printer: QPrinter) -> None:
        painter = QPainter(printer)
        try:
            for page in range(self.page_count):
                if page:
                    printer.newPage()
                rect = painter.viewport()
                image = self.document.render(page, QSize(rect.width(), rect.height()))
                painter.drawImage(QPointF(0, 0), image)
        finally:
            painter.end()
        self.delivered.emit("printed")

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)
