"""console: login limits as atomic counters per key (the attempt log was check-then-act: 12 concurrent
guesses on PostgreSQL were all checked against a limit of 5), and a session version per staff member
so logout, a new password and `people remove` end every session

Revision ID: 0012
Revises: 0011
"""

from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'console_login_counter',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('window_start', storage.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_console_login_counter')),
    )
    op.drop_index('ix_console_login_attempt_key_at', table_name='console_login_attempt')
    op.drop_table('console_login_attempt')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('session_version')
    op.create_table(
        'console_login_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('at', storage.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('success', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_console_login_attempt_key_at', 'console_login_attempt', ['key', 'at'], unique=False)
    op.drop_table('console_login_counter')
