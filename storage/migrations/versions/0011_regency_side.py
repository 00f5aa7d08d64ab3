"""regency side: when a resident came through a kepala desa's link (reach per visit), and the
Musrenbang columns of a proposal (kegiatan, volume, satuan, perangkat daerah, prioritas)

Revision ID: 0011
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('referred_at', storage.db.UTCDateTime(timezone=True), nullable=True))
    # Residents who came through a link before this column: their first message is the best guess.
    op.execute("UPDATE resident SET referred_at = created_at WHERE referral_desa_id IS NOT NULL")
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kegiatan', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('volume', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('satuan', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('opd_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prioritas', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_proposal_opd_id_opd', 'opd', ['opd_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_constraint('fk_proposal_opd_id_opd', type_='foreignkey')
        for column in ('prioritas', 'opd_id', 'satuan', 'volume', 'kegiatan'):
            batch_op.drop_column(column)
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_column('referred_at')
