"""Alembic environment: runs against the connection handed in by storage.migrate, or DATABASE_URL."""

from alembic import context

import storage.models  # noqa: F401  (registers the tables on Base.metadata)
from storage.db import Base, make_engine
from storage.migrate import migration_connection

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from core.settings import Settings

    engine = make_engine(Settings.from_env().database_url)
    with migration_connection(engine) as conn:  # SQLite: foreign keys off while tables are rebuilt
        _run(conn)
