"""The attachments view (issue 14, item 9): a photo added through Add… shows as a thumbnail, a
PDF opens in the app's own preview, other files in the system viewer, Delete asks first, and
the tenant record shows its documents only to the roles that read personal documents. Every
read and write runs in a worker (the GUI-thread guard of tests/ui/conftest.py)."""

from __future__ import annotations

import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from coliv_desktop.db.engine import Database
from coliv_desktop.services import attachments, settings
from coliv_desktop.services.context import Actor
from coliv_desktop.ui.common import attachments as view_module
from coliv_desktop.ui.common.attachments import THUMBNAIL, AttachmentsView
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.pdf_preview import PdfPreview
from coliv_desktop.ui.tenants.record import TenantRecord
from tests.builders import tenant
from tests.ui.helpers import off_the_gui_thread


def settle(ctx: AppContext, qtbot: QtBot) -> None:
    for _ in range(4):  # a list's answer starts the thumbnails' tasks
        assert ctx.tasks.wait_idle()
        qtbot.wait(20)


def a_photo(path: Path) -> Path:
    image = QImage(400, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    assert image.save(str(path), "PNG")
    return path


def a_pdf(path: Path, text: str) -> Path:
    from reportlab.pdfgen import canvas

    from coliv_desktop.documents.base import FONT, register_fonts

    register_fonts()  # DejaVu Sans: the Cyrillic name prints
    pdf = canvas.Canvas(str(path))
    pdf.setFont(FONT, 14)
    pdf.drawString(72, 720, text)
    pdf.save()
    return path


@pytest.fixture
def view(ctx: AppContext, qtbot: QtBot) -> tuple[AttachmentsView, uuid.UUID]:
    ana = tenant(ctx.db, ctx.actor, "Ana")
    widget = AttachmentsView(ctx)
    qtbot.addWidget(widget)
    widget.show()
    widget.show_owner("tenant", ana)
    settle(ctx, qtbot)
    return widget, ana


def test_a_photo_added_shows_as_a_thumbnail(
        ctx: AppContext, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        view: tuple[AttachmentsView, uuid.UUID]) -> None:
    widget, ana = view
    assert widget.grid.count() == 0 and widget.empty.isVisibleTo(widget)
    photo = a_photo(tmp_path / "room.png")
    monkeypatch.setattr(view_module.QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(photo)], ""))
    assert widget.add_button.isVisibleTo(widget)
    qtbot.mouseClick(widget.add_button, Qt.MouseButton.LeftButton)
    settle(ctx, qtbot)
    assert widget.grid.count() == 1
    item = widget.grid.item(0)
    assert item.text() == "room.png"
    [doc] = widget.documents
    thumb = widget.thumbnails[doc.id]
    assert (thumb.width(), thumb.height()) == (THUMBNAIL, THUMBNAIL // 2)
    assert thumb.pixelColor(10, 10) == QColor("#3366cc")
    assert not item.icon().isNull()
    assert item.icon().pixmap(THUMBNAIL, THUMBNAIL).toImage().pixelColor(10, 10) == \
        QColor("#3366cc")
    stored = off_the_gui_thread(attachments.document_content, ctx.db, ctx.actor, doc.id)
    assert stored == photo.read_bytes()


def test_a_refused_file_is_said_and_the_others_attached(
        ctx: AppContext, qtbot: QtBot, tmp_path: Path,
        view: tuple[AttachmentsView, uuid.UUID]) -> None:
    widget, _ = view
    settings.set_setting(ctx.db, ctx.actor, "document_max_mb", 1)
    big = tmp_path / "huge.jpg"
    big.write_bytes(b"\xff" * (attachments.MB + 1))
    fine = tmp_path / "notes.txt"
    fine.write_text("hello")
    widget.add_files([str(big), str(fine), str(tmp_path / "gone.pdf")])
    settle(ctx, qtbot)
    assert [d.name for d in widget.documents] == ["notes.txt"]
    shown = widget.message.text()
    assert widget.message.isVisibleTo(widget)
    assert "huge.jpg" in shown and "1 MB" in shown and "gone.pdf" in shown


def test_a_pdf_opens_in_the_preview_and_others_in_the_system_viewer(
        ctx: AppContext, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        view: tuple[AttachmentsView, uuid.UUID]) -> None:
    widget, ana = view
    pdf = a_pdf(tmp_path / "lease.pdf", "Договор: Ана Тестер")
    attachments.attach_file(ctx.db, ctx.actor, "tenant", ana, pdf)
    attachments.attach_document(ctx.db, ctx.actor, "tenant", ana, "notes.txt", b"hello")
    opened_dialogs: list[PdfPreview] = []
    monkeypatch.setattr(PdfPreview, "open", lambda self: opened_dialogs.append(self))
    external: list[Path] = []
    monkeypatch.setattr(AttachmentsView, "open_externally",
                        lambda self, path: external.append(path) or True)
    widget.reload()
    settle(ctx, qtbot)
    assert [d.name for d in widget.documents] == ["lease.pdf", "notes.txt"]

    widget.grid.setCurrentRow(0)
    qtbot.mouseClick(widget.open_button, Qt.MouseButton.LeftButton)
    settle(ctx, qtbot)
    [preview] = opened_dialogs
    assert widget.property("last_preview") is preview and preview.page_count == 1
    assert "Договор: Ана Тестер" in PdfReader(preview.path).pages[0].extract_text()
    assert preview.path.read_bytes() == pdf.read_bytes()
    assert (preview.path.parent.stat().st_mode & 0o077) == 0  # a private folder
    preview.reject()

    widget.grid.setCurrentRow(1)
    widget.open_selected()
    settle(ctx, qtbot)
    assert [p.name for p in external] == ["notes.txt"]
    assert external[0].read_bytes() == b"hello"


def test_delete_asks_first(ctx: AppContext, qtbot: QtBot,
                           view: tuple[AttachmentsView, uuid.UUID]) -> None:
    widget, ana = view
    attachments.attach_document(ctx.db, ctx.actor, "tenant", ana, "old.pdf", b"%PDF")
    widget.reload()
    settle(ctx, qtbot)
    answers = [False, True]
    asked: list[str] = []

    def confirm(title: str, text: str) -> bool:
        asked.append(text)
        return answers.pop(0)

    ctx.editing = SimpleNamespace(confirm=confirm)  # type: ignore[assignment]
    widget.grid.setCurrentRow(0)
    qtbot.mouseClick(widget.delete_button, Qt.MouseButton.LeftButton)
    settle(ctx, qtbot)
    assert widget.grid.count() == 1 and "old.pdf" in asked[0]
    qtbot.mouseClick(widget.delete_button, Qt.MouseButton.LeftButton)
    settle(ctx, qtbot)
    assert widget.grid.count() == 0 and widget.documents == []


def _as_role(ctx: AppContext, role: str) -> None:
    actor = ctx.actor
    ctx._actor = Actor(actor.user_id, actor.operator_id, f"{role}-user", role)


def test_the_tenant_record_shows_documents_to_those_who_read_them(
        ctx: AppContext, qtbot: QtBot, db: Database) -> None:
    ana = tenant(ctx.db, ctx.actor, "Ana")
    attachments.attach_document(ctx.db, ctx.actor, "tenant", ana, "passport.jpg", b"\xff")
    record = TenantRecord(ctx)
    qtbot.addWidget(record)
    record.show()
    record.show_tenant(ana)
    settle(ctx, qtbot)
    assert record.documents_box.isVisibleTo(record)
    assert [d.name for d in record.documents.documents] == ["passport.jpg"]
    assert record.documents.add_button.isVisibleTo(record)

    _as_role(ctx, "viewer")  # reads personal documents, changes none
    record.show_tenant(ana)
    settle(ctx, qtbot)
    assert record.documents_box.isVisibleTo(record)
    assert not record.documents.add_button.isVisibleTo(record)
    assert not record.documents.delete_button.isVisibleTo(record)

    _as_role(ctx, "staff")  # neither
    record.show_tenant(ana)
    settle(ctx, qtbot)
    assert not record.documents_box.isVisibleTo(record)

