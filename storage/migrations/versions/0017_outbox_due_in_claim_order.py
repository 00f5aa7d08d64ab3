"""outbox: ix_outbox_message_due in the claim's own order (lane, next_attempt_at, id)

A broadcast's rows all share one next_attempt_at: with (lane, next_attempt_at) PostgreSQL read
and sorted every pending row by id for each claim (150 ms at 20,000 rows, under the claims'
lock, so a reply's claim queued behind broadcast claims for seconds). With id in the index a
claim reads the first rows in order and stops.

Revision ID: 0017
Revises: 0016
"""

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

DUE = sa.text("status = 'pending'")


def upgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_due')
        batch_op.create_index('ix_outbox_message_due', ['lane', 'next_attempt_at', 'id'], unique=False,
                              postgresql_where=DUE, sqlite_where=DUE)


def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_due')
        batch_op.create_index('ix_outbox_message_due', ['lane', 'next_attempt_at'], unique=False,
                              postgresql_where=DUE, sqlite_where=DUE)
