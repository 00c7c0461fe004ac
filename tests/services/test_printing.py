"""Every PDF, read back with pypdf: amounts, Unicode names, user text printed literally."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.deposits import DispositionCreate
from coliv_desktop.schemas.ledger import PaymentCreate
from coliv_desktop.schemas.operator import OperatorProfileUpdate
from coliv_desktop.services import (
    deposits,
    leasing,
    ledger,
    operator,
    printing,
    reminders,
    rent_run,
)
from coliv_desktop.services.context import Actor
from coliv_desktop.services.settings import set_settings
from tests.builders import OWNER, flow_41, lease, tenant


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def booked(db: Database, actor: Actor) -> dict[str, object]:
    operator.update_profile(db, actor, build(OperatorProfileUpdate, company_name="Loft Living & Co",
                                             address="9 Congress Ave, Austin TX"))
    flow = flow_41(db, actor)
    zoe = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Zoë", "Ørsted-Núñez"),
                date(2025, 12, 1), rent_amount="900", deposit_amount="450")
    odd = lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "<b>Bob</b>", "Smith & Sons"),
                date(2025, 12, 1), rent_amount="750")
    rent_run.run_rent(db, actor, date(2025, 12, 31))
    paid = ledger.record_payment(db, actor, build(
        PaymentCreate, lease_id=zoe.id, amount="1350", received_on="2025-12-02",
        method="bank_transfer", reference="TX-77"))
    odd_paid = ledger.record_payment(db, actor, build(
        PaymentCreate, lease_id=odd.id, amount="500", received_on="2025-12-03", method="cash"))
    return {"zoe": zoe.id, "odd": odd.id, "paid": paid.id, "odd_paid": odd_paid.id}


def test_receipt(db: Database, booked: dict[str, object], tmp_path: Path) -> None:
    path = printing.receipt_pdf(db, OWNER, booked["paid"], tmp_path / "r.pdf")  # type: ignore[arg-type]
    text = pdf_text(path)
    for expected in ["Receipt No. 000001", "Zoë Ørsted-Núñez", "$1,350.00", "Bank transfer",
                     "TX-77", "Loft Living & Co", "Downtown Loft, unit 3B, room A",
                     "Security deposit", "Rent December 2025", "Nothing is owed"]:
        assert expected in text, expected
    odd = pdf_text(printing.receipt_pdf(db, OWNER, booked["odd_paid"], tmp_path / "o.pdf"))  # type: ignore[arg-type]
    assert "<b>Bob</b> Smith & Sons" in odd
    assert "Balance after this payment: $250.00" in odd


def test_lease_statement_and_reminder_letters(
    db: Database, actor: Actor, booked: dict[str, object], tmp_path: Path
) -> None:
    text = pdf_text(printing.lease_pdf(db, actor, booked["zoe"], tmp_path / "l.pdf"))  # type: ignore[arg-type]
    for expected in ["Room rental agreement", "Zoë Ørsted-Núñez", "$900.00", "$450.00",
                     "December 1, 2025", "No smoking", "Signatures", "(Resident)"]:
        assert expected in text, expected
    assert "$placeholders" not in text and "#!" not in text
    assert "Late fee: none" in " ".join(text.split())  # the default: no late fee
    set_settings(db, actor, {"late_fee_mode": "flat", "late_fee_flat": "50",
                             "late_fee_grace_days": 5})
    text = pdf_text(printing.lease_pdf(db, actor, booked["zoe"], tmp_path / "l2.pdf"))  # type: ignore[arg-type]
    assert ("Late fee: $50.00 if the rent is still unpaid 5 days after it is due, once per "
            "month") in " ".join(text.split())  # worded for the tenant, in their currency
    st = pdf_text(printing.statement_pdf(db, actor, booked["odd"], date(2025, 12, 1),  # type: ignore[arg-type]
                                         date(2025, 12, 31), tmp_path / "s.pdf"))
    assert "<b>Bob</b> Smith & Sons" in st and "$750.00" in st and "$250.00" in st
    reminders.refresh_outbox(db, actor, date(2025, 12, 10))
    letters = pdf_text(printing.reminder_letters_pdf(db, actor, None, tmp_path / "m.pdf"))
    assert "Dear <b>Bob</b>" in letters and "$250.00" in letters
    with pytest.raises(ValidationError):
        printing.reminder_letters_pdf(db, actor, [], tmp_path / "none.pdf")


def test_deposit_letter(db: Database, actor: Actor, booked: dict[str, object],
                        tmp_path: Path) -> None:
    zoe = booked["zoe"]
    leasing.end_lease(db, actor, zoe, date(2025, 12, 31))  # type: ignore[arg-type]
    deposits.settle_deposit(db, actor, build(
        DispositionCreate, lease_id=zoe, decided_on="2026-01-05",
        deductions=[{"reason": "Stained <carpet> & wall", "amount": "120"}],
        refund_method="check"))
    text = pdf_text(printing.deposit_letter_pdf(db, actor, zoe, tmp_path / "d.pdf"))  # type: ignore[arg-type]
    for expected in ["Security deposit statement", "Dear Zoë Ørsted-Núñez", "$450.00",
                     "Deduction: Stained <carpet> & wall", "$120.00", "$330.00", "by check"]:
        assert expected in text, expected


def test_report_files(db: Database, booked: dict[str, object], tmp_path: Path) -> None:
    csv_path = printing.rent_roll_file(db, OWNER, tmp_path / "roll.csv", date(2025, 12, 15))
    with csv_path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["tenant"]: r["balance"] for r in rows if r["occupancy"] == "let"} == {
        "Zoë Ørsted-Núñez": "0.00", "<b>Bob</b> Smith & Sons": "250.00"}
    assert "Rent roll" in pdf_text(printing.rent_roll_file(db, OWNER, tmp_path / "roll.pdf"))
    assert "$250.00" in pdf_text(printing.aging_file(db, OWNER, tmp_path / "a.pdf", date(2026, 1,
                                                                                         1)))
    assert "1,850.00" not in pdf_text(printing.collection_file(db, OWNER, "2025-12",
                                                               tmp_path / "c.pdf"))
    text = pdf_text(printing.collection_file(db, OWNER, "2025-12", tmp_path / "c2.pdf"))
    assert "$1,400.00" in text and "$1,650.00" in text
    income = printing.income_file(db, OWNER, date(2025, 12, 1), date(2025, 12, 31),
                                  tmp_path / "i.csv")
    assert "1400.00" in income.read_text()
    with pytest.raises(ValidationError):
        printing.rent_roll_file(db, OWNER, tmp_path / "roll.txt")


def test_receipt_for_rent_paid_ahead_owes_nothing_and_shows_no_credit(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    flow = flow_41(db, actor)
    ana = lease(db, actor, flow.rooms["3A-A"], tenant(db, actor, "Ana"), date(2025, 12, 1),
                rent_amount="700")
    rent_run.run_rent(db, actor, date(2026, 1, 31))
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=ana.id, amount="700",
                                           received_on="2025-12-01", method="cash"))
    ahead = ledger.record_payment(db, actor, build(PaymentCreate, lease_id=ana.id,
                                                   amount="700", received_on="2025-12-28",
                                                   method="cash"))
    data = printing.receipt_data(db, actor, ahead.id)
    assert data.balance_after == 0  # January is paid, not a credit of 700 on December 28
    text = pdf_text(printing.receipt_pdf(db, actor, ahead.id, tmp_path / "ahead.pdf"))
    assert "Nothing is owed after this payment" in text and "credit" not in text


def test_a_name_typed_like_a_formula_is_not_run_by_a_spreadsheet(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    """CSV exports are opened in spreadsheets: text from the book that starts like a formula
    is kept as text (a leading apostrophe), while negative amounts stay numbers."""
    from coliv_desktop.services.printing import csv_cell

    link = '=HYPERLINK("http://x","pay here")'
    assert csv_cell(link) == "'" + link
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("+1 512 555 0100") == "'+1 512 555 0100"
    assert csv_cell("-50.00") == "-50.00" and csv_cell("Ada") == "Ada"
    path = printing.write_csv(tmp_path / "x.csv", ["name", "amount"],
                              [["=cmd|' /C calc'!A0", "-12.50"]])
    with path.open(encoding="utf-8") as handle:
        assert list(csv.reader(handle))[1] == ["'=cmd|' /C calc'!A0", "-12.50"]
