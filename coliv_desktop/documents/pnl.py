"""The profit and loss per property and month, and the Schedule E summary (issue 15)."""

from __future__ import annotations

from coliv_desktop.documents.base import Document, Letterhead
from coliv_desktop.schemas.books import PnlMonth, PnlReport, ScheduleE

KIND_LABELS = {"rent": "Rent", "late_fee": "Late fees", "utility": "Utilities", "other": "Other",
               "credit": "Credits"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _row(head: Letterhead, label: str, m: PnlMonth) -> list[str]:
    return [label, *[head.money(m.income_by_kind[k]) for k in KIND_LABELS],
            head.money(m.income), head.money(m.expenses), head.money(m.net)]


def _month_label(month: str) -> str:
    return MONTHS[int(month[5:7]) - 1] if len(month) == 7 else month


def pnl(head: Letterhead, report: PnlReport) -> Document:
    doc = Document(head, f"Profit and loss {report.year}",
                   "Accrual basis: income is what was charged in the month it fell due, "
                   "less credits given (deposits excluded, voided entries out); expenses by "
                   "their date, voided ones out.", landscape=True)
    header = ["Month", *KIND_LABELS.values(), "Income", "Expenses", "Net"]
    right = tuple(range(1, len(header)))
    if not report.properties:
        doc.paragraph(f"Nothing was charged or spent in {report.year}.")
        return doc
    for prop in report.properties:
        doc.heading(prop.property)
        rows = [_row(head, _month_label(m.month), m) for m in prop.months]
        doc.table(header, rows, right=right, widths=(30, *([22] * (len(header) - 1))),
                  total=_row(head, f"Year {report.year}", prop.totals))
        if prop.totals.expenses_by_category:
            doc.spacer(2)
            cats = sorted(prop.totals.expenses_by_category.items(), key=lambda kv: -kv[1])
            doc.table(["Expenses by category", "Amount"],
                      [[name, head.money(amount)] for name, amount in cats],
                      right=(1,), widths=(80, 30),
                      total=["Total expenses", head.money(prop.totals.expenses)])
    if len(report.properties) > 1:
        doc.heading("All properties")
        rows = [_row(head, _month_label(m.month), m) for m in report.months]
        doc.table(header, rows, right=right, widths=(30, *([22] * (len(header) - 1))),
                  total=_row(head, f"Year {report.year}", report.totals))
    return doc


def schedule_e(head: Letterhead, data: ScheduleE) -> Document:
    doc = Document(head, f"Schedule E summary {data.year}",
                   "Supplemental income and loss (Form 1040), Part I, per property: a "
                   "worksheet for the accountant, not the form. Accrual basis; depreciation "
                   "and passive-loss limits are the accountant's.")
    if not data.properties:
        doc.paragraph(f"Nothing was charged or spent in {data.year}.")
        return doc
    for n, prop in enumerate(data.properties):
        if n:
            doc.page_break()  # a property per page, as each is a column of the form
        doc.heading(prop.property)
        if prop.address:
            doc.paragraph(prop.address, "small")
        rows = [["3", "Rents received", head.money(prop.rents_received)],
                ["4", "Royalties received", head.money(prop.royalties_received)]]
        rows += [[ln.line, ln.label, head.money(ln.amount)] for ln in prop.lines]
        rows.append(["20", "Total expenses (lines 5 to 19)", head.money(prop.total_expenses)])
        doc.table(["Line", "", "Amount"], rows, right=(2,), keep=(0,), widths=(12, 100, 30),
                  total=["21", "Income or (loss)", head.money(prop.net)])
    return doc
