"""books: expenses, recurring bills, bank accounts, statements and lines, payee rules, reconciliations, sheet mappings

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

Money columns hold integer cents; timestamps are UTC. Types are spelled out so this revision
never imports app code. The expense categories start as the US Schedule E lines (editable).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
SCHEDULE_E = (
    ("Advertising", "5"), ("Auto and travel", "6"), ("Cleaning and maintenance", "7"),
    ("Commissions", "8"), ("Insurance", "9"), ("Legal and other professional fees", "10"),
    ("Management fees", "11"), ("Mortgage interest", "12"), ("Other interest", "13"),
    ("Repairs", "14"), ("Supplies", "15"), ("Taxes", "16"), ("Utilities", "17"),
    ("Depreciation", "18"), ("Rent paid (master lease)", "19"), ("Other", "19"),
)

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('expense_categories',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('schedule_e_line', sa.String(length=10), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expense_categories')),
    sa.UniqueConstraint('name', name=op.f('uq_expense_categories_name'))
    )
    op.create_table('sheet_mappings',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('mapping', JSON, nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('rooms', 'tenants', 'leases', 'balances', 'payments', 'bank_csv')", name=op.f('ck_sheet_mappings_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sheet_mappings')),
    sa.UniqueConstraint('kind', 'name', name=op.f('uq_sheet_mappings_kind_name'))
    )
    op.create_table('bank_accounts',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('property_id', sa.Uuid(), nullable=True),
    sa.Column('institution', sa.String(length=255), nullable=True),
    sa.Column('ofx_account_id', sa.String(length=64), nullable=True),
    sa.Column('opening_balance', sa.BigInteger(), nullable=False),
    sa.Column('opening_on', sa.Date(), nullable=True),
    sa.Column('csv_mapping', JSON, nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_bank_accounts_property_id_properties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_accounts')),
    sa.UniqueConstraint('name', name=op.f('uq_bank_accounts_name'))
    )
    with op.batch_alter_table('bank_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_accounts_property_id'), ['property_id'], unique=False)

    op.create_table('bank_statements',
    sa.Column('bank_account_id', sa.Uuid(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('closing_balance', sa.BigInteger(), nullable=True),
    sa.Column('balance_on', sa.Date(), nullable=True),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('duplicates', sa.Integer(), nullable=False),
    sa.Column('imported_by', sa.String(length=255), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("format IN ('ofx', 'qfx', 'csv')", name=op.f('ck_bank_statements_format')),
    sa.ForeignKeyConstraint(['bank_account_id'], ['bank_accounts.id'], name=op.f('fk_bank_statements_bank_account_id_bank_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statements'))
    )
    with op.batch_alter_table('bank_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_statements_bank_account_id'), ['bank_account_id'], unique=False)

    op.create_table('payee_rules',
    sa.Column('pattern', sa.String(length=255), nullable=False),
    sa.Column('category_id', sa.Uuid(), nullable=False),
    sa.Column('property_id', sa.Uuid(), nullable=True),
    sa.Column('bank_account_id', sa.Uuid(), nullable=True),
    sa.Column('payee', sa.String(length=255), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bank_account_id'], ['bank_accounts.id'], name=op.f('fk_payee_rules_bank_account_id_bank_accounts')),
    sa.ForeignKeyConstraint(['category_id'], ['expense_categories.id'], name=op.f('fk_payee_rules_category_id_expense_categories')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_payee_rules_property_id_properties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payee_rules'))
    )
    op.create_table('reconciliations',
    sa.Column('bank_account_id', sa.Uuid(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('statement_balance', sa.BigInteger(), nullable=False),
    sa.Column('book_balance', sa.BigInteger(), nullable=False),
    sa.Column('reconciled_by', sa.String(length=255), nullable=False),
    sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reopened_by', sa.String(length=255), nullable=True),
    sa.Column('reopen_reason', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_reconciliations_period_order')),
    sa.ForeignKeyConstraint(['bank_account_id'], ['bank_accounts.id'], name=op.f('fk_reconciliations_bank_account_id_bank_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliations')),
    sa.UniqueConstraint('bank_account_id', 'period_end', name=op.f('uq_reconciliations_bank_account_id_period_end'))
    )
    with op.batch_alter_table('reconciliations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reconciliations_bank_account_id'), ['bank_account_id'], unique=False)

    op.create_table('recurring_bills',
    sa.Column('property_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('payee', sa.String(length=255), nullable=False),
    sa.Column('vendor_id', sa.Uuid(), nullable=True),
    sa.Column('category_id', sa.Uuid(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('day_of_month', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('autopay', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_recurring_bills_amount_positive')),
    sa.CheckConstraint('day_of_month BETWEEN 1 AND 28', name=op.f('ck_recurring_bills_day_of_month')),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_recurring_bills_term_order')),
    sa.ForeignKeyConstraint(['category_id'], ['expense_categories.id'], name=op.f('fk_recurring_bills_category_id_expense_categories')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_recurring_bills_property_id_properties')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_recurring_bills_unit_id_units')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_recurring_bills_vendor_id_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recurring_bills'))
    )
    with op.batch_alter_table('recurring_bills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recurring_bills_property_id'), ['property_id'], unique=False)

    op.create_table('expenses',
    sa.Column('operator_id', sa.Uuid(), nullable=False),
    sa.Column('property_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('room_id', sa.Uuid(), nullable=True),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('payee', sa.String(length=255), nullable=False),
    sa.Column('vendor_id', sa.Uuid(), nullable=True),
    sa.Column('category_id', sa.Uuid(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('reference', sa.String(length=255), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('document_id', sa.Uuid(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('recurring_bill_id', sa.Uuid(), nullable=True),
    sa.Column('period', sa.String(length=7), nullable=True),
    sa.Column('maintenance_cost_id', sa.Uuid(), nullable=True),
    sa.Column('voided_on', sa.Date(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=255), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("source IN ('manual', 'bank', 'recurring', 'maintenance', 'import')", name=op.f('ck_expenses_source')),
    sa.CheckConstraint("status IN ('paid', 'due')", name=op.f('ck_expenses_status')),
    sa.CheckConstraint('(recurring_bill_id IS NULL) = (period IS NULL)', name=op.f('ck_expenses_bill_period')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_expenses_amount_positive')),
    sa.CheckConstraint('room_id IS NULL OR unit_id IS NOT NULL', name=op.f('ck_expenses_room_in_unit')),
    sa.ForeignKeyConstraint(['category_id'], ['expense_categories.id'], name=op.f('fk_expenses_category_id_expense_categories')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_expenses_document_id_documents')),
    sa.ForeignKeyConstraint(['maintenance_cost_id'], ['maintenance_costs.id'], name=op.f('fk_expenses_maintenance_cost_id_maintenance_costs')),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_expenses_operator_id_operators')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_expenses_property_id_properties')),
    sa.ForeignKeyConstraint(['recurring_bill_id'], ['recurring_bills.id'], name=op.f('fk_expenses_recurring_bill_id_recurring_bills')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_expenses_room_id_rooms')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_expenses_unit_id_units')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_expenses_vendor_id_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expenses')),
    sa.UniqueConstraint('maintenance_cost_id', name=op.f('uq_expenses_maintenance_cost_id')),
    sa.UniqueConstraint('recurring_bill_id', 'period', name=op.f('uq_expenses_recurring_bill_id_period'))
    )
    with op.batch_alter_table('expenses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expenses_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expenses_property_id'), ['property_id'], unique=False)
        batch_op.create_index('ix_expenses_spent_on_id', ['spent_on', 'id'], unique=False)

    op.create_table('bank_transactions',
    sa.Column('bank_account_id', sa.Uuid(), nullable=False),
    sa.Column('statement_id', sa.Uuid(), nullable=False),
    sa.Column('posted_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('memo', sa.Text(), nullable=True),
    sa.Column('fitid', sa.String(length=255), nullable=True),
    sa.Column('check_number', sa.String(length=40), nullable=True),
    sa.Column('dedupe_key', sa.String(length=400), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('lease_id', sa.Uuid(), nullable=True),
    sa.Column('payment_id', sa.Uuid(), nullable=True),
    sa.Column('expense_id', sa.Uuid(), nullable=True),
    sa.Column('matched_by', sa.String(length=255), nullable=True),
    sa.Column('matched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('unmatched', 'matched', 'expense', 'ignored')", name=op.f('ck_bank_transactions_status')),
    sa.ForeignKeyConstraint(['bank_account_id'], ['bank_accounts.id'], name=op.f('fk_bank_transactions_bank_account_id_bank_accounts')),
    sa.ForeignKeyConstraint(['expense_id'], ['expenses.id'], name=op.f('fk_bank_transactions_expense_id_expenses')),
    sa.ForeignKeyConstraint(['lease_id'], ['leases.id'], name=op.f('fk_bank_transactions_lease_id_leases')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_bank_transactions_payment_id_payments')),
    sa.ForeignKeyConstraint(['statement_id'], ['bank_statements.id'], name=op.f('fk_bank_transactions_statement_id_bank_statements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_transactions')),
    sa.UniqueConstraint('bank_account_id', 'dedupe_key', name=op.f('uq_bank_transactions_bank_account_id_dedupe_key')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_bank_transactions_payment_id')),
    sa.UniqueConstraint('expense_id', name=op.f('uq_bank_transactions_expense_id'))
    )
    with op.batch_alter_table('bank_transactions', schema=None) as batch_op:
        batch_op.create_index('ix_bank_transactions_account_posted_on', ['bank_account_id', 'posted_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_transactions_statement_id'), ['statement_id'], unique=False)
        batch_op.create_index('ix_bank_transactions_status', ['status'], unique=False)

    categories = sa.table(
        "expense_categories", sa.column("id", sa.Uuid()), sa.column("name", sa.String()),
        sa.column("schedule_e_line", sa.String()), sa.column("version", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)))
    now = datetime.now(UTC)
    op.bulk_insert(categories, [
        {"id": uuid.uuid4(), "name": name, "schedule_e_line": line, "version": 1,
         "created_at": now, "updated_at": now} for name, line in SCHEDULE_E])


def downgrade() -> None:
    with op.batch_alter_table('bank_transactions', schema=None) as batch_op:
        batch_op.drop_index('ix_bank_transactions_status')
        batch_op.drop_index(batch_op.f('ix_bank_transactions_statement_id'))
        batch_op.drop_index('ix_bank_transactions_account_posted_on')

    op.drop_table('bank_transactions')
    with op.batch_alter_table('expenses', schema=None) as batch_op:
        batch_op.drop_index('ix_expenses_spent_on_id')
        batch_op.drop_index(batch_op.f('ix_expenses_property_id'))
        batch_op.drop_index(batch_op.f('ix_expenses_category_id'))

    op.drop_table('expenses')
    with op.batch_alter_table('recurring_bills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recurring_bills_property_id'))

    op.drop_table('recurring_bills')
    with op.batch_alter_table('reconciliations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reconciliations_bank_account_id'))

    op.drop_table('reconciliations')
    op.drop_table('payee_rules')
    with op.batch_alter_table('bank_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_statements_bank_account_id'))

    op.drop_table('bank_statements')
    with op.batch_alter_table('bank_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_accounts_property_id'))

    op.drop_table('bank_accounts')
    op.drop_table('sheet_mappings')
    op.drop_table('expense_categories')
