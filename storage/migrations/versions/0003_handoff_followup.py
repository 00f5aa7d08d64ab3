"""handoff follow-up: ticket.handoff_requested_at / responded_at / handoff_timeout_at / escalated_at

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handoff_requested_at', storage.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_ticket_handoff_requested_at'), ['handoff_requested_at'], unique=False)
        batch_op.add_column(sa.Column('responded_at', storage.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('handoff_timeout_at', storage.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', storage.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('handoff_timeout_at')
        batch_op.drop_column('responded_at')
        batch_op.drop_index(batch_op.f('ix_ticket_handoff_requested_at'))
        batch_op.drop_column('handoff_requested_at')
