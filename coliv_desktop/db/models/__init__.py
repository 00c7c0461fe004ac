"""Every ORM model, imported here so `Base.metadata` is complete for Alembic and exports."""

from coliv_desktop.db.models.applications import Application, MatchingExclusion, MatchingScore
from coliv_desktop.db.models.base import Base
from coliv_desktop.db.models.books import (
    BankAccount,
    BankStatement,
    BankTransaction,
    Expense,
    ExpenseCategory,
    PayeeRule,
    Reconciliation,
    RecurringBill,
    SheetMapping,
)
from coliv_desktop.db.models.community import (
    Announcement,
    CommunityPost,
    ConflictNote,
    ConflictParty,
    ConflictReport,
    Event,
    EventRsvp,
)
from coliv_desktop.db.models.contacts import TenantContact
from coliv_desktop.db.models.documents import Document
from coliv_desktop.db.models.leasing import Lease
from coliv_desktop.db.models.ledger import (
    AllocationRow,
    Charge,
    DepositDeduction,
    DepositDisposition,
    LateFeeRuleRow,
    Payment,
    Reminder,
    UtilityBill,
    UtilityShare,
    Void,
)
from coliv_desktop.db.models.operations import (
    MaintenanceCost,
    MaintenanceLog,
    MaintenanceRequest,
    MaintenanceSchedule,
    Vendor,
)
from coliv_desktop.db.models.people import Operator, Tenant, User, UserProperty
from coliv_desktop.db.models.properties import Property, Room, Unit
from coliv_desktop.db.models.system import AuditEntry, MetaValue, SettingValue

__all__ = [
    "BankAccount",
    "BankStatement",
    "BankTransaction",
    "Expense",
    "ExpenseCategory",
    "PayeeRule",
    "Reconciliation",
    "RecurringBill",
    "SheetMapping",
    "Announcement",
    "CommunityPost",
    "ConflictNote",
    "ConflictParty",
    "ConflictReport",
    "Document",
    "Event",
    "EventRsvp",
    "MaintenanceCost",
    "MaintenanceLog",
    "MaintenanceRequest",
    "MaintenanceSchedule",
    "Vendor",
    "AllocationRow",
    "Application",
    "Charge",
    "DepositDeduction",
    "DepositDisposition",
    "LateFeeRuleRow",
    "Payment",
    "Reminder",
    "UtilityBill",
    "UtilityShare",
    "Void",
    "AuditEntry",
    "Base",
    "Lease",
    "MatchingExclusion",
    "MatchingScore",
    "MetaValue",
    "Operator",
    "Property",
    "Room",
    "SettingValue",
    "Tenant",
    "TenantContact",
    "Unit",
    "User",
    "UserProperty",
]
