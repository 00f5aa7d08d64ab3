"""inbound spool replay marker; outbox index over rows in flight per recipient

inbound_message.spool_replied_at: set, in the transaction that puts the replies of a message
replayed from the inbound spool into the outbox, so a replay repeated after a crash adds them
once. ix_outbox_message_in_flight: the claim's "nothing else in flight to this recipient" test.

Revision ID: 0006
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa

from storage.db import UTCDateTime

revision = '0006'
down_revision = '0008'
branch_labels = None
depends_on = None

HELD = sa.text("status = 'claimed'")


def upgrade() -> None:
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('spool_replied_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message_in_flight', ['channel', 'to_phone'], unique=False,
                              postgresql_where=HELD, sqlite_where=HELD)


def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_in_flight')
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.drop_column('spool_replied_at')
