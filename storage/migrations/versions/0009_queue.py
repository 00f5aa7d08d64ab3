"""queue_counter / queue_entry: the antrean at each stand on the day of a visit

Revision ID: 0009
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0009'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'queue_counter',
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('opd_id', sa.Integer(), nullable=False),
        sa.Column('last_number', sa.Integer(), nullable=False),
        sa.Column('last_position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['opd_id'], ['opd.id'], name=op.f('fk_queue_counter_opd_id_opd')),
        sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_queue_counter_visit_id_visit'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('visit_id', 'opd_id', name=op.f('pk_queue_counter')),
    )
    op.create_table(
        'queue_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('opd_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('resident_id', sa.Integer(), nullable=True),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('walk_in', sa.Boolean(), nullable=False),
        sa.Column('checked_in_by', sa.String(length=16), nullable=False),
        sa.Column('checked_in_at', storage.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('called_at', storage.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('called_by_staff_id', sa.Integer(), nullable=True),
        sa.Column('served_at', storage.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('skipped_at', storage.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('rejoined_at', storage.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('rejoins', sa.Integer(), nullable=False),
        sa.Column('near_notified_at', storage.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['called_by_staff_id'], ['staff.id'],
                                name=op.f('fk_queue_entry_called_by_staff_id_staff')),
        sa.ForeignKeyConstraint(['opd_id'], ['opd.id'], name=op.f('fk_queue_entry_opd_id_opd')),
        sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_queue_entry_resident_id_resident')),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_queue_entry_ticket_id_ticket')),
        sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_queue_entry_visit_id_visit'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_queue_entry')),
        sa.UniqueConstraint('visit_id', 'opd_id', 'number', name=op.f('uq_queue_entry_visit_id_opd_id_number')),
        sa.UniqueConstraint('visit_id', 'opd_id', 'position', name=op.f('uq_queue_entry_visit_id_opd_id_position')),
        sa.UniqueConstraint('visit_id', 'opd_id', 'resident_id',
                            name=op.f('uq_queue_entry_visit_id_opd_id_resident_id')),
    )
    with op.batch_alter_table('queue_entry', schema=None) as batch_op:
        batch_op.create_index('ix_queue_entry_line', ['visit_id', 'opd_id', 'status', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_queue_entry_called_at'), ['called_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_queue_entry_ticket_id'), ['ticket_id'], unique=False)


def downgrade() -> None:
    op.drop_table('queue_entry')
    op.drop_table('queue_counter')
