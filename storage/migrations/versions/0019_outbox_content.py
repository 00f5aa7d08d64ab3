"""outbox_message content: a reply that is a question with choices carries the WhatsApp content
it is sent as (the shape of its Content API template and the variables), while `body` keeps the
same question as numbered text, the fallback of a send that cannot be interactive (63016, a
Content API failure, SMS). `content_sid` records the template the row was actually sent with
(NULL when it went as text).

Revision ID: 0019
Revises: 0018
"""

from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("content_kind", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("content_size", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("content_variables", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("content_sid", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("content_sid")
        batch.drop_column("content_variables")
        batch.drop_column("content_size")
        batch.drop_column("content_kind")
