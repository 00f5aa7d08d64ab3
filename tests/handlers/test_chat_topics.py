"""A resident holding a registration who asks a person about something else (#23 cat. 9), through the signed
webhook on SQLite and PostgreSQL: the chat gets a ticket of its own (its topic kept), the registration stays as it
was, and a petugas' chat reply never reads as the registration's "Catatan petugas" in STATUS."""

import pytest
from sqlalchemy import select

from storage.models import Ticket
from tests.handlers.test_staff_side import ktp, register, rina  # noqa: F401  (fixtures)
from tests.whatsapp import outbox


def tickets(rt) -> list[Ticket]:
    with rt.sessions() as s:
        return list(s.scalars(select(Ticket).order_by(Ticket.id)))


@pytest.mark.parametrize("asked", [
    "mau tanya langsung sm petugas capil, nama di KK salah",
    "aku njaluk ngomong karo petugas capil, jeneng bapakku nang KK keliru",
    "nyuwun dipun sambungaken petugas capil, asma ing akta lair lepat",
])
def test_a_new_topic_gets_a_chat_of_its_own(phone, rina, ktp, rt, asked):
    answer = phone.say(asked)
    assert "Kode percakapan" in answer and ktp not in answer, answer
    registration, chat = tickets(rt)
    assert registration.kode == ktp and registration.visit_id is not None
    assert chat.visit_id is None and chat.layanan_id is None
    assert "KK" in chat.catatan or "akta" in chat.catatan, chat.catatan
    assert chat.kode in outbox(rt, rina.number)[-1]
    # the petugas answers in the chat; the registration's STATUS carries no chat reply as its note
    rina.say(f"#{chat.kode} Baik bu, nanti dibetulkan di lokasi")
    status = phone.say(f"status {ktp}")
    assert "Catatan petugas: -" in status and "dibetulkan" not in status, status


def test_asking_a_person_about_the_ticket_itself_stays_on_it(phone, rina, ktp, rt):
    answer = phone.say("mau tanya petugas soal tiket pendaftaran saya")
    assert ktp in answer, answer
    assert len(tickets(rt)) == 1


def test_a_chat_reply_on_the_registration_is_no_status_note(phone, rina, ktp, rt):
    rina.say(f"#{ktp} Bu, jangan lupa bawa KK asli")
    status = phone.say(f"status {ktp}")
    assert "Catatan petugas: -" in status, status
