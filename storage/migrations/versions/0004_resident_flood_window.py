"""resident.flood_window_start / flood_count: the flood limit counted in the resident upsert

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flood_window_start', storage.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('flood_count', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_column('flood_count')
        batch_op.drop_column('flood_window_start')
