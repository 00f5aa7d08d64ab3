"""Antrean at the vehicle, through the signed webhook on a fixed clock (SQLite and PostgreSQL):
check-in, twice, without a ticket, outside the visit's hours, calling, no-show, rejoin, questions."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from handlers.codes import insert_with_code
from scheduler.antrean_no_shows import skip_no_shows
from storage.models import (
    Kecamatan, Opd, QueueEntry, QueueStatus, Resident, Ticket, TicketStatus, Visit,
)
from tests.whatsapp import BUDI, RINA, Phone, outbox

WIB = ZoneInfo("Asia/Jakarta")
DAY = date(2026, 12, 9)  # a Wednesday


def wib(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), WIB)


class Clock:
    """The instant the app handles webhooks at; moved by the test, never by sleeping."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, minutes: int) -> datetime:
        self.at += timedelta(minutes=minutes)
        return self.at


@pytest.fixture
def clock(wa_app):
    c = Clock(wib(9))
    wa_app.extensions["kenduren"].clock = c
    return c


def visit_on(rt, kecamatan: str, day: date, opd=("dispendukcapil", "dinsos")) -> int:
    with rt.sessions.begin() as s:
        kec = s.scalars(select(Kecamatan).where(Kecamatan.nama == kecamatan)).one()
        v = Visit(tanggal=day, mulai=time(8), selesai=time(13), kecamatan=kec, lokasi=f"Kantor Kecamatan {kecamatan}",
                  opd=list(s.scalars(select(Opd).where(Opd.key.in_(opd)).order_by(Opd.id))))
        s.add(v)
        s.flush()
        return v.id


@pytest.fixture
def visit(rt) -> int:
    return visit_on(rt, "Gempol", DAY)


def ticket_for(rt, phone: str, name: str, visit_id: int, opd_key: str = "dispendukcapil") -> str:
    """A resident registered earlier (through the flow, as test_registration_then_check_in shows)."""
    with rt.sessions.begin() as s:
        resident = s.scalar(select(Resident).where(Resident.phone == phone))
        if resident is None:
            resident = Resident(phone=phone, channel="whatsapp", name=name, name_confirmed=True)
            s.add(resident)
            s.flush()
        opd = s.scalars(select(Opd).where(Opd.key == opd_key)).one()
        ticket = Ticket(resident_id=resident.id, opd_id=opd.id, visit_id=visit_id, nama=name,
                        created_at=wib(10, day=DAY - timedelta(days=3)), updated_at=wib(10, day=DAY - timedelta(days=3)))
        return insert_with_code(s, "KM", ticket)



def entry(rt, phone: str) -> QueueEntry | None:
    with rt.sessions() as s:
        return s.scalar(select(QueueEntry).join(QueueEntry.resident).where(Resident.phone == phone))


def test_registration_then_check_in_twice_keeps_the_number(wa_client, phone, clock, visit, rt):
    clock.at = wib(10, day=DAY - timedelta(days=2))
    for line in ("daftar ktp", "gempol", "1", "1", "gempol", "1"):
        phone.send(line)
    assert "Terdaftar" in phone.say("1")
    clock.at = wib(8, 40)
    first = phone.say("hadir")
    assert "Nomor antrean *Dispendukcapil*: *A-001*" in first and "Anda berikutnya" in first
    again = phone.say("aku wis teko")
    assert "sudah terdaftar di antrean" in again and "*A-001*" in again
    other = Phone(wa_client, "+6281234500002", "Paijo")
    ticket_for(rt, other.number, "Paijo", visit)
    second = other.say("sampun dugi")
    assert "*A-002*" in second and "Ada 1 orang di depan Anda, perkiraan 4 menit." in second
    with rt.sessions() as s:
        assert s.scalars(select(QueueEntry.number).order_by(QueueEntry.number)).all() == [1, 2]


def test_without_a_ticket_registers_on_the_spot_and_takes_a_number(phone, clock, visit, rt):
    offer = phone.say("antri")
    assert "belum terdaftar" in offer and "1. Dispendukcapil" in offer and "2. Dinas Sosial" in offer
    assert "Nama sesuai KK?" in phone.say("dinas sosial")
    done = phone.say("1")
    assert "Terdaftar langsung di *Dinas Sosial*. Kode tiket: *KM-" in done
    assert "Nomor antrean *Dinas Sosial*: *D-001*" in done
    with rt.sessions() as s:
        ticket = s.scalars(select(Ticket)).one()
        assert (ticket.visit_id, ticket.opd.key, ticket.nama) == (visit, "dinsos", "Sumarti")
        assert s.scalars(select(QueueEntry)).one().walk_in is True
    assert "*D-001*" in phone.say("hadir")  # the new ticket counts from now on


def test_outside_the_visits_hours(phone, clock, visit, rt):
    later = visit_on(rt, "Bangil", DAY + timedelta(days=7))
    clock.at = wib(6, 30)
    assert "dibuka pukul 08.00 WIB" in phone.say("hadir")
    clock.at = wib(14)
    closed = phone.say("hadir")
    assert "sudah selesai" in closed and "Kecamatan Bangil" in closed and "Rabu, 16 Desember 2026" in closed
    kode = ticket_for(rt, phone.number, "Sumarti", later)
    clock.at = wib(9, day=DAY + timedelta(days=1))
    no_visit = phone.say("aku wis teko")
    assert "Hari ini tidak ada Kenduren Mas" in no_visit and f"Tiket Anda *{kode}*" in no_visit
    assert entry(rt, phone.number) is None


def test_calling_tells_the_one_called_and_the_one_three_places_behind(wa_client, clock, visit, staff, rt):
    phones = [Phone(wa_client, f"+62812345000{i:02d}", f"Warga {i}") for i in range(1, 6)]
    codes = [ticket_for(rt, p.number, p.profile_name, visit) for p in phones]
    for p in phones:
        p.send("hadir")
    rina = Phone(wa_client, RINA, "Rina")
    called = rina.say("panggil")
    assert f"Panggil *A-001* — Warga 1 ({codes[0]})" in called and "Menunggu: 4" in called
    assert "Giliran Anda sekarang di stand *Dispendukcapil*: nomor *A-001*" in outbox(rt, phones[0].number)[-1]
    assert "Sebentar lagi" in outbox(rt, phones[3].number)[-1]  # A-004, now 3 places behind
    assert outbox(rt, phones[1].number) == outbox(rt, phones[2].number) == []  # told at check-in
    assert outbox(rt, phones[4].number) == []

    clock.advance(6)
    second = rina.say("berikutnya")
    assert "A-001 selesai dilayani" in second and "Panggil *A-002*" in second
    assert "Sebentar lagi" in outbox(rt, phones[4].number)[-1]
    assert len([b for b in outbox(rt, phones[3].number) if "Sebentar lagi" in b]) == 1  # told once

    answer = phones[4].say("antrean dispendukcapil piro?")
    # One served so far: the default 4 minutes a person until the stand has its own median.
    assert "Dispendukcapil: 3 orang menunggu, ±12 menit (sedang dilayani A-002)" in answer
    assert "Nomor Anda: *A-005* (Dispendukcapil). Ada 2 orang di depan Anda, perkiraan 8 menit." in answer

    clock.advance(4)
    assert "ditutup" in rina.say(f"#{codes[1]} selesai")
    with rt.sessions() as s:
        assert s.scalars(select(Ticket.status).where(Ticket.kode == codes[1])).one() == TicketStatus.SELESAI
    assert entry(rt, phones[1].number).status == QueueStatus.SERVED


def test_no_show_is_skipped_told_and_may_rejoin_once(wa_app, wa_client, clock, visit, staff, rt):
    late, punctual = Phone(wa_client, "+6281234500011", "Telat"), Phone(wa_client, "+6281234500012", "Tepat")
    late_code = ticket_for(rt, late.number, "Telat", visit)
    ticket_for(rt, punctual.number, "Tepat", visit)
    late.send("hadir")
    punctual.send("hadir")
    rina = Phone(wa_client, RINA, "Rina")
    rina.send("panggil")  # nobody comes

    runtime = wa_app.extensions["kenduren"]
    assert skip_no_shows(runtime, clock.advance(5)) == {"skipped": 0}
    assert skip_no_shows(runtime, clock.advance(6)) == {"skipped": 1}  # 11 minutes after the call
    told = outbox(rt, late.number)[-1]
    assert "*A-001* (Dispendukcapil) dilewati" in told and "Balas *HADIR* untuk masuk antrean lagi" in told

    back = late.say("hadir")
    assert "Nomor *A-001* masuk antrean *Dispendukcapil* lagi" in back and "Ada 1 orang di depan Anda" in back
    assert "Panggil *A-002*" in rina.say("panggil")
    assert "Panggil *A-001*" in rina.say("panggil")
    assert f"✓ A-001 ({late_code}) dilewati" in rina.say(f"#{late_code} lewati")
    assert "Silakan temui petugas di stand Dispendukcapil" in outbox(rt, late.number)[-1]
    assert "sudah sekali masuk lagi" in late.say("hadir")
    assert entry(rt, late.number).status == QueueStatus.SKIPPED


def test_petugas_checks_a_resident_in(wa_client, phone, clock, visit, staff, rt):
    kode = ticket_for(rt, phone.number, "Sumarti", visit)
    rina = Phone(wa_client, RINA, "Rina")
    assert f"✓ {kode} hadir: nomor *A-001*, 0 orang di depan." in rina.say(f"#{kode} hadir")
    assert "Petugas Dispendukcapil mencatat kehadiran Anda" in outbox(rt, phone.number)[-1]
    assert "*A-001*" in phone.say("hadir")
    assert "milik dinas lain" in Phone(wa_client, BUDI, "Budi").say(f"#{kode} hadir")
    assert "*panggil*" in rina.say("bantuan")
    told = len(outbox(rt, phone.number))
    # A second tap (or after the resident checked in): the same number, and the resident is not told again.
    assert f"{kode} sudah di antrean: nomor *A-001*" in rina.say(f"#{kode} hadir")
    assert len(outbox(rt, phone.number)) == told


def test_queue_question_gives_each_stands_length_and_wait(wa_client, phone, clock, visit, staff, rt):
    for i, opd in enumerate(["dispendukcapil", "dispendukcapil", "dinsos"]):
        p = Phone(wa_client, f"+62812345001{i}", f"Warga {i}")
        ticket_for(rt, p.number, p.profile_name, visit, opd)
        p.send("hadir")
    answer = phone.say("antrean piro?")
    assert "• Dispendukcapil: 2 orang menunggu, ±8 menit" in answer
    assert "• Dinas Sosial: 1 orang menunggu, ±4 menit" in answer
    assert "Balas *HADIR*" in answer
    assert "Dinas Kesehatan* tidak membuka stand" in phone.say("antrean dinas kesehatan berapa?")
    schedule = phone.say("kpn kenduren mas nang gempol?")  # the schedule answer on the day
    assert "Kantor Kecamatan Gempol" in schedule and "• Dispendukcapil: 2 orang menunggu, ±8 menit" in schedule
    phone.send("menu")
    clock.at = wib(15)
    assert "tidak ada antrean Kenduren Mas yang buka" in phone.say("antrean dispendukcapil piro?")


def test_report_lines_per_dinas(wa_app, wa_client, clock, visit, staff, rt, cli):
    phones = [Phone(wa_client, f"+62812345002{i}", f"Warga {i}") for i in range(4)]
    for p in phones:
        ticket_for(rt, p.number, p.profile_name, visit)
    for p in phones:  # check in at 08:40, 08:50, 09:00, 09:10
        clock.at = wib(8, 40) + timedelta(minutes=10 * phones.index(p))
        p.send("hadir")
    rina = Phone(wa_client, RINA, "Rina")
    clock.at = wib(9, 20)
    rina.send("panggil")   # A-001 waited 40 minutes
    clock.at = wib(9, 30)
    rina.send("panggil")   # A-002 waited 40, A-001 served
    clock.at = wib(9, 40)
    rina.send("panggil")   # A-003 waited 40, A-002 served
    clock.at = wib(10, 30)
    rina.send("panggil")   # A-004 waited 80, A-003 served
    skip_no_shows(wa_app.extensions["kenduren"], wib(10, 45))  # A-004 never came
    out = cli("report", str(visit)).output
    assert ("Dispendukcapil        4 nomor (0 daftar langsung); dilayani 3, tidak datang 1, belum selesai 0; "
            "tunggu median 40 menit, p90 40 menit") in out
    assert "Warga 0" not in out and "+62" not in out


@pytest.mark.parametrize("said", [
    "kemarin saya sudah datang jauh2 ke kenduren mas tapi gak dilayani, petugasnya pulang duluan! kecewa",
    "wingi aku wis teko nang kantor kecamatan tapi antrine suwe pol, ora dilayani",
    "kula sampun rawuh wulan kepungkur nanging mboten dipun layani, kuciwa sanget",
])
def test_a_story_or_complaint_about_a_past_visit_is_no_check_in(phone, clock, visit, rt, said):
    """On a visit day, a resident telling of a past visit (angry or not) gets no queue card and no number:
    only a queue question or HADIR by someone at the visit starts the check-in (#23 cat. 7)."""
    answer = phone.say(said)
    assert "HADIR" not in answer and "antrean" not in answer.casefold(), answer
    assert entry(rt, phone.number) is None
