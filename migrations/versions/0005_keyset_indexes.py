"""indexes for keyset paging: the ledger's and the audit log's orders, id last

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

A page of a long list is read from where it starts (its sort key and id: `services.keyset`),
which an index on (key, id) answers by seeking, whatever the page's position. The ledger is
sorted by day, amount or kind over charges and money in; the audit log by time. Payments show
as negative amounts in the ledger, so their amount index runs descending: read forwards it is
the ledger's ascending order, read backwards its descending one. (received_on) and
(occurred_at) alone become (received_on, id) and (occurred_at, id), which serve what they
served.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_charges_due_date_id', 'charges', ['due_date', 'id'])
    op.create_index('ix_charges_amount_id', 'charges', ['amount', 'id'])
    op.create_index('ix_charges_kind_id', 'charges', ['kind', 'id'])
    op.drop_index('ix_payments_received_on', table_name='payments')
    op.create_index('ix_payments_received_on_id', 'payments', ['received_on', 'id'])
    op.create_index('ix_payments_amount_id', 'payments', [sa.text('amount DESC'), 'id'])
    op.create_index('ix_payments_kind_id', 'payments', ['kind', 'id'])
    op.drop_index('ix_audit_log_occurred_at', table_name='audit_log')
    op.create_index('ix_audit_log_occurred_at_id', 'audit_log', ['occurred_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_audit_log_occurred_at_id', table_name='audit_log')
    op.create_index('ix_audit_log_occurred_at', 'audit_log', ['occurred_at'])
    op.drop_index('ix_payments_kind_id', table_name='payments')
    op.drop_index('ix_payments_amount_id', table_name='payments')
    op.drop_index('ix_payments_received_on_id', table_name='payments')
    op.create_index('ix_payments_received_on', 'payments', ['received_on'])
    op.drop_index('ix_charges_kind_id', table_name='charges')
    op.drop_index('ix_charges_amount_id', table_name='charges')
    op.drop_index('ix_charges_due_date_id', table_name='charges')
