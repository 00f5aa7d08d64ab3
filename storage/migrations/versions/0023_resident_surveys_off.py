"""resident: surveys_off_at — a resident who asked for no more surveys ("gak usah kirim survei") gets none;
their reminders go on (only a stop of messages opts out).

Revision ID: 0023
Revises: 0022
"""

from alembic import op
import sqlalchemy as sa

import storage.db

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("resident") as batch:
        batch.add_column(sa.Column("surveys_off_at", storage.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("resident") as batch:
        batch.drop_column("surveys_off_at")
