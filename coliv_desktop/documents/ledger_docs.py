"""Receipts, statements, deposit disposition letters, reminder letters and the lease agreement."""

from __future__ import annotations

from collections.abc import Sequence
from string import Template

from coliv_desktop.documents.base import Document, Letterhead, long_date
from coliv_desktop.locations import resource
from coliv_desktop.schemas.deposits import DispositionOut
from coliv_desktop.schemas.printing import LeaseData, ReceiptData
from coliv_desktop.schemas.reminders import ReminderOut
from coliv_desktop.schemas.reports import Statement
from coliv_desktop.schemas.utilities import UtilityBillOut

METHODS = {"cash": "Cash", "check": "Check", "bank_transfer": "Bank transfer", "card": "Card",
           "other": "Other"}


def receipt(head: Letterhead, data: ReceiptData) -> Document:
    doc = Document(head, f"Receipt No. {data.receipt_number:06d}",
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
    doc.table(["For", "Due", "Amount"], rows, right=(2,), widths=(95, 40, 35),
              total=["Total received", "", head.money(data.amount)])
    doc.spacer(6)
    balance = data.balance_after
    owed = ("Balance after this payment: " + head.money(balance) if balance > 0 else
            "Nothing is owed after this payment" + (
                f" (credit {head.money(-balance)})" if balance < 0 else ""))
    doc.paragraph(owed, "heading")
    doc.paragraph(f"Thank you. Keep this receipt; its number {data.receipt_number:06d} is unique "
                  f"and is never reused by {head.name}.", "small")
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
              widths=(32, 72, 24, 24, 26),
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


def lease_agreement(head: Letterhead, data: LeaseData) -> Document:
    text = resource("templates", "lease_agreement.txt").read_text(encoding="utf-8")
    term = (f"ends on {long_date(data.lease_end)}" if data.lease_end
            else "continues month to month until either party ends it")
    values = {
        "operator": head.name, "tenant": data.tenant, "property": data.place.property_name,
        "address": data.place.address, "unit": data.place.unit, "room": data.place.room,
        "bed": str(data.place.bed), "start": long_date(data.lease_start),
        "end": long_date(data.lease_end) if data.lease_end else "open-ended", "term": term,
        "rent": head.money(data.rent), "deposit": head.money(data.deposit),
        "due_day": str(data.due_day), "late_fee": data.late_fee,
        "house_rules": data.house_rules.strip() or "(none recorded)",
    }
    doc = Document(head, "Room rental agreement",
                   f"{data.tenant} · {data.place.label}")
    doc.facts([("Resident", data.tenant), ("Email", data.tenant_email),
               *([("Phone", data.tenant_phone)] if data.tenant_phone else []),
               ("Room", data.place.label), ("Start", values["start"]),
               ("End", values["end"]), ("Monthly rent", values["rent"]),
               ("Deposit", values["deposit"])])
    _emit(doc, text, values)
    doc.signatures([f"{head.name} (Operator)", f"{data.tenant} (Resident)"])
    return doc


def _emit(doc: Document, text: str, values: dict[str, str]) -> None:
    """Template text -> headings and paragraphs; values are substituted after escaping."""
    lines = [ln for ln in text.splitlines() if not ln.startswith("#!")]
    block: list[str] = []

    def flush() -> None:
        if block:
            doc.paragraph(Template(" ".join(block)).safe_substitute(values))
            doc.spacer(1.5)
            block.clear()

    for line in lines:
        if line.startswith("# "):
            flush()
            doc.heading(line[2:].strip())
        elif not line.strip():
            flush()
        elif line.strip() == "$house_rules":
            flush()
            for rule in values["house_rules"].splitlines():
                if rule.strip():
                    doc.paragraph(f"• {rule.strip()}")
            doc.spacer(1.5)
        else:
            block.append(line.strip())
    flush()
