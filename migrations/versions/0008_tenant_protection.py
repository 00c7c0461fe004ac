"""tenant protection: encrypted ID number, bank details and emergency phone; erasure; book id

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

`id_number` and `bank_details` are new; `emergency_contact_phone` becomes Text since it now
holds a Fernet token (db.crypto), which is longer than the 40 characters of a phone. Phones
already stored stay plaintext (the column type reads both) until the book's key is made, which
encrypts them (db.crypto.ensure_key).
`erased_at` marks a tenant erased on request. The book gets an id in `coliv_meta`, under which
its key is kept in the OS keychain. Types are spelled out so this revision stays what it was.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.alter_column('emergency_contact_phone', existing_type=sa.String(length=40),
                              type_=sa.Text(), existing_nullable=True)
        batch_op.add_column(sa.Column('id_number', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('bank_details', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(sa.text("DELETE FROM coliv_meta WHERE key = 'book_id'"))
    op.get_bind().execute(sa.text("INSERT INTO coliv_meta (key, value) VALUES ('book_id', :v)"),
                          {"v": str(uuid.uuid4())})


def downgrade() -> None:
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('bank_details')
        batch_op.drop_column('id_number')
        batch_op.alter_column('emergency_contact_phone', existing_type=sa.Text(),
                              type_=sa.String(length=40), existing_nullable=True)
