"""The shared base of every printed document.

    from coliv_desktop.documents.base import Document, Letterhead
    doc = Document(Letterhead.from_profile(profile, settings), "Welcome to Downtown Loft")
    doc.paragraph(f"Dear {tenant_name},")     # user text: always escaped, prints literally
    doc.facts([("Room", "3B-A"), ("Move-in", "December 1, 2025")])
    doc.table(["What", "Amount"], [["Rent", "$900.00"]], right=(1,))
    doc.save(path)                              # or doc.render() -> bytes

Text goes through `paragraph` (escaped: `<b>` and `&` in a tenant's name print as typed) or
`rich` (markup written by our own code only). Whatever its length, text wraps: long words are
split, table rows split across pages, a heading stays with the text after it, and the
letterhead and footer lines are shortened with "…" to the page's width; no text a person
typed can make a document fail to lay out. The font is DejaVu Sans, bundled with its licence
under resources/fonts, so accents, Greek and Cyrillic print everywhere; characters it has no
glyph for (CJK, for instance) print as a box and the document ends with a note naming them, so
nothing is silently lost.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from coliv_desktop.domain.money import format_money
from coliv_desktop.files import write_atomically
from coliv_desktop.locations import resource

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
MISSING_GLYPH = "\u25a1"  # WHITE SQUARE, which DejaVu Sans has
ACCENT = colors.HexColor("#2d5b87")
UNNAMED = "Your co-living operator"  # printed until the business profile has a name
RULE = colors.HexColor("#c9d3dd")
MARGIN: float = 18 * mm
CELL_PADDING = 6  # points, left and right of every table cell (ReportLab's default)
MIN_WRAPPED_COLUMN: float = 18 * mm  # a column of text that wraps is never narrower


@lru_cache(maxsize=1)
def register_fonts() -> frozenset[int]:
    """Register the bundled font once; returns the code points it has glyphs for."""
    regular = TTFont(FONT, str(resource("fonts", "DejaVuSans.ttf")))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resource("fonts", "DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)
    return frozenset(regular.face.charToGlyph)


def printable(text: str) -> tuple[str, list[str]]:
    """`text` with characters the font cannot draw replaced by a box, and those characters."""
    covered = register_fonts()
    missing: list[str] = []
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) in covered or ch in "\n\t":
            out.append(ch)
        else:
            out.append(MISSING_GLYPH)
            if ch not in missing:
                missing.append(ch)
    return "".join(out), missing


@dataclass(frozen=True)
class Letterhead:
    """The operator's name, address and logo, and how money is written."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    logo: Path | None = None
    currency: str = "USD"
    locale: str = "en_US"

    @classmethod
    def from_profile(cls, profile: Any, settings: dict[str, Any]) -> Letterhead:
        """From the operator's business profile (name, address, phone, email: the operators
        row) and the settings (logo, currency, locale)."""
        logo = str(settings.get("operator_logo") or "").strip()
        return cls(name=str(getattr(profile, "company_name", "") or "") or UNNAMED,
                   address=str(getattr(profile, "address", "") or ""),
                   phone=str(getattr(profile, "phone", "") or ""),
                   email=str(getattr(profile, "email", "") or ""),
                   logo=Path(logo) if logo and Path(logo).is_file() else None,
                   currency=str(settings.get("currency") or "USD"),
                   locale=str(settings.get("locale") or "en_US"))

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.currency, self.locale)

    @property
    def page_size(self) -> tuple[float, float]:
        size = LETTER if self.locale.endswith(("_US", "_CA")) else A4
        return float(size[0]), float(size[1])


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def clip(text: str, font: str, size: float, width: float) -> str:
    """`text` shortened with "…" to fit `width` points on one line (letterhead, footer)."""
    if stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle] + "…", font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10,
                                textColor=colors.HexColor("#555555")),
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=18,
                                leading=22, textColor=ACCENT, spaceAfter=2 * mm),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=11, leading=14,
                                   textColor=colors.HexColor("#444444"), spaceAfter=4 * mm),
        # a heading is never left alone at the foot of a page
        "heading": ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=12,
                                  leading=16, spaceBefore=4 * mm, spaceAfter=2 * mm,
                                  textColor=ACCENT, keepWithNext=1),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11),
        "cell_right": ParagraphStyle("cell_right", parent=body, fontSize=9, leading=11,
                                     alignment=TA_RIGHT),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=FONT_BOLD, fontSize=9,
                                    leading=11),
        "big": ParagraphStyle("big", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20),
    }


@dataclass
class Document:
    """A document in the making: a title, flowing content, the letterhead on every page."""

    letterhead: Letterhead
    title: str
    subtitle: str = ""
    landscape: bool = False
    story: list[Flowable] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        register_fonts()
        self.story.append(Paragraph(self._safe(self.title), styles()["title"]))
        if self.subtitle:
            self.story.append(Paragraph(self._safe(self.subtitle), styles()["subtitle"]))

    @property
    def page_size(self) -> tuple[float, float]:
        width, height = self.letterhead.page_size
        return (height, width) if self.landscape else (width, height)

    @property
    def frame_width(self) -> float:
        """The width text may take, in points (the page less margins and frame padding)."""
        return self.page_size[0] - 2 * MARGIN - 12

    # text ---------------------------------------------------------------------------------------
    def _safe(self, text: str) -> str:
        shown, missing = printable(str(text))
        for ch in missing:
            if ch not in self.missing:
                self.missing.append(ch)
        return escape(shown).replace("\n", "<br/>")

    def text(self, text: str, style: str = "cell") -> Paragraph:
        """A paragraph of user text (escaped) for use inside tables."""
        return Paragraph(self._safe(text), styles()[style])

    def paragraph(self, text: str, style: str = "body") -> None:
        self.story.append(Paragraph(self._safe(text), styles()[style]))

    def heading(self, text: str) -> None:
        self.story.append(Paragraph(self._safe(text), styles()["heading"]))

    def spacer(self, height_mm: float = 4) -> None:
        self.story.append(Spacer(1, height_mm * mm))

    def page_break(self) -> None:
        self.story.append(PageBreak())

    # blocks -------------------------------------------------------------------------------------
    def facts(self, rows: Sequence[tuple[str, str]], label_width_mm: float = 45) -> None:
        """Label / value pairs, the way a receipt lists what it is for."""
        data = [[self.text(label, "cell_bold"), self.text(value)] for label, value in rows]
        label = label_width_mm * mm
        table = Table(data, colWidths=[label, self.frame_width - label], hAlign="LEFT",
                      splitInRow=1)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        self.story.append(table)

    def column_widths(self, rows: Sequence[Sequence[str]], widths: Sequence[float] | None,
                      keep: set[int], bold_rows: Set[int] = frozenset({0})) -> list[float]:
        """Widths in points that fill the frame: the `keep` columns (amounts, dates) as wide
        as their widest cell, so they never wrap; the others share what is left in the
        proportions of `widths` (mm) and wrap. When the kept columns leave too little, every
        column is scaled to fit instead (and may wrap)."""
        count = max((len(r) for r in rows), default=0)
        base = [w * mm for w in widths] if widths else [1.0] * count

        def width(row: int, text: str) -> float:
            font = FONT_BOLD if row in bold_rows else FONT
            return float(stringWidth(printable(str(text))[0], font, 9))

        fixed = {i: max((width(n, r[i]) for n, r in enumerate(rows) if i < len(r)),
                        default=0.0) + 2 * CELL_PADDING + 1
                 for i in keep if i < count}
        flex = [i for i in range(count) if i not in fixed]
        room = self.frame_width - sum(fixed.values())
        if flex and room >= MIN_WRAPPED_COLUMN * len(flex):
            share = sum(base[i] for i in flex)
            return [fixed[i] if i in fixed else room * base[i] / share for i in range(count)]
        if not flex and room >= 0:
            return [fixed[i] for i in range(count)]
        scale = self.frame_width / sum(base)
        return [w * scale for w in base]

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], *,
              right: Sequence[int] = (), widths: Sequence[float] | None = None,
              total: Sequence[str] | None = None, keep: Sequence[int] = ()) -> None:
        """A ruled table as wide as the page's text; `right` lists the columns of amounts
        (right-aligned), which like the `keep` columns (dates) stay on one line; `widths` (mm)
        gives the proportions of the columns that wrap."""
        def cells(values: Sequence[str], bold: bool = False) -> list[Paragraph]:
            out = []
            for i, value in enumerate(values):
                style = "cell_right" if i in right else ("cell_bold" if bold else "cell")
                para = self.text(value, style)
                if bold and i in right:
                    para = Paragraph(f"<b>{self._safe(value)}</b>", styles()["cell_right"])
                out.append(para)
            return out
        data = [cells(header, bold=True)] + [cells(r) for r in rows]
        if total is not None:
            data.append(cells(total, bold=True))
        texts = [list(header), *[list(r) for r in rows], *([list(total)] if total else [])]
        bold = {0} | ({len(texts) - 1} if total is not None else set())
        col_widths = self.column_widths(texts, widths, set(right) | set(keep), bold)
        # a row taller than a page (a long note) splits across pages rather than failing
        table = Table(data, colWidths=col_widths, repeatRows=1, hAlign="LEFT", splitInRow=1)
        commands: list[Any] = [
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if total is not None:
            commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT))
        table.setStyle(TableStyle(commands))
        self.story.append(table)

    def signatures(self, names: Sequence[str]) -> None:
        """Signature lines with a name and a date under each."""
        cells = []
        for name in names:
            cells.append([Paragraph("<br/><br/>" + "_" * 34, styles()["body"]),
                          self.text(name, "cell"), self.text("Date: ____________", "small")])
        table = Table([cells], colWidths=[self.frame_width / max(len(names), 1)] * len(names),
                      hAlign="LEFT", splitInRow=1)
        table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        self.story.append(KeepTogether([Spacer(1, 8 * mm), table]))

    # output -------------------------------------------------------------------------------------
    def _page(self, canvas: Canvas, doc: SimpleDocTemplate) -> None:
        head = self.letterhead
        width, height = doc.pagesize
        canvas.saveState()
        top = height - 12 * mm
        x = doc.leftMargin + 6  # the frame's padding, so the letterhead lines up with text
        if head.logo is not None:
            try:
                canvas.drawImage(str(head.logo), x, top - 12 * mm, width=24 * mm,
                                 height=12 * mm, preserveAspectRatio=True, mask="auto")
                x += 28 * mm
            except OSError:
                pass  # a logo file that cannot be read is left out, never fatal
        line = width - doc.rightMargin - x  # one line each, shortened to the page's width
        name, _ = printable(" ".join(head.name.split()))
        canvas.setFont(FONT_BOLD, 12)
        canvas.setFillColor(ACCENT)
        canvas.drawString(x, top - 4 * mm, clip(name, FONT_BOLD, 12, line))
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.HexColor("#444444"))
        contact = " · ".join(" ".join(p.split()) for p in (head.address, head.phone,
                                                             head.email) if p)
        canvas.drawString(x, top - 9 * mm, clip(printable(contact)[0], FONT, 8, line))
        canvas.setStrokeColor(RULE)
        canvas.line(doc.leftMargin, top - 14 * mm, width - doc.rightMargin, top - 14 * mm)
        canvas.setFont(FONT, 7)
        footer = width - doc.leftMargin - doc.rightMargin - 20 * mm  # room for "Page N"
        canvas.drawString(doc.leftMargin, 10 * mm,
                          clip(printable(" ".join(self.title.split()))[0], FONT, 7, footer))
        canvas.drawRightString(width - doc.rightMargin, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    def _finish(self) -> list[Flowable]:
        story = list(self.story)
        if self.missing:
            names = ", ".join(f"U+{ord(ch):04X}" for ch in self.missing)
            story.append(Spacer(1, 6 * mm))
            story.append(Paragraph(
                escape(f"Note: some characters cannot be printed with the bundled font "
                       f"(DejaVu Sans) and appear as {MISSING_GLYPH}: {names}. The record in "
                       "CoLiv keeps them as typed."), styles()["small"]))
        return story

    def render(self) -> bytes:
        buffer = io.BytesIO()
        template = SimpleDocTemplate(
            buffer, pagesize=self.page_size, leftMargin=MARGIN, rightMargin=MARGIN,
            topMargin=32 * mm, bottomMargin=18 * mm, title=printable(self.title)[0],
            author=printable(self.letterhead.name)[0], creator="CoLiv Desktop")
        template.build(self._finish(), onFirstPage=self._page, onLaterPages=self._page)
        return buffer.getvalue()

    def save(self, path: Path | str) -> Path:
        return write_atomically(path, self.render())
