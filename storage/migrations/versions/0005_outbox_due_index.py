"""outbox: partial indexes over rows still to send / held by a sender replace (status, next_attempt_at)

Revision ID: 0005
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

DUE = sa.text("status = 'pending'")
HELD = sa.text("status = 'claimed'")


def upgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_sendable')
        batch_op.create_index('ix_outbox_message_due', ['next_attempt_at'], unique=False,
                              postgresql_where=DUE, sqlite_where=DUE)
        batch_op.create_index('ix_outbox_message_held', ['claimed_until'], unique=False,
                              postgresql_where=HELD, sqlite_where=HELD)


def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_held')
        batch_op.drop_index('ix_outbox_message_due')
        batch_op.create_index('ix_outbox_message_sendable', ['status', 'next_attempt_at'], unique=False)
