"""The models and the Alembic migrations describe the same schema, on every backend."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.runtime import Runtime
from storage.db import Base
from storage.migrate import current_revision, upgrade
from tests.conftest import BASE_SETTINGS


def test_migrations_match_models(fresh_database_url):
    rt = Runtime(BASE_SETTINGS.with_overrides(database_url=fresh_database_url))
    upgrade(rt.engine)
    with rt.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    rt.dispose()
    assert diff == []


def test_upgrade_twice_is_harmless(fresh_database_url):
    rt = Runtime(BASE_SETTINGS.with_overrides(database_url=fresh_database_url))
    upgrade(rt.engine)
    first = current_revision(rt.engine)
    upgrade(rt.engine)
    assert current_revision(rt.engine) == first is not None
    rt.dispose()


def test_timestamps_come_back_utc_aware(rt):
    from datetime import UTC, datetime, timedelta, timezone

    from storage.models import Resident

    wib = timezone(timedelta(hours=7))
    with rt.sessions.begin() as s:
        s.add(Resident(phone="+6281234567890", subscribed_at=datetime(2026, 12, 1, 7, 0, tzinfo=wib)))
    with rt.sessions() as s:
        r = s.query(Resident).one()
        assert r.subscribed_at == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
        assert r.subscribed_at.tzinfo is not None and r.created_at.tzinfo is not None
