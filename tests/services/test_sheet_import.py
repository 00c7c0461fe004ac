"""Spreadsheets in (issue 15 item 5), on both engines: the operator's story to the cent, every
problem with its row and column and nothing written, the choices asked never guessed, saved
mappings, cancel, and the export in the same columns reading back the same values."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, make_url, select

from coliv_desktop.db import models as m
from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import PermissionDeniedError, ValidationError
from coliv_desktop.services import ledger, portability, rent_run, sheet_export
from coliv_desktop.services.context import Actor, local_actor
from coliv_desktop.services.sheet_import import (
    ImportResult,
    SheetOptions,
    import_sheet,
    list_mappings,
    mapping_options,
    save_mapping,
)
from tests.services import sheet_story

MDY = SheetOptions(date_order="mdy")


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", sheet_story.TODAY)


def ok(db: Database, actor: Actor, kind: str, path: Path,
       options: SheetOptions | None = None) -> ImportResult:
    result = import_sheet(db, actor, kind, path, options)
    assert result.problems == [], result.problems
    assert result.written
    return result


def load_story(db: Database, actor: Actor, folder: Path) -> dict[str, ImportResult]:
    files = sheet_story.write_story(folder)
    done = {kind: ok(db, actor, kind, files[kind]) for kind in ("rooms", "tenants", "leases")}
    rent_run.run_rent(db, actor, date.fromisoformat(sheet_story.TODAY))
    done["payments"] = ok(db, actor, "payments", files["payments"], MDY)
    return done


def balances_by_email(db: Database, actor: Actor) -> dict[str, Decimal]:
    with db.read() as s:
        tenants = {t.email: t.id for t in s.scalars(select(m.Tenant))}
    return {email: ledger.tenant_balance(db, actor, tid) for email, tid in tenants.items()}


def test_the_operators_books_to_the_cent(db: Database, actor: Actor, tmp_path: Path) -> None:
    done = load_story(db, actor, tmp_path)
    assert done["rooms"].created == {"properties": 3, "units": 6, "rooms": 40}
    assert done["rooms"].columns["rent"] == "Rent ($)"  # guessed from the header
    assert done["tenants"].created == {"tenants": 36}
    assert done["leases"].created == {"leases": 36}
    assert done["leases"].date_order == "mdy"  # 12/31/2026 says it
    assert done["payments"].created == {"payments": len(sheet_story.payments())}
    assert balances_by_email(db, actor) == sheet_story.expected_balances()
    with db.read() as s:
        numbers = sorted(s.scalars(select(m.Payment.receipt_number)))
        assert numbers == list(range(1, len(sheet_story.payments()) + 1))
        room = s.execute(select(m.Room).join(m.Unit).join(m.Property).where(
            m.Property.name == "Oak House", m.Unit.unit_number == "B",
            m.Room.room_number == "C")).scalar_one()
        assert (room.rent_amount, room.size_sqft) == (Decimal("775.50"), 100)
        audits = list(s.scalars(select(m.AuditEntry).where(m.AuditEntry.action == "import")))
        assert len(audits) == 4  # one per import, not one per row
        assert {a.changes["kind"] for a in audits} == {"rooms", "tenants", "leases", "payments"}
        assert all(len(a.changes["sha256"]) == 64 for a in audits)
    # the same files again: everything matched, nothing doubled
    files = sheet_story.write_story(tmp_path)
    again = ok(db, actor, "payments", files["payments"], MDY)
    assert again.created == {"payments": 0}
    assert again.matched == {"payments": len(sheet_story.payments())}
    assert ok(db, actor, "rooms", files["rooms"]).matched == {
        "properties": 3, "units": 6, "rooms": 40}
    assert balances_by_email(db, actor) == sheet_story.expected_balances()


def test_dates_that_read_two_ways_are_asked(db: Database, actor: Actor,
                                            tmp_path: Path) -> None:
    files = sheet_story.write_story(tmp_path)
    for kind in ("rooms", "tenants", "leases"):
        ok(db, actor, kind, files[kind])
    with pytest.raises(ValidationError) as caught:
        import_sheet(db, actor, "payments", files["payments"])
    assert caught.value.field == "date_order"
    assert "--date-order" in caught.value.detail and "01/03/2026" in caught.value.detail
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("Tenant email,Paid on,Amount\ntenant1@example.com,2026-02-03,10\n"
                     "tenant1@example.com,02/13/2026,10\ntenant1@example.com,4 Mar 2026,10\n")
    result = import_sheet(db, actor, "payments", mixed, dry_run=True)
    assert result.problems == [] and result.date_order == "mdy"  # only 02/13 says it
    amounts = tmp_path / "amounts.csv"
    amounts.write_text("Tenant email,Paid on,Amount\ntenant1@example.com,2026-02-03,\"1,200\"\n")
    with pytest.raises(ValidationError) as caught:
        import_sheet(db, actor, "payments", amounts)
    assert caught.value.field == "decimal_mark"
    result = import_sheet(db, actor, "payments", amounts,
                          SheetOptions(decimal_mark="."), dry_run=True)
    assert result.problems == [] and result.created == {"payments": 1}
    assert not result.written
    result = import_sheet(db, actor, "payments", amounts,
                          SheetOptions(decimal_mark=","), dry_run=True)
    assert [(p.row, p.column, p.value) for p in result.problems] == [(2, "Amount", "1,200")]


def room_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text("Property,Address,City,State,ZIP,Unit,Room,Rent,Beds,Available from\n"
                    + body, encoding="utf-8")
    return path


def test_every_problem_is_listed_and_nothing_is_written(db: Database, actor: Actor,
                                                         tmp_path: Path) -> None:
    before = portability.export_data(db, actor)
    path = room_file(tmp_path, (
        "Maple,1 Main St,Austin,TX,78701,1,A,900,,2026-07-01\n"
        "Maple,,,,,1,B,abc,,\n"                       # row 3: rent not an amount
        "Maple,,,,,1,A,950,,\n"                       # row 4: room A again
        "\n"
        "Oak,,Austin,TX,78702,1,A,800,,\n"            # row 6: a new property, no address
        "Maple,,,,,2,C,-5,,\n"                        # row 7: negative rent
        "Maple,,,,,2,D,700,two,31/02/2026\n"          # row 8: beds, date
        ",,,,,2,E,700,,\n"))                          # row 9: no property
    result = import_sheet(db, actor, "rooms", path)
    assert not result.written
    found = {(p.row, p.column) for p in result.problems}
    assert found == {(3, "Rent"), (4, "Room"), (6, "Address"), (7, "Rent"), (8, "Beds"),
                     (8, "Available from"), (9, "Property")}
    by_row = {(p.row, p.column): p for p in result.problems}
    assert by_row[(3, "Rent")].value == "abc"
    assert "not an amount" in by_row[(3, "Rent")].problem
    assert "row 2" in by_row[(4, "Room")].problem
    assert by_row[(7, "Rent")].problem == "must not be negative"
    assert portability.export_data(db, actor) == before


def test_leases_keep_one_lease_a_bed_a_day(db: Database, actor: Actor, tmp_path: Path) -> None:
    files = sheet_story.write_story(tmp_path)
    for kind in ("rooms", "tenants", "leases"):
        ok(db, actor, kind, files[kind])
    path = tmp_path / "more.csv"
    path.write_text(
        "Email,Property,Unit,Room,Start,End\n"
        "tenant36@example.com,Birch House,2,C,2026-07-01,2026-12-31\n"  # C is let: clash
        "tenant1@example.com,Birch House,2,F,2026-07-01,2026-09-30\n"   # F free: fine
        "tenant2@example.com,Birch House,2,F,2026-09-01,\n"              # clashes with row 3
        "nobody@example.com,Birch House,2,F,2027-01-01,\n"               # no such tenant
        "tenant3@example.com,Birch House,9,Z,2026-07-01,\n"              # no such room
        "tenant4@example.com,Birch House,2,F,2026-12-01,2026-11-01\n")   # end before start
    before = portability.export_data(db, actor)
    result = import_sheet(db, actor, "leases", path)
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "Email"), (4, "Start"), (5, "Email"), (6, "Room"), (7, "End")]
    assert "row 3" in result.problems[1].problem
    assert portability.export_data(db, actor) == before


def test_a_cancel_writes_nothing(db: Database, actor: Actor, tmp_path: Path) -> None:
    files = sheet_story.write_story(tmp_path)
    before = portability.export_data(db, actor)
    seen: list[str] = []

    def progress(done: int, total: int, text: str) -> None:
        seen.append(text)
        if "written" in text:
            raise KeyboardInterrupt  # what a Cancel raises in the worker

    with pytest.raises(KeyboardInterrupt):
        import_sheet(db, actor, "rooms", files["rooms"], progress=progress)
    assert any("checked" in t for t in seen)
    assert portability.export_data(db, actor) == before
    dry = import_sheet(db, actor, "rooms", files["rooms"], dry_run=True)
    assert dry.created["rooms"] == 40 and not dry.written
    assert portability.export_data(db, actor) == before


def test_roles_and_saved_mappings(db: Database, actor: Actor, tmp_path: Path) -> None:
    files = sheet_story.write_story(tmp_path)
    staff = Actor(actor.user_id, actor.operator_id, "staff", "staff")
    with pytest.raises(PermissionDeniedError):
        import_sheet(db, staff, "rooms", files["rooms"])
    ok(db, staff, "tenants", files["tenants"])  # staff keep tenants' contact details
    options = SheetOptions(columns={"tenant_name": "Tenant", "date": "Paid on",
                                    "amount": "Amount paid", "method": "Method",
                                    "reference": "Ref"}, date_order="mdy")
    save_mapping(db, actor, "payments", "Bank of Austin", options)
    save_mapping(db, actor, "payments", "Bank of Austin", options)  # replaced, not doubled
    (saved,) = list_mappings(db, actor, "payments")
    assert saved.mapping == {"columns": options.columns, "date_order": "mdy"}
    assert mapping_options(db, actor, "payments", "Bank of Austin") == options
    with pytest.raises(ValidationError):
        SheetOptions.from_mapping({"columns": {"rent": 3}})
    with pytest.raises(ValidationError):
        SheetOptions.from_mapping({"date_order": "yolo"})
    bad = SheetOptions(columns={"tenant_name": "Nope", "date": "Paid on",
                                "amount": "Amount paid"})
    with pytest.raises(ValidationError) as caught:
        import_sheet(db, actor, "payments", files["payments"], bad)
    assert "'Nope'" in caught.value.detail


def fresh_book(template: Path, folder: Path) -> tuple[Database, Actor]:
    folder.mkdir(exist_ok=True)
    path = folder / "fresh.db"
    shutil.copy(template, path)
    fresh = Database(make_url(f"sqlite:///{path}"))
    return fresh, local_actor(fresh)


def export_all(db: Database, actor: Actor, folder: Path, suffix: str) -> dict[str, Path]:
    folder.mkdir(exist_ok=True)
    out = {}
    for kind in ("rooms", "tenants", "leases", "payments", "balances"):
        out[kind] = folder / f"{kind}{suffix}"
        sheet_export.export_sheet(db, actor, kind, out[kind])
    return out


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_gives_the_same_values(db: Database, actor: Actor, tmp_path: Path,
                                                  sqlite_template: Path, suffix: str) -> None:
    load_story(db, actor, tmp_path)
    first = export_all(db, actor, tmp_path / "a", suffix)
    rows = {kind: sheet_export.sheet_rows(db, actor, kind) for kind in first}
    assert len(rows["rooms"]) == 40 and len(rows["payments"]) == len(sheet_story.payments())
    fresh, owner = fresh_book(sqlite_template, tmp_path)
    try:
        for kind in ("rooms", "tenants", "leases", "payments"):
            ok(fresh, owner, kind, first[kind])
        for kind in ("rooms", "tenants", "leases", "payments"):
            assert sheet_export.sheet_rows(fresh, owner, kind) == rows[kind], kind
        # opening balances into another empty book: the same balance per lease
        other, owner2 = fresh_book(sqlite_template, tmp_path / "b")
        for kind in ("rooms", "tenants", "leases", "balances"):
            ok(other, owner2, kind, first[kind])
        assert sheet_export.sheet_rows(other, owner2, "balances") == rows["balances"]
        assert balances_by_email(other, owner2) == sheet_story.expected_balances()
        other.dispose()
    finally:
        fresh.dispose()


def test_formula_cells_come_back_as_text(db: Database, actor: Actor, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("First name,Last name,Email,Notes\n"
                    "\"=HYPERLINK(\"\"x\"\")\",+Plus,f@example.com,@mention\n"
                    "'-minus,Ok,g@example.com,-3\n")
    ok(db, actor, "tenants", path)
    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"out{suffix}"
        sheet_export.export_sheet(db, actor, "tenants", out)
        from coliv_desktop.domain import tabular

        cells = [c for _, row in tabular.read_file(out).rows for c in row]
        assert "'=HYPERLINK(\"x\")" in cells and "'+Plus" in cells and "'@mention" in cells
    with db.read() as s:
        names = {t.email: (t.first_name, t.last_name, t.notes) for t in s.scalars(
            select(m.Tenant))}
    assert names["f@example.com"] == ("=HYPERLINK(\"x\")", "+Plus", "@mention")
    assert names["g@example.com"] == ("-minus", "Ok", "-3")
    # and they read back as they were
    fresh_rows = sheet_export.sheet_rows(db, actor, "tenants")
    out = tmp_path / "back.csv"
    sheet_export.export_sheet(db, actor, "tenants", out)
    path2 = tmp_path / "again.csv"
    path2.write_bytes(out.read_bytes())
    result = ok(db, actor, "tenants", path2)
    assert result.matched == {"tenants": 2}
    assert sheet_export.sheet_rows(db, actor, "tenants") == fresh_rows


def test_payments_need_their_lease_and_a_plausible_date(db: Database, actor: Actor,
                                                        tmp_path: Path) -> None:
    files = sheet_story.write_story(tmp_path)
    for kind in ("rooms", "tenants", "leases"):
        ok(db, actor, kind, files[kind])
    path = tmp_path / "pay.csv"
    path.write_text("Tenant email,Date,Amount,Method\n"
                    "tenant1@example.com,2026-02-03,100,wire\n"     # fine
                    "tenant36@example.com,2026-02-03,100,cash\n"    # no such tenant
                    "tenant2@example.com,2020-02-03,100,cash\n"     # years before the book
                    "tenant3@example.com,2028-02-03,100,cash\n"     # years ahead
                    "tenant4@example.com,2026-02-03,0,cash\n"       # zero
                    "tenant5@example.com,2026-02-03,10,barter\n")   # no such method
    result = import_sheet(db, actor, "payments", path)
    assert [(p.row, p.column) for p in result.problems] == [
        (3, "Tenant email"), (4, "Date"), (5, "Date"), (6, "Amount"), (7, "Method")]
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(m.Payment)) == 0


def test_a_credit_balance_and_an_owed_one(db: Database, actor: Actor, tmp_path: Path) -> None:
    files = sheet_story.write_story(tmp_path)
    for kind in ("rooms", "tenants", "leases"):
        ok(db, actor, kind, files[kind])
    path = tmp_path / "balances.csv"
    path.write_text("Tenant,As of,Balance\n"
                    "Person1 Chen,2026-03-01,\"(50.25)\"\n"
                    "Person2 Okafor,2026-03-01,\"1,234.56\"\n"
                    "Person3 Müller,2026-03-01,0\n", encoding="utf-8")
    result = ok(db, actor, "balances", path)
    assert result.created == {"opening charges": 1, "opening credits": 1}
    assert result.matched == {"zero balances": 1}
    owed = balances_by_email(db, actor)
    assert owed["tenant1@example.com"] == Decimal("-50.25")
    assert owed["tenant2@example.com"] == Decimal("1234.56")
    assert owed["tenant3@example.com"] == Decimal("0.00")
    with db.read() as s:
        credit = s.scalars(select(m.Payment).where(m.Payment.kind == "credit")).one()
        assert (credit.note, credit.receipt_number) == ("Opening balance", None)
        charge = s.scalars(select(m.Charge)).one()
        assert (charge.kind, charge.description) == ("other", "Opening balance")


def test_a_user_limited_to_some_houses(db: Database, actor: Actor, tmp_path: Path) -> None:
    files = sheet_story.write_story(tmp_path)
    ok(db, actor, "rooms", files["rooms"])
    with db.read() as s:
        maple = s.scalars(select(m.Property.id).where(m.Property.name == "Maple House")).one()
    limited = Actor(actor.user_id, actor.operator_id, "Dana", "manager",
                    property_ids=frozenset({maple}))
    path = tmp_path / "more.csv"
    path.write_text("Property,Address,City,State,ZIP,Unit,Room,Rent\n"
                    "Maple House,,,,,1,Z,700\n"
                    "Oak House,,,,,A,Z,700\n"
                    "Elm House,1 Elm St,Austin,TX,78704,1,A,700\n", encoding="utf-8")
    result = import_sheet(db, limited, "rooms", path)
    assert [(p.row, p.column) for p in result.problems] == [(3, "Property"), (4, "Property")]
    path.write_text("Property,Unit,Room,Rent\nMaple House,1,Z,700\n", encoding="utf-8")
    assert ok(db, limited, "rooms", path).created["rooms"] == 1


def test_expenses_are_exported_too(db: Database, actor: Actor, tmp_path: Path) -> None:
    from coliv_desktop.domain import tabular
    from coliv_desktop.schemas import build
    from coliv_desktop.schemas.books import ExpenseCreate
    from coliv_desktop.services import expenses

    files = sheet_story.write_story(tmp_path)
    ok(db, actor, "rooms", files["rooms"])
    with db.read() as s:
        oak = s.scalars(select(m.Property.id).where(m.Property.name == "Oak House")).one()
    expenses.add_expense(db, actor, build(ExpenseCreate, property_id=oak, spent_on="2026-02-01",
                                          payee="=Clean Co", category="Cleaning and maintenance",
                                          amount="120.5", reference="INV-7"))
    expenses.add_expense(db, actor, build(ExpenseCreate, property_id=oak, spent_on="2026-01-15",
                                          payee="City of Austin", category="17",
                                          amount="88.10", status="due",
                                          due_date="2026-02-15"))
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"expenses{suffix}"
        assert sheet_export.export_sheet(db, actor, "expenses", path) == 2
        rows = [cells for _, cells in tabular.read_file(path).rows]
        assert rows[0] == ["Date", "Property", "Unit", "Room", "Payee", "Category", "Amount",
                           "Status", "Due date", "Reference", "Notes"][:len(rows[0])]
        assert rows[1][:9] == ["2026-01-15", "Oak House", "", "", "City of Austin", "Utilities",
                               "88.10" if suffix == ".csv" else "88.1", "due", "2026-02-15"]
        assert rows[2][4:7] == ["'=Clean Co", "Cleaning and maintenance",
                                "120.50" if suffix == ".csv" else "120.5"]
    with pytest.raises(ValidationError):
        import_sheet(db, actor, "expenses", tmp_path / "expenses.csv")
