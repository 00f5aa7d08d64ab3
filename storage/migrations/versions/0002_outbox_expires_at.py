"""outbox_message.expires_at: stale reminders are canceled, not sent late

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', storage.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
