"""web console: staff.password_hash, proposal.merged_into_id, proposal_event, login attempts and codes

Revision ID: 0008
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0008'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_hash', sa.String(length=256), nullable=True))
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_proposal_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_foreign_key('fk_proposal_merged_into_id_proposal', 'proposal', ['merged_into_id'], ['id'])
    op.create_table(
        'proposal_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('at', storage.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=16), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=24), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id']),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_proposal_event_proposal_id'), 'proposal_event', ['proposal_id'], unique=False)
    op.create_table(
        'console_login_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('at', storage.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('success', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_console_login_attempt_key_at', 'console_login_attempt', ['key', 'at'], unique=False)
    op.create_table(
        'console_login_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=256), nullable=False),
        sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', storage.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', storage.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_console_login_code_staff_id'), 'console_login_code', ['staff_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_console_login_code_staff_id'), table_name='console_login_code')
    op.drop_table('console_login_code')
    op.drop_index('ix_console_login_attempt_key_at', table_name='console_login_attempt')
    op.drop_table('console_login_attempt')
    op.drop_index(op.f('ix_proposal_event_proposal_id'), table_name='proposal_event')
    op.drop_table('proposal_event')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_constraint('fk_proposal_merged_into_id_proposal', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_proposal_merged_into_id'))
        batch_op.drop_column('merged_into_id')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('password_hash')
