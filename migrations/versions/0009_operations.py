"""operations: the maintenance queue (vendors, requests, their log and costs, schedules), house
life (announcements, events and RSVPs, the house board, conflict reports) and documents

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

Money columns hold integer cents; timestamps are UTC. Types are spelled out so this revision
never imports app code. Documents keep the file's bytes in the book (LargeBinary: BLOB/bytea).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('vendors',
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('trade', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('rates', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('insurance_expiry', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendors'))
    )
    op.create_table('community_posts',
    sa.Column('property_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=True),
    sa.Column('author_name', sa.String(length=255), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('visible', sa.Boolean(), nullable=False),
    sa.Column('hidden_reason', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("category IN ('general', 'event', 'lost_found', 'marketplace', 'recommendation', 'notice')", name=op.f('ck_community_posts_category')),
    sa.ForeignKeyConstraint(['author_id'], ['tenants.id'], name=op.f('fk_community_posts_author_id_tenants')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_community_posts_property_id_properties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_posts'))
    )
    with op.batch_alter_table('community_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_posts_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_posts_property_id'), ['property_id'], unique=False)

    op.create_table('events',
    sa.Column('property_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('date_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('location', sa.String(length=255), nullable=True),
    sa.Column('max_attendees', sa.Integer(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('max_attendees IS NULL OR max_attendees > 0', name=op.f('ck_events_capacity')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_events_property_id_properties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_property_id'), ['property_id'], unique=False)

    op.create_table('announcements',
    sa.Column('property_id', sa.Uuid(), nullable=True),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('created_by', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("priority IN ('normal', 'important', 'urgent')", name=op.f('ck_announcements_priority')),
    sa.CheckConstraint('unit_id IS NULL OR property_id IS NOT NULL', name=op.f('ck_announcements_unit_in_property')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_announcements_property_id_properties')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_announcements_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements'))
    )
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcements_property_id'), ['property_id'], unique=False)

    op.create_table('event_rsvps',
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('going', 'maybe', 'not_going', 'waitlisted')", name=op.f('ck_event_rsvps_status')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_rsvps_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_event_rsvps_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_rsvps')),
    sa.UniqueConstraint('event_id', 'tenant_id', name=op.f('uq_event_rsvps_event_id_tenant_id'))
    )
    with op.batch_alter_table('event_rsvps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_rsvps_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_rsvps_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('conflict_reports',
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.Column('room_id', sa.Uuid(), nullable=True),
    sa.Column('conflict_type', sa.String(length=20), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("conflict_type IN ('noise', 'cleanliness', 'guests', 'bills', 'safety', 'other')", name=op.f('ck_conflict_reports_conflict_type')),
    sa.CheckConstraint("severity IN ('low', 'medium', 'high')", name=op.f('ck_conflict_reports_severity')),
    sa.CheckConstraint("status IN ('open', 'mediating', 'resolved', 'escalated')", name=op.f('ck_conflict_reports_status')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_conflict_reports_room_id_rooms')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_conflict_reports_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_reports'))
    )
    with op.batch_alter_table('conflict_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_reports_unit_id'), ['unit_id'], unique=False)

    op.create_table('maintenance_schedules',
    sa.Column('property_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('room_id', sa.Uuid(), nullable=True),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('every_months', sa.Integer(), nullable=False),
    sa.Column('next_due', sa.Date(), nullable=False),
    sa.Column('vendor_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("category IN ('plumbing', 'electrical', 'appliance', 'heating_cooling', 'pest', 'cleaning', 'furniture', 'internet', 'other')", name=op.f('ck_maintenance_schedules_category')),
    sa.CheckConstraint("priority IN ('low', 'medium', 'high', 'urgent')", name=op.f('ck_maintenance_schedules_priority')),
    sa.CheckConstraint('every_months BETWEEN 1 AND 120', name=op.f('ck_maintenance_schedules_every_months')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_maintenance_schedules_property_id_properties')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_maintenance_schedules_room_id_rooms')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_maintenance_schedules_unit_id_units')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_maintenance_schedules_vendor_id_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_schedules'))
    )
    with op.batch_alter_table('maintenance_schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_schedules_property_id'), ['property_id'], unique=False)

    op.create_table('conflict_notes',
    sa.Column('conflict_id', sa.Uuid(), nullable=False),
    sa.Column('author', sa.String(length=255), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conflict_id'], ['conflict_reports.id'], name=op.f('fk_conflict_notes_conflict_id_conflict_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_notes'))
    )
    with op.batch_alter_table('conflict_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_notes_conflict_id'), ['conflict_id'], unique=False)

    op.create_table('conflict_parties',
    sa.Column('conflict_id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['conflict_id'], ['conflict_reports.id'], name=op.f('fk_conflict_parties_conflict_id_conflict_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_conflict_parties_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_parties')),
    sa.UniqueConstraint('conflict_id', 'tenant_id', name=op.f('uq_conflict_parties_conflict_id_tenant_id'))
    )
    with op.batch_alter_table('conflict_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_parties_conflict_id'), ['conflict_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflict_parties_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('maintenance_requests',
    sa.Column('property_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('room_id', sa.Uuid(), nullable=True),
    sa.Column('tenant_id', sa.Uuid(), nullable=True),
    sa.Column('reported_by', sa.String(length=255), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('access_notes', sa.Text(), nullable=True),
    sa.Column('vendor_id', sa.Uuid(), nullable=True),
    sa.Column('assigned_to', sa.Uuid(), nullable=True),
    sa.Column('scheduled_for', sa.Date(), nullable=True),
    sa.Column('due_by', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolution_notes', sa.Text(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('holds_room', sa.Boolean(), nullable=False),
    sa.Column('schedule_id', sa.Uuid(), nullable=True),
    sa.Column('schedule_due', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("category IN ('plumbing', 'electrical', 'appliance', 'heating_cooling', 'pest', 'cleaning', 'furniture', 'internet', 'other')", name=op.f('ck_maintenance_requests_category')),
    sa.CheckConstraint("priority IN ('low', 'medium', 'high', 'urgent')", name=op.f('ck_maintenance_requests_priority')),
    sa.CheckConstraint("status IN ('open', 'in_progress', 'waiting_parts', 'resolved', 'closed')", name=op.f('ck_maintenance_requests_status')),
    sa.CheckConstraint('room_id IS NULL OR unit_id IS NOT NULL', name=op.f('ck_maintenance_requests_room_in_unit')),
    sa.ForeignKeyConstraint(['assigned_to'], ['users.id'], name=op.f('fk_maintenance_requests_assigned_to_users')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_maintenance_requests_property_id_properties')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_maintenance_requests_room_id_rooms')),
    sa.ForeignKeyConstraint(['schedule_id'], ['maintenance_schedules.id'], name=op.f('fk_maintenance_requests_schedule_id_maintenance_schedules')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_maintenance_requests_tenant_id_tenants')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_maintenance_requests_unit_id_units')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_maintenance_requests_vendor_id_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_requests'))
    )
    with op.batch_alter_table('maintenance_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_requests_property_id'), ['property_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_requests_room_id'), ['room_id'], unique=False)
        batch_op.create_index('ix_maintenance_requests_status_due_by', ['status', 'due_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_requests_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_requests_vendor_id'), ['vendor_id'], unique=False)

    op.create_table('documents',
    sa.Column('tenant_id', sa.Uuid(), nullable=True),
    sa.Column('lease_id', sa.Uuid(), nullable=True),
    sa.Column('property_id', sa.Uuid(), nullable=True),
    sa.Column('request_id', sa.Uuid(), nullable=True),
    sa.Column('conflict_id', sa.Uuid(), nullable=True),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.String(length=255), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(CASE WHEN tenant_id IS NULL THEN 0 ELSE 1 END + CASE WHEN lease_id IS NULL THEN 0 ELSE 1 END + CASE WHEN property_id IS NULL THEN 0 ELSE 1 END + CASE WHEN request_id IS NULL THEN 0 ELSE 1 END + CASE WHEN conflict_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_documents_one_owner')),
    sa.CheckConstraint('size >= 0', name=op.f('ck_documents_size')),
    sa.ForeignKeyConstraint(['conflict_id'], ['conflict_reports.id'], name=op.f('fk_documents_conflict_id_conflict_reports')),
    sa.ForeignKeyConstraint(['lease_id'], ['leases.id'], name=op.f('fk_documents_lease_id_leases')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_documents_property_id_properties')),
    sa.ForeignKeyConstraint(['request_id'], ['maintenance_requests.id'], name=op.f('fk_documents_request_id_maintenance_requests')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_documents_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_conflict_id'), ['conflict_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_lease_id'), ['lease_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_property_id'), ['property_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('maintenance_costs',
    sa.Column('request_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('incurred_on', sa.Date(), nullable=False),
    sa.Column('lease_id', sa.Uuid(), nullable=True),
    sa.Column('charge_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('parts', 'labour', 'vendor_invoice', 'other')", name=op.f('ck_maintenance_costs_kind')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_maintenance_costs_amount_positive')),
    sa.ForeignKeyConstraint(['charge_id'], ['charges.id'], name=op.f('fk_maintenance_costs_charge_id_charges')),
    sa.ForeignKeyConstraint(['lease_id'], ['leases.id'], name=op.f('fk_maintenance_costs_lease_id_leases')),
    sa.ForeignKeyConstraint(['request_id'], ['maintenance_requests.id'], name=op.f('fk_maintenance_costs_request_id_maintenance_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_costs')),
    sa.UniqueConstraint('charge_id', name=op.f('uq_maintenance_costs_charge_id'))
    )
    with op.batch_alter_table('maintenance_costs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_costs_request_id'), ['request_id'], unique=False)

    op.create_table('maintenance_log',
    sa.Column('request_id', sa.Uuid(), nullable=False),
    sa.Column('actor_name', sa.String(length=255), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['maintenance_requests.id'], name=op.f('fk_maintenance_log_request_id_maintenance_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_log'))
    )
    with op.batch_alter_table('maintenance_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_log_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('maintenance_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_log_request_id'))

    op.drop_table('maintenance_log')
    with op.batch_alter_table('maintenance_costs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_costs_request_id'))

    op.drop_table('maintenance_costs')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_documents_request_id'))
        batch_op.drop_index(batch_op.f('ix_documents_property_id'))
        batch_op.drop_index(batch_op.f('ix_documents_lease_id'))
        batch_op.drop_index(batch_op.f('ix_documents_conflict_id'))

    op.drop_table('documents')
    with op.batch_alter_table('maintenance_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_requests_vendor_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_requests_tenant_id'))
        batch_op.drop_index('ix_maintenance_requests_status_due_by')
        batch_op.drop_index(batch_op.f('ix_maintenance_requests_room_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_requests_property_id'))

    op.drop_table('maintenance_requests')
    with op.batch_alter_table('conflict_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_parties_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_conflict_parties_conflict_id'))

    op.drop_table('conflict_parties')
    with op.batch_alter_table('conflict_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_notes_conflict_id'))

    op.drop_table('conflict_notes')
    with op.batch_alter_table('maintenance_schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_schedules_property_id'))

    op.drop_table('maintenance_schedules')
    with op.batch_alter_table('conflict_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_reports_unit_id'))

    op.drop_table('conflict_reports')
    with op.batch_alter_table('event_rsvps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_rsvps_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_event_rsvps_event_id'))

    op.drop_table('event_rsvps')
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcements_property_id'))

    op.drop_table('announcements')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_property_id'))

    op.drop_table('events')
    with op.batch_alter_table('community_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_posts_property_id'))
        batch_op.drop_index(batch_op.f('ix_community_posts_author_id'))

    op.drop_table('community_posts')
    op.drop_table('vendors')
