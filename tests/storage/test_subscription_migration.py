"""Migration 0016: each resident's one subscribed kecamatan becomes a subscription row (and back);
migration 0021 drops the emptied column, and every row pointing at a resident survives it."""

from sqlalchemy import inspect, text

from core.runtime import Runtime
from storage.migrate import upgrade
from tests.conftest import BASE_SETTINGS


def at_revision(url: str, revision: str) -> Runtime:
    """A database migrated up to `revision`, with Gempol (id 1) and Pandaan (id 2)."""
    rt = Runtime(BASE_SETTINGS.with_overrides(database_url=url))
    upgrade(rt.engine, revision)
    with rt.engine.begin() as conn:
        conn.execute(text("INSERT INTO kecamatan (id, kode, nama, lat, lng) VALUES "
                          "(1, '35.14.12', 'Gempol', -7.59, 112.68), (2, '35.14.11', 'Pandaan', -7.65, 112.70)"))
    return rt


def test_existing_subscriptions_become_rows(fresh_database_url):
    rt = at_revision(fresh_database_url, "0015")
    with rt.engine.begin() as conn:
        conn.execute(text("INSERT INTO resident (id, phone, channel, name_confirmed, role, subscribed_kecamatan_id, "
                          "subscribed_at, created_at, flood_count) VALUES "
                          "(1, '+6281200000001', 'whatsapp', false, 'warga', 2, '2026-11-01 00:00:00', "
                          "'2026-10-01 00:00:00', 0), "
                          "(2, '+6281200000002', 'whatsapp', false, 'warga', NULL, NULL, '2026-10-01 00:00:00', 0)"))
        # Rows pointing at the resident survive the table's rebuild (SQLite).
        conn.execute(text("INSERT INTO conversation (resident_id, channel, slots, misunderstood, updated_at) "
                          "VALUES (1, 'whatsapp', '{}', 0, '2026-11-01 00:00:00')"))
    upgrade(rt.engine, "0016")
    with rt.engine.connect() as conn:
        rows = conn.execute(text("SELECT resident_id, kecamatan_id FROM subscription ORDER BY id")).all()
        legacy = conn.execute(text("SELECT count(*) FROM resident WHERE subscribed_kecamatan_id IS NOT NULL")).scalar()
        conversations = conn.execute(text("SELECT count(*) FROM conversation")).scalar()
    rt.dispose()
    assert [tuple(r) for r in rows] == [(1, 2)]
    assert legacy == 0  # one place holds subscriptions
    assert conversations == 1


def test_dropping_the_old_column_keeps_every_row_pointing_at_residents(fresh_database_url):
    """On SQLite the drop rebuilds `resident`; with foreign keys on, dropping the old table would delete
    its rows first and cascade to subscriptions and conversations (and refuse for tickets)."""
    rt = at_revision(fresh_database_url, "0019")
    with rt.engine.begin() as conn:
        conn.execute(text("INSERT INTO opd (id, key, singkatan, nama) VALUES (1, 'dispendukcapil', 'Dispendukcapil', "
                          "'Dinas Kependudukan dan Pencatatan Sipil')"))
        conn.execute(text("INSERT INTO resident (id, phone, channel, name_confirmed, role, subscribed_at, created_at, "
                          "flood_count) VALUES "
                          "(1, '+6281200000001', 'whatsapp', true, 'warga', '2026-11-01 00:00:00', '2026-10-01 00:00:00', 0), "
                          "(2, '+6281200000002', 'whatsapp', false, 'warga', NULL, '2026-10-01 00:00:00', 0)"))
        conn.execute(text("INSERT INTO subscription (resident_id, kecamatan_id, created_at) VALUES "
                          "(1, 1, '2026-11-01 00:00:00'), (1, 2, '2026-11-02 00:00:00'), (2, 2, '2026-11-03 00:00:00')"))
        conn.execute(text("INSERT INTO conversation (resident_id, channel, slots, misunderstood, updated_at) VALUES "
                          "(1, 'whatsapp', '{}', 0, '2026-11-01 00:00:00'), (2, 'whatsapp', '{}', 0, '2026-11-01 00:00:00')"))
        conn.execute(text("INSERT INTO ticket (id, kode, resident_id, opd_id, status, created_at, updated_at) VALUES "
                          "(1, 'KM-1234567', 1, 1, 'baru', '2026-11-01 00:00:00', '2026-11-01 00:00:00')"))
    upgrade(rt.engine)
    with rt.engine.connect() as conn:
        counts = {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                  for table in ("resident", "subscription", "conversation", "ticket")}
        ticket_holder = conn.execute(text("SELECT resident_id FROM ticket WHERE kode = 'KM-1234567'")).scalar()
        columns = {c["name"] for c in inspect(conn).get_columns("resident")}
        foreign_keys_on = conn.exec_driver_sql("PRAGMA foreign_keys").scalar() if conn.dialect.name == "sqlite" else 1
    rt.dispose()
    assert counts == {"resident": 2, "subscription": 3, "conversation": 2, "ticket": 1}
    assert ticket_holder == 1
    assert "subscribed_kecamatan_id" not in columns and "subscribed_at" in columns
    assert foreign_keys_on == 1  # the connection goes back to the pool as the app expects it
