"""proposal.perangkat_daerah: the Musrenbang column names the regency agency answering for a proposal
(a key of storage/reference/perangkat_daerah.csv — roads are Dinas PU's, not one of the caravan's
14 OPD), instead of proposal.opd_id

Revision ID: 0014
Revises: 0013
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('perangkat_daerah', sa.String(length=32), nullable=True))
        batch_op.drop_constraint('fk_proposal_opd_id_opd', type_='foreignkey')
        batch_op.drop_column('opd_id')


def downgrade() -> None:
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opd_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_proposal_opd_id_opd', 'opd', ['opd_id'], ['id'])
        batch_op.drop_column('perangkat_daerah')
