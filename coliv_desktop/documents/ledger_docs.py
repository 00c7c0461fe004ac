"""Receipts, statements, deposit disposition letters, reminder letters and the lease agreement."""

from __future__ import annotations

from collections.abc import Sequence
from string import Template

from coliv_desktop.documents.base import Document, Letterhead, long_date
from coliv_desktop.domain.wording import receipt_no
from coliv_desktop.schemas.deposits import DispositionOut
from coliv_desktop.schemas.printing import LeaseData, ReceiptData
from coliv_desktop.schemas.reminders import ReminderOut
from coliv_desktop.schemas.reports import Statement
from coliv_desktop.schemas.utilities import UtilityBillOut

METHODS = {"cash": "Cash", "check": "Check", "bank_transfer": "Bank transfer", "card": "Card",
           "other": "Other"}


def receipt(head: Letterhead, data: ReceiptData) -> Document:
    doc = Document(head, f"Receipt No. {receipt_no(data.receipt_number)}",
                   f"Received on {long_date(data.received_on)}")
    if data.void_reason:
        doc.paragraph(f"VOID: this payment was voided ({data.void_reason}).", "big")
        doc.spacer()
    doc.facts([
        ("Received from", data.tenant),
        ("Room", data.place.label),
        ("Address", data.place.address),
        ("Amount", head.money(data.amount)),
        ("Method", METHODS.get(data.method, data.method)),
        *([("Reference", data.reference)] if data.reference else []),
    ])
    doc.heading("Applied to")
    rows = [[a.description, long_date(a.due_date), head.money(a.amount)]
            for a in data.allocations]
    if data.unapplied > 0:
        rows.append(["Credit on account (applied to the next charges)", "",
                     head.money(data.unapplied)])
    doc.table(["For", "Due", "Amount"], rows, right=(2,), keep=(1,), widths=(95, 40, 35),
              total=["Total received", "", head.money(data.amount)])
    doc.spacer(6)
    balance = data.balance_after
    owed = ("Balance after this payment: " + head.money(balance) if balance > 0 else
            "Nothing is owed after this payment" + (
                f" (credit {head.money(-balance)})" if balance < 0 else ""))
    doc.paragraph(owed, "heading")
    doc.paragraph(f"Thank you. Keep this receipt; its number {receipt_no(data.receipt_number)} "
                  f"is unique and is never reused by {head.name}.", "small")
    return doc


def statement(head: Letterhead, data: Statement) -> Document:
    doc = Document(head, "Statement of account",
                   f"{data.tenant} · {data.place} · {long_date(data.start)} to "
                   f"{long_date(data.end)}")
    rows = [[long_date(data.start), "Opening balance", "", "", head.money(data.opening)]]
    for line in data.lines:
        rows.append([long_date(line.day), line.description,
                     head.money(line.charge) if line.charge is not None else "",
                     head.money(line.payment) if line.payment is not None else "",
                     head.money(line.balance)])
    doc.table(["Date", "Description", "Charge", "Paid", "Balance"], rows, right=(2, 3, 4),
              keep=(0,), widths=(32, 72, 24, 24, 26),
              total=["", "Closing balance", "", "", head.money(data.closing)])
    doc.spacer()
    doc.paragraph("Voided entries are listed for completeness and do not count in the balance. "
                  "A negative balance is a credit in the resident's favour.", "small")
    return doc


def deposit_letter(head: Letterhead, data: DispositionOut) -> Document:
    doc = Document(head, "Security deposit statement", long_date(data.decided_on))
    doc.paragraph(f"Dear {data.tenant},")
    doc.spacer(2)
    doc.paragraph(f"Thank you for living at {data.place}. This letter sets out what happens to "
                  "your security deposit now that you have moved out.")
    doc.spacer(2)
    rows = [["Deposit held", head.money(data.held)]]
    for d in data.deductions:
        rows.append([f"Deduction: {d.reason}", "-" + head.money(d.amount)])
    if data.unpaid_before > 0 and data.applied > data.deductions_total:
        rows.append(["Unpaid rent and charges paid from the deposit",
                     "-" + head.money(data.applied - data.deductions_total)])
    if data.unpaid_before < 0:
        rows.append(["Credit on your account (rent and charges paid ahead)",
                     "+" + head.money(-data.unpaid_before)])
    doc.table(["", "Amount"], rows, right=(1,), widths=(120, 45),
              total=["Refund to you", head.money(data.total_refund)])
    doc.spacer(4)
    if data.total_refund > 0:
        how = f" by {METHODS.get(data.refund_method or '', 'the method we agreed')}".lower()
        doc.paragraph(f"We will refund {head.money(data.total_refund)} to you{how}.")
    if data.owed > 0:
        doc.paragraph(f"The deposit did not cover everything: {head.money(data.owed)} is still "
                      "owed. Please pay it within 30 days or contact us to agree a plan.")
    if data.note:
        doc.paragraph(data.note)
    doc.spacer(4)
    doc.paragraph("If you disagree with a deduction, please write to us within 14 days.")
    doc.signatures([head.name])
    return doc


def utility_notices(head: Letterhead, bill: UtilityBillOut,
                    lease_ids: Sequence[object] | None = None) -> Document:
    """One page per tenant: the bill, how it was split, their share and its working."""
    from coliv_desktop.domain.utilities import RULE_LABELS

    period = f"{long_date(bill.period_start)} to {long_date(bill.period_end)}"
    shares = [s for s in bill.shares if s.lease_id is not None
              and (lease_ids is None or s.lease_id in lease_ids)]
    doc = Document(head, f"Utility bill: {bill.provider}", f"{bill.place} · {period}")
    vacant = ("carried by us, the operator" if bill.vacant_to == "operator"
              else "spread over the residents")
    for i, share in enumerate(shares):
        if i:
            doc.page_break()
            doc.heading(f"Utility bill: {bill.provider}")
        doc.paragraph(f"Dear {share.tenant},")
        doc.spacer(2)
        doc.paragraph(f"The {bill.provider} bill for {period} was {head.money(bill.amount)}. "
                      f"It is split {RULE_LABELS.get(bill.rule, bill.rule)}, each share "
                      f"prorated by the days its resident lived here; vacant rooms' and days' "
                      f"shares are {vacant}.")
        doc.spacer(2)
        doc.facts([("Room", share.room), ("Your share", head.money(share.amount)),
                   *([("Due", long_date(bill.due_date))] if bill.due_date else []),
                   ("Days counted", f"{share.days}")])
        doc.heading("How your share was worked out")
        doc.paragraph(share.working)
        doc.heading("The whole bill")
        rows = [["Vacant rooms and days (operator)" if s.lease_id is None else s.room,
                 str(s.days) if s.lease_id is not None else "",
                 head.money(s.amount)] for s in bill.shares]
        doc.table(["Room", "Days", "Share"], rows, right=(1, 2), widths=(95, 30, 40),
                  total=["Total", "", head.money(bill.amount)])
    if not shares:
        doc.paragraph("Nobody's share of this bill is on a lease: the operator carries it all.")
    return doc


def reminder_letters(head: Letterhead, reminders: Sequence[ReminderOut]) -> Document:
    doc = Document(head, "Rent reminders" if len(reminders) != 1 else reminders[0].subject)
    for i, r in enumerate(reminders):
        if i:
            doc.page_break()
        if len(reminders) != 1:
            doc.heading(r.subject)
        doc.paragraph(long_date(r.due_on), "small")
        doc.spacer(2)
        for block in r.body.split("\n\n"):
            doc.paragraph(block)
            doc.spacer(2)
    return doc


FIXED_TERM, MONTH_TO_MONTH = "[fixed-term]", "[month-to-month]"


def lease_agreement(head: Letterhead, data: LeaseData, template: str) -> Document:
    """The agreement worded from `template` (see resources/templates/lease_agreement.txt):
    the lease's terms, the property's rules and the operator's business profile."""
    fixed = data.lease_end is not None
    contact = " or ".join(p for p in (head.phone, head.email) if p)
    place = data.place
    values = {
        "operator": head.name, "operator_address": " ".join(head.address.split()),
        "operator_phone": head.phone, "operator_email": head.email,
        "operator_contact": contact or "the address above",
        "tenant": data.tenant, "property": place.property_name, "address": place.address,
        "jurisdiction": data.jurisdiction or place.address, "unit": place.unit,
        "room": place.room, "bed": str(place.bed),
        "space": (f"bed {place.bed} in shared room {place.room}" if data.shared_room
                  else f"room {place.room}"),
        "start": long_date(data.lease_start),
        "end": long_date(data.lease_end) if data.lease_end else "no fixed end date",
        "rent": head.money(data.rent), "deposit": head.money(data.deposit),
        "due_day": str(data.due_day), "late_fee": data.late_fee,
        "house_rules": data.house_rules.strip() or "(none recorded)",
    }
    doc = Document(head, "Room rental agreement", f"{data.tenant} · {place.label}")
    doc.facts([("Resident", data.tenant), ("Email", data.tenant_email),
               *([("Phone", data.tenant_phone)] if data.tenant_phone else []),
               ("Room", place.label + (f", bed {place.bed}" if data.shared_room else "")),
               ("Start", values["start"]),
               ("Term", f"Fixed term, ends {values['end']}" if fixed
                else "Month to month (no fixed end date)"),
               ("Monthly rent", values["rent"]), ("Deposit", values["deposit"])])
    _emit(doc, template, values, fixed)
    doc.signatures([f"{head.name} (Operator)", f"{data.tenant} (Resident)"])
    return doc


def _sections(text: str, fixed: bool) -> list[tuple[str | None, list[str]]]:
    """The template as (heading, paragraphs), keeping the paragraphs meant for this kind of
    lease (and dropping the markers); notes left out."""
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    block: list[str] = []

    def flush() -> None:
        if not block:
            return
        paragraph = " ".join(block)
        block.clear()
        for marker, wanted in ((FIXED_TERM, fixed), (MONTH_TO_MONTH, not fixed)):
            if paragraph.startswith(marker):
                if not wanted:
                    return
                paragraph = paragraph[len(marker):].strip()
        sections[-1][1].append(paragraph)

    for line in text.splitlines():
        if line.startswith("#!"):
            continue
        if line.startswith("# "):
            flush()
            sections.append((line[2:].strip(), []))
        elif not line.strip():
            flush()
        elif line.strip() == "$house_rules":
            flush()
            sections[-1][1].append("$house_rules")
        else:
            block.append(line.strip())
    flush()
    return sections


def _emit(doc: Document, text: str, values: dict[str, str], fixed: bool) -> None:
    """Template text -> headings and paragraphs; values are substituted after escaping. A
    heading whose paragraphs are all for the other kind of lease is left out."""
    for heading, paragraphs in _sections(text, fixed):
        if not paragraphs:
            continue
        if heading:
            doc.heading(Template(heading).safe_substitute(values))
        for paragraph in paragraphs:
            if paragraph == "$house_rules":
                for rule in values["house_rules"].splitlines():
                    if rule.strip():
                        doc.paragraph(f"• {rule.strip()}")
            else:
                doc.paragraph(Template(paragraph).safe_substitute(values))
            doc.spacer(1.5)
