"""The properties an actor is limited to (users.set_properties), applied to every read.

A reading session of a limited actor (`context.reading`) carries their property ids in
`session.info`; an ORM event then adds, to every SELECT the session runs, the condition that
keeps each scoped table to the rows of those properties (SQLAlchemy's `with_loader_criteria`,
which reaches joins and subqueries too). So every list, report, export, search and look-up by
id sees only the user's houses, without each query having to remember it: a row outside is
"not found". Writes are checked the other way (`check_writes`, before each flush): they may
need the whole book to keep it consistent (a rescoring reads every room), so they are not
filtered, but a limited user may not change a row outside their houses.

A tenant belongs to the houses where they have (or had) a lease; a tenant with no lease yet
belongs to none, so a limited user does not see them. An application belongs to the house of
the lease its approval made; an open one to none.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, event, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from coliv_desktop.db.models import (
    AllocationRow,
    Announcement,
    Application,
    BankAccount,
    BankStatement,
    BankTransaction,
    Charge,
    CommunityPost,
    ConflictNote,
    ConflictParty,
    ConflictReport,
    DepositDeduction,
    DepositDisposition,
    Document,
    Event,
    EventRsvp,
    Expense,
    LateFeeRuleRow,
    Lease,
    MaintenanceCost,
    MaintenanceLog,
    MaintenanceRequest,
    MaintenanceSchedule,
    MatchingExclusion,
    MatchingScore,
    PayeeRule,
    Payment,
    Property,
    Reconciliation,
    RecurringBill,
    Reminder,
    Room,
    Tenant,
    TenantContact,
    Unit,
    UtilityBill,
    UtilityShare,
    Void,
)
from coliv_desktop.domain.errors import PermissionDeniedError

SCOPE_KEY = "coliv_property_ids"

# The tables, as Core tables: the conditions below select from them without the criteria
# being applied to themselves.
_units, _rooms, _leases = Unit.__table__, Room.__table__, Lease.__table__
_charges, _payments = Charge.__table__, Payment.__table__
_bills, _dispositions = UtilityBill.__table__, DepositDisposition.__table__
_applications = Application.__table__
_requests, _events, _conflicts = (MaintenanceRequest.__table__, Event.__table__,
                                  ConflictReport.__table__)
_accounts = BankAccount.__table__


def _ids(ids: frozenset[uuid.UUID]) -> dict[str, Any]:
    """Subqueries of the ids each scoped table may show."""
    units = select(_units.c.id).where(_units.c.property_id.in_(ids))
    rooms = select(_rooms.c.id).where(_rooms.c.unit_id.in_(units))
    leases = select(_leases.c.id).where(_leases.c.room_id.in_(rooms))
    return {
        "units": units, "rooms": rooms, "leases": leases,
        "tenants": select(_leases.c.tenant_id).where(_leases.c.room_id.in_(rooms)),
        "charges": select(_charges.c.id).where(_charges.c.lease_id.in_(leases)),
        "payments": select(_payments.c.id).where(_payments.c.lease_id.in_(leases)),
        "bills": select(_bills.c.id).where(_bills.c.property_id.in_(ids)),
        "dispositions": select(_dispositions.c.id).where(_dispositions.c.lease_id.in_(leases)),
        "applications": select(_applications.c.id).where(
            _applications.c.approved_lease_id.in_(leases)),
        "requests": select(_requests.c.id).where(_requests.c.property_id.in_(ids)),
        "events": select(_events.c.id).where(_events.c.property_id.in_(ids)),
        "conflicts": select(_conflicts.c.id).where(_conflicts.c.unit_id.in_(units)),
        # the operator's own accounts (no property) are not a house's: hidden from limited users
        "accounts": select(_accounts.c.id).where(_accounts.c.property_id.in_(ids)),
    }


def _conditions(ids: frozenset[uuid.UUID]) -> list[tuple[type[Any], ColumnElement[bool]]]:
    sub = _ids(ids)
    return [
        (Property, Property.id.in_(ids)),
        (Unit, Unit.property_id.in_(ids)),
        (Room, Room.unit_id.in_(sub["units"])),
        (Lease, Lease.room_id.in_(sub["rooms"])),
        (Tenant, Tenant.id.in_(sub["tenants"])),
        (TenantContact, TenantContact.tenant_id.in_(sub["tenants"])),
        (Charge, Charge.lease_id.in_(sub["leases"])),
        (Payment, Payment.lease_id.in_(sub["leases"])),
        (AllocationRow, AllocationRow.charge_id.in_(sub["charges"])),
        (Void, Void.charge_id.in_(sub["charges"]) | Void.payment_id.in_(sub["payments"])),
        (DepositDisposition, DepositDisposition.lease_id.in_(sub["leases"])),
        (DepositDeduction, DepositDeduction.disposition_id.in_(sub["dispositions"])),
        (UtilityBill, UtilityBill.property_id.in_(ids)),
        (UtilityShare, UtilityShare.bill_id.in_(sub["bills"])),
        (Reminder, Reminder.lease_id.in_(sub["leases"])),
        (LateFeeRuleRow, LateFeeRuleRow.property_id.in_(ids)),
        (Application, Application.id.in_(sub["applications"])),
        (MatchingScore, MatchingScore.application_id.in_(sub["applications"])),
        (MatchingExclusion, MatchingExclusion.application_id.in_(sub["applications"])),
        (MaintenanceRequest, MaintenanceRequest.property_id.in_(ids)),
        (MaintenanceLog, MaintenanceLog.request_id.in_(sub["requests"])),
        (MaintenanceCost, MaintenanceCost.request_id.in_(sub["requests"])),
        (MaintenanceSchedule, MaintenanceSchedule.property_id.in_(ids)),
        # an announcement to everyone reaches every house (but only an unlimited user writes
        # one: `_WRITTEN`)
        (Announcement, Announcement.property_id.in_(ids) | Announcement.property_id.is_(None)),
        (Event, Event.property_id.in_(ids)),
        (EventRsvp, EventRsvp.event_id.in_(sub["events"])),
        (CommunityPost, CommunityPost.property_id.in_(ids)),
        (ConflictReport, ConflictReport.unit_id.in_(sub["units"])),
        (ConflictParty, ConflictParty.conflict_id.in_(sub["conflicts"])),
        (ConflictNote, ConflictNote.conflict_id.in_(sub["conflicts"])),
        (Document, Document.tenant_id.in_(sub["tenants"]) | Document.lease_id.in_(sub["leases"])
         | Document.property_id.in_(ids) | Document.request_id.in_(sub["requests"])
         | Document.conflict_id.in_(sub["conflicts"])),
        (Expense, Expense.property_id.in_(ids)),
        (RecurringBill, RecurringBill.property_id.in_(ids)),
        (BankAccount, BankAccount.property_id.in_(ids)),
        (BankStatement, BankStatement.bank_account_id.in_(sub["accounts"])),
        (BankTransaction, BankTransaction.bank_account_id.in_(sub["accounts"])),
        (PayeeRule, PayeeRule.property_id.in_(ids)),
        (Reconciliation, Reconciliation.bank_account_id.in_(sub["accounts"])),
    ]


def limit_session(session: Session, property_ids: frozenset[uuid.UUID] | None) -> None:
    """Keep every read of `session` to these properties (None: no limit)."""
    if property_ids is not None:
        session.info[SCOPE_KEY] = frozenset(property_ids)


@event.listens_for(Session, "do_orm_execute")
def _limit_reads(state: ORMExecuteState) -> None:
    ids = state.session.info.get(SCOPE_KEY)
    if ids is None or not state.is_select:
        return
    state.statement = state.statement.options(*[
        with_loader_criteria(model, condition, include_aliases=True)
        for model, condition in _conditions(ids)])


def require_unlimited(actor: Any, what: str) -> None:
    """Refuse what spans every property (the audit log, the whole book's export) to a user
    limited to some."""
    if actor.property_ids is not None:
        raise PermissionDeniedError(
            f"{actor.name} sees only some properties, and {what} covers every one of them")


WRITE_KEY = "coliv_write_property_ids"
# The tables a limited user's writes are held to. Not the applications and their scores: a
# rescoring after any change rewrites them all, and an open application belongs to no house.
_GUARDED = (Property, Unit, Room, Lease, Tenant, TenantContact, Charge, Payment, Void,
            DepositDisposition, DepositDeduction, UtilityBill, UtilityShare, Reminder,
            LateFeeRuleRow, MaintenanceRequest, MaintenanceLog, MaintenanceCost,
            MaintenanceSchedule, Announcement, Event, EventRsvp, CommunityPost, ConflictReport,
            ConflictParty, ConflictNote, Document, Expense, RecurringBill, BankAccount,
            BankStatement, BankTransaction, PayeeRule, Reconciliation)


def guard_writes(session: Session, property_ids: frozenset[uuid.UUID] | None) -> None:
    """Refuse, at each flush of `session`, a change to a row outside these properties."""
    if property_ids is not None:
        session.info[WRITE_KEY] = frozenset(property_ids)


def _outside(session: Session, ids: frozenset[uuid.UUID], rows: Iterable[object]) -> object:
    checks = dict(_conditions(ids))
    checks[Announcement] = Announcement.property_id.in_(ids)  # not one to everyone
    for row in rows:
        model = type(row)
        ident = getattr(row, "id", None)
        if model not in _GUARDED or ident is None:
            continue
        if session.execute(select(model.id).where(model.id == ident, checks[model])
                           ).first() is None:
            return row
    return None


def _refuse(session: Session, row: object) -> None:
    label = type(row).__name__.lower()
    raise PermissionDeniedError(
        f"{session.info.get('coliv_actor_name', 'this user')} may change only the rows of "
        f"their own properties, and this {label} is not in one: nothing was changed")


@event.listens_for(Session, "before_flush")
def _check_before(session: Session, _context: Any, _instances: Any) -> None:
    """Rows changed or deleted must be in scope as they stood (a lease cannot be moved in
    from another house, nor a row of another house deleted)."""
    ids = session.info.get(WRITE_KEY)
    if ids is None:
        return
    with session.no_autoflush:
        row = _outside(session, ids, [*session.dirty, *session.deleted])
    if row is not None:
        _refuse(session, row)


@event.listens_for(Session, "after_flush")
def _check_after(session: Session, _context: Any) -> None:
    """Rows added or changed must be in scope as written. A new tenant belongs to no house
    yet, so adding one is allowed (their lease must then be in one of the user's houses)."""
    ids = session.info.get(WRITE_KEY)
    if ids is None:
        return
    rows = [*(row for row in session.new if type(row) is not Tenant), *session.dirty]
    row = _outside(session, ids, rows)
    if row is not None:
        _refuse(session, row)
