"""users sign in: failed attempts and a stored lock, TOTP, unique names, property scope

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

Passwords (Argon2id) go in the existing `password_hash`. Five failed sign-ins lock an account
until `locked_until`, kept in the database so a restart does not lift it. `display_name` becomes
the sign-in name, so it is unique. `user_properties` limits a user to some properties (none:
all). Types are spelled out so this revision stays what it was when later code changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_attempts', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_users_failed_attempts_not_negative'),
                                         'failed_attempts >= 0')
        batch_op.create_unique_constraint(batch_op.f('uq_users_display_name'),
                                          ['display_name'])
    op.create_table('user_properties',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('property_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'],
                            name=op.f('fk_user_properties_property_id_properties')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_user_properties_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_properties')),
    sa.UniqueConstraint('user_id', 'property_id',
                        name=op.f('uq_user_properties_user_id_property_id'))
    )
    with op.batch_alter_table('user_properties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_properties_user_id'), ['user_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('user_properties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_properties_user_id'))
    op.drop_table('user_properties')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_display_name'), type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_users_failed_attempts_not_negative'),
                                 type_='check')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_attempts')
