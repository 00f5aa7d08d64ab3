"""After PostgreSQL drops the app's connections (restart, idle kill), the next message is answered
normally: the dead connection is thrown away and the unit of work runs again."""

from dataclasses import asdict

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot import create_app
from tests import dbs
from tests.conftest import BASE_SETTINGS, initialised
from tests.whatsapp import Phone, signed_settings


@pytest.fixture
def pg_url():
    dbs.require_postgres()
    url = initialised(dbs.create_postgres_database())
    yield url
    dbs.drop_postgres_database(url)


def test_message_after_the_server_dropped_our_connections(pg_url):
    app = create_app(asdict(signed_settings(BASE_SETTINGS.with_overrides(database_url=pg_url))))
    phone = Phone(app.test_client())
    assert "Kenduren Mas" in phone.say("halo")
    admin = create_engine(dbs.PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE datname = :db AND pid <> pg_backend_pid()"),
                              {"db": make_url(pg_url).database}).scalar()
    admin.dispose()
    assert killed >= 1
    answer = phone.say("halo lagi")
    assert "gangguan" not in answer and "Balas dengan angka" in answer
    app.extensions["kenduren"].dispose()
