"""The recovery sheet: a book's encryption key on paper, for the owner to keep safe."""

from __future__ import annotations

from datetime import datetime

from coliv_desktop.documents.base import Document, Letterhead


def _groups(key: str, size: int = 4) -> str:
    """The key in groups of four, easier to copy by hand (the groups' spaces are ignored
    when it is typed back)."""
    return " ".join(key[i:i + size] for i in range(0, len(key), size))


def recovery_sheet(book_id: str, key: str, book: str, made_at: datetime) -> bytes:
    doc = Document(Letterhead(name="CoLiv Desktop"), "Recovery sheet: the book's key",
                   f"Printed {made_at.astimezone():%Y-%m-%d %H:%M}")
    doc.paragraph("Tenants' ID numbers, bank details and emergency contacts' phone numbers are "
                  "stored encrypted in this book. The key that unlocks them is kept in this "
                  "computer's keychain, never in the book itself, so a copy of the book (a "
                  "backup, a lost laptop) does not reveal them. Without the key they cannot be "
                  "read: keep this sheet somewhere safe, away from the computer, and do not "
                  "share it.")
    doc.spacer()
    doc.facts([("Book", book), ("Book id", book_id)])
    doc.heading("Key")
    doc.paragraph(_groups(key), "big")
    doc.heading("On a new computer, or after the keychain was reset")
    doc.paragraph("Open a terminal and run:  coliv db recovery-key --set  and type the key "
                  "above when asked (or pass it in the COLIV_RECOVERY_KEY environment "
                  "variable). The key is checked against the book before it is kept.")
    return doc.render()
