"""The demo's bank account (issue 15): one property's checking account with a statement of
the last weeks imported, as an operator would find it after the import: a deposit already
linked to the payment recorded by hand for it, a deposit whose text names a tenant with the
exact open rent (proposed, waiting for a click), a utility bill matched as an expense by a
payee rule, an internet bill the rules propose, and a bank fee nobody has looked at yet."""

from __future__ import annotations

import tempfile
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Lease, Payment, Room, Tenant, Unit
from coliv_desktop.schemas import build
from coliv_desktop.schemas.bank import BankAccountCreate, PayeeRuleCreate
from coliv_desktop.services import bank, bank_import, reconcile
from coliv_desktop.services.context import Actor, reading
from coliv_desktop.services.ledger_sql import open_charges, payment_live

ACCOUNT = "Demo checking"


def _ofx(lines: list[tuple[str, date, Decimal, str, str]], through: date) -> bytes:
    body = "".join(
        f"<STMTTRN>\n<TRNTYPE>{'CREDIT' if amount > 0 else 'DEBIT'}\n"
        f"<DTPOSTED>{day:%Y%m%d}120000.000[-6:CST]\n<TRNAMT>{amount:.2f}\n<FITID>{fitid}\n"
        f"<NAME>{name}\n</STMTTRN>\n" for fitid, day, amount, name, _ in lines)
    start = min(day for _, day, *_ in lines)
    return ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n\n"
            "<OFX>\n<BANKMSGSRSV1>\n<STMTTRNRS>\n<TRNUID>1\n<STMTRS>\n<CURDEF>USD\n"
            "<BANKACCTFROM>\n<BANKID>111000025\n<ACCTID>DEMO-0042\n<ACCTTYPE>CHECKING\n"
            f"</BANKACCTFROM>\n<BANKTRANLIST>\n<DTSTART>{start:%Y%m%d}\n"
            f"<DTEND>{through:%Y%m%d}\n{body}</BANKTRANLIST>\n</STMTRS>\n</STMTTRNRS>\n"
            "</BANKMSGSRSV1>\n</OFX>\n").encode()


def load_bank(db: Database, actor: Actor, day: date, leases: dict[str, uuid.UUID]
              ) -> dict[str, int]:
    """The demo's bank account, statement, rules and matches (`leases`: the demo's leases,
    to choose the property with the most of them)."""
    actor.require("ledger.write")
    if not leases:
        return {}
    with reading(db, actor, "ledger.read") as s:
        by_property: dict[uuid.UUID, list[tuple[uuid.UUID, str, str]]] = {}
        for lid, prop, first, last in s.execute(
                select(Lease.id, Unit.property_id, Tenant.first_name, Tenant.last_name)
                .join(Room, Room.id == Lease.room_id).join(Unit, Unit.id == Room.unit_id)
                .join(Tenant, Tenant.id == Lease.tenant_id)
                .where(Lease.id.in_(list(leases.values())), Lease.status == "active")
                .order_by(Lease.lease_start, Lease.id)):
            by_property.setdefault(prop, []).append((lid, first, last))
        if not by_property:
            return {}
        # a tenant with rent still open: the deposit that pays it waits, proposed
        owing: dict[uuid.UUID, tuple[uuid.UUID, str, str, Decimal, date]] = {}
        for house, people in by_property.items():
            for lid, first, last in people:
                opened = [(v.outstanding, c.due_date) for v, c in open_charges(s, [lid])
                          if c.kind == "rent" and c.due_date <= day]
                if opened:
                    owing[house] = (lid, first, last, *opened[-1])
                    break
        prop = max(by_property, key=lambda p: (p in owing, len(by_property[p]), str(p)))
        tenants = by_property[prop]
        # a payment recorded by hand in the last weeks (the bank shows it a day later)
        debtor = owing[prop][0] if prop in owing else None
        recent = s.scalars(select(Payment).where(
            Payment.lease_id.in_([t[0] for t in tenants if t[0] != debtor]),
            Payment.kind == "payment", payment_live(),
            Payment.received_on.between(day - timedelta(days=25), day - timedelta(days=2)))
            .order_by(Payment.received_on.desc(), Payment.id)).first()
    lines: list[tuple[str, date, Decimal, str, str]] = []
    if recent is not None:
        paid_by = next(t for t in tenants if t[0] == recent.lease_id)
        lines.append(("DEMO-1", min(recent.received_on + timedelta(days=1), day),
                      recent.amount, f"MOBILE DEPOSIT {paid_by[1]} {paid_by[2]}".upper(),
                      "link"))
    if prop in owing:
        _lid, first, last, amount, due = owing[prop]
        lines.append(("DEMO-2", min(due + timedelta(days=2), day), amount,
                      f"ZELLE FROM {first} {last}".upper(), "proposed"))
    lines += [("DEMO-3", day - timedelta(days=9), Decimal("-142.18"), "CITY OF AUSTIN UTIL",
               "rule"),
              ("DEMO-4", day - timedelta(days=6), Decimal("-79.99"), "SPECTRUM INTERNET",
               "proposed"),
              ("DEMO-5", day - timedelta(days=1), Decimal("-12.00"), "MONTHLY SERVICE FEE",
               "waiting")]
    bank.add_account(db, actor, build(
        BankAccountCreate, name=ACCOUNT, property_id=prop, institution="Austin Community Bank",
        opening_balance="8250.00", opening_on=(day - timedelta(days=30)).isoformat()))
    for pattern, category in (("CITY OF AUSTIN UTIL", "Utilities"),
                              ("SPECTRUM", "Utilities")):
        bank.add_rule(db, actor, build(PayeeRuleCreate, pattern=pattern, category=category,
                                       property_id=prop))
    with tempfile.TemporaryDirectory(prefix="coliv-demo-bank-") as folder:
        path = Path(folder) / "demo-statement.ofx"
        path.write_bytes(_ofx(lines, day))
        result = bank_import.import_statement(db, actor, path, ACCOUNT)
    found = {line.fitid: line for line in bank.list_lines(db, actor, result.account_id)}
    matched = 0
    for fitid, _day, _amount, _name, what in lines:
        line = found[fitid]
        if what == "link" and recent is not None:
            reconcile.match_to_lease(db, actor, line.id, recent.lease_id)
            matched += 1
        elif what == "rule":
            reconcile.match_to_expense(db, actor, line.id, "Utilities", prop)
            matched += 1
    return {"bank lines": result.imported, "bank lines matched": matched}
