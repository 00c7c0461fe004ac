"""the rent ledger: charges, payments, allocations, voids, deposits, utilities, reminders

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Money columns hold integer cents; timestamps are UTC. Types are spelled out so this revision
never imports app code.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table('late_fee_rules',
    sa.Column('property_id', sa.Uuid(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    sa.Column('flat_amount', sa.BigInteger(), nullable=False),
    sa.Column('percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('cap', sa.BigInteger(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("mode IN ('none', 'flat', 'percent')", name=op.f('ck_late_fee_rules_mode')),
    sa.CheckConstraint('cap IS NULL OR cap >= 0', name=op.f('ck_late_fee_rules_cap_not_negative')),
    sa.CheckConstraint('flat_amount >= 0', name=op.f('ck_late_fee_rules_flat_not_negative')),
    sa.CheckConstraint('grace_days >= 0', name=op.f('ck_late_fee_rules_grace_not_negative')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_late_fee_rules_property_id_properties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_late_fee_rules')),
    sa.UniqueConstraint('property_id', name=op.f('uq_late_fee_rules_property_id'))
    )
    op.create_table('utility_bills',
    sa.Column('property_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('provider', sa.String(length=255), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('rule', sa.String(length=20), nullable=False),
    sa.Column('vacant_to', sa.String(length=20), nullable=False),
    sa.Column('percentages', JSON, nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=255), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("rule IN ('equal', 'per_person', 'by_size', 'percentages')", name=op.f('ck_utility_bills_rule')),
    sa.CheckConstraint("vacant_to IN ('operator', 'occupants')", name=op.f('ck_utility_bills_vacant_to')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_utility_bills_amount_positive')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_utility_bills_period_order')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_utility_bills_property_id_properties')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_utility_bills_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_utility_bills'))
    )
    with op.batch_alter_table('utility_bills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_utility_bills_property_id'), ['property_id'], unique=False)

    op.create_table('charges',
    sa.Column('lease_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('period', sa.String(length=60), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('working', sa.Text(), nullable=True),
    sa.Column('late_fee_rule_id', sa.Uuid(), nullable=True),
    sa.Column('source_charge_id', sa.Uuid(), nullable=True),
    sa.Column('created_by', sa.String(length=255), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('rent', 'late_fee', 'deposit', 'utility', 'other')", name=op.f('ck_charges_kind')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_charges_amount_positive')),
    sa.ForeignKeyConstraint(['late_fee_rule_id'], ['late_fee_rules.id'], name=op.f('fk_charges_late_fee_rule_id_late_fee_rules')),
    sa.ForeignKeyConstraint(['lease_id'], ['leases.id'], name=op.f('fk_charges_lease_id_leases')),
    sa.ForeignKeyConstraint(['source_charge_id'], ['charges.id'], name=op.f('fk_charges_source_charge_id_charges')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charges')),
    sa.UniqueConstraint('lease_id', 'kind', 'period', name=op.f('uq_charges_lease_id_kind_period'))
    )
    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.create_index('ix_charges_due_date_kind', ['due_date', 'kind'], unique=False)

    op.create_table('payments',
    sa.Column('operator_id', sa.Uuid(), nullable=False),
    sa.Column('lease_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=True),
    sa.Column('reference', sa.String(length=255), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('receipt_number', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=255), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind <> 'payment' OR (method IS NOT NULL AND receipt_number IS NOT NULL)", name=op.f('ck_payments_payment_has_method_and_number')),
    sa.CheckConstraint("kind IN ('payment', 'credit', 'deposit')", name=op.f('ck_payments_kind')),
    sa.CheckConstraint("method IS NULL OR method IN ('cash', 'check', 'bank_transfer', 'card', 'other')", name=op.f('ck_payments_method')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payments_amount_positive')),
    sa.ForeignKeyConstraint(['lease_id'], ['leases.id'], name=op.f('fk_payments_lease_id_leases')),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_payments_operator_id_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('operator_id', 'receipt_number', name=op.f('uq_payments_operator_id_receipt_number'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_lease_id'), ['lease_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_received_on'), ['received_on'], unique=False)

    op.create_table('allocations',
    sa.Column('payment_id', sa.Uuid(), nullable=False),
    sa.Column('charge_id', sa.Uuid(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_allocations_amount_positive')),
    sa.ForeignKeyConstraint(['charge_id'], ['charges.id'], name=op.f('fk_allocations_charge_id_charges')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_allocations_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocations'))
    )
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocations_charge_id'), ['charge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocations_payment_id'), ['payment_id'], unique=False)

    op.create_table('deposit_dispositions',
    sa.Column('lease_id', sa.Uuid(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('held', sa.BigInteger(), nullable=False),
    sa.Column('deductions_total', sa.BigInteger(), nullable=False),
    sa.Column('applied', sa.BigInteger(), nullable=False),
    sa.Column('refund', sa.BigInteger(), nullable=False),
    sa.Column('owed', sa.BigInteger(), nullable=False),
    sa.Column('credit_id', sa.Uuid(), nullable=True),
    sa.Column('refund_method', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=255), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['credit_id'], ['payments.id'], name=op.f('fk_deposit_dispositions_credit_id_payments')),
    sa.ForeignKeyConstraint(['lease_id'], ['leases.id'], name=op.f('fk_deposit_dispositions_lease_id_leases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deposit_dispositions')),
    sa.UniqueConstraint('lease_id', name=op.f('uq_deposit_dispositions_lease_id'))
    )
    op.create_table('reminders',
    sa.Column('charge_id', sa.Uuid(), nullable=False),
    sa.Column('lease_id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('before_due', 'due', 'overdue')", name=op.f('ck_reminders_kind')),
    sa.CheckConstraint("status IN ('pending', 'printed', 'copied', 'sent', 'dismissed')", name=op.f('ck_reminders_status')),
    sa.ForeignKeyConstraint(['charge_id'], ['charges.id'], name=op.f('fk_reminders_charge_id_charges')),
    sa.ForeignKeyConstraint(['lease_id'], ['leases.id'], name=op.f('fk_reminders_lease_id_leases')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_reminders_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('charge_id', 'kind', name=op.f('uq_reminders_charge_id_kind'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_lease_id'), ['lease_id'], unique=False)

    op.create_table('utility_shares',
    sa.Column('bill_id', sa.Uuid(), nullable=False),
    sa.Column('lease_id', sa.Uuid(), nullable=True),
    sa.Column('room_id', sa.Uuid(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('working', sa.Text(), nullable=False),
    sa.Column('charge_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bill_id'], ['utility_bills.id'], name=op.f('fk_utility_shares_bill_id_utility_bills')),
    sa.ForeignKeyConstraint(['charge_id'], ['charges.id'], name=op.f('fk_utility_shares_charge_id_charges')),
    sa.ForeignKeyConstraint(['lease_id'], ['leases.id'], name=op.f('fk_utility_shares_lease_id_leases')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_utility_shares_room_id_rooms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_utility_shares'))
    )
    with op.batch_alter_table('utility_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_utility_shares_bill_id'), ['bill_id'], unique=False)

    op.create_table('voids',
    sa.Column('charge_id', sa.Uuid(), nullable=True),
    sa.Column('payment_id', sa.Uuid(), nullable=True),
    sa.Column('voided_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(charge_id IS NULL) <> (payment_id IS NULL)', name=op.f('ck_voids_exactly_one_entry')),
    sa.ForeignKeyConstraint(['charge_id'], ['charges.id'], name=op.f('fk_voids_charge_id_charges')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_voids_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voids')),
    sa.UniqueConstraint('charge_id', name=op.f('uq_voids_charge_id')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_voids_payment_id'))
    )
    op.create_table('deposit_deductions',
    sa.Column('disposition_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('charge_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_deposit_deductions_amount_positive')),
    sa.ForeignKeyConstraint(['charge_id'], ['charges.id'], name=op.f('fk_deposit_deductions_charge_id_charges')),
    sa.ForeignKeyConstraint(['disposition_id'], ['deposit_dispositions.id'], name=op.f('fk_deposit_deductions_disposition_id_deposit_dispositions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deposit_deductions'))
    )
    with op.batch_alter_table('deposit_deductions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deposit_deductions_disposition_id'), ['disposition_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('deposit_deductions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deposit_deductions_disposition_id'))

    op.drop_table('deposit_deductions')
    op.drop_table('voids')
    with op.batch_alter_table('utility_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_utility_shares_bill_id'))

    op.drop_table('utility_shares')
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminders_lease_id'))
        batch_op.drop_index(batch_op.f('ix_reminders_due_on'))

    op.drop_table('reminders')
    op.drop_table('deposit_dispositions')
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocations_payment_id'))
        batch_op.drop_index(batch_op.f('ix_allocations_charge_id'))

    op.drop_table('allocations')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_received_on'))
        batch_op.drop_index(batch_op.f('ix_payments_lease_id'))

    op.drop_table('payments')
    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.drop_index('ix_charges_due_date_kind')

    op.drop_table('charges')
    with op.batch_alter_table('utility_bills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_utility_bills_property_id'))

    op.drop_table('utility_bills')
    op.drop_table('late_fee_rules')
