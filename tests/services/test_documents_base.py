"""The shared document base: Unicode names, escaping, the glyph fallback note."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from coliv_desktop.documents.base import Document, Letterhead


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_user_text_prints_literally_and_unicode_names_survive(tmp_path: Path) -> None:
    doc = Document(Letterhead("Lofts & Co", "1 Main St"), "Receipt")
    doc.paragraph("Zoë Ørsted-Núñez <b>bold</b> & Иван")
    doc.table(["Who", "Amount"], [["<i>x</i> & y", "$1.00"]], right=(1,))
    path = doc.save(tmp_path / "out" / "doc.pdf")
    text = text_of(path.read_bytes())
    assert "Zoë Ørsted-Núñez <b>bold</b> & Иван" in text
    assert "<i>x</i> & y" in text and "Lofts & Co" in text
    assert "Note:" not in text


def test_characters_the_font_lacks_get_a_clear_note() -> None:
    doc = Document(Letterhead("Op"), "Letter")
    doc.paragraph("王小明")
    text = text_of(doc.render())
    assert "□□□" in text
    assert "U+738B" in text and "U+5C0F" in text and "U+660E" in text
