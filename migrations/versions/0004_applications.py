"""applications and roommate matching

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

Applications with their compatibility profile, the stored matching results (scores and
excluded rooms), and an optional compatibility profile on tenants. Money is integer cents.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table('applications',
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('move_in_date', sa.Date(), nullable=False),
    sa.Column('lease_length_months', sa.Integer(), nullable=True),
    sa.Column('max_rent', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('compatibility_profile', JSON, nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=True),
    sa.Column('approved_room_id', sa.Uuid(), nullable=True),
    sa.Column('approved_lease_id', sa.Uuid(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected', 'withdrawn', 'waitlisted')", name=op.f('ck_applications_status')),
    sa.CheckConstraint('lease_length_months IS NULL OR lease_length_months >= 1', name=op.f('ck_applications_lease_length_positive')),
    sa.CheckConstraint('max_rent IS NULL OR max_rent >= 0', name=op.f('ck_applications_max_rent_not_negative')),
    sa.ForeignKeyConstraint(['approved_lease_id'], ['leases.id'], name=op.f('fk_applications_approved_lease_id_leases')),
    sa.ForeignKeyConstraint(['approved_room_id'], ['rooms.id'], name=op.f('fk_applications_approved_room_id_rooms')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_applications_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_status'), ['status'], unique=False)

    op.create_table('matching_exclusions',
    sa.Column('application_id', sa.Uuid(), nullable=False),
    sa.Column('room_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_matching_exclusions_application_id_applications')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_matching_exclusions_room_id_rooms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_exclusions')),
    sa.UniqueConstraint('application_id', 'room_id', name=op.f('uq_matching_exclusions_application_id_room_id'))
    )
    with op.batch_alter_table('matching_exclusions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matching_exclusions_application_id'), ['application_id'], unique=False)

    op.create_table('matching_scores',
    sa.Column('application_id', sa.Uuid(), nullable=False),
    sa.Column('room_id', sa.Uuid(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=20), nullable=False),
    sa.Column('breakdown', JSON, nullable=False),
    sa.Column('recommendation', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('current', 'approved', 'withdrawn')", name=op.f('ck_matching_scores_status')),
    sa.CheckConstraint("tier IN ('excellent', 'good', 'moderate', 'not_recommended')", name=op.f('ck_matching_scores_tier')),
    sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_matching_scores_score_range')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_matching_scores_application_id_applications')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_matching_scores_room_id_rooms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_scores')),
    sa.UniqueConstraint('application_id', 'room_id', name=op.f('uq_matching_scores_application_id_room_id'))
    )
    with op.batch_alter_table('matching_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matching_scores_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matching_scores_room_id'), ['room_id'], unique=False)

    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('compatibility_profile', JSON, nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('compatibility_profile')

    with op.batch_alter_table('matching_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matching_scores_room_id'))
        batch_op.drop_index(batch_op.f('ix_matching_scores_application_id'))

    op.drop_table('matching_scores')
    with op.batch_alter_table('matching_exclusions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matching_exclusions_application_id'))

    op.drop_table('matching_exclusions')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_status'))
        batch_op.drop_index(batch_op.f('ix_applications_email'))

    op.drop_table('applications')
