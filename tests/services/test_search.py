"""Search boxes match literally: "50%" and "a_b" find themselves, not "500" or "axb" (every
search of the app, on both engines)."""

from __future__ import annotations

from datetime import date

import pytest

from coliv_desktop.db.engine import Database
from coliv_desktop.schemas import build
from coliv_desktop.schemas.ledger import ChargeCreate
from coliv_desktop.schemas.overview import ContactCreate
from coliv_desktop.schemas.people import TenantCreate
from coliv_desktop.schemas.portfolio import PropertyCreate, RoomCreate, UnitCreate
from coliv_desktop.services import applications as apps
from coliv_desktop.services import (
    contacts,
    directory,
    history,
    leasing,
    ledger,
    ledger_list,
    overview,
    portfolio,
    tenants,
)
from coliv_desktop.services.context import Actor
from coliv_desktop.services.leasing import LeaseFilter
from coliv_desktop.services.ledger_list import LedgerQuery
from coliv_desktop.services.search import contains_pattern
from tests.builders import OWNER, lease
from tests.flow42 import apply

DAY = date(2026, 3, 10)


def test_the_pattern_escapes_wildcards_and_the_escape_character() -> None:
    assert contains_pattern("  50% ") == "%50\\%%"
    assert contains_pattern("A_b") == "%a\\_b%"
    assert contains_pattern("c:\\x") == "%c:\\\\x%"
    assert contains_pattern("   ") is None


@pytest.fixture
def world(db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Four properties whose names differ only where a wildcard would match, a tenant in
    each, and text with and without the special characters in every searched field."""
    monkeypatch.setenv("COLIV_TODAY", DAY.isoformat())
    people = {}
    for name, first, email in [("Loft 50%", "Ana", "a_b@example.com"),
                               ("Loft 500", "Ben", "axb500@example.com"),
                               ("House a_b", "Cy", "cy@example.com"),
                               ("House axb", "Di", "di@example.com")]:
        prop = portfolio.add_property(db, actor, build(
            PropertyCreate, name=name, address="1 Main St", city="Austin", state="TX",
            zip="78701"))
        unit = portfolio.add_unit(db, actor, build(UnitCreate, property_id=prop.id,
                                                   unit_number="1", bedrooms=1,
                                                   bathrooms="1"))
        room = portfolio.add_room(db, actor, build(RoomCreate, unit_id=unit.id,
                                                   room_number="A", rent_amount="500"))
        who = tenants.add_tenant(db, actor, build(
            TenantCreate, first_name=first, last_name="Rossi", email=email)).id
        held = lease(db, actor, room.id, who, date(2026, 3, 1))
        people[first] = (who, held.id)
    ana, ben = people["Ana"], people["Ben"]
    for lid, what in [(ana[1], "Discount 50%"), (ben[1], "Key 500"),
                      (ana[1], "Fee a_b"), (ben[1], "Fee axb")]:
        ledger.post_charge(db, actor, build(ChargeCreate, lease_id=lid, due_date="2026-03-05",
                                            amount="10", description=what))
    for summary in ("Agreed 50% refund", "Agreed 500 refund", "Form a_b", "Form axb"):
        contacts.add_contact(db, actor, build(ContactCreate, tenant_id=ana[0], kind="call",
                                              contact_date="2026-03-02", summary=summary))
    for first, email, notes in [("Eve", "e_f@example.com", "Pays 50% now"),
                                ("Fay", "exf@example.com", "Pays 500 now")]:
        apply(db, actor, first, email=email, notes=notes)
    return people


def test_every_search_is_literal(db: Database, world: dict[str, object]) -> None:
    def rooms(text: str) -> set[str]:
        return {r.property_name for r in overview.portfolio_tree(db, OWNER, search=text).rows}

    assert rooms("50%") == {"Loft 50%"}
    assert rooms("a_b") == {"House a_b"}

    def leases(text: str) -> set[str]:
        return {r.tenant_name for r in leasing.list_leases(db, OWNER, LeaseFilter(text=text))}

    assert leases("50%") == {"Ana Rossi"} and leases("a_b") == {"Cy Rossi"}
    assert {r.tenant_name for r in directory.lease_rows(db, OWNER, "50%")} == {"Ana Rossi"}
    assert {r.tenant_name for r in directory.lease_rows(db, OWNER, "a_b")} == {"Cy Rossi"}
    assert directory.count_lease_rows(db, OWNER, "a_b") == 1

    def people(text: str) -> set[str]:
        return {f"{r.first_name}" for r in directory.tenant_rows(db, OWNER, text)}

    assert people("50%") == {"Ana"}  # lives in "Loft 50%"; Ben's email holds "500"
    assert people("a_b") == {"Ana", "Cy"}  # Ana's email, Cy's home
    assert {t.first_name for t in tenants.search_tenants(db, OWNER, "a_b")} == {"Ana"}
    assert tenants.search_tenants(db, OWNER, "50%") == []

    def entries(text: str) -> set[str]:
        rows = ledger_list.ledger_page(db, OWNER, LedgerQuery(search=text), "day", True, 0, 50)
        return {r.description for r in rows}

    assert entries("50%") == {"Discount 50%"} and entries("a_b") == {"Fee a_b"}
    assert ledger_list.ledger_count(db, OWNER, LedgerQuery(search="50%")) == 1

    ana = world["Ana"][0]  # type: ignore[index]
    assert [c.summary for c in contacts.list_contacts(db, OWNER, ana,
                                                      "50%")] == ["Agreed 50% refund"]
    assert [c.summary for c in contacts.list_contacts(db, OWNER, ana, "a_b")] == ["Form a_b"]

    assert [a.full_name for a in apps.list_applications(db, OWNER, text="50%")] == ["Eve Thompson"]
    assert [a.full_name for a in apps.list_applications(db, OWNER, text="a_b")] == []
    assert [a.full_name for a in apps.list_applications(db, OWNER, text="e_f")] == ["Eve Thompson"]

    found = history.audit_entries(db, OWNER, "loft 50%")
    assert found and all("Loft 500" not in e.summary for e in found)
    assert history.count_audit_entries(db, OWNER, "house a_b") == len(history.audit_entries(
        db, OWNER, "house a_b")) > 0
    assert all("axb" not in e.summary for e in history.audit_entries(db, OWNER, "house a_b"))
