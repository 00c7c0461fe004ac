"""Gather what a document needs and render it: receipts, leases, statements, letters, reports.

PDFs are written atomically (a temporary file, then a rename). CSV files use the machine form
of money ("3250.00") so a spreadsheet reads them as numbers.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from coliv_desktop import config
from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Charge, Lease, Payment, Property, Room, Tenant, Unit
from coliv_desktop.documents import ledger_docs
from coliv_desktop.documents import reports as report_docs
from coliv_desktop.documents.base import UNNAMED as UNNAMED  # the stand-in letterhead
from coliv_desktop.documents.base import Document, Letterhead
from coliv_desktop.domain.aging import BUCKETS
from coliv_desktop.domain.errors import FileProblem, NotFoundError, ValidationError
from coliv_desktop.domain.late_fees import tenant_wording
from coliv_desktop.domain.money import format_money, money_str
from coliv_desktop.domain.wording import receipt_no
from coliv_desktop.files import write_atomically
from coliv_desktop.locations import resource
from coliv_desktop.schemas.ledger import PaymentOut
from coliv_desktop.schemas.printing import LeaseData, Place, ReceiptData
from coliv_desktop.services import deposits, ledger, reminders, reports, utilities
from coliv_desktop.services.context import Actor, reading
from coliv_desktop.services.late_fees import effective_rule
from coliv_desktop.services.ledger_sql import (
    cents,
    charge_live,
    lease_chain,
    money,
    payment_live,
)
from coliv_desktop.services.operator import PLACEHOLDER, get_profile
from coliv_desktop.services.portfolio import get_row
from coliv_desktop.services.settings import get_settings

LEASE_TEMPLATE = "lease_agreement.txt"


def letterhead(db: Database, actor: Actor) -> Letterhead:
    """The operator's business profile and document settings, as every document prints them."""
    profile = get_profile(db, actor)
    if profile.company_name == PLACEHOLDER:  # never filled in: print no made-up name
        profile = profile.model_copy(update={"company_name": ""})
    return Letterhead.from_profile(profile, get_settings(db, actor))


def profile_is_set(db: Database, actor: Actor) -> bool:
    """Whether the business profile has a name of its own (else documents print a stand-in
    letterhead: the GUI asks before the first document, the CLI warns)."""
    name = get_profile(db, actor).company_name.strip()
    return bool(name) and name != PLACEHOLDER


UNNAMED_WARNING = (f"the business profile has no name yet, so the letterhead reads "
                   f"“{UNNAMED}”; fill in the profile in File ▸ Settings…")


def lease_template_path() -> Path:
    """The operator's own copy in the data folder when there is one, else the bundled text."""
    own = config.data_dir() / "templates" / LEASE_TEMPLATE
    return own if own.is_file() else resource("templates", LEASE_TEMPLATE)


def lease_template() -> str:
    path = lease_template_path()
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else (
            "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else str(exc))
        raise FileProblem(path, f"cannot read the lease template ({reason})") from None


def _place(s: Session, lease: Lease) -> tuple[Place, Property, Tenant]:
    room = get_row(s, Room, lease.room_id, "room")
    unit = get_row(s, Unit, room.unit_id, "unit")
    prop = get_row(s, Property, unit.property_id, "property")
    tenant = get_row(s, Tenant, lease.tenant_id, "tenant")
    address = ", ".join(p for p in (prop.address, prop.city, f"{prop.state} {prop.zip}") if p)
    return (Place(property_name=prop.name, address=address, unit=unit.unit_number,
                  room=room.room_number, bed=lease.bed), prop, tenant)


def _receipt_data(s: Session, payment: Payment, out: PaymentOut) -> ReceiptData:
    if out.kind != "payment" or out.receipt_number is None:
        raise ValidationError("payment_id", "only payments have receipts (this is a credit)")
    lease = get_row(s, Lease, payment.lease_id, "lease")
    place, _prop, tenant = _place(s, lease)
    after = balance_after(s, lease_chain(s, lease.id), payment, out)
    return ReceiptData(
        payment_id=out.id, receipt_number=out.receipt_number, received_on=out.received_on,
        tenant=f"{tenant.first_name} {tenant.last_name}", place=place, amount=out.amount,
        method=out.method or "other", reference=out.reference, allocations=out.allocations,
        unapplied=out.unapplied, balance_after=after, void_reason=out.void_reason)


def balance_after(s: Session, chain: Sequence[uuid.UUID], payment: Payment,
                  out: PaymentOut) -> Decimal:
    """What the tenant owes just after this payment: the charges due by then (or by the due
    date of what it paid, when it paid ahead) less the money received up to and including it."""
    until = max([payment.received_on, *(a.due_date for a in out.allocations)])
    charged = s.scalar(select(func.coalesce(func.sum(cents(Charge.amount)), 0)).where(
        Charge.lease_id.in_(chain), charge_live(), Charge.due_date <= until))
    earlier = or_(Payment.received_on < payment.received_on,
                  and_(Payment.received_on == payment.received_on,
                       Payment.created_at <= payment.created_at))
    received = s.scalar(select(func.coalesce(func.sum(cents(Payment.amount)), 0)).where(
        Payment.lease_id.in_(chain), payment_live(), earlier))
    return money(charged) - money(received)


def receipts_data(db: Database, actor: Actor,
                  payment_ids: Sequence[uuid.UUID]) -> list[ReceiptData]:
    """Everything the receipts need, read in one transaction (payments and allocations in one
    query each; rooms, units and properties come from the session's identity map)."""
    with reading(db, actor, "ledger.read") as s:
        payments = {p.id: p for p in s.scalars(select(Payment).where(Payment.id.in_(payment_ids)))}
        missing = [pid for pid in payment_ids if pid not in payments]
        if missing:
            raise NotFoundError("payment", missing[0])
        ordered = [payments[pid] for pid in payment_ids]
        outs = ledger.payment_outs(s, ordered)
        return [_receipt_data(s, p, o) for p, o in zip(ordered, outs, strict=True)]


def receipt_data(db: Database, actor: Actor, payment_id: uuid.UUID) -> ReceiptData:
    return receipts_data(db, actor, [payment_id])[0]


def receipt_pdf(db: Database, actor: Actor, payment_id: uuid.UUID, out: Path | str) -> Path:
    return ledger_docs.receipt(letterhead(db, actor), receipt_data(db, actor, payment_id)).save(out)


def receipts_pdfs(db: Database, actor: Actor, payment_ids: Sequence[uuid.UUID], folder: Path,
                  chunk: int = 200) -> list[Path]:
    head = letterhead(db, actor)
    paths = []
    for start in range(0, len(payment_ids), chunk):
        for data in receipts_data(db, actor, payment_ids[start:start + chunk]):
            paths.append(ledger_docs.receipt(head, data).save(
                folder / f"receipt-{receipt_no(data.receipt_number)}.pdf"))
    return paths


def lease_data(db: Database, actor: Actor, lease_id: uuid.UUID) -> LeaseData:
    settings = get_settings(db, actor)
    with reading(db, actor, "documents.read") as s:
        lease = get_row(s, Lease, lease_id, "lease")
        place, prop, tenant = _place(s, lease)
        shared = get_row(s, Room, lease.room_id, "room").room_type == "shared"
    rule = effective_rule(db, actor, prop.id)
    return LeaseData(
        shared_room=shared, jurisdiction=", ".join(p for p in (prop.city, prop.state) if p),
        lease_id=lease.id, tenant=f"{tenant.first_name} {tenant.last_name}",
        tenant_email=tenant.email, tenant_phone=tenant.phone, place=place,
        lease_start=lease.lease_start, lease_end=lease.lease_end, rent=lease.rent_amount,
        deposit=lease.deposit_amount, due_day=int(settings["rent_due_day"]),
        house_rules=prop.house_rules or "", late_fee=tenant_wording(
            rule.mode, rule.grace_days, rule.flat_amount, rule.percent, rule.cap,
            lambda amount: format_money(amount, str(settings["currency"]),
                                        str(settings["locale"]))))


def lease_pdf(db: Database, actor: Actor, lease_id: uuid.UUID, out: Path | str) -> Path:
    return ledger_docs.lease_agreement(letterhead(db, actor), lease_data(db, actor, lease_id),
                                       lease_template()).save(out)


def statement_pdf(db: Database, actor: Actor, lease_id: uuid.UUID, start: date, end: date,
                  out: Path | str) -> Path:
    data = reports.statement(db, actor, lease_id, start, end)
    return ledger_docs.statement(letterhead(db, actor), data).save(out)


def deposit_letter_pdf(db: Database, actor: Actor, lease_id: uuid.UUID, out: Path | str) -> Path:
    data = deposits.get_disposition(db, actor, lease_id)
    if data is None:
        raise NotFoundError("deposit disposition for lease", lease_id)
    return ledger_docs.deposit_letter(letterhead(db, actor), data).save(out)


def utility_notices_pdf(db: Database, actor: Actor, bill_id: uuid.UUID, out: Path | str,
                        lease_ids: Sequence[uuid.UUID] | None = None) -> Path:
    """Each tenant's notice of their share of a utility bill, with the working."""
    bill = utilities.get_bill(db, actor, bill_id)
    return ledger_docs.utility_notices(letterhead(db, actor), bill, lease_ids).save(out)


def reminder_letters_pdf(db: Database, actor: Actor, reminder_ids: Sequence[uuid.UUID] | None,
                         out: Path | str) -> Path:
    pending = reminders.list_outbox(db, actor, None if reminder_ids else "pending")
    chosen = [r for r in pending if reminder_ids is None or r.id in set(reminder_ids)]
    if not chosen:
        raise ValidationError("reminders", "there are no reminders to print")
    return ledger_docs.reminder_letters(letterhead(db, actor), chosen).save(out)


# --- reports: PDF and CSV ----------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A cell a spreadsheet will not run: text typed into the book (a tenant's name, a
    description) that starts like a formula ("=HYPERLINK(...)", "@SUM") is prefixed with an
    apostrophe, as spreadsheets show it; numbers ("-50.00") stay numbers."""
    if text.startswith(_FORMULA_START):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return write_atomically(path, buffer.getvalue())


def _pdf_or_csv(out: Path | str, document: Document, header: list[str],
                rows: list[list[str]]) -> Path:
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return document.save(path)
    if suffix == ".csv":
        return write_csv(path, header, rows)
    raise ValidationError("out", "the file name must end in .pdf or .csv")


def rent_roll_file(db: Database, actor: Actor, out: Path | str, as_of: date | None = None) -> Path:
    """The leases, then every vacant room or bed with its asking rent (in `rent`)."""
    data = reports.rent_roll(db, actor, as_of)
    rows = [[r.property, r.unit, r.room, str(r.bed), r.tenant, r.lease_start.isoformat(),
             r.lease_end.isoformat() if r.lease_end else "", money_str(r.rent),
             money_str(r.deposit), money_str(r.deposit_held), money_str(r.balance),
             str(r.lease_id), "let"] for r in data.rows]
    rows += [[v.property, v.unit, v.room, str(v.bed), "", "", "", money_str(v.asking_rent), "",
              "", "", "", "vacant" + (" (maintenance)" if v.status == "maintenance" else "")]
             for v in data.vacancies]
    header = ["property", "unit", "room", "bed", "tenant", "lease_start", "lease_end", "rent",
              "deposit", "deposit_held", "balance", "lease_id", "occupancy"]
    return _pdf_or_csv(out, report_docs.rent_roll(letterhead(db, actor), data), header, rows)


def aging_file(db: Database, actor: Actor, out: Path | str, as_of: date | None = None) -> Path:
    data = reports.aging_report(db, actor, as_of)
    rows = [[r.tenant, r.property, r.unit, r.room, *[money_str(r.buckets[b]) for b in BUCKETS],
             money_str(r.total), str(r.lease_id)] for r in data.rows]
    header = ["tenant", "property", "unit", "room", *BUCKETS, "total", "lease_id"]
    return _pdf_or_csv(out, report_docs.aging(letterhead(db, actor), data), header, rows)


def collection_file(db: Database, actor: Actor, month: str, out: Path | str) -> Path:
    data = reports.collection(db, actor, month)
    rows = [[r.property, r.unit, r.room, r.tenant, money_str(r.due), money_str(r.paid),
             r.status] for r in data.rooms]
    header = ["property", "unit", "room", "tenant", "due", "paid", "status"]
    return _pdf_or_csv(out, report_docs.collection(letterhead(db, actor), data), header, rows)


def income_file(db: Database, actor: Actor, start: date, end: date, out: Path | str) -> Path:
    data = reports.income(db, actor, start, end)
    rows = [[r.property, r.month, money_str(r.rent), money_str(r.late_fees),
             money_str(r.utilities), money_str(r.other), money_str(r.total)] for r in data.rows]
    header = ["property", "month", "rent", "late_fees", "utilities", "other", "total"]
    return _pdf_or_csv(out, report_docs.income(letterhead(db, actor), data), header, rows)


def statement_file(db: Database, actor: Actor, lease_id: uuid.UUID, start: date, end: date,
                   out: Path | str) -> Path:
    data = reports.statement(db, actor, lease_id, start, end)
    rows = [[data.start.isoformat(), "Opening balance", "", "", money_str(data.opening)]]
    rows += [[ln.day.isoformat(), ln.description,
              money_str(ln.charge) if ln.charge is not None else "",
              money_str(ln.payment) if ln.payment is not None else "",
              money_str(ln.balance)] for ln in data.lines]
    return _pdf_or_csv(out, ledger_docs.statement(letterhead(db, actor), data),
                       ["date", "description", "charge", "payment", "balance"], rows)


