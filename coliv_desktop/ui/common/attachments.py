"""The documents of one record (a tenant, a lease, a property, a maintenance request or a
conflict): a grid with photo thumbnails, Add…, Open and Delete (services.attachments).

Files are read, attached, fetched and decoded in workers (`ctx.run_task`): a 20 MB scan never
passes through the GUI thread, and neither does a query. A PDF opens in the app's own preview;
anything else in the system's viewer, from a private temporary copy.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.files import write_atomically
from coliv_desktop.schemas.attachments import DocumentOut
from coliv_desktop.services import attachments
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import ERROR_STYLE
from coliv_desktop.ui.common.pdf_preview import PdfPreview
from coliv_desktop.ui.common.widgets import GatedButton, muted, tool_button

THUMBNAIL = 96  # pixels, the longer side
_DOC_ROLE = Qt.ItemDataRole.UserRole
_UNSAFE = '<>:"|?*'  # not allowed in a Windows file name


def thumbnail_of(content: bytes, size: int = THUMBNAIL) -> QImage | None:
    """A photo decoded and scaled (in a worker: QImage, unlike QPixmap, is safe there);
    None when the bytes are not an image Qt reads."""
    image = QImage.fromData(content)
    if image.isNull():
        return None
    return image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)


def private_copy(name: str, content: bytes) -> Path:
    """`content` in a fresh folder only this user can open (mkdtemp makes it 0700), under the
    document's own name, for a viewer to open."""
    safe = "".join("_" if ch in _UNSAFE else ch for ch in name) or "document"
    folder = Path(tempfile.mkdtemp(prefix="coliv-document-"))
    return write_atomically(folder / safe, content)


def _size_text(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class AttachmentsView(QWidget):
    """The documents of one record. `show_owner(kind, id)` loads them; Add and Delete show
    only to the roles that may change this kind's documents."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind: str | None = None
        self.owner_id: uuid.UUID | None = None
        self.documents: list[DocumentOut] = []
        self.thumbnails: dict[uuid.UUID, QImage] = {}
        self._loading = 0  # which load is the latest (an older answer is dropped)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        self.add_button = tool_button("Add…", "add", "Attach files to this record",
                                      self.add, allowed=self._may_write)
        self.add_button.setObjectName("attach_document")
        self.open_button = tool_button("Open", "open", "Open the selected document",
                                       self.open_selected)
        self.open_button.setObjectName("open_document")
        self.delete_button = tool_button("Delete", "delete", "Delete the selected document "
                                         "(asks first)", self.delete_selected,
                                         allowed=self._may_write)
        self.delete_button.setObjectName("delete_document")
        for button in (self.add_button, self.open_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setObjectName("attachments_error")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.grid = QListWidget()
        self.grid.setObjectName("documents_grid")
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.grid.setGridSize(QSize(THUMBNAIL + 48, THUMBNAIL + 44))
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setWordWrap(True)
        self.grid.itemDoubleClicked.connect(lambda item: self.open_document(self._doc(item)))
        self.grid.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.grid, 1)
        self.empty = muted("No documents yet.")
        layout.addWidget(self.empty)
        self._selection_changed()

    # --- permissions -----------------------------------------------------------------------

    def _may_write(self) -> bool:
        return self.kind is not None and self.ctx.may(attachments.WRITE_PERMISSION[self.kind])

    def _refresh_gates(self) -> None:
        for button in (self.add_button, self.delete_button):
            if isinstance(button, GatedButton):
                button.refresh()

    # --- loading ---------------------------------------------------------------------------

    def show_owner(self, kind: str, owner_id: uuid.UUID) -> None:
        changed = (kind, owner_id) != (self.kind, self.owner_id)
        self.kind, self.owner_id = kind, owner_id
        self._refresh_gates()
        if changed:
            self.message.hide()
            self.thumbnails.clear()
        self.reload()

    def reload(self) -> None:
        if self.kind is None or self.owner_id is None:
            return
        self._loading += 1
        token, kind, owner_id = self._loading, self.kind, self.owner_id
        db, actor = self.ctx.db, self.ctx.actor

        def done(docs: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or token != self._loading:
                return
            if error is not None:
                self._say(str(error))
                docs = []
            self._fill(docs)

        self.ctx.run_task(lambda: attachments.list_documents(db, actor, kind, owner_id), done)

    def _fill(self, docs: list[DocumentOut]) -> None:
        self.documents = docs
        self.grid.clear()
        file_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        for doc in docs:
            item = QListWidgetItem(file_icon, doc.name)
            item.setData(_DOC_ROLE, doc)
            item.setToolTip(f"{doc.name}\n{doc.content_type}, {_size_text(doc.size)}\n"
                            f"added by {doc.uploaded_by} on {doc.created_at:%Y-%m-%d}")
            self.grid.addItem(item)
            thumb = self.thumbnails.get(doc.id)
            if thumb is not None:
                item.setIcon(QIcon(QPixmap.fromImage(thumb)))
            elif doc.is_image:
                self._load_thumbnail(doc)
        self.empty.setVisible(not docs)
        self._selection_changed()

    def _load_thumbnail(self, doc: DocumentOut) -> None:
        db, actor = self.ctx.db, self.ctx.actor

        def work() -> QImage | None:
            return thumbnail_of(attachments.document_content(db, actor, doc.id))

        def done(image: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or error is not None or image is None:
                return
            self.thumbnails[doc.id] = image
            item = self._item(doc.id)
            if item is not None:
                item.setIcon(QIcon(QPixmap.fromImage(image)))

        self.ctx.run_task(work, done, quiet=True)

    def _item(self, doc_id: uuid.UUID) -> QListWidgetItem | None:
        for row in range(self.grid.count()):
            item = self.grid.item(row)
            if self._doc(item).id == doc_id:
                return item
        return None

    @staticmethod
    def _doc(item: QListWidgetItem) -> DocumentOut:
        doc = item.data(_DOC_ROLE)
        assert isinstance(doc, DocumentOut)
        return doc

    def selected(self) -> DocumentOut | None:
        items = self.grid.selectedItems()
        return self._doc(items[0]) if items else None

    def _selection_changed(self) -> None:
        chosen = self.selected() is not None
        self.open_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    # --- adding ----------------------------------------------------------------------------

    def choose_files(self) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(self, "Attach documents")
        return list(paths)

    def add(self) -> None:
        if self.kind is None or not self._may_write():
            return
        self.add_files(self.choose_files())

    def add_files(self, paths: list[str]) -> None:
        """Read and attach each file in a worker; refused files are listed in the message."""
        if self.kind is None or self.owner_id is None or not paths:
            return
        kind, owner_id = self.kind, self.owner_id
        db, actor = self.ctx.db, self.ctx.actor
        self.message.hide()

        def work() -> list[str]:
            refused = []
            for path in paths:
                try:
                    attachments.attach_file(db, actor, kind, owner_id, path)
                except Exception as exc:  # each file on its own: one refusal stops no other
                    refused.append(f"{Path(path).name} was not attached: {exc}")
            return refused

        def done(refused: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            problems = [str(error)] if error is not None else list(refused or [])
            if problems:
                self._say("\n".join(problems))
            if (kind, owner_id) == (self.kind, self.owner_id):
                self.reload()

        self.ctx.run_task(work, done)

    # --- opening ---------------------------------------------------------------------------

    def open_selected(self) -> None:
        doc = self.selected()
        if doc is not None:
            self.open_document(doc)

    def open_document(self, doc: DocumentOut) -> None:
        db, actor = self.ctx.db, self.ctx.actor

        def work() -> Path:
            return private_copy(doc.name, attachments.document_content(db, actor, doc.id))

        def done(path: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self._say(f"Could not open {doc.name}: {error}")
                return
            if doc.is_pdf:
                preview = PdfPreview(Path(path), doc.name, self)
                preview.open()
                self.setProperty("last_preview", preview)
            else:
                self.open_externally(Path(path))

        self.ctx.run_task(work, done)

    def open_externally(self, path: Path) -> bool:
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))

    # --- deleting --------------------------------------------------------------------------

    def confirm_delete(self, doc: DocumentOut) -> bool:
        text = f"Delete {doc.name}? The file is removed from the book for good."
        if self.ctx.editing is not None:
            return self.ctx.editing.confirm("Delete document", text)
        answer = QMessageBox.question(self, "Delete document", text)
        return answer == QMessageBox.StandardButton.Yes

    def delete_selected(self) -> None:
        doc = self.selected()
        if doc is None or not self._may_write() or not self.confirm_delete(doc):
            return
        db, actor = self.ctx.db, self.ctx.actor

        def done(_: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self._say(f"{doc.name} was not deleted: {error}")
            self.thumbnails.pop(doc.id, None)
            self.reload()

        self.ctx.run_task(lambda: attachments.delete_document(db, actor, doc.id), done)


class DocumentsDialog(QDialog):
    """The documents of one record in a window of their own (a lease's, a property's), where
    the record's page has no room for them."""

    def __init__(self, ctx: AppContext, kind: str, owner_id: uuid.UUID, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        self.view = AttachmentsView(ctx, self)
        layout.addWidget(self.view, 1)
        self.view.show_owner(kind, owner_id)
