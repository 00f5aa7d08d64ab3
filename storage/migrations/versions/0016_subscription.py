"""subscription: reminders for several kecamatan per resident (was resident.subscribed_kecamatan_id)

Existing subscriptions become one row each (created at their subscribed_at); the old column is emptied.

Revision ID: 0016
Revises: 0015
"""

from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'subscription',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('resident_id', sa.Integer(), nullable=False),
        sa.Column('kecamatan_id', sa.Integer(), nullable=False),
        sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_subscription_resident_id_resident'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['kecamatan_id'], ['kecamatan.id'], name=op.f('fk_subscription_kecamatan_id_kecamatan')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription')),
        sa.UniqueConstraint('resident_id', 'kecamatan_id', name=op.f('uq_subscription_resident_id_kecamatan_id')),
    )
    op.create_index(op.f('ix_subscription_resident_id'), 'subscription', ['resident_id'], unique=False)
    op.create_index(op.f('ix_subscription_kecamatan_id'), 'subscription', ['kecamatan_id'], unique=False)
    op.execute("INSERT INTO subscription (resident_id, kecamatan_id, created_at) "
               "SELECT id, subscribed_kecamatan_id, COALESCE(subscribed_at, created_at) FROM resident "
               "WHERE subscribed_kecamatan_id IS NOT NULL")
    # The old column stays, emptied and no longer read: dropping it rebuilds `resident` on SQLite, and
    # with foreign keys on, dropping the old table deletes every row pointing at it (conversations …).
    op.execute("UPDATE resident SET subscribed_kecamatan_id = NULL")


def downgrade() -> None:
    # One kecamatan per resident fits the old column: the earliest subscription.
    op.execute("UPDATE resident SET subscribed_kecamatan_id = (SELECT s.kecamatan_id FROM subscription s "
               "WHERE s.resident_id = resident.id ORDER BY s.id LIMIT 1)")
    op.drop_index(op.f('ix_subscription_kecamatan_id'), table_name='subscription')
    op.drop_index(op.f('ix_subscription_resident_id'), table_name='subscription')
    op.drop_table('subscription')
