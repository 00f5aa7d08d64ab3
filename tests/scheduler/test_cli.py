"""The operator's commands: scheduler tick, schedule cancel/move (corrections), broadcast list/show."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import cli
from storage.models import Visit, VisitStatus
from tests.sending import BOT_NUMBER, TEMPLATES, add_kades, add_residents, add_visit, jkt, kades_phone, phone, recently
from tests.scheduler.test_reminders import VISIT_DAY

@pytest.fixture
def run(trt, database_url, fake_twilio):
    env = {"DATABASE_URL": database_url, "TWILIO_ACCOUNT_SID": fake_twilio.account_sid,
           "TWILIO_AUTH_TOKEN": fake_twilio.auth_token, "TWILIO_WHATSAPP_FROM": f"whatsapp:{BOT_NUMBER}",
           "TWILIO_API_BASE_URL": fake_twilio.base_url, "SEND_RATE_PER_SECOND": "200",
           "SENDER_NICE": "0",  # in-process: the test process keeps its priority
           **{f"TWILIO_TEMPLATE_{k.upper()}": v for k, v in TEMPLATES.items()}}

    def invoke(*args: str):
        result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
        return result

    return invoke


def reminded_world(trt, run, fake_twilio):
    at = jkt("2026-12-08T16:00")
    with trt.sessions.begin() as s:
        visit_id = add_visit(s, "Gempol", VISIT_DAY)
        add_residents(s, "Gempol", 4, last_inbound_at=recently())
        add_kades(s, "Gempol", "Gempol", 1, last_inbound_at=recently())
    fake_twilio.fail_next(1, status=429)  # one resident's reminder is still waiting when the visit changes
    out = run("scheduler", "tick", "--now", "2026-12-08T16:00+07:00")
    assert out.exit_code == 0, out.output
    assert "Pengingat h1 untuk Kec. Gempol" in out.output and "5 penerima" in out.output
    assert len(fake_twilio.messages) == 4
    return visit_id


def test_cancel_after_reminders_sends_one_correction_to_each_reminded(trt, run, fake_twilio):
    visit_id = reminded_world(trt, run, fake_twilio)
    waiting = phone(0) if not fake_twilio.sent_to(phone(0)) else next(
        phone(n) for n in range(4) if not fake_twilio.sent_to(phone(n)))
    out = run("schedule", "cancel", str(visit_id))
    assert out.exit_code == 0, out.output
    assert "dibatalkan" in out.output and "Koreksi ke 4 penerima" in out.output
    for _ in range(2):  # a second tick at the same instant sends nothing more
        out = run("scheduler", "tick", "--now", "2026-12-08T16:05+07:00")
        assert out.exit_code == 0, out.output
    assert fake_twilio.sent_to(waiting) == []  # its reminder was canceled, so no correction either
    per = fake_twilio.per_recipient()
    assert sorted(per.values()) == [2, 2, 2, 2] and kades_phone(1) in per
    correction = fake_twilio.sent_to(phone(1) if waiting != phone(1) else phone(2))[-1].form["Body"]
    assert "*dibatalkan*" in correction and "Selasa" not in correction and "Rabu, 9 Desember 2026" in correction
    assert fake_twilio.sent_to(kades_phone(1))[-1].form["Body"].startswith("Bapak/Ibu Kepala Desa, mohon diteruskan")

    listing = run("broadcast", "list")
    assert listing.exit_code == 0
    lines = listing.output.splitlines()
    assert "rencana" in lines[0] and "terkirim" in lines[0] and "gagal" in lines[0]
    assert any("koreksi_batal" in line for line in lines) and any(" h1 " in line for line in lines)
    h1_id = next(line.split()[0] for line in lines if " h1 " in line)
    shown = run("broadcast", "show", h1_id)
    assert shown.exit_code == 0
    assert "rencana   5" in shown.output and "terkirim  4" in shown.output and "batal     1" in shown.output
    assert "visit cancelled or moved" in shown.output and "Besok Kenduren Mas" in shown.output
    assert run("broadcast", "show", "999").exit_code != 0


def test_move_after_reminders_names_the_new_date_and_plans_the_new_visit(trt, run, fake_twilio):
    visit_id = reminded_world(trt, run, fake_twilio)
    out = run("schedule", "move", str(visit_id), "--to", "2026-12-16")
    assert out.exit_code == 0, out.output
    assert "dipindah" in out.output
    run("scheduler", "tick", "--now", "2026-12-08T16:10+07:00")
    bodies = [m.form["Body"] for m in fake_twilio.messages if "dipindah" in m.form.get("Body", "")]
    assert len(bodies) == 4
    assert "dari Rabu, 9 Desember 2026 ke:" in bodies[0] and "Rabu, 16 Desember 2026" in bodies[0]
    with trt.sessions() as s:
        old = s.get(Visit, visit_id)
        assert old.status == VisitStatus.MOVED and old.moved_to.tanggal.isoformat() == "2026-12-16"
    out = run("scheduler", "tick", "--now", "2026-12-13T07:00+07:00")
    assert "Pengingat h3 untuk Kec. Gempol" in out.output
    # Moving again to a date already taken is refused.
    # A visit already moved cannot be moved again, and a taken date is refused.
    assert run("schedule", "move", str(visit_id), "--to", "2026-12-23").exit_code != 0
    with trt.sessions.begin() as s:
        add_visit(s, "Gempol", VISIT_DAY.replace(day=23))
        new_id = s.scalar(select(Visit.id).where(Visit.tanggal == VISIT_DAY.replace(day=16)))
    taken = run("schedule", "move", str(new_id), "--to", "2026-12-23")
    assert taken.exit_code != 0 and "Sudah ada kunjungan" in taken.output


def test_tick_rejects_a_bad_instant(run):
    out = run("scheduler", "tick", "--now", "besok pagi")
    assert out.exit_code != 0 and "--now tidak valid" in out.output
