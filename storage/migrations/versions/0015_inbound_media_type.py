"""inbound_message.media_type: what an attachment is (MediaContentType0), so a voice note is answered
as one, a sticker or a contact card is not taken for a photo, and a photo sent before a proposal can
be attached to it within 30 minutes.

Revision ID: 0015
Revises: 0014
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_message") as batch:
        batch.add_column(sa.Column("media_type", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbound_message") as batch:
        batch.drop_column("media_type")
