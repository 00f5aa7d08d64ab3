"""outbox lanes (residents' messages ahead of broadcasts) and the account's shared send pace

outbox_message.lane: 0 = residents (replies, relays, login codes, news of their own ticket),
1 = bulk (reminders, corrections, surveys). Senders claim each lane on its own, so a reply is
never queued behind a broadcast; ix_outbox_message_due becomes (lane, next_attempt_at) over
pending rows; ix_outbox_message_resident_waiting lets a broadcast row wait for an older
residents' row to the same person (order per recipient across lanes). send_pace: one row per rate (the account's, or a sender number's) holding the
theoretical arrival time of its next free slot, in the database's clock (epoch seconds): every
sending process takes its slots from it, so SEND_RATE_PER_SECOND holds for the whole account.

Revision ID: 0013
Revises: 0012
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

DUE = sa.text("status = 'pending'")
RESIDENT_WAITING = sa.text("status IN ('pending', 'claimed') AND lane = 0")
RESIDENT_KINDS = ("reply", "relay", "handoff_notice", "handoff_timeout", "ticket_update", "proposal_update",
                  "login_code")


def upgrade() -> None:
    op.create_table(
        'send_pace',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('tat', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_send_pace')),
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lane', sa.SmallInteger(), server_default=sa.text('1'), nullable=False))
    outbox = sa.table('outbox_message', sa.column('kind', sa.String), sa.column('lane', sa.SmallInteger))
    op.execute(outbox.update().where(outbox.c.kind.in_(RESIDENT_KINDS)).values(lane=0))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_due')
        batch_op.create_index('ix_outbox_message_due', ['lane', 'next_attempt_at'], unique=False,
                              postgresql_where=DUE, sqlite_where=DUE)
        batch_op.create_index('ix_outbox_message_resident_waiting', ['channel', 'to_phone'], unique=False,
                              postgresql_where=RESIDENT_WAITING, sqlite_where=RESIDENT_WAITING)


def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_resident_waiting')
        batch_op.drop_index('ix_outbox_message_due')
        batch_op.create_index('ix_outbox_message_due', ['next_attempt_at'], unique=False,
                              postgresql_where=DUE, sqlite_where=DUE)
        batch_op.drop_column('lane')
    op.drop_table('send_pace')
