"""resident: drop subscribed_kecamatan_id (emptied by 0016; subscriptions are rows of `subscription`)

On SQLite the column is dropped by rebuilding `resident` (a column in a foreign key cannot be
dropped in place). Dropping the old table deletes its rows first, which with foreign keys on would
cascade to every subscription and conversation of every resident: storage.migrate runs migrations
on SQLite with foreign keys off (set outside the transaction) and checks them at the end.

Revision ID: 0020
Revises: 0019
"""

from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("0020 rebuilds `resident` on SQLite: run it through storage.migrate (foreign keys off), "
                           "or the rebuild deletes every resident's subscriptions and conversations")
    with op.batch_alter_table("resident") as batch:
        batch.drop_index(batch.f("ix_resident_subscribed_kecamatan_id"))
        batch.drop_constraint(batch.f("fk_resident_subscribed_kecamatan_id_kecamatan"), type_="foreignkey")
        batch.drop_column("subscribed_kecamatan_id")


def downgrade() -> None:
    # Back as 0016 left it: empty (0016's downgrade fills it from `subscription`).
    with op.batch_alter_table("resident") as batch:
        batch.add_column(sa.Column("subscribed_kecamatan_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_resident_subscribed_kecamatan_id_kecamatan"), "kecamatan",
                                 ["subscribed_kecamatan_id"], ["id"])
        batch.create_index(batch.f("ix_resident_subscribed_kecamatan_id"), ["subscribed_kecamatan_id"], unique=False)
