"""content_template: the Content API templates of interactive questions (WhatsApp quick-reply buttons
and list pickers), one per shape (kind + number of options), created at first use and shared by every
process; conversation.asked: the token of the last question sent with choices, so a tap on a button of
an earlier question is recognised as stale instead of answering the current one.

Revision ID: 0018
Revises: 0017
"""

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_template",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_sid", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "size", name="uq_content_template_shape"),
    )
    with op.batch_alter_table("conversation") as batch:
        batch.add_column(sa.Column("asked", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation") as batch:
        batch.drop_column("asked")
    op.drop_table("content_template")
