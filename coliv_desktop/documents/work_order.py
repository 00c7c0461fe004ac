"""The work order a maintenance request prints for its vendor: where, what, how urgent, by
when, with thumbnails of the request's photos."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Table, TableStyle

from coliv_desktop.documents.base import Document, Letterhead, long_date
from coliv_desktop.schemas.maintenance import WorkOrderData

THUMB = 40 * mm  # the longer side of a photo's thumbnail
PER_ROW = 4
PRIORITY = {"urgent": "URGENT", "high": "High", "medium": "Medium", "low": "Low"}


def _words(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _thumbnail(photo: bytes) -> Image | None:
    """A photo scaled to fit THUMB, or None when the bytes are not an image ReportLab reads."""
    try:
        width, height = ImageReader(io.BytesIO(photo)).getSize()
    except Exception:  # any unreadable file: left out, never fatal to the work order
        return None
    if not width or not height:
        return None
    scale = THUMB / max(width, height)
    return Image(io.BytesIO(photo), width=width * scale, height=height * scale)


def _photos(doc: Document, photos: Sequence[bytes]) -> None:
    thumbs = [t for t in (_thumbnail(p) for p in photos) if t is not None]
    if len(thumbs) < len(photos):
        skipped = len(photos) - len(thumbs)
        doc.paragraph(f"{skipped} attached file(s) could not be shown as pictures.", "small")
    if not thumbs:
        return
    rows = [thumbs[i:i + PER_ROW] for i in range(0, len(thumbs), PER_ROW)]
    rows[-1] = rows[-1] + [""] * (PER_ROW - len(rows[-1]))
    table = Table(rows, colWidths=[doc.frame_width / PER_ROW] * PER_ROW, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    doc.story.append(table)


def work_order(head: Letterhead, data: WorkOrderData, photos: Sequence[bytes] = ()) -> Document:
    doc = Document(head, f"Work order: {data.title}", long_date(data.written_on))
    doc.paragraph(f"To: {data.vendor_name} ({data.vendor_trade})")
    contact = " · ".join(p for p in (data.vendor_phone, data.vendor_email) if p)
    if contact:
        doc.paragraph(contact, "small")
    doc.spacer(3)
    due = data.due_by.astimezone()
    rows = [
        ("Priority", PRIORITY.get(data.priority, data.priority)),
        ("Due by", f"{long_date(due.date())}, {due:%H:%M}"),
    ]
    if data.scheduled_for:
        rows.append(("Scheduled for", long_date(data.scheduled_for)))
    rows += [
        ("Category", _words(data.category)),
        ("Property", data.property_name),
        ("Address", data.address),
        ("Unit", data.unit or "common areas"),
    ]
    if data.room:
        rows.append(("Room", data.room))
    rows.append(("Access", data.access_notes or "ask the office"))
    if data.tenant_name:
        reach = " · ".join(p for p in (data.tenant_phone, data.tenant_email) if p)
        rows.append(("Tenant to contact", data.tenant_name + (f" ({reach})" if reach else "")))
    doc.facts(rows)
    doc.heading("The work")
    doc.paragraph(data.title, "heading")
    doc.paragraph(data.description or "No further description: see the title above.")
    if photos:
        doc.heading("Photos")
        _photos(doc, photos)
    doc.spacer(4)
    doc.paragraph(f"Please confirm to {head.name} when you will come, and send your invoice "
                  f"quoting this work order ({str(data.request_id)[:8]}).", "small")
    doc.signatures([data.vendor_name, head.name])
    return doc
