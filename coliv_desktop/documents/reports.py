"""Report PDFs: rent roll, aging, monthly collection, income. Tables as on screen."""

from __future__ import annotations

from coliv_desktop.documents.base import Document, Letterhead, long_date
from coliv_desktop.domain.aging import BUCKETS
from coliv_desktop.domain.wording import plural
from coliv_desktop.schemas.reports import (
    AgingReport,
    CollectionReport,
    IncomeReport,
    RentRoll,
)


def rent_roll(head: Letterhead, data: RentRoll) -> Document:
    doc = Document(head, "Rent roll", f"As of {long_date(data.as_of)}: "
                   f"{plural(len(data.rows), 'lease')}, {data.vacancy_text()}", landscape=True)
    rows = [[r.property, f"{r.unit}-{r.room}", str(r.bed), r.tenant, r.lease_start.isoformat(),
             r.lease_end.isoformat() if r.lease_end else "open", head.money(r.rent),
             head.money(r.deposit_held), head.money(r.balance)] for r in data.rows]
    doc.table(["Property", "Room", "Bed", "Tenant", "Start", "End", "Rent", "Deposit held",
               "Balance"], rows, right=(6, 7, 8), keep=(2, 4, 5),
              widths=(45, 18, 10, 50, 24, 24, 25, 27, 25),
              total=["Total", "", "", plural(len(rows), "lease"), "", "",
                     head.money(data.total_rent), "", head.money(data.total_balance)])
    doc.heading("Vacant rooms and beds")
    if data.vacancies:
        vacant = [[v.property, f"{v.unit}-{v.room}", str(v.bed) if v.shared else "",
                   "bed in a shared room" if v.shared else "private room", v.note(),
                   head.money(v.asking_rent)] for v in data.vacancies]
        doc.table(["Property", "Room", "Bed", "Kind", "Status", "Asking rent"], vacant,
                  right=(5,), keep=(2,), widths=(45, 18, 10, 40, 50, 25),
                  total=["Total", "", "", data.vacancy_text(), "", head.money(data.total_asking)])
    else:
        doc.paragraph("Every room and bed is let on this day.")
    return doc


def aging(head: Letterhead, data: AgingReport) -> Document:
    doc = Document(head, "Aging of amounts owed", f"As of {long_date(data.as_of)}",
                   landscape=True)
    rows = [[r.tenant, f"{r.property} {r.unit}-{r.room}",
             *[head.money(r.buckets[b]) for b in BUCKETS], head.money(r.total)]
            for r in data.rows]
    doc.table(["Tenant", "Room", "Current", "1-30", "31-60", "61-90", "90+", "Total"], rows,
              right=(2, 3, 4, 5, 6, 7), widths=(50, 60, 25, 25, 25, 25, 25, 25),
              total=["Total", "", *[head.money(data.totals[b]) for b in BUCKETS],
                     head.money(data.total)])
    return doc


def collection(head: Letterhead, data: CollectionReport) -> Document:
    doc = Document(head, f"Rent collection, {data.month}",
                   f"Collected {head.money(data.collected)} of {head.money(data.expected)} "
                   f"({data.collection_rate}%), outstanding {head.money(data.outstanding)}")
    rows = [[r.property, f"{r.unit}-{r.room}", r.tenant, head.money(r.due), head.money(r.paid),
             r.status.upper()] for r in data.rooms]
    doc.table(["Property", "Room", "Tenant", "Due", "Paid", "Status"], rows, right=(3, 4),
              keep=(5,), widths=(40, 18, 45, 25, 25, 22),
              total=["Total", "", "", head.money(data.expected), head.money(data.collected), ""])
    return doc


def income(head: Letterhead, data: IncomeReport) -> Document:
    doc = Document(head, "Income by property and month",
                   f"{long_date(data.start)} to {long_date(data.end)} (cash received, "
                   "deposits excluded)")
    rows = [[r.property, r.month, head.money(r.rent), head.money(r.late_fees),
             head.money(r.utilities), head.money(r.other), head.money(r.total)]
            for r in data.rows]
    doc.table(["Property", "Month", "Rent", "Late fees", "Utilities", "Other", "Total"], rows,
              right=(2, 3, 4, 5, 6), keep=(1,), widths=(45, 18, 22, 20, 22, 20, 24),
              total=["Total", "", "", "", "", "", head.money(data.total)])
    return doc
