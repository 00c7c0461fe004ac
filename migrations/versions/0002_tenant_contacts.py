"""tenant contacts: the dated log of calls, emails, visits and notes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Types are spelled out here rather than imported from the app so this revision stays what it was
when later code changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tenant_contacts',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('contact_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=255), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('call', 'email', 'visit', 'note')",
                       name=op.f('ck_tenant_contacts_kind')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'],
                            name=op.f('fk_tenant_contacts_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant_contacts'))
    )
    with op.batch_alter_table('tenant_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenant_contacts_tenant_id'), ['tenant_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tenant_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_contacts_tenant_id'))
    op.drop_table('tenant_contacts')
