"""indexes for keyset paging: the ledger's and the audit log's orders, id last

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

A page of a long list is read from where it starts (its sort key and id: `services.keyset`),
which an index on (key, id) answers by seeking, whatever the page's position. The ledger by
day is ordered (day, kind, id) and by amount (amount, id), over charges and money in; the audit
log by (time, id). Payments show as negative amounts in the ledger, so their amount index runs
descending: read forwards it is the ledger's ascending order, read backwards its descending
one. The indexes on (due_date, kind), (received_on) and (occurred_at) grow an id (and a kind)
at their end: they serve what they served, and the writes pay for one more index per ledger
table, not two.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_charges_due_date_kind', table_name='charges')
    op.create_index('ix_charges_due_date_kind_id', 'charges', ['due_date', 'kind', 'id'])
    op.create_index('ix_charges_amount_id', 'charges', ['amount', 'id'])
    op.drop_index('ix_payments_received_on', table_name='payments')
    op.create_index('ix_payments_received_on_kind_id', 'payments',
                    ['received_on', 'kind', 'id'])
    op.create_index('ix_payments_amount_id', 'payments', [sa.text('amount DESC'), 'id'])
    op.drop_index('ix_audit_log_occurred_at', table_name='audit_log')
    op.create_index('ix_audit_log_occurred_at_id', 'audit_log', ['occurred_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_audit_log_occurred_at_id', table_name='audit_log')
    op.create_index('ix_audit_log_occurred_at', 'audit_log', ['occurred_at'])
    op.drop_index('ix_payments_amount_id', table_name='payments')
    op.drop_index('ix_payments_received_on_kind_id', table_name='payments')
    op.create_index('ix_payments_received_on', 'payments', ['received_on'])
    op.drop_index('ix_charges_amount_id', table_name='charges')
    op.drop_index('ix_charges_due_date_kind_id', table_name='charges')
    op.create_index('ix_charges_due_date_kind', 'charges', ['due_date', 'kind'])
