"""inbound_message waits to be processed off the request (issue #25, acknowledge fast).

The webhook stores a message and answers at once; a processor takes it later. `processed_at IS
NULL` now means "waiting": every message stored before this revision was processed in its
request (or got the apology), so they are all marked processed here. `profile_name` is kept
because the processor reads the message from its row (WhatsApp's ProfileName names a new
resident). `as_written` is the body before its NIKs were masked, for the petugas holding the
chat only: kept only while the message waits (and only when it differs from the masked body),
erased in the transaction that processes it. `lease_owner` /
`lease_until` say which processor holds a waiting message and until when (the database's clock):
a processor that dies leaves a lease that runs out, and another takes the message again. The
partial index serves the processor's look for each resident's oldest waiting message.
On PostgreSQL a statement trigger NOTIFYs `kenduren_inbound` after every insert, so a processor
in another process wakes when the webhook's transaction commits (no extra round trip for the
webhook).

Revision ID: 0022
Revises: 0021
"""

from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

_PENDING = sa.text("processed_at IS NULL")


def upgrade() -> None:
    op.execute("UPDATE inbound_message SET processed_at = received_at WHERE processed_at IS NULL")
    with op.batch_alter_table("inbound_message") as batch:
        batch.add_column(sa.Column("profile_name", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("as_written", sa.Text(), nullable=True))
        batch.add_column(sa.Column("lease_owner", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_inbound_message_pending", "inbound_message", ["from_phone", "id"],
                    postgresql_where=_PENDING, sqlite_where=_PENDING)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION kenduren_inbound_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('kenduren_inbound', ''); RETURN NULL; END $$""")
        op.execute("""
            CREATE TRIGGER inbound_message_notify AFTER INSERT ON inbound_message
            FOR EACH STATEMENT EXECUTE FUNCTION kenduren_inbound_notify()""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS inbound_message_notify ON inbound_message")
        op.execute("DROP FUNCTION IF EXISTS kenduren_inbound_notify()")
    op.drop_index("ix_inbound_message_pending", table_name="inbound_message")
    with op.batch_alter_table("inbound_message") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("lease_owner")
        batch.drop_column("profile_name")
        batch.drop_column("as_written")
