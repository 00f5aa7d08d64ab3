"""Petugas on their phone: commands, authorization, ticket history, and the kades referral link."""

import pytest
from sqlalchemy import select

from flows.referral import referral_text
from storage.models import Opd, Resident, Staff, StaffRole, Ticket
from tests.whatsapp import BUDI, RINA, Phone, add_visit, outbox



@pytest.fixture
def ticket(phone, staff, rt):
    add_visit(rt, "Gempol", 10)
    for line in ("daftar ktp", "gempol", "1", "1", "gempol", "1", "1"):
        phone.send(line)
    with rt.sessions() as s:
        return s.scalars(select(Ticket.kode)).one()



def test_resident_typing_a_petugas_command_is_just_a_resident(phone, ticket, rt):
    answer = phone.say(f"#{ticket} selesai")
    assert "ditutup" not in answer
    with rt.sessions() as s:
        assert s.scalars(select(Ticket)).one().status == "baru"


def test_petugas_of_another_opd_is_refused(wa_client, ticket, rt):
    budi = Phone(wa_client, BUDI, "Budi")
    assert "milik dinas lain" in budi.say(f"#{ticket} status ditolak")
    assert "milik dinas lain" in budi.say(f"ambil {ticket}")
    with rt.sessions() as s:
        t = s.scalars(select(Ticket)).one()
        assert t.status == "baru" and [e.action for e in t.events] == ["dibuat"]


def test_unknown_code_and_unknown_command(wa_client, staff, rt):
    rina = Phone(wa_client, RINA, "Rina")
    assert "tidak ditemukan" in rina.say("#KM-0000 halo")
    assert "tidak dikenali" in rina.say("apa kabar")
    assert "#KODE teks" in rina.say("bantuan")


def test_status_change_notifies_resident_and_is_in_history(wa_client, ticket, phone, rt):
    rina = Phone(wa_client, RINA, "Rina")
    assert "Menunggu dokumen" in rina.say(f"#{ticket} status menunggu_dokumen bawa KK asli")
    assert "status sekarang *Menunggu dokumen*" in outbox(rt, phone.number)[-1]
    assert ticket in rina.say("tiket")
    assert "ditutup" in rina.say(f"#{ticket} status selesai ya")
    with rt.sessions() as s:
        t = s.scalars(select(Ticket)).one()
        assert [(e.actor, e.action, e.status) for e in t.events] == [
            ("warga", "dibuat", "baru"), ("petugas", "status", "menunggu_dokumen"), ("petugas", "selesai", "selesai")]
        assert all(e.staff.name == "Bu Rina" for e in t.events[1:])
    assert "Balas 1 (buruk) sampai 5" in outbox(rt, phone.number)[-1]  # the survey


def test_handoff_relays_both_ways_and_survey_after_close(wa_client, phone, ticket, rt):
    answer = phone.say("aku njaluk ngomong karo wong, dudu mesin")
    assert "saya sambungkan ke petugas *Dispendukcapil*" in answer and "2 jam kerja" in answer
    notice = outbox(rt, RINA)[-1]
    assert f"*{ticket}* — Sumarti (Gempol, Gempol) minta bicara" in notice and "dudu mesin" in notice

    rina = Phone(wa_client, RINA, "Rina")
    assert "Terkirim" in rina.say(f"#{ticket} Bu, KTP-el sudah jadi, bisa diambil besok")
    assert outbox(rt, phone.number)[-1] == "👤 Bu Rina (Dispendukcapil): Bu, KTP-el sudah jadi, bisa diambil besok"

    # Relayed, and the resident is told so (once for a run of messages, not on every line).
    assert "diteruskan ke petugas" in phone.say("matur nuwun bu, jam piro?")
    assert phone.send("sisan takon, KK-ne piye?") == []
    assert "Sumarti: matur nuwun bu, jam piro?" in outbox(rt, RINA)[-2]

    assert "ditutup" in rina.say(f"#{ticket} selesai ya")
    assert "(KTP-el) sudah *selesai* ditangani Bu Rina" in outbox(rt, phone.number)[-2]
    assert "Balas 1 (buruk) sampai 5" in outbox(rt, phone.number)[-1]
    assert "Terima kasih" in phone.say("4")  # the survey flow takes the rating
    assert "Balas dengan angka" in phone.say("menu")  # the bot is back


def test_misunderstood_twice_goes_to_a_person(wa_client, phone, staff, rt):
    with rt.sessions.begin() as s:
        kominfo = s.scalars(select(Opd).where(Opd.key == "diskominfo")).one()
        s.add(Staff(phone="+6281200000009", name="Mas Helpdesk", role=StaffRole.PETUGAS, opd_id=kominfo.id))
    phone.send("xq zzv bbrr")
    answer = phone.say("qqq www eee")
    assert "Mau saya hubungkan dengan petugas?" in answer and "Diskominfo" not in answer  # asked, not done
    assert outbox(rt, "+6281200000009") == []
    answer = phone.say("nggih")
    assert "kurang paham" in answer and "Diskominfo" in answer
    assert "minta bicara" in outbox(rt, "+6281200000009")[-1]


def test_kades_link_counts_the_desa_and_offers_reminders(phone, rt):
    answer = phone.say(referral_text("Wonosunyo", "35.14.12.2001"))
    assert "warga *Desa Wonosunyo*" in answer and "Kecamatan Gempol" in answer and "INGATKAN" in answer
    with rt.sessions() as s:
        r = s.scalars(select(Resident)).one()
        assert r.referral_desa.nama == "Wonosunyo" and r.kecamatan.nama == "Gempol"


@pytest.mark.parametrize("close", ["{code} selesai, orangnya sudah datang langsung hari ini",
                                   "#{code} selesai. Sampun kula urus",
                                   "{code} Selesai; warga sudah dilayani"])
def test_selesai_with_punctuation_after_it_is_the_command_never_a_message(wa_client, phone, ticket, rt, close):
    """"km4821 selesai, orangnya …": the word is the command even with a comma or a full stop glued to it; the
    rest is the note. It was relayed to the resident as a chat message."""
    phone.say("aku njaluk ngomong karo wong, dudu mesin")
    rina = Phone(wa_client, RINA, "Rina")
    rina.say(f"#{ticket} Bu, berkasnya dibawa nggih")
    answer = rina.say(close.format(code=ticket.lower().replace("-", "")))
    assert "Terkirim" not in answer
    assert not any("orangnya" in m or "Sampun kula" in m or "sudah dilayani" in m for m in outbox(rt, phone.number))
