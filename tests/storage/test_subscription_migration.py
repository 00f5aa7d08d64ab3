"""Migration 0016: each resident's one subscribed kecamatan becomes a subscription row (and back)."""

from sqlalchemy import text

from core.runtime import Runtime
from storage.migrate import upgrade
from tests.conftest import BASE_SETTINGS


def test_existing_subscriptions_become_rows(fresh_database_url):
    rt = Runtime(BASE_SETTINGS.with_overrides(database_url=fresh_database_url))
    upgrade(rt.engine, "0015")
    with rt.engine.begin() as conn:
        conn.execute(text("INSERT INTO kecamatan (id, kode, nama, lat, lng) VALUES "
                          "(1, '35.14.12', 'Gempol', -7.59, 112.68), (2, '35.14.11', 'Pandaan', -7.65, 112.70)"))
        conn.execute(text("INSERT INTO resident (id, phone, channel, name_confirmed, role, subscribed_kecamatan_id, "
                          "subscribed_at, created_at, flood_count) VALUES "
                          "(1, '+6281200000001', 'whatsapp', false, 'warga', 2, '2026-11-01 00:00:00', "
                          "'2026-10-01 00:00:00', 0), "
                          "(2, '+6281200000002', 'whatsapp', false, 'warga', NULL, NULL, '2026-10-01 00:00:00', 0)"))
        # Rows pointing at the resident survive the table's rebuild (SQLite).
        conn.execute(text("INSERT INTO conversation (resident_id, channel, slots, misunderstood, updated_at) "
                          "VALUES (1, 'whatsapp', '{}', 0, '2026-11-01 00:00:00')"))
    upgrade(rt.engine)
    with rt.engine.connect() as conn:
        rows = conn.execute(text("SELECT resident_id, kecamatan_id FROM subscription ORDER BY id")).all()
        legacy = conn.execute(text("SELECT count(*) FROM resident WHERE subscribed_kecamatan_id IS NOT NULL")).scalar()
        conversations = conn.execute(text("SELECT count(*) FROM conversation")).scalar()
    rt.dispose()
    assert [tuple(r) for r in rows] == [(1, 2)]
    assert legacy == 0  # one place holds subscriptions
    assert conversations == 1
