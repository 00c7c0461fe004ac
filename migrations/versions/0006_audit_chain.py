"""the audit log hash-chained: each entry numbered, with the previous entry's hash and its own

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

Existing entries are chained in the order they were written (time, then id). The hash is the
app's own (`coliv_desktop.domain.audit_chain`), imported rather than copied: the chain written
here must be the one `coliv audit verify` checks.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from coliv_desktop.domain.audit_chain import GENESIS, ChainedEntry, entry_hash

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
AUDIT = sa.table(
    'audit_log',
    sa.column('id', sa.Uuid()), sa.column('occurred_at', sa.DateTime(timezone=True)),
    sa.column('actor_id', sa.Uuid()), sa.column('actor_name', sa.String()),
    sa.column('action', sa.String()), sa.column('entity_type', sa.String()),
    sa.column('entity_id', sa.String()), sa.column('summary', sa.Text()),
    sa.column('changes', JSON), sa.column('seq', sa.Integer()),
    sa.column('prev_hash', sa.String()), sa.column('entry_hash', sa.String()),
)


def _chain_existing(conn: sa.Connection) -> None:
    rows = conn.execute(sa.select(AUDIT).order_by(AUDIT.c.occurred_at, AUDIT.c.id)).all()
    previous = GENESIS
    updates = []
    for seq, row in enumerate(rows, start=1):
        entry = ChainedEntry(
            seq=seq, id=str(row.id), occurred_at=row.occurred_at,
            actor_id=None if row.actor_id is None else str(row.actor_id),
            actor_name=row.actor_name, action=row.action, entity_type=row.entity_type,
            entity_id=row.entity_id, summary=row.summary, changes=row.changes)
        digest = entry_hash(entry, previous)
        updates.append({"b_id": row.id, "seq": seq, "prev_hash": previous,
                        "entry_hash": digest})
        previous = digest
    if updates:
        conn.execute(AUDIT.update().where(AUDIT.c.id == sa.bindparam("b_id")).values(
            seq=sa.bindparam("seq"), prev_hash=sa.bindparam("prev_hash"),
            entry_hash=sa.bindparam("entry_hash")), updates)


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('entry_hash', sa.String(length=64), nullable=True))
    _chain_existing(op.get_bind())
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('entry_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_log_seq'), ['seq'])


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_log_seq'), type_='unique')
        batch_op.drop_column('entry_hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
