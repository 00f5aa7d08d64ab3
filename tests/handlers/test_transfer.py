"""Passing a chat or ticket to another dinas (issue #14, found in `bot chat`): `#KODE alihkan <dinas>`
from a petugas' phone, and a helpdesk chat whose first words name its dinas going there by itself.
Through the signed webhook on SQLite and PostgreSQL; what each phone was sent is read from the outbox."""

import pytest
from sqlalchemy import select

from storage.models import Conversation, Opd, Staff, StaffRole, Ticket
from tests.handlers.test_staff_side import add_staff
from tests.whatsapp import BUDI, RINA, Phone, add_visit, outbox

ANI = "+6281200000009"  # helpdesk (Diskominfo)
KADES = "+6281311111111"
ASK_FOR_A_PERSON = "Nyuwun sewu, saged kula matur kaliyan petugas?"  # no topic: to the helpdesk



def the_ticket(rt) -> Ticket:
    with rt.sessions() as s:
        t = s.scalars(select(Ticket).order_by(Ticket.id.desc())).first()
        _ = t.opd.key, t.assigned_staff, [(e.actor, e.action, e.note, e.staff) for e in t.events]
        return t


@pytest.fixture
def ani(wa_client, staff, rt):
    """Bu Ani at the helpdesk, beside Bu Rina (Dispendukcapil) and Pak Budi (Dinas Sosial)."""
    add_staff(rt, ANI, "Bu Ani", "diskominfo")
    return Phone(wa_client, ANI, "Ani")


@pytest.fixture
def chat(phone, ani, rt) -> str:
    """A resident handed to the helpdesk with no topic; their first words name nothing."""
    answer = phone.say(ASK_FOR_A_PERSON)
    assert "saya sambungkan ke petugas *Diskominfo*" in answer
    assert "diteruskan ke petugas" in phone.say("Ngapunten, badhe nyuwun pirsa babagan ibu kula")
    ticket = the_ticket(rt)
    assert (ticket.opd.key, ticket.assigned_staff.name) == ("diskominfo", "Bu Ani")
    return ticket.kode


# — 1. #KODE alihkan <dinas> ————————————————————————————————————————————————————————————

def test_helpdesk_passes_the_chat_to_dinas_sosial(wa_client, phone, ani, chat, rt):
    phone.send("NIK ibu kula 3514010101010001")
    answer = ani.say(f"#{chat} alihkan dinsos")
    assert answer == f"✓ {chat} dialihkan ke Dinas Sosial, sekarang ditangani Pak Budi. Warga sudah dikabari."

    notice = outbox(rt, BUDI)[-1]
    assert notice.startswith(f"🔀 *{chat}* dialihkan dari Diskominfo (Bu Ani) ke dinas Anda — Sumarti")
    assert '"Ngapunten, badhe nyuwun pirsa babagan ibu kula"' in notice
    assert "3514********0001" in notice and "3514010101010001" not in notice  # masked as the relay does
    told = outbox(rt, phone.number)[-1]
    assert told.startswith(f"ℹ️ Percakapan Anda (kode *{chat}*) sekarang ditangani petugas *Dinas Sosial*")
    assert "Budi" not in told and BUDI.lstrip("+") not in told  # the dinas, not the officer's number

    # The chat goes on with Pak Budi: the resident's words reach him, his reply reaches them.
    assert "diteruskan ke petugas" in phone.say("PKH ibu kula mboten cair wulan niki")
    assert f"*{chat}* — Sumarti: PKH ibu kula mboten cair wulan niki" in outbox(rt, BUDI)[-1]
    budi = Phone(wa_client, BUDI, "Budi")
    assert "Terkirim" in budi.say(f"#{chat} Bu, PKH cair tanggal 20, mangga dientosi")
    assert outbox(rt, phone.number)[-1] == "👤 Pak Budi (Dinas Sosial): Bu, PKH cair tanggal 20, mangga dientosi"
    assert "milik dinas lain" in ani.say(f"#{chat} status ditolak")  # no longer the helpdesk's

    ticket = the_ticket(rt)
    assert (ticket.opd.key, ticket.assigned_staff.name) == ("dinsos", "Pak Budi")
    moved = [(e.actor, e.staff.name, e.note) for e in ticket.events if e.action == "pindah_dinas"]
    assert moved == [("petugas", "Bu Ani", "Diskominfo → Dinas Sosial (Pak Budi)")]


def test_dinas_named_as_people_name_them_and_who_may_move_what(wa_client, phone, ani, chat, rt):
    rina, budi = Phone(wa_client, RINA, "Rina"), Phone(wa_client, BUDI, "Budi")
    assert "ditangani Bu Rina" in ani.say(f"#{chat} alihkan ke dispenduk")
    assert "ditangani Pak Budi" in rina.say(f"{chat.lower()} alihkan Dinas Sosial")
    # Nobody at Dinas Kesehatan: the ticket waits in its queue, the mover is told, the resident too.
    answer = budi.say(f"#{chat} alihkan kesehatan")
    assert "belum ada petugas Dinas Kesehatan yang aktif" in answer and "helpdesk Diskominfo" in answer
    assert "belum ada petugas Dinas Kesehatan yang bisa dihubungi" in outbox(rt, phone.number)[-1]
    with rt.sessions() as s:  # the bot serves the resident again meanwhile
        assert s.scalars(select(Conversation)).one().handoff_ticket_id is None
    # Now Dinas Kesehatan's: Pak Budi may not move it any more; the helpdesk may.
    assert "hanya petugas Dinas Kesehatan atau helpdesk" in budi.say(f"#{chat} alihkan dinsos")
    assert f"Tiket {chat} sudah ditangani Dinas Kesehatan." == ani.say(f"#{chat} alihkan rsud")
    assert "tidak saya kenali" in ani.say(f"#{chat} alihkan dinas pu")
    assert "ditangani Bu Rina" in ani.say(f"#{chat} alihkan capil")
    # Someone holds it again: the resident, idle with the bot, is back in the chat with her.
    assert outbox(rt, phone.number)[-1].startswith(
        f"ℹ️ Percakapan Anda (kode *{chat}*) sekarang ditangani petugas *Dispendukcapil*")
    assert "diteruskan ke petugas" in phone.say("KTP kula pripun?")
    assert f"*{chat}* — Sumarti: KTP kula pripun?" in outbox(rt, RINA)[-1]
    assert "Tulis dinas tujuannya" in ani.say(f"#{chat} alihkan")

    ticket = the_ticket(rt)
    assert [(e.staff.name, e.note) for e in ticket.events if e.action == "pindah_dinas"] == [
        ("Bu Ani", "Diskominfo → Dispendukcapil (Bu Rina)"),
        ("Bu Rina", "Dispendukcapil → Dinas Sosial (Pak Budi)"),
        ("Pak Budi", "Dinas Sosial → Dinas Kesehatan (belum ada petugas)"),
        ("Bu Ani", "Dinas Kesehatan → Dispendukcapil (Bu Rina)")]
    # Whoever moves a ticket they hold is not told of it again.
    assert not any(b.startswith("↪️") for b in outbox(rt, RINA) + outbox(rt, BUDI))


def test_a_service_ticket_too_and_the_one_who_held_it_is_told(wa_client, phone, ani, rt):
    add_visit(rt, "Gempol", 10)
    for line in ("daftar ktp", "gempol", "1", "1", "gempol", "1", "1"):
        phone.send(line)
    kode = the_ticket(rt).kode
    Phone(wa_client, RINA, "Rina").send(f"ambil {kode}")
    assert "ditangani Pak Budi" in ani.say(f"#{kode} alihkan bansos")  # a service names its dinas
    assert outbox(rt, RINA)[-1] == f"↪️ *{kode}* dialihkan ke Dinas Sosial (Bu Ani); petugas Dinas Sosial yang melanjutkan."
    assert outbox(rt, phone.number)[-1] == (
        f"ℹ️ Tiket *{kode}* (KTP-el) sekarang ditangani *Dinas Sosial*. Cek kapan saja: ketik *STATUS {kode}*.")


def test_who_may_not_transfer(wa_client, phone, ani, chat, rt):
    budi = Phone(wa_client, BUDI, "Budi")
    assert "hanya petugas Diskominfo atau helpdesk" in budi.say(f"#{chat} alihkan dinsos")
    add_staff(rt, KADES, "Pak Slamet", role=StaffRole.KADES, desa="Wonosunyo")
    kades = Phone(wa_client, KADES, "Slamet")
    assert "dialihkan" not in kades.say(f"#{chat} alihkan dinsos")  # answered as a resident
    assert "#KODE alihkan dinas" in ani.say("bantuan")
    assert "#KODE alihkan" not in kades.say("bantuan")
    assert "ditutup" in ani.say(f"#{chat} selesai")
    assert ani.say(f"#{chat} alihkan dinsos") == f"Tiket {chat} sudah ditutup."
    ticket = the_ticket(rt)
    assert ticket.opd.key == "diskominfo" and not [e for e in ticket.events if e.action == "pindah_dinas"]


# — 2. a topic-less helpdesk chat routed by the resident's first words ————————————————————

def test_first_words_naming_a_service_take_the_chat_to_its_dinas(wa_client, phone, ani, rt):
    assert "saya sambungkan ke petugas *Diskominfo*" in phone.say(ASK_FOR_A_PERSON)
    answer = phone.say("bab bansos PKH ibu kula")
    assert answer.startswith("✓ Karena menyangkut *Bansos (PKH/BPNT)*, pesan Anda saya teruskan ke petugas *Dinas Sosial*")
    kode = the_ticket(rt).kode
    notice = outbox(rt, BUDI)[-1]
    assert notice.startswith(f"🔀 *{kode}* dialihkan dari Diskominfo (otomatis: warga menyebut Bansos (PKH/BPNT))")
    assert '"bab bansos PKH ibu kula"' in notice
    # Bu Ani had the first notice; of this message she hears only that the chat went on.
    assert outbox(rt, ANI)[-1].startswith(f"↪️ *{kode}* dialihkan ke Dinas Sosial (otomatis")
    assert not any("bab bansos" in b for b in outbox(rt, ANI))

    # Said once: the next line goes to Pak Budi quietly.
    assert phone.send("ibu kula sampun sepuh") == []
    assert "Sumarti: ibu kula sampun sepuh" in outbox(rt, BUDI)[-1]
    ticket = the_ticket(rt)
    assert (ticket.opd.key, ticket.assigned_staff.name) == ("dinsos", "Pak Budi")
    assert [(e.actor, e.staff, e.note) for e in ticket.events if e.action == "pindah_dinas"] == [
        ("system", None, "Diskominfo → Dinas Sosial (Pak Budi); otomatis: Bansos (PKH/BPNT)")]


def _stays_with_the_helpdesk(rt, text: str) -> None:
    ticket = the_ticket(rt)
    assert (ticket.opd.key, ticket.assigned_staff.name) == ("diskominfo", "Bu Ani")
    assert not [e for e in ticket.events if e.action == "pindah_dinas"]
    assert f"Sumarti: {text}" in outbox(rt, ANI)[-1]


def test_not_once_a_petugas_replied(wa_client, phone, ani, rt):
    phone.send(ASK_FOR_A_PERSON)
    kode = the_ticket(rt).kode
    ani.send(f"#{kode} Monggo Bu, wonten ingkang saged kula bantu?")
    assert "Karena menyangkut" not in phone.say("bab bansos PKH ibu kula")
    _stays_with_the_helpdesk(rt, "bab bansos PKH ibu kula")


def test_not_when_the_words_name_nothing_nor_after_the_first_lines(phone, ani, rt):
    phone.send(ASK_FOR_A_PERSON)
    for line in ("Pak", "kula badhe tanglet", "ngapunten nggih"):
        assert "Karena menyangkut" not in phone.say(line)
        _stays_with_the_helpdesk(rt, line)
    assert "Karena menyangkut" not in phone.say("bab bansos PKH ibu kula")  # the fourth line: a conversation
    _stays_with_the_helpdesk(rt, "bab bansos PKH ibu kula")


def test_not_to_a_dinas_with_no_active_petugas(phone, ani, rt):
    phone.send(ASK_FOR_A_PERSON)
    assert "Karena menyangkut" not in phone.say("anak kula badhe imunisasi wonten puskesmas")
    _stays_with_the_helpdesk(rt, "anak kula badhe imunisasi wonten puskesmas")
