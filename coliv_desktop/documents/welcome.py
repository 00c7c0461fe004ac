"""The welcome letter sent after an application is approved (seed flow 4.2, last step)."""

from __future__ import annotations

from coliv_desktop.documents.base import Document, Letterhead, long_date
from coliv_desktop.schemas.applications import WelcomeData


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def welcome_letter(head: Letterhead, data: WelcomeData) -> Document:
    doc = Document(head, f"Welcome to {data.property_name}!", long_date(data.written_on))
    doc.paragraph(f"Dear {data.first_name},")
    doc.spacer(2)
    doc.paragraph(f"Good news: your application has been approved. You have a room at "
                  f"{data.property_name}, unit {data.unit}, room {data.room}, and we look "
                  f"forward to welcoming you on {long_date(data.move_in)}.")
    doc.spacer(2)
    until = long_date(data.lease_end) if data.lease_end else "open-ended (month to month)"
    doc.facts([
        ("Property", data.property_name),
        ("Address", data.address),
        ("Unit", data.unit),
        ("Room", data.room + (f", bed {data.bed} (shared room)" if data.shared_room else "")),
        ("Move-in date", long_date(data.move_in)),
        ("Lease until", until),
        ("Monthly rent", head.money(data.rent)),
        ("Security deposit", head.money(data.deposit)),
    ])
    doc.heading("Your roommates")
    if data.roommates:
        doc.paragraph(f"You will share the unit with {_names(data.roommates)}.")
    else:
        doc.paragraph("Nobody else lives in the unit yet: you are the first. New roommates "
                      "will be introduced as they move in.")
    doc.heading("House rules")
    rules = [line.strip() for line in data.house_rules.splitlines() if line.strip()]
    if rules:
        for rule in rules:
            doc.paragraph(f"• {rule}")
    else:
        doc.paragraph("We will go through the house rules together on your move-in day.")
    doc.heading("Next steps")
    for step in ("Sign your lease agreement (we will send it to you).",
                 f"Pay the security deposit of {head.money(data.deposit)} and the first "
                 "month's rent before you move in.",
                 "Tell us when you plan to arrive so we can hand over your keys."):
        doc.paragraph(f"• {step}")
    doc.spacer(6)
    doc.paragraph("Welcome home,")
    doc.paragraph(head.name, "heading")
    return doc
