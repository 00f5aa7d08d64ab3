"""The camat's briefs (H-7, H-3) and attendance (the day after), and each dinas' preparation list
(H-2 07:00): planned by the clock exactly once per (visit, kind, recipient), sent to the fake Twilio
over loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, update

from scheduler.regency import plan_regency_messages
from storage.models import (
    Broadcast, OutboxMessage, QueueEntry, QueueStatus, Resident, Staff, StaffRole, Ticket, Visit, VisitStatus,
)
from tests.sending import jkt, recently, tick
from tests.world import building

PAST_DAY, VISIT_DAY = date(2026, 11, 25), date(2026, 12, 9)
CAMAT_GEMPOL, CAMAT_BANGIL = "+6281355500001", "+6281355500002"
RINA, BUDI, DINKES = "+6281298765432", "+6281277777777", "+6281266666666"


STAFF_TEMPLATES = {"camat_brief": "HX" + "d" * 32, "camat_hasil": "HX" + "e" * 32, "persiapan": "HX" + "f" * 32}


def world(trt, at):
    """Also: the approved templates of the staff's kinds, for messages outside the 24-hour window.
Gempol: a visit held on 25 Nov (Wonosunyo's link brought 3, Kejapanan's 1; four walk-ins at
    Dispendukcapil), the next on 9 Dec with registrations; a camat in Gempol and one in Bangil;
    petugas of Dispendukcapil and Dinas Sosial (attending) and Dinas Kesehatan (not attending)."""
    trt.settings = trt.settings.with_overrides(templates={**trt.settings.templates, **STAFF_TEMPLATES})
    with building(trt) as b:
        past = b.visit("Gempol", PAST_DAY)
        visit = b.visit("Gempol", VISIT_DAY)
        capil, dinsos = b.opd("dispendukcapil"), b.opd("dinsos")
        b.s.get(Visit, visit).opd = [capil, dinsos]
        gempol, bangil = b.kecamatan("Gempol").id, b.kecamatan("Bangil").id
        wonosunyo, kejapanan = b.desa("Wonosunyo"), b.desa("Kejapanan")
        referred = datetime(2026, 11, 20, 3, 0, tzinfo=at.tzinfo)
        people = [b.resident(f"+62812555{i:04d}", referral_desa_id=desa.id, referred_at=referred, desa_id=desa.id,
                             kecamatan_id=gempol)
                  for i, desa in enumerate([wonosunyo] * 3 + [kejapanan])]
        for n in range(4):
            b.s.add(QueueEntry(visit_id=past, opd_id=capil.id, number=n + 1, position=n + 1, walk_in=True,
                               status=QueueStatus.SERVED, checked_in_at=referred))
        registrations = [("KM-1001", capil, "ktp", wonosunyo, people[0]), ("KM-1002", capil, "ktp", wonosunyo, people[1]),
                         ("KM-1003", capil, "kia", kejapanan, people[3]), ("KM-2001", dinsos, "bansos", wonosunyo, people[2])]
        for kode, opd, layanan, desa, person in registrations:
            b.ticket(kode, person, opd, visit, layanan_id=b.layanan(layanan).id, desa_id=desa.id, nama=f"Warga {kode}")
        for phone, role, place in [(CAMAT_GEMPOL, StaffRole.CAMAT, {"kecamatan_id": gempol}),
                                   (CAMAT_BANGIL, StaffRole.CAMAT, {"kecamatan_id": bangil}),
                                   (RINA, StaffRole.PETUGAS, {"opd_id": capil.id}),
                                   (BUDI, StaffRole.PETUGAS, {"opd_id": dinsos.id}),
                                   (DINKES, StaffRole.PETUGAS, {"opd_id": b.opd("dinkes").id})]:
            b.staff(phone, role, last_inbound_at=recently(), **place)
    return visit


def _once_each(trt):
    with trt.sessions() as s:
        rows = s.execute(select(Broadcast.visit_id, Broadcast.kind, OutboxMessage.staff_id, func.count())
                         .join(Broadcast, Broadcast.id == OutboxMessage.broadcast_id)
                         .where(Broadcast.kind.like("staf%"))
                         .group_by(Broadcast.visit_id, Broadcast.kind, OutboxMessage.staff_id)).all()
    assert rows and all(n == 1 for *_, n in rows), rows
    return {(kind, staff) for _, kind, staff, _ in rows}


def test_camat_brief_h7_then_h3_names_each_desa_and_the_fewest(trt, fake_twilio):
    at = jkt("2026-12-02T07:00")
    world(trt, at)
    first = tick(trt, at)
    assert [(p.kind, p.recipients) for p in first["plan_regency_messages"]] == [("staf_camat_h7", 1)]
    assert fake_twilio.per_recipient().get(CAMAT_GEMPOL) == 1 and CAMAT_BANGIL not in fake_twilio.per_recipient()
    body = fake_twilio.sent_to(CAMAT_GEMPOL)[0].form["Body"]
    for part in ("Bapak/Ibu Camat Gempol", "seminggu lagi", "diteruskan ke grup kepala desa", "Rabu, 9 Desember 2026",
                 "Rabu, 25 November 2026", "• Desa Wonosunyo: 3 warga", "• Desa Kejapanan: 1 warga", "Paling sedikit"):
        assert part in body, part
    # Fewest first; Wonosunyo (3) comes after every desa that brought fewer.
    assert body.index("Desa Kejapanan: 1") < body.index("Desa Wonosunyo: 3")
    assert "Desa Wonosunyo" not in body.split("Paling sedikit")[1]
    assert tick(trt, at + timedelta(minutes=1))["plan_regency_messages"] == []

    # Four days pass and the camat has not written since (the 24-hour window runs in real time).
    with trt.sessions.begin() as s:
        s.execute(update(Staff).where(Staff.phone == CAMAT_GEMPOL)
                  .values(last_inbound_at=datetime.now(UTC) - timedelta(days=4)))
    h3 = tick(trt, jkt("2026-12-06T07:00"))["plan_regency_messages"]
    assert [p.kind for p in h3] == ["staf_camat_h3"]
    assert len(fake_twilio.sent_to(CAMAT_GEMPOL)) == 2
    # Four days after the camat last wrote: the approved template, with the fewest desa as a variable.
    h3_sent = fake_twilio.sent_to(CAMAT_GEMPOL)[1].form
    assert h3_sent["ContentSid"] == STAFF_TEMPLATES["camat_brief"]
    assert json.loads(h3_sent["ContentVariables"])["2"] == "Rabu, 9 Desember 2026"
    _once_each(trt)


def test_a_schedule_imported_late_sends_only_the_latest_brief_worded_for_its_day(trt, fake_twilio):
    at = jkt("2026-12-07T09:00")  # after H-3 and H-2
    world(trt, at)
    kinds = sorted(p.kind for p in tick(trt, at)["plan_regency_messages"])
    assert kinds == ["staf_camat_h3", "staf_persiapan"]
    body = fake_twilio.sent_to(CAMAT_GEMPOL)[0].form["Body"]
    assert "datang lusa" in body and "3 hari lagi" not in body


def test_from_h1_the_camat_gets_no_brief_but_the_dinas_still_their_list(trt, fake_twilio):
    at = jkt("2026-12-08T09:00")
    world(trt, at)
    assert [p.kind for p in tick(trt, at)["plan_regency_messages"]] == ["staf_persiapan"]
    assert fake_twilio.sent_to(CAMAT_GEMPOL) == [] and len(fake_twilio.sent_to(RINA)) == 1


def test_preparation_list_per_dinas_at_h2(trt, fake_twilio):
    at = jkt("2026-12-07T07:00")
    visit = world(trt, at)
    tick(trt, jkt("2026-12-06T07:00"))  # the H-3 brief first
    with building(trt) as b:  # a registration its holder cancelled is nothing to prepare for
        person = b.s.scalar(select(Resident).where(Resident.phone == "+628125550000"))
        b.ticket("KM-1009", person, b.opd("dispendukcapil"), visit, layanan_id=b.layanan("ktp").id, status="dibatalkan")
    planned = tick(trt, at)["plan_regency_messages"]
    assert [(p.kind, p.recipients) for p in planned] == [("staf_persiapan", 2)]
    capil = fake_twilio.sent_to(RINA)[0].form["Body"]
    for part in ("Persiapan Dispendukcapil", "Kec. Gempol", "Pendaftar lewat WhatsApp: *3*", "• KTP-el: 2",
                 "• Kartu Identitas Anak (KIA): 1", "blangko KTP-el: 2", "blangko kartu KIA: 1",
                 "datang langsung (tanpa daftar): *4* orang", f"https://bot.example.go.id/console/persiapan/{visit}"):
        assert part in capil, part
    assert "KM-1001" not in capil  # names and codes only in the console
    dinsos = fake_twilio.sent_to(BUDI)[0].form["Body"]
    assert "Persiapan Dinas Sosial" in dinsos and "• Bansos (PKH/BPNT): 1" in dinsos and "KTP-el" not in dinsos
    assert "*0* orang" in dinsos  # Dinas Sosial had no walk-in at the visit before
    assert fake_twilio.sent_to(DINKES) == []  # not attending this visit
    assert tick(trt, at + timedelta(hours=1))["plan_regency_messages"] == []
    assert len(fake_twilio.sent_to(RINA)) == 1


def test_walk_ins_expected_from_every_visit_when_the_kecamatan_has_none(trt, fake_twilio):
    at = jkt("2026-12-07T07:00")
    with building(trt) as b:
        elsewhere = b.visit("Bangil", PAST_DAY)
        capil = b.opd("dispendukcapil")
        for n in range(6):
            b.s.add(QueueEntry(visit_id=elsewhere, opd_id=capil.id, number=n + 1, position=n + 1, walk_in=True,
                               status=QueueStatus.SERVED, checked_in_at=at - timedelta(days=12)))
        b.visit("Pandaan", VISIT_DAY)
        b.staff(RINA, StaffRole.PETUGAS, last_inbound_at=recently(), opd_id=capil.id)
    tick(trt, at)
    body = fake_twilio.sent_to(RINA)[0].form["Body"]
    assert "*6* orang (median semua kunjungan; kecamatan ini belum pernah dikunjungi)" in body
    assert "• belum ada" in body


def test_camat_gets_attendance_per_desa_the_day_after(trt, fake_twilio):
    at = jkt("2026-12-10T07:00")
    visit = world(trt, at)
    with trt.sessions.begin() as s:
        for i, kode in enumerate(("KM-1001", "KM-1003")):
            ticket = s.scalar(select(Ticket).where(Ticket.kode == kode))
            s.add(QueueEntry(visit_id=visit, opd_id=ticket.opd_id, number=i + 1, position=i + 1, ticket_id=ticket.id,
                             resident_id=ticket.resident_id, status=QueueStatus.SERVED, checked_in_at=at - timedelta(hours=20)))
    planned = tick(trt, at)["plan_regency_messages"]
    assert [p.kind for p in planned] == ["staf_camat_hasil"]
    body = fake_twilio.sent_to(CAMAT_GEMPOL)[-1].form["Body"]
    for part in ("*2 warga hadir* dari 4 pendaftar", "• Desa Wonosunyo: 1 / 3", "• Desa Kejapanan: 1 / 1",
                 "belum ada warganya hadir"):
        assert part in body, part
    assert tick(trt, at + timedelta(days=1))["plan_regency_messages"] == []
    assert len([m for m in fake_twilio.sent_to(CAMAT_GEMPOL) if "hadir" in m.form["Body"]]) == 1


def test_a_cancelled_visit_gets_no_brief_and_no_correction_goes_to_staff(trt, fake_twilio):
    at = jkt("2026-12-02T07:00")
    visit = world(trt, at)
    tick(trt, at)
    with trt.sessions.begin() as s:
        s.get(Visit, visit).status = VisitStatus.CANCELLED
    later = tick(trt, jkt("2026-12-06T07:00"))
    assert later["plan_regency_messages"] == []
    assert len(fake_twilio.sent_to(CAMAT_GEMPOL)) == 1  # the H-7 brief only: no correction worded for kades


def test_two_clocks_at_once_plan_each_message_once(trt, fake_twilio):
    at = jkt("2026-12-07T07:30")
    world(trt, at)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            plan_regency_messages(trt, at)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    seen = _once_each(trt)
    assert {kind for kind, _ in seen} == {"staf_camat_h3", "staf_persiapan"}
    assert len(seen) == 3  # the camat, Rina, Budi


def test_scheduler_tick_says_what_it_planned_for_the_staff(trt, cli):
    visit = world(trt, jkt("2026-12-02T07:00"))
    out = cli("scheduler", "tick", "--now", "2026-12-02T07:00+07:00").output
    assert f"Pesan staf camat_h7 (kunjungan #{visit}): 1 penerima" in out
    assert "Tidak ada pesan camat/persiapan baru." in cli("scheduler", "tick", "--now", "2026-12-02T07:01+07:00").output
