"""Documents an operator hands over (issue 10 item 10), read back with pypdf: the rent roll's
vacancies and counts, one receipt number format, statement dates on one line, the business
profile warning, the lease agreement worded by its terms from an editable template, headings
kept with their text, and any length of text laid out without a LayoutError."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from coliv_desktop import config
from coliv_desktop.db.engine import Database
from coliv_desktop.documents import ledger_docs
from coliv_desktop.documents import reports as report_docs
from coliv_desktop.documents.base import UNNAMED, Document, Letterhead
from coliv_desktop.documents.welcome import welcome_letter
from coliv_desktop.domain import limits
from coliv_desktop.domain.errors import FileProblem
from coliv_desktop.domain.wording import plural, receipt_no
from coliv_desktop.locations import resource
from coliv_desktop.schemas import build
from coliv_desktop.schemas.applications import WelcomeData
from coliv_desktop.schemas.deposits import DeductionOut, DispositionOut
from coliv_desktop.schemas.ledger import AllocationOut, PaymentCreate
from coliv_desktop.schemas.operator import OperatorProfileUpdate
from coliv_desktop.schemas.printing import LeaseData, Place, ReceiptData
from coliv_desktop.schemas.reminders import ReminderOut
from coliv_desktop.schemas.reports import (
    AgingReport,
    AgingRow,
    CollectionReport,
    CollectionRow,
    IncomeReport,
    IncomeRow,
    RentRoll,
    RentRollRow,
    Statement,
    StatementLine,
    VacancyRow,
)
from coliv_desktop.schemas.utilities import ShareOut, UtilityBillOut
from coliv_desktop.services import ledger, operator, printing, rent_run, reports
from coliv_desktop.services.context import Actor
from tests.builders import OWNER, flow_41, lease, tenant

HEADINGS = ("Parties", "The room", "Term", "Rent", "Security deposit", "Utilities",
            "Entry to the room", "Guests", "House rules", "Ending the agreement",
            "Governing law", "Signatures")


def pdf_pages(path: Path | bytes) -> list[str]:
    import io

    source = io.BytesIO(path) if isinstance(path, bytes) else path
    return [page.extract_text() for page in PdfReader(source).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_plural_and_receipt_number() -> None:
    assert [plural(n, "lease") for n in (0, 1, 2)] == ["0 leases", "1 lease", "2 leases"]
    assert plural(1, "person", "people") == "1 person" and plural(3, "person", "people") == (
        "3 people")
    assert receipt_no(1) == "000001" and receipt_no(1234567) == "1234567"


@pytest.fixture
def one_lease(db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Downtown Loft (3A: three rooms, 3B: four) with one lease and one payment."""
    monkeypatch.setenv("COLIV_TODAY", "2025-12-10")
    flow = flow_41(db, actor)
    held = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Ana"), date(2025, 12, 1),
                 date(2026, 5, 31), rent_amount="900", deposit_amount="0")
    rent_run.run_rent(db, actor, date(2025, 12, 31))
    paid = ledger.record_payment(db, actor, build(
        PaymentCreate, lease_id=held.id, amount="900", received_on="2025-12-02",
        method="bank_transfer"))
    return {"flow": flow, "lease": held.id, "payment": paid.id}


def test_rent_roll_lists_vacancies_with_asking_rent_and_counts_right(
        db: Database, one_lease: dict[str, object], tmp_path: Path) -> None:
    roll = reports.rent_roll(db, OWNER, date(2025, 12, 10))
    assert len(roll.rows) == 1
    assert [(v.unit, v.room, v.asking_rent) for v in roll.vacancies] == [
        ("3A", "A", Decimal("700.00")), ("3A", "B", Decimal("700.00")),
        ("3A", "C", Decimal("700.00")), ("3B", "B", Decimal("750.00")),
        ("3B", "C", Decimal("800.00")), ("3B", "D", Decimal("800.00"))]
    assert roll.total_asking == Decimal("4450.00")
    text = flat("\n".join(pdf_pages(printing.rent_roll_file(db, OWNER, tmp_path / "r.pdf",
                                                            date(2025, 12, 10)))))
    assert "1 lease" in text and "1 leases" not in text
    assert "Vacant rooms and beds" in text and "6 vacant rooms" in text
    assert "3B-D private room available $800.00" in text and "$4,450.00" in text


def test_receipt_and_statement_name_the_receipt_alike(
        db: Database, one_lease: dict[str, object], tmp_path: Path) -> None:
    receipt = flat(pdf_pages(printing.receipt_pdf(db, OWNER, one_lease["payment"],  # type: ignore[arg-type]
                                                  tmp_path / "r.pdf"))[0])
    statement = flat("\n".join(pdf_pages(printing.statement_pdf(
        db, OWNER, one_lease["lease"], date(2025, 12, 1), date(2025, 12, 31),  # type: ignore[arg-type]
        tmp_path / "s.pdf"))))
    assert "Receipt No. 000001" in receipt
    assert "receipt No. 000001" in statement and "receipt 1 " not in statement


def _statement(days: list[date]) -> Statement:
    lines = [StatementLine(day=d, description="Payment, bank transfer, receipt No. 000123",
                           charge=None, payment=Decimal("1234.56"), balance=Decimal("-1234.56"))
             for d in days]
    return Statement(lease_id="00000000-0000-0000-0000-000000000001", tenant="Ana Tester",
                     place="Downtown Loft, 3B-A", start=days[0], end=days[-1],
                     opening=Decimal("0.00"), lines=lines, closing=Decimal("-1234.56"))


@pytest.mark.parametrize("locale", ["en_US", "de_DE"])
def test_statement_dates_stay_on_one_line(locale: str) -> None:
    days = [date(2025, 9, 30), date(2025, 11, 29), date(2025, 12, 31)]
    head = Letterhead(name="Loft Living", currency="EUR" if locale == "de_DE" else "USD",
                      locale=locale)
    lines = pdf_pages(ledger_docs.statement(head, _statement(days)).render())[0].splitlines()
    for day in ("September 30, 2025", "November 29, 2025", "December 31, 2025"):
        assert any(line.startswith(day) for line in lines), day  # never "September 30," alone


def test_unset_business_profile_is_told_and_still_prints(
        db: Database, actor: Actor, one_lease: dict[str, object], tmp_path: Path) -> None:
    assert not printing.profile_is_set(db, actor)
    text = pdf_pages(printing.lease_pdf(db, actor, one_lease["lease"], tmp_path / "l.pdf"))  # type: ignore[arg-type]
    assert UNNAMED in text[0]
    operator.update_profile(db, actor, build(
        OperatorProfileUpdate, company_name="Loft Living", address="9 Congress Ave",
        phone="512-555-0100", email="hello@loft.example"))
    assert printing.profile_is_set(db, actor)
    text = pdf_pages(printing.lease_pdf(db, actor, one_lease["lease"], tmp_path / "l2.pdf"))  # type: ignore[arg-type]
    assert UNNAMED not in text[0] and "Loft Living" in text[0]


def test_lease_agreement_follows_its_terms_and_the_profile(
        db: Database, actor: Actor, one_lease: dict[str, object], tmp_path: Path) -> None:
    operator.update_profile(db, actor, build(
        OperatorProfileUpdate, company_name="Loft Living", address="9 Congress Ave",
        phone="512-555-0100", email="hello@loft.example"))
    fixed = flat("\n".join(pdf_pages(printing.lease_pdf(
        db, actor, one_lease["lease"], tmp_path / "fixed.pdf"))))  # type: ignore[arg-type]
    for heading in HEADINGS:
        assert heading in fixed, heading
    assert "fixed-term agreement. It starts on December 1, 2025 and ends on May 31, 2026" in fixed
    assert "month to month" not in fixed.lower() and "30 days' written notice" not in fixed
    assert "The agreement ends on May 31, 2026" in fixed
    assert "512-555-0100 or hello@loft.example" in fixed  # entry: how to reach the operator
    assert "(Austin, TX)" in fixed  # governing law: where the room is
    assert "[fixed-term]" not in fixed and "$" + "space" not in fixed

    flow = one_lease["flow"]
    open_ended = lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "Bo"),  # type: ignore[attr-defined]
                       date(2025, 12, 1), rent_amount="750")
    text = flat("\n".join(pdf_pages(printing.lease_pdf(db, actor, open_ended.id,
                                                       tmp_path / "open.pdf"))))
    assert "continues from month to month" in text and "30 days' written notice" in text
    assert "fixed-term" not in text and "Month to month (no fixed end date)" in text


def test_the_operators_own_template_wins(
        db: Database, one_lease: dict[str, object], tmp_path: Path) -> None:
    own = config.data_dir() / "templates" / "lease_agreement.txt"
    assert printing.lease_template_path() == resource("templates", "lease_agreement.txt")
    own.parent.mkdir(parents=True)
    own.write_text("#! mine\n# Our house\nWelcome, $tenant, to $property.\n\n"
                   "[month-to-month] Never shown on a fixed term.\n", encoding="utf-8")
    assert printing.lease_template_path() == own
    text = flat("\n".join(pdf_pages(printing.lease_pdf(db, OWNER, one_lease["lease"],  # type: ignore[arg-type]
                                                       tmp_path / "own.pdf"))))
    assert "Our house Welcome, Ana Tester, to Downtown Loft." in text
    assert "Never shown" not in text and "Security deposit" not in text
    own.write_bytes(b"\xff\xfe not text")
    with pytest.raises(FileProblem, match="lease_agreement.txt: cannot read the lease template"):
        printing.lease_pdf(db, OWNER, one_lease["lease"], tmp_path / "bad.pdf")  # type: ignore[arg-type]


def _lease(house_rules: str, end: date | None = date(2026, 5, 31), name: str = "Ana Tester",
           prop: str = "Downtown Loft") -> LeaseData:
    place = Place(property_name=prop, address="123 Main St, Austin, TX 78701", unit="3B",
                  room="A", bed=1)
    return LeaseData(lease_id="00000000-0000-0000-0000-000000000001", tenant=name,
                     tenant_email="ana@example.com", tenant_phone=None, place=place,
                     lease_start=date(2025, 12, 1), lease_end=end, rent=Decimal("900.00"),
                     deposit=Decimal("900.00"), due_day=1, house_rules=house_rules,
                     late_fee="none", jurisdiction="Austin, TX")


def test_no_page_ends_with_a_heading() -> None:
    """House rules of every length push each heading past the foot of a page in turn."""
    head = Letterhead(name="Loft Living", phone="512-555-0100")
    template = resource("templates", "lease_agreement.txt").read_text(encoding="utf-8")
    for rules in range(0, 48, 2):
        for end in (date(2026, 5, 31), None):
            text = "\n".join(f"Rule number {i}" for i in range(rules))
            pages = pdf_pages(ledger_docs.lease_agreement(head, _lease(text, end),
                                                          template).render())
            for page in pages[:-1]:
                last = page.rstrip().splitlines()[-1].strip()
                assert last not in HEADINGS, (rules, end, last)


def _long(letter: str, n: int, spaces: bool) -> str:
    """`n` characters of one capital `letter`, as one word or as words of five."""
    return ((letter + "ello ") * (n // 6)).strip() if spaces else letter * n


@pytest.mark.parametrize("spaces", [False, True])
def test_long_text_wraps_in_every_document(spaces: bool) -> None:
    """Names of a thousand characters and notes of five thousand, with no space to break at
    or with spaces: every document lays out (no LayoutError), and no text is lost."""
    name, note = _long("N", 1000, spaces), _long("W", 5000, spaces)
    head = Letterhead(name=name, address=note, phone=name, email=name)
    place = Place(property_name=name, address=note, unit=name[:20], room=name[:10], bed=1)
    receipt = ReceiptData(
        payment_id="00000000-0000-0000-0000-000000000002", receipt_number=1,
        received_on=date(2025, 12, 2), tenant=name, place=place, amount=Decimal("900.00"),
        method="cash", reference=name, allocations=[AllocationOut(
            charge_id="00000000-0000-0000-0000-000000000003", description=note,
            due_date=date(2025, 12, 1), outstanding_before=Decimal("900.00"),
            amount=Decimal("900.00"))],
        unapplied=Decimal("0.00"), balance_after=Decimal("0.00"), void_reason=note)
    statement = _statement([date(2025, 12, 1)])
    statement = statement.model_copy(update={"tenant": name, "place": note, "lines": [
        statement.lines[0].model_copy(update={"description": note})]})
    roll = RentRoll(as_of=date(2025, 12, 10), rows=[RentRollRow(
        lease_id="00000000-0000-0000-0000-000000000001", property=name, unit=name[:20],
        room=name[:10], bed=1, tenant=name, lease_start=date(2025, 12, 1), lease_end=None,
        rent=Decimal("900.00"), deposit=Decimal("0.00"), deposit_held=Decimal("0.00"),
        balance=Decimal("0.00"))], total_rent=Decimal("900.00"), total_balance=Decimal("0"),
        vacancies=[VacancyRow(room_id="00000000-0000-0000-0000-000000000004", property=name,
                              unit=name[:20], room=name[:10], bed=1, shared=False,
                              asking_rent=Decimal("700.00"), status="available",
                              available_date=None)])
    aging = AgingReport(as_of=date(2025, 12, 10), rows=[AgingRow(
        lease_id="00000000-0000-0000-0000-000000000001", tenant=name, property=name,
        unit=name[:20], room=name[:10], buckets=dict.fromkeys(
            ("current", "1-30", "31-60", "61-90", "90+"), Decimal("1.00")),
        total=Decimal("5.00"), past_due=Decimal("4.00"))], totals=dict.fromkeys(
        ("current", "1-30", "31-60", "61-90", "90+"), Decimal("1.00")), total=Decimal("5.00"))
    collection = CollectionReport(month="2025-12", expected=Decimal("1"), collected=Decimal("1"),
                                  outstanding=Decimal("0"), collection_rate=Decimal("100.0"),
                                  rooms=[CollectionRow(
                                      lease_id="00000000-0000-0000-0000-000000000001",
                                      property=name, unit=name[:20], room=name[:10],
                                      tenant=name, due=Decimal("1"), paid=Decimal("1"),
                                      past_due=Decimal("0"), status="paid")])
    income = IncomeReport(start=date(2025, 1, 1), end=date(2025, 12, 31), rows=[IncomeRow(
        property=name, month="2025-12", rent=Decimal("1"), late_fees=Decimal("0"),
        utilities=Decimal("0"), other=Decimal("0"), total=Decimal("1"))], total=Decimal("1"))
    uid = "00000000-0000-0000-0000-000000000009"
    welcome = WelcomeData(
        application_id=uid, first_name=name, full_name=name, property_name=name, address=note,
        unit=name[:20], room=name[:10], bed=1, shared_room=False, move_in=date(2025, 12, 1),
        lease_end=None, rent=Decimal("900"), deposit=Decimal("900"), house_rules=note,
        roommates=[name, name], written_on=date(2025, 11, 20))
    letter = DispositionOut(
        id=None, lease_id=uid, tenant=name, place=note, decided_on=date(2026, 1, 5),
        required=Decimal("900"), held=Decimal("900"),
        deductions=[DeductionOut(reason=note, amount=Decimal("100"))],
        deductions_total=Decimal("100"), unpaid_before=Decimal("0"), applied=Decimal("100"),
        refund=Decimal("800"), owed=Decimal("0"), refund_method="check", note=note)
    bill = UtilityBillOut(
        id=None, place=note, due_date=date(2026, 1, 15), provider=name,
        period_start=date(2025, 12, 1), period_end=date(2025, 12, 31), amount=Decimal("100"),
        rule="equal", vacant_to="operator", shares=[ShareOut(
            lease_id=uid, tenant=name, room=name, amount=Decimal("100"), days=31,
            working=note)])
    reminder = ReminderOut(id=uid, charge_id=uid, lease_id=uid, tenant_id=uid, tenant=name,
                           kind="overdue", due_on=date(2026, 1, 2), amount=Decimal("1"),
                           subject=name, body=f"Dear {name},\n\n{note}", status="pending")
    template = resource("templates", "lease_agreement.txt").read_text(encoding="utf-8")
    documents: list[Document] = [
        ledger_docs.receipt(head, receipt), ledger_docs.statement(head, statement),
        ledger_docs.lease_agreement(head, _lease(note, None, name, name), template),
        report_docs.rent_roll(head, roll), report_docs.aging(head, aging),
        report_docs.collection(head, collection), report_docs.income(head, income),
        welcome_letter(head, welcome), ledger_docs.deposit_letter(head, letter),
        ledger_docs.utility_notices(head, bill), ledger_docs.reminder_letters(
            head, [reminder, reminder.model_copy(update={"id": uuid.uuid4()})])]
    for doc in documents:
        text = "".join(pdf_pages(doc.render()))
        # the name or the note printed whole (cells split across lines and pages)
        assert text.count("N") >= name.count("N") or text.count("W") >= note.count("W"), (
            doc.title)


def test_long_unbroken_names_print_through_the_services(
        db: Database, actor: Actor, one_lease: dict[str, object], tmp_path: Path) -> None:
    """The longest property and business names the schemas allow (no space), with the longest
    business address, through lease-pdf and receipt: both print, on both engines."""
    from coliv_desktop.schemas.portfolio import PropertyUpdate
    from coliv_desktop.services import portfolio

    long_name = "P" * limits.NAME
    flow = one_lease["flow"]
    current = portfolio.get_property(db, actor, flow.property_id)  # type: ignore[attr-defined]
    portfolio.update_property(db, actor, flow.property_id, build(  # type: ignore[attr-defined]
        PropertyUpdate, name=long_name, expected_version=current.version))
    operator.update_profile(db, actor, build(OperatorProfileUpdate, company_name="B" * limits.NAME,
                                             address="A" * limits.ADDRESS))
    for path in (printing.lease_pdf(db, actor, one_lease["lease"], tmp_path / "l.pdf"),  # type: ignore[arg-type]
                 printing.receipt_pdf(db, actor, one_lease["payment"], tmp_path / "r.pdf")):  # type: ignore[arg-type]
        assert long_name in "".join(p.replace("\n", "") for p in pdf_pages(path))
