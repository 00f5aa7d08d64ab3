"""outbox_message: a residents' row (lane 0: a reply, a relay, a login code) notifies the channel
`outbox_resident` when its transaction commits (PostgreSQL). Every sender process listens
(scheduler.sender.ResidentListener), so a reply written by a web process is claimed at once
instead of at a sender's next look; every writer is covered without a statement of its own
(no extra round trip in the webhook). Notifications of one transaction with the same payload
are delivered once. SQLite has no NOTIFY: a sender there shares the web's process and bell.

Revision ID: 0021
Revises: 0020
"""

from alembic import op


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION outbox_resident_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('outbox_resident', '');
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER outbox_resident_notify AFTER INSERT ON outbox_message
        FOR EACH ROW WHEN (NEW.lane = 0) EXECUTE FUNCTION outbox_resident_notify()""")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS outbox_resident_notify ON outbox_message")
    op.execute("DROP FUNCTION IF EXISTS outbox_resident_notify()")
